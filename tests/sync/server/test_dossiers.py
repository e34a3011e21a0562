"""Dossiers: office moves judged by from_state, central moves published, and the same
dossier moved on both sides ends in one legal state with the losing move reported."""

from __future__ import annotations

import pytest

from core.dossier_states import replay
from core.errors import NotFound, TransitionError
from core.ids import new_id
from sync.server import catalog
from sync.server.apply import resolve
from sync.server.dossiers import move_dossier
from tests.sync.server.helpers import Device, statuses


def _receive(dev: Device, dossier_id, code: str = "000.00.04.H26-261120-0001") -> dict:
    return dev.op("dossier", dossier_id, "receive", {
        "code": code, "office_code": "00004", "procedure_code": "1.001193", "status": "received",
        "due_at": "2026-11-20T10:00:00+00:00", "with_verification": False}, to_state="received")


def _move(dev: Device, dossier_id, action: str, from_state: str, to_state: str, **payload) -> dict:
    return dev.op("dossier", dossier_id, action, {"code": "X", "status": to_state, **payload},
                  from_state=from_state, to_state=to_state)


def test_office_moves_follow_the_state_table(centre) -> None:
    dev = Device(centre)
    did = new_id()
    ops = [_receive(dev, did), _move(dev, did, "send_to_processing", "received", "in_processing"),
           _move(dev, did, "result_back", "in_processing", "ready"),
           _move(dev, did, "return_result", "ready", "returned")]
    assert statuses(dev.push(ops)) == ["applied"] * 4
    row = centre.entity("dossier", did)
    assert row.status == "returned" and row.code == "000.00.04.H26-261120-0001"
    assert replay([o["op_type"] for o in ops]) == "returned"


def test_an_illegal_move_is_rejected_and_holds_the_dossier(centre) -> None:
    dev = Device(centre)
    did, other = new_id(), new_id()
    results = dev.push([_receive(dev, did), _move(dev, did, "return_result", "received", "returned"),
                        _move(dev, did, "send_to_processing", "received", "in_processing"),
                        _receive(dev, other, code="OTHER-1")])
    assert statuses(results) == ["applied", "rejected", "held", "applied"]
    assert results[1]["code"] == "illegal_transition"
    assert statuses(dev.push([_receive(dev, other, code="OTHER-1")])) == ["rejected"]  # received twice


def test_moved_centrally_and_at_the_counter_one_legal_state_and_a_conflict(centre) -> None:
    dev = Device(centre)
    did = new_id()
    dev.push([_receive(dev, did)])
    _changes, cursor = dev.pull_all()
    with centre.write() as s:  # the processing body asks for more papers while the office is offline
        moved = move_dossier(s, did, "request_supplement", by="Sở Tư pháp", note="thiếu giấy chứng sinh")
    assert (moved.from_state, moved.to_state, moved.due_at) == ("received", "needs_supplement", None)
    counter = _move(dev, did, "send_to_processing", "received", "in_processing")
    later = _move(dev, did, "result_back", "in_processing", "ready")
    results = dev.push([counter, later])
    assert statuses(results) == ["conflict", "held"]
    assert results[0]["server_state"]["status"] == "needs_supplement"
    assert "chờ bổ sung giấy tờ" in results[0]["reason"]
    assert centre.entity("dossier", did).status == "needs_supplement"  # one legal final state
    changes, _ = dev.pull_all(cursor)
    [change] = [c for c in changes if c["entity"] == "dossier"]
    assert change["data"]["status"] == "needs_supplement"
    assert change["data"]["event"]["action"] == "request_supplement"
    assert change["data"]["event"]["by"] == "Sở Tư pháp"

    with centre.write() as s:  # a person keeps the centre's move
        assert resolve(s, results[0]["op_id"]) == "rejected"
    assert statuses(dev.push([counter])) == ["rejected"]
    # The office takes the supplement in: its move now starts from the centre's state and applies,
    # and the centre publishes it (the office recognises its own op by origin_op_id).
    supplement = _move(dev, did, "supplement_received", "needs_supplement", "received")
    assert statuses(dev.push([supplement])) == ["applied"]
    changes, _ = dev.pull_all(cursor)
    assert [c["data"].get("origin_op_id") for c in changes if c["entity"] == "dossier"] == [None, supplement["op_id"]]


def test_resolving_in_the_office_favour_applies_its_move(centre) -> None:
    dev = Device(centre)
    did = new_id()
    dev.push([_receive(dev, did)])
    with centre.write() as s:
        move_dossier(s, did, "send_to_processing", by="centre")
    [result] = dev.push([_move(dev, did, "withdraw", "received", "withdrawn")])
    with centre.write() as s:
        assert resolve(s, result["op_id"], apply=True) == "applied"
    assert centre.entity("dossier", did).status == "withdrawn"
    assert statuses(dev.push([_move(dev, did, "withdraw", "received", "withdrawn")])) == ["conflict"]  # a new op


def test_a_supplement_received_centrally_restarts_the_clock(centre) -> None:
    dev = Device(centre)
    did = new_id()
    with centre.write() as s:
        catalog.publish_catalog(s, "00004")
        catalog.publish_holidays(s, 2026)
    dev.push([_receive(dev, did)])
    with centre.write() as s:
        move_dossier(s, did, "request_supplement", by="centre")
        moved = move_dossier(s, did, "supplement_received", by="centre")
    assert moved.to_state == "received" and moved.due_at is not None


def test_illegal_or_unknown_central_moves_are_refused(centre) -> None:
    dev = Device(centre)
    did = new_id()
    dev.push([_receive(dev, did)])
    with centre.write() as s, pytest.raises(TransitionError):
        move_dossier(s, did, "return_result", by="centre")
    with centre.write() as s, pytest.raises(NotFound):
        move_dossier(s, new_id(), "send_to_processing", by="centre")
