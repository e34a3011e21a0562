"""``POST /resolve`` (an office keeps the centre's version of its refused op) and office device
keys at the centre ("device" ops, keys.office_key_ring)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone

import requests

from core.ids import new_id
from core.keys import generate_keypair
from core.tokens import ReceiptToken, Result, Signer, verify
from sync.server import dossiers
from sync.server.keys import office_key_ring
from tests.support.centre import Centre
from tests.sync.server.helpers import TIMEOUT, Device, statuses


def _resolve(device: Device, op_id: object) -> requests.Response:
    return device.session.post(device.centre.api_url + "/resolve", json={"op_id": str(op_id)}, timeout=TIMEOUT)


def _conflict(centre: Centre, device: Device) -> tuple[uuid.UUID, dict, dict]:
    """A dossier moved centrally while the office moved it too: the office's move is in
    conflict, and its next one (pushed with it) is held."""
    dossier = new_id()
    receive = device.op("dossier", dossier, "receive", {"code": "H12-0001", "procedure_code": "1.004873"},
                        to_state="received")
    send = device.op("dossier", dossier, "send_to_processing", {"code": "H12-0001"}, from_state="received",
                     to_state="in_processing")
    assert statuses(device.push([receive, send])) == ["applied", "applied"]
    with centre.write() as s:
        dossiers.move_dossier(s, dossier, "request_supplement", by="so-tu-phap", note="Thiếu giấy tờ")
    losing = device.op("dossier", dossier, "result_back", {"code": "H12-0001"}, from_state="in_processing",
                       to_state="ready")
    later = device.op("dossier", dossier, "supplement_received", {"code": "H12-0001"}, from_state="needs_supplement",
                      to_state="received")
    assert statuses(device.push([losing, later])) == ["conflict", "held"]
    return dossier, losing, later


def test_an_office_keeps_the_centres_version_and_its_held_op_is_judged(centre: Centre) -> None:
    device = Device(centre)
    dossier, losing, later = _conflict(centre, device)
    answer = _resolve(device, losing["op_id"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["code"], body["entity"]) == ("rejected", "resolved_discarded", "dossier")
    assert body["server_state"]["status"] == "needs_supplement"  # the centre's version stands
    again = _resolve(device, losing["op_id"])  # idempotent: the same answer, nothing changes
    assert again.status_code == 200 and {k: again.json()[k] for k in ("status", "code")} == {
        "status": "rejected", "code": "resolved_discarded"}
    assert statuses(device.push([later])) == ["applied"]  # unblocked: judged against the centre's state
    assert centre.entity("dossier", dossier).status == "received"  # type: ignore[union-attr]
    assert statuses(device.push([losing])) == ["rejected"]  # the discarded op stays discarded


def test_another_office_cannot_resolve_or_even_see_an_op(centre: Centre) -> None:
    device = Device(centre)
    _dossier, losing, later = _conflict(centre, device)
    centre.create_office("00005")
    other = Device(centre, "00005", name="agent-b")
    refused = _resolve(other, losing["op_id"])
    assert refused.status_code == 404 and refused.json()["code"] == "unknown_op"
    unknown = _resolve(device, uuid.uuid4())
    # the same answer as for an op that does not exist: nothing revealed
    assert unknown.status_code == 404 and unknown.json()["code"] == refused.json()["code"]
    assert statuses(device.push([later])) == ["held"]  # still blocked
    anonymous = requests.post(centre.api_url + "/resolve", json={"op_id": losing["op_id"]}, timeout=TIMEOUT)
    assert anonymous.status_code == 401


NOW = datetime(2026, 11, 23, 3, tzinfo=timezone.utc)


def _key_op(device: Device, device_id: uuid.UUID, public: bytes, op_type: str = "register", *, kind: str = "counter",
            revoked: bool = False) -> dict:
    return device.op("device", device_id, op_type, {
        "office_code": device.office_code, "name": f"{kind}-{str(device_id)[:4]}", "kind": kind,
        "public_key": base64.b64encode(public).decode(), "revoked": revoked},
        to_state="revoked" if revoked else "active")


def test_office_device_keys_make_the_offices_key_ring(centre: Centre) -> None:
    device = Device(centre)
    private, public = generate_keypair()
    counter = new_id()
    _, centre_like = generate_keypair()
    results = device.push([_key_op(device, counter, public),
                           _key_op(device, new_id(), centre_like, kind="centre"),
                           _key_op(device, new_id(), centre_like, kind="agent")])
    assert statuses(results) == ["applied", "rejected", "rejected"]
    assert {r["code"] for r in results[1:]} == {"device_kind"}
    token = Signer(private).sign(ReceiptToken(entity_id=new_id(), office_code="00004",
                                              issued_at=datetime(2026, 11, 23, 2, tzinfo=timezone.utc),
                                              dossier_code="H12-0001"))
    with centre.read() as s:
        assert verify(token, office_key_ring(s, "00004"), office_code="00004", now=NOW).result is Result.VALID
        assert office_key_ring(s, "00005").keys == {}
    assert statuses(device.push([_key_op(device, counter, public, "revoke", revoked=True)])) == ["applied"]
    with centre.read() as s:
        assert verify(token, office_key_ring(s, "00004"), office_code="00004", now=NOW).result is not Result.VALID
    # a register coming again (replayed from an old backup) does not bring a revoked key back
    assert statuses(device.push([_key_op(device, counter, public)])) == ["applied"]
    with centre.read() as s:
        assert office_key_ring(s, "00004").keys == {}
