"""Issue 18: every kind of answer of the centre carries the security headers — the API's
JSON (200, 401, 422), a 404, the citizens' pages and stylesheet, ``/docs`` and its OpenAPI
document, an early 413 and the incident middleware's 500 — and HSTS exactly when the answer
leaves over HTTPS. A real centre on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
import requests

from tests.support.centre import Centre, running_centre
from tests.sync.server.helpers import TIMEOUT, Device


def _assert_secured(r: requests.Response) -> str:
    what = f"{r.request.method} {r.url} -> {r.status_code}"
    assert r.headers.get("X-Frame-Options") == "DENY", what
    assert r.headers.get("Referrer-Policy") == "no-referrer", what
    assert r.headers.get("X-Content-Type-Options") == "nosniff", what
    policy = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, what
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, what
    return policy


def test_every_kind_of_answer_carries_the_security_headers(centre: Centre, monkeypatch: pytest.MonkeyPatch) -> None:
    device = Device(centre)
    api, base = centre.api_url, centre.base_url
    answers = [
        device.session.get(api + "/time", timeout=TIMEOUT),                                # API 200
        requests.get(api + "/time", timeout=TIMEOUT),                                      # API 401
        requests.post(api + "/enroll", json={"code": "x"}, timeout=TIMEOUT),               # API 422
        requests.get(base + "/no/such/page", timeout=TIMEOUT),                             # 404
        requests.get(base + "/tra-cuu", timeout=TIMEOUT),                                  # a site page
        requests.get(base + "/web/site.css", timeout=TIMEOUT),                             # its stylesheet
        requests.get(base + "/openapi.json", timeout=TIMEOUT),
        requests.post(base + "/tra-cuu", data=b"x" * 200_000, timeout=TIMEOUT,             # 413 before reading
                      headers={"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    assert [a.status_code for a in answers] == [200, 401, 422, 404, 200, 200, 200, 413]
    for answer in answers:
        assert "Strict-Transport-Security" not in answer.headers  # plain HTTP
        _assert_secured(answer)
    page_policy = answers[4].headers["Content-Security-Policy"]
    assert "style-src 'self'" in page_policy and "img-src 'self' data:" in page_policy  # the QR codes

    def render(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr("sync.server.web.page.Page.render", render)
    for accept in ("text/html", "application/json"):
        failed = requests.get(base + "/", headers={"Accept": accept}, timeout=TIMEOUT)
        assert failed.status_code == 500 and "incident" in failed.text
        _assert_secured(failed)


def test_the_api_docs_may_run_only_their_own_inline_script(centre: Centre) -> None:
    docs = requests.get(centre.base_url + "/docs", timeout=TIMEOUT)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    policy = _assert_secured(docs)
    scripts = re.findall(r"<script>(.*?)</script>", docs.text, flags=re.DOTALL)
    assert scripts
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "script-src https://cdn.jsdelivr.net 'sha256-" in policy


def test_answers_over_tls_carry_hsts(centre_url: str, tmp_path: Path) -> None:
    from tests.support.tls_ca import make_test_ca

    ca = make_test_ca(tmp_path / "ca")
    with running_centre(centre_url, tmp_path / "centre", ssl_certfile=str(ca.server_cert),
                        ssl_keyfile=str(ca.server_key)) as centre:
        for path in ("/healthz", "/tra-cuu", "/api/v1/time", "/nothing-here"):
            r = requests.get(centre.base_url + path, verify=str(ca.ca_cert), timeout=TIMEOUT)
            assert r.headers.get("Strict-Transport-Security") == "max-age=31536000", path
            _assert_secured(r)
