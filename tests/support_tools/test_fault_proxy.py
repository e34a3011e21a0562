"""The fault proxy and the test CA do what the sync scenarios rely on: each fault changes
what the server and the client see exactly as its name says."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.support.fault_proxy import FaultProxy
from tests.support.tls_ca import make_test_ca


class Counter:
    """A tiny server that applies each POST (counts it) and answers the count."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.applied: list[bytes] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.applied.append(body)
                data = json.dumps({"applied": len(owner.applied)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def link() -> Iterator[tuple[Counter, FaultProxy]]:
    server = Counter()
    proxy = FaultProxy(server.url())
    yield server, proxy
    proxy.stop()
    server.stop()


def post(proxy: FaultProxy, body: str, path: str = "/api/v1/push") -> requests.Response:
    return requests.post(proxy.base_url + path, data=body.encode(), timeout=5)


def test_a_clean_link_forwards_everything(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    assert post(proxy, "a").json() == {"applied": 1}
    assert server.applied == [b"a"] and proxy.seen.forwarded == 1


def test_a_dropped_response_reaches_the_server_but_not_the_client(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    proxy.drop_responses(1, path="/api/v1/push")
    with pytest.raises(requests.ConnectionError):
        post(proxy, "a")
    assert server.applied == [b"a"]  # committed, answer lost
    assert post(proxy, "b").json() == {"applied": 2}  # the next one goes through


def test_a_cut_request_never_reaches_the_server(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    proxy.cut_requests(1)
    with pytest.raises(requests.ConnectionError):
        post(proxy, "a")
    assert server.applied == []


def test_failures_for_a_while_then_recovery(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    proxy.fail(2, status=500)
    assert [post(proxy, "a").status_code for _ in range(3)] == [500, 500, 200]
    assert server.applied == [b"a"]


def test_only_the_named_path_is_broken(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    proxy.fail(1, status=503, path="/api/v1/pull")
    assert post(proxy, "a", path="/api/v1/push").status_code == 200
    assert post(proxy, "b", path="/api/v1/pull").status_code == 503


def test_duplicated_and_replayed_requests_arrive_again(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    proxy.duplicate(1)
    assert post(proxy, "a").json() == {"applied": 2}  # the client sees the second answer
    proxy.record(2)
    post(proxy, "b")
    post(proxy, "c")
    assert proxy.replay_recorded() == [200, 200]
    assert server.applied == [b"a", b"a", b"b", b"c", b"c", b"b"]  # old requests late, newest first


def test_a_link_that_is_down_refuses_until_it_is_up(link) -> None:  # type: ignore[no-untyped-def]
    server, proxy = link
    proxy.down()
    with pytest.raises(requests.ConnectionError):
        post(proxy, "a")
    proxy.up()
    assert post(proxy, "b").status_code == 200
    assert server.applied == [b"b"] and proxy.seen.refused == 1


def test_the_test_ca_makes_a_certificate_that_verifies_only_against_it(tmp_path: Path) -> None:
    ca = make_test_ca(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ca.server_cert, ca.server_key)
    server = Counter(tls=context)
    try:
        assert requests.post(server.url("https"), data=b"x", timeout=5, verify=str(ca.ca_cert)).json() == {"applied": 1}
        with pytest.raises(requests.exceptions.SSLError):  # verification on, the system's CAs: refused
            requests.post(server.url("https"), data=b"y", timeout=5)
    finally:
        server.stop()
    assert server.applied == [b"x"]
