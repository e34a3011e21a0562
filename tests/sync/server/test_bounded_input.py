"""Issue 18: the centre reads no more of a request than it will accept, chunked or not,
and asks for the credential before it reads a body. A real centre on 127.0.0.1; the client
streams a chunked body over a raw socket and stops when the server answers."""

from __future__ import annotations

import requests

from tests.support.centre import Centre
from tests.support.chunked import MB, stream_chunked
from tests.sync.server.helpers import TIMEOUT, Device

BLOB = "ab" * 32


def _stream(centre: Centre, method: str, path: str, *, total: int = 48 * MB, **headers: str):  # type: ignore[no-untyped-def]
    return stream_chunked("127.0.0.1", centre.port, method, path, total=total, headers=headers, seconds=20)


def test_a_push_without_a_credential_is_refused_before_its_body_is_read(centre: Centre) -> None:
    sent = _stream(centre, "POST", "/api/v1/push", **{"Content-Type": "application/json"})
    assert sent.status == 401 and b"credential" in sent.body
    assert sent.body_sent < 8 * MB, sent  # refused at once, not after 48 MB


def test_a_push_with_a_bad_credential_is_refused_before_its_body_is_read(centre: Centre) -> None:
    sent = _stream(centre, "POST", "/api/v1/push", Authorization="Bearer not-a-credential")
    assert sent.status == 401 and sent.body_sent < 8 * MB, sent


def test_a_chunked_push_over_the_limit_is_refused_while_it_streams(centre: Centre) -> None:
    device = Device(centre)
    limit = centre.settings.max_request_bytes
    sent = _stream(centre, "POST", "/api/v1/push", total=limit + 16 * MB,
                   Authorization=f"Bearer {device.credential}", **{"Content-Type": "application/json"})
    assert sent.status == 413 and b"too_large" in sent.body, sent
    assert not sent.finished and sent.body_sent < limit + 8 * MB
    assert sent.headers.get("connection") == "close"  # the rest of the body is never read
    assert device.push([]) == []  # the centre goes on serving


def test_a_chunked_blob_upload_without_a_credential_is_refused_before_its_body_is_read(centre: Centre) -> None:
    sent = _stream(centre, "PATCH", f"/api/v1/blobs/{BLOB}", **{"Upload-Offset": "0"})
    assert sent.status == 401 and sent.body_sent < 8 * MB, sent


def test_a_chunked_blob_upload_over_the_limit_is_refused_while_it_streams(centre: Centre) -> None:
    device = Device(centre)
    sent = _stream(centre, "PATCH", f"/api/v1/blobs/{BLOB}", Authorization=f"Bearer {device.credential}",
                   **{"Upload-Offset": "0"})
    assert sent.status == 413 and not sent.finished, sent
    assert sent.body_sent < centre.settings.max_request_bytes + 8 * MB
    head = device.session.head(centre.api_url + f"/blobs/{BLOB}", timeout=TIMEOUT)
    assert head.headers["Upload-Offset"] == "0"  # nothing of it was kept


def test_a_chunked_form_to_the_tracking_page_is_refused_after_a_little(centre: Centre) -> None:
    sent = _stream(centre, "POST", "/tra-cuu", total=200 * MB,
                   **{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    assert sent.status == 413, sent
    assert sent.body_sent < 4 * MB and sent.seconds < 10
    assert "text/html" in sent.headers["content-type"] and "Quá nhiều dữ liệu" in sent.body.decode()


def test_an_announced_body_over_the_limit_is_refused_before_it_is_sent(centre: Centre) -> None:
    r = requests.post(centre.base_url + "/tra-cuu", data=b"x" * (2 * MB), timeout=TIMEOUT,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    enroll = requests.post(centre.api_url + "/enroll", data=b"{" + b" " * MB + b"}", timeout=TIMEOUT,
                           headers={"Content-Type": "application/json"})
    assert enroll.status_code == 413


def test_a_pull_cursor_too_large_for_any_change_answers_400(centre: Centre) -> None:
    device = Device(centre)
    for cursor in ("9" * 400, "1." + "9" * 400, str(2**63)):
        r = device.session.get(centre.api_url + "/pull", params={"after": cursor}, timeout=TIMEOUT)
        assert r.status_code == 400, (cursor[:20], r.text)
        assert r.json()["code"] == "bad_cursor"
    assert device.pull(str(2**63 - 1))["changes"] == []  # the largest seq there can be is still a cursor


def test_every_authenticated_post_asks_for_the_credential_before_reading_the_body(centre: Centre) -> None:
    for path in ("/api/v1/push", "/api/v1/resolve"):
        sent = _stream(centre, "POST", path, **{"Content-Type": "application/json"})
        assert sent.status == 401 and b"credential" in sent.body, (path, sent)  # not 413: nothing was read
        assert sent.body_sent < 8 * MB
