"""Issue 18: enrollment attempts are counted per client address in the database (every
worker shares the count); past the limit the centre answers 429 with Retry-After, even to the
right code, and other addresses are not affected. A real centre on 127.0.0.1."""

from __future__ import annotations

import base64
from pathlib import Path

import requests
from sqlalchemy import select

from core.keys import generate_keypair
from sync.server.attempts import ENROLL_IP
from sync.server.models import CentreWebLimit
from sync.server.settings import ServerSettings, load_server_settings
from tests.support.centre import running_centre
from tests.support.windows import clear_of_the_hour
from tests.sync.server.helpers import TIMEOUT


def _enroll(centre, code: str, forwarded_for: str = "") -> requests.Response:  # type: ignore[no-untyped-def]
    _private, public = generate_keypair()
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return requests.post(centre.api_url + "/enroll", timeout=TIMEOUT, headers=headers, json={
        "code": code, "device_name": "agent", "device_kind": "agent", "public_key": base64.b64encode(public).decode()})


def test_guessing_enrollment_codes_is_stopped_per_address(centre_url: str, tmp_path: Path) -> None:
    # (The test centre's uvicorn believes X-Forwarded-For from 127.0.0.1: a proxy on loopback.)
    with running_centre(centre_url, tmp_path / "centre", settings=ServerSettings(enroll_per_ip_per_hour=3)) as centre:
        clear_of_the_hour()
        guesses = [_enroll(centre, f"ABCD-EFGH-JK{n}M", "203.0.113.5").status_code for n in range(2, 6)]
        assert guesses == [401, 401, 401, 429]
        refused = _enroll(centre, centre.enroll_code(), "203.0.113.5")  # even the right code, from there
        assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        assert _enroll(centre, centre.enroll_code(), "198.51.100.7").status_code == 200  # another office is fine
        with centre.read() as s:
            rows = {(r.kind, r.key): r.hits for r in s.scalars(select(CentreWebLimit))}
        assert rows == {(ENROLL_IP, "203.0.113.5"): 5, (ENROLL_IP, "198.51.100.7"): 1}


def test_the_enrollment_limit_is_a_setting() -> None:
    assert ServerSettings().enroll_per_ip_per_hour == 30
    assert load_server_settings(environ={"MOTCUA_SERVER_ENROLL_PER_IP_PER_HOUR": "5"}).enroll_per_ip_per_hour == 5
    assert load_server_settings(environ={"MOTCUA_SERVER_FORWARDED_ALLOW_IPS": "10.0.0.5"}).forwarded_allow_ips == \
        "10.0.0.5"
