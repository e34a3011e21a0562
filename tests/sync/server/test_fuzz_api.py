"""Issue 18: the device API fuzzed from its own OpenAPI document, against ``motcua server
run`` on SQLite. Every operation the document lists gets requests drawn from its schemas
(tests/support/schema_strategies.py), with a valid, a wrong or no
credential, sometimes a body that is not JSON at all; no answer may be a 500, and the server
process must not swell. Bounded: a fixed number of examples, a deadline per request."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol import API
from tests.support.schema_strategies import from_schema
from tests.support.server_process import ServerProcess, server_process

TIMEOUT = 10
CEILING_MB = 200
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes | None


def _as_text(value: Any) -> str:
    return str(value) if not isinstance(value, bool) else str(value).lower()


def _operation(doc: dict[str, Any], path: str, method: str, op: dict[str, Any], credential: str
               ) -> st.SearchStrategy[Call]:
    components = doc.get("components", {}).get("schemas", {})
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for param in op.get("parameters", []):
        name, where = param["name"], param["in"]
        if name == "authorization":
            continue
        values = from_schema(param["schema"], components).map(_as_text)
        if name == "sha256":
            values = st.one_of(values, st.text("0123456789abcdef", min_size=64, max_size=64))
        if where == "header":
            values = st.one_of(values, HEADER_TEXT)  # what the schema says, or any header text
        drawn = values if param.get("required") else st.one_of(st.none(), values)
        parts[f"{where}:{name}"] = drawn
    parts["auth"] = st.sampled_from([f"Bearer {credential}"] * 5 + ["", "Bearer wrong", "Basic x"])
    body_schema = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
    if body_schema is not None:
        json_bodies = from_schema(body_schema, components).map(lambda value: json.dumps(value).encode())
        parts["body"] = st.one_of(json_bodies, json_bodies, st.binary(max_size=300))
    elif method in ("patch", "post"):
        parts["body"] = st.binary(max_size=2048)

    def build(drawn: dict[str, Any]) -> Call:
        url_path = path
        params, headers = {}, {}
        for key, value in drawn.items():
            if value is None or ":" not in key:
                continue
            where, name = key.split(":", 1)
            if where == "path":
                url_path = url_path.replace("{" + name + "}", requests.utils.quote(value or "x", safe=""))
            elif where == "query":
                params[name] = value
            elif where == "header":
                headers[name] = value.strip()  # (requests itself refuses a value with spaces around it)
        if drawn["auth"]:
            headers["Authorization"] = drawn["auth"]
        if body_schema is not None:
            headers["Content-Type"] = "application/json"
        return Call(method.upper(), url_path, params, headers, drawn.get("body"))

    return st.fixed_dictionaries(parts).map(build)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("fuzz")
    with server_process(f"sqlite:///{tmp / 'centre.db'}", tmp,
                        env={"MOTCUA_SERVER_ENROLL_PER_IP_PER_HOUR": "1000000"}) as running:
        yield running



def test_no_request_drawn_from_the_openapi_document_makes_the_centre_fail(server: ServerProcess) -> None:
    session = requests.Session()
    doc = session.get(server.base_url + "/openapi.json", timeout=TIMEOUT).json()
    credential = server.enroll("fuzz")
    operations = [(path, method, op) for path, ops in doc["paths"].items() if path.startswith(API)
                  for method, op in ops.items()]
    assert len(operations) >= 8  # enroll, push, resolve, pull, time, and the blob's head, get and patch
    # The operations that take a body are drawn three times as often: that is where input goes.
    calls = st.one_of(*[_operation(doc, path, method, op, credential)
                        for path, method, op in operations for _ in range(3 if method in ("post", "patch") else 1)])
    seen: dict[tuple[str, int], int] = {}
    started, server_started = time.process_time(), server.cpu_seconds()

    @settings(max_examples=300, deadline=3000, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(calls)
    def one(call: Call) -> None:
        r = session.request(call.method, server.base_url + call.path, params=call.params, headers=call.headers,
                            data=call.body, timeout=TIMEOUT)
        key = (f"{call.method} {call.path.split('/')[3]}", r.status_code)
        seen[key] = seen.get(key, 0) + 1
        assert r.status_code < 500, (call, r.status_code, r.text[:300])

    one()
    cpu, server_cpu = time.process_time() - started, server.cpu_seconds() - server_started
    print(f"fuzz: {sum(seen.values())} requests, {cpu:.1f} s CPU in the test, {server_cpu:.1f} s in the server; "
          f"server peak {server.peak_mb():.0f} MB; answers {sorted(seen.items())}")
    assert any(status == 200 for (_what, status) in seen)  # the valid credential did get through
    assert server.peak_mb() < CEILING_MB
