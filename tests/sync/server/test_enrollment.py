"""Enrollment and credentials: a code works once, revoked or expired devices get 401, and
the centre keeps no credential it could leak."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import select, update

from core.keys import generate_keypair
from core.tokens import KeyRing, key_id_of
from sync.server import admin
from sync.server.auth import sha256_hex
from sync.server.models import CentreDevice, CentreOffice
from tests.sync.server.helpers import TIMEOUT, Device


def _enroll(centre, code: str, name: str = "agent-x") -> requests.Response:
    _private, public = generate_keypair()
    return requests.post(centre.api_url + "/enroll", timeout=TIMEOUT, json={
        "code": code, "device_name": name, "device_kind": "agent", "public_key": base64.b64encode(public).decode()})


def test_a_code_enrolls_one_device_once(centre) -> None:
    code = centre.enroll_code("00004")
    first = _enroll(centre, code)
    assert first.status_code == 200
    assert first.json()["office_code"] == "00004"
    again = _enroll(centre, code, name="agent-y")
    assert again.status_code == 401
    assert _enroll(centre, code.lower().replace("-", " ")).status_code == 401  # typed differently: still used
    assert _enroll(centre, "ABCD-EFGH-JKLM").status_code == 401
    with centre.read() as s:
        assert s.get(CentreOffice, "00004").enrolled_at is not None
        assert len(list(s.scalars(select(CentreDevice)))) == 1


def test_a_code_can_be_typed_in_lower_case_without_dashes(centre) -> None:
    code = centre.enroll_code("00004")
    assert _enroll(centre, code.lower().replace("-", "")).status_code == 200


def test_an_expired_code_does_not_enroll(centre) -> None:
    with centre.write() as s:
        code = admin.enrollment_code(s, "00004", valid_days=1, now=datetime.now(timezone.utc) - timedelta(days=2))
    assert _enroll(centre, code).status_code == 401


def test_a_bad_public_key_is_refused(centre) -> None:
    r = requests.post(centre.api_url + "/enroll", timeout=TIMEOUT, json={
        "code": centre.enroll_code(), "device_name": "x", "device_kind": "agent",
        "public_key": base64.b64encode(b"short").decode()})
    assert r.status_code == 422


def test_only_the_hash_of_a_credential_is_stored(centre) -> None:
    dev = Device(centre)
    with centre.read() as s:
        row = s.get(CentreDevice, dev.device_id)
        assert row.credential_hash == sha256_hex(dev.credential)
        assert dev.credential not in repr([getattr(row, c.key) for c in CentreDevice.__table__.columns])


def test_requests_without_a_valid_credential_get_401(centre) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        for method, path in (("GET", "/time"), ("GET", "/pull"), ("POST", "/push")):
            r = requests.request(method, centre.api_url + path, headers=headers, json={"ops": []}, timeout=TIMEOUT)
            assert r.status_code == 401, (method, path, headers)
            assert r.headers["WWW-Authenticate"] == "Bearer"


def test_a_revoked_device_gets_401_and_leaves_the_key_ring(centre) -> None:
    dev = Device(centre)
    other = Device(centre, name="agent-2")
    assert dev.session.get(centre.api_url + "/time", timeout=TIMEOUT).status_code == 200
    with centre.write() as s:
        admin.revoke_device(s, dev.device_id)
    for method, path in (("GET", "/time"), ("GET", "/pull"), ("POST", "/push"), ("HEAD", "/blobs/" + "0" * 64)):
        assert dev.session.request(method, centre.api_url + path, json={"ops": []}, timeout=TIMEOUT).status_code == 401
    changes, _cursor = other.pull_all()
    mine = [c for c in changes if c["entity"] == "device" and c["entity_id"] == str(dev.device_id)]
    assert [c["data"]["revoked"] for c in mine] == [False, True]


def test_an_expired_credential_gets_401(centre) -> None:
    dev = Device(centre)
    with centre.write() as s:
        s.execute(update(CentreDevice).where(CentreDevice.id == dev.device_id)
                  .values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    r = dev.session.get(centre.api_url + "/time", timeout=TIMEOUT)
    assert r.status_code == 401
    assert r.json()["code"] == "expired"


def test_enrollment_publishes_the_device_key_and_the_centre_key(centre) -> None:
    dev = Device(centre)
    changes, _cursor = dev.pull_all()
    devices = {c["entity_id"]: c["data"] for c in changes if c["entity"] == "device"}
    assert devices[str(dev.device_id)]["public_key"] == base64.b64encode(dev.public_key).decode()
    assert devices[str(dev.device_id)]["office_code"] == "00004"
    centre_keys = [d for d in devices.values() if d["kind"] == "centre"]
    assert len(centre_keys) == 1 and centre_keys[0]["office_code"] is None
    public = base64.b64decode(centre_keys[0]["public_key"])
    assert dev.centre_public_keys == {key_id_of(public).hex(): centre_keys[0]["public_key"]}
    KeyRing.from_public_keys([public])  # a loadable Ed25519 key


def test_time_answers_the_server_clock(centre) -> None:
    dev = Device(centre)
    r = dev.session.get(centre.api_url + "/time", timeout=TIMEOUT)
    server_time = datetime.fromisoformat(r.json()["server_time"])
    assert abs(server_time - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_contact_is_recorded(centre) -> None:
    dev = Device(centre)
    dev.push([])
    with centre.read() as s:
        [summary] = admin.offices(s)
    assert summary.last_contact_at is not None
    assert summary.devices[0].id == dev.device_id and summary.devices[0].last_seen_at is not None


def test_the_openapi_document_is_served(centre) -> None:
    doc = requests.get(centre.base_url + "/openapi.json", timeout=TIMEOUT).json()
    assert {"/api/v1/enroll", "/api/v1/push", "/api/v1/pull", "/api/v1/time", "/api/v1/blobs/{sha256}"} <= set(doc["paths"])
    # The push body is parsed by hand (speed) and still documented: its schema and the op's.
    ref = doc["paths"]["/api/v1/push"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schemas = doc["components"]["schemas"]
    push = schemas[ref.rsplit("/", 1)[1]]
    assert push["properties"]["ops"]["items"]["$ref"] == "#/components/schemas/Op"
    assert {"op_id", "entity", "entity_id", "payload"} <= set(schemas["Op"]["properties"])
    assert "PushResponse" in schemas

