"""Issue 18 against ``motcua server run`` itself, a real process: its memory while a client
streams a 600 MB chunked body at it, and whose X-Forwarded-For it believes."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from core.keys import generate_keypair
from sync.protocol import API
from sync.server.database import CentreDatabase
from sync.server.models import CentreWebLimit
from tests.support.chunked import MB, stream_chunked
from tests.support.server_process import ServerProcess, server_process
from tests.support.windows import clear_of_the_hour

TIMEOUT = 10
CEILING_MB = 200  # the server process's resident memory must stay under this



def _bad_enroll(server: ServerProcess, forwarded_for: str, **headers: str) -> requests.Response:
    _private, public = generate_keypair()
    return requests.post(server.base_url + API + "/enroll", timeout=TIMEOUT, headers={
        "X-Forwarded-For": forwarded_for, **headers}, json={
        "code": "ABCD-EFGH-JKLM", "device_name": "x", "device_kind": "agent",
        "public_key": base64.b64encode(public).decode()})


def _limit_keys(server: ServerProcess) -> set[str]:
    db = CentreDatabase(server.database_url)
    try:
        with db.read() as s:
            return set(s.scalars(select(CentreWebLimit.key)))
    finally:
        db.dispose()


def test_a_600_mb_chunked_push_leaves_the_server_under_200_mb(tmp_path: Path) -> None:
    with server_process(f"sqlite:///{tmp_path / 'centre.db'}", tmp_path) as server:
        credential = server.enroll()
        before = server.rss_mb()

        def watch(sent: int) -> None:  # stop at once (and fail) if the server swells
            rss = server.rss_mb()
            assert rss < CEILING_MB, f"the server holds {rss:.0f} MB after {sent // MB} MB were sent"

        cases = [("POST", API + "/push", {"Authorization": f"Bearer {credential}"}, 413),
                 ("POST", API + "/push", {}, 401),
                 ("PATCH", API + "/blobs/" + "ab" * 32, {"Authorization": f"Bearer {credential}",
                                                         "Upload-Offset": "0"}, 413),
                 ("POST", "/tra-cuu", {"Content-Type": "application/x-www-form-urlencoded"}, 413)]
        for method, path, headers, status in cases:
            sent = stream_chunked("127.0.0.1", server.port, method, path, total=600 * MB, seconds=15,
                                  headers={"Content-Type": "application/json", **headers}, watch=watch)
            assert sent.status == status and not sent.finished, (path, sent)
            assert sent.seconds < 8, (path, sent.seconds)
        peak = server.peak_mb()
        print(f"server memory: {before:.0f} MB before, peak {peak:.0f} MB under 4 x 600 MB chunked bodies")
        assert peak < CEILING_MB
        assert requests.get(server.base_url + "/healthz", timeout=TIMEOUT).json() == {"ok": True}


@pytest.mark.parametrize("args", [(), ("--forwarded-allow-ips", "10.9.9.9")])
def test_by_default_and_with_another_proxy_named_no_client_picks_its_own_address(tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    env = {"MOTCUA_SERVER_ENROLL_PER_IP_PER_HOUR": "2"}
    with server_process(f"sqlite:///{tmp_path / 'centre.db'}", tmp_path, *args, env=env) as server:
        clear_of_the_hour()
        answers = [_bad_enroll(server, f"203.0.113.{n}", **{"X-Forwarded-Proto": "https"}) for n in range(3)]
        assert [a.status_code for a in answers] == [401, 401, 429]
        assert int(answers[2].headers["Retry-After"]) > 0
        assert _limit_keys(server) == {"127.0.0.1"}  # counted under the real peer
        assert "strict-transport-security" not in answers[0].headers  # plain HTTP, whatever it says


def test_behind_a_named_proxy_each_client_is_counted_and_https_gets_hsts(tmp_path: Path) -> None:
    env = {"MOTCUA_SERVER_ENROLL_PER_IP_PER_HOUR": "2"}
    with server_process(f"sqlite:///{tmp_path / 'centre.db'}", tmp_path, "--forwarded-allow-ips", "127.0.0.1",
                        env=env) as server:
        clear_of_the_hour()
        answers = [_bad_enroll(server, f"203.0.113.{n}", **{"X-Forwarded-Proto": "https"}) for n in range(3)]
        assert [a.status_code for a in answers] == [401, 401, 401]
        assert _limit_keys(server) == {"203.0.113.0", "203.0.113.1", "203.0.113.2"}
        assert answers[0].headers["strict-transport-security"] == "max-age=31536000"
        plain = _bad_enroll(server, "203.0.113.9")
        assert "strict-transport-security" not in plain.headers
