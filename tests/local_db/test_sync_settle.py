"""A supervisor keeps the centre's version of an op the centre refused (local_db/ops/sync_settle.py),
and the office's device keys are journalled for the centre (local_db/ops/signing.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from local_db import journal
from local_db.check import run_check
from local_db.database import Database
from local_db.models import AuditLog, Device, Outbox
from local_db.office_setup import OfficeRefs, ensure_device
from local_db.ops.signing import (
    office_key_ring,
    register_missing_keys,
    revoke_device_key,
    unregistered_keys,
)
from local_db.ops.staff import Forbidden
from local_db.ops.sync_outbox import next_batch, record_results, sync_summary
from local_db.ops.sync_settle import mark_settled, settle_problem, settling_ops

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def _refused_gadget(db: Database, office: OfficeRefs, status: str = "conflict") -> tuple[uuid.UUID, uuid.UUID]:
    """An op the centre answered ``status`` and a later op on the same entity waiting behind it."""
    gadget = uuid.uuid4()
    with db.write() as s:
        first = journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="create",
                               payload={"name": "máy lấy số"}, now=NOW, to_state="active")
        later = journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="update",
                               payload={"name": "máy lấy số 2"}, now=NOW + timedelta(minutes=1),
                               from_state="active", to_state="active")
        record_results(s, [SimpleNamespace(op_id=first, status=status, reason="changed at the centre",
                                           code="state_changed", server_state={"status": "gone"}),
                           SimpleNamespace(op_id=later, status="held", reason="waiting", code="held",
                                           server_state=None)], NOW)
    return first, later


def _state(db: Database, op_id: uuid.UUID) -> str:
    with db.read() as s:
        return s.scalar(select(Outbox.state).where(Outbox.op_id == op_id))  # type: ignore[return-value]


def test_a_clerk_may_not_settle_a_supervisor_may_and_it_is_audited(db: Database, office: OfficeRefs) -> None:
    first, later = _refused_gadget(db, office)
    with db.write() as s, pytest.raises(Forbidden):
        settle_problem(s, office.actor("canbo1"), first, now=NOW)
    assert _state(db, first) == "conflict"

    with db.write() as s:
        done = settle_problem(s, office.actor("giamsat"), first, now=NOW)
    assert (done.state, done.was, done.entity) == ("settling", "conflict", "gadget")
    assert _state(db, first) == "settling"
    with db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.op_id == first, AuditLog.action == "sync_settle")).one()
        assert audit.staff_id == office.staff["giamsat"] and audit.detail["from_state"] == "conflict"
        assert audit.detail["by"] == "giamsat"
        summary = sync_summary(s, office.office_code, NOW)
        # no longer a problem, but listed as being sent; the later op still waits behind it
        assert summary.problem_count == 0 and [p.op_id for p in summary.settling] == [first]
        assert summary.held == 1
        assert later not in {op.op_id for op in next_batch(s, office.office_code, 100)}
        assert settling_ops(s, office.office_code) == [first]

    with db.write() as s:  # settling again (a double click, the command line too) changes nothing
        again = settle_problem(s, office.actor("admin"), first, now=NOW)
    assert again.state == "settling"
    with db.read() as s:
        assert len(s.scalars(select(AuditLog).where(AuditLog.op_id == first,
                                                    AuditLog.action == "sync_settle")).all()) == 1


def test_once_the_centre_knows_the_op_is_settled_and_the_held_ones_go(db: Database, office: OfficeRefs) -> None:
    first, later = _refused_gadget(db, office, status="rejected")
    with db.write() as s:
        settle_problem(s, office.actor("admin"), first, now=NOW)
    with db.write() as s:
        assert mark_settled(s, first, status="rejected", code="resolved_discarded", now=NOW) == "settled"
        assert mark_settled(s, first, status="rejected", code="resolved_discarded", now=NOW) is None  # twice
    with db.read() as s:
        assert later in {op.op_id for op in next_batch(s, office.office_code, 100)}
        summary = sync_summary(s, office.office_code, NOW)
        assert summary.problem_count == 0 and summary.settling == () and summary.pending == 1
        assert s.scalar(select(AuditLog.detail).where(AuditLog.op_id == first,
                                                      AuditLog.action == "sync_settled"))["state"] == "settled"
    report = run_check(db)
    assert report.counts["outbox_settled"] == 1
    assert not [p for p in report.problems if "unknown state" in p]


def test_only_a_refused_op_of_this_office_can_be_settled(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        fine = journal.record(s, office.actor("canbo1"), entity="gadget", entity_id=uuid.uuid4(), op_type="create",
                              payload={}, now=NOW, to_state="active")
    with db.write() as s, pytest.raises(Exception) as refused:
        settle_problem(s, office.actor("giamsat"), fine, now=NOW)
    assert getattr(refused.value, "code", "") == "not_a_problem"
    with db.write() as s, pytest.raises(Exception) as unknown:
        settle_problem(s, office.actor("giamsat"), uuid.uuid4(), now=NOW)
    assert getattr(unknown.value, "code", "") == "unknown_op"
    assert _state(db, fine) == "pending"


def test_device_keys_are_journalled_once_and_a_revocation_follows(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        kiosk = ensure_device(s, office.office_code, "kiosk-1", "kiosk").id
        ensure_device(s, office.office_code, "office-agent", "agent")
        assert unregistered_keys(s, office.office_code) == 2  # the test office's counter and the kiosk
        done = register_missing_keys(s, office.office_code, NOW)
    assert {d.device_id for d in done} == {office.device_id, kiosk}
    with db.write() as s:
        assert unregistered_keys(s, office.office_code) == 0 and register_missing_keys(s, office.office_code) == []
    with db.write() as s, pytest.raises(Forbidden):
        revoke_device_key(s, office.actor("giamsat"), kiosk, now=NOW)
    with db.write() as s:
        revoked = revoke_device_key(s, office.actor("admin"), kiosk, now=NOW)
        assert revoked.revoked and revoked.op_id is not None
        key = s.get(Device, kiosk).public_key  # type: ignore[union-attr]
        assert key not in office_key_ring(s, office.office_code).keys.values()
    with db.read() as s:
        ops = s.execute(select(Outbox.op_type, Outbox.to_state, Outbox.payload).where(Outbox.entity == "device",
                        Outbox.entity_id == kiosk).order_by(Outbox.seq)).all()
    assert [(o.op_type, o.to_state, o.payload["revoked"]) for o in ops] == [("register", "active", False),
                                                                          ("revoke", "revoked", True)]
    assert ops[0].payload["kind"] == "kiosk" and len(ops[0].payload["public_key"]) == 44
    assert run_check(db).ok


def test_a_pulled_echo_of_an_office_key_is_not_a_second_device(db: Database, office: OfficeRefs) -> None:
    from local_db.ops.sync_apply import apply_page

    with db.write() as s:
        kiosk = ensure_device(s, office.office_code, "kiosk-1", "kiosk")
        kiosk_id, payload = kiosk.id, register_missing_keys(s, office.office_code, NOW)
        before = len(s.scalars(select(Device.id)).all())
    key = next(d.public_key for d in payload if d.device_id == kiosk_id)
    echo = SimpleNamespace(seq=1, office_code=office.office_code, entity="device", entity_id=kiosk_id, op="upsert",
                           data={"id": str(kiosk_id), "office_code": office.office_code, "name": "kiosk-1",
                                 "kind": "kiosk", "public_key": key, "revoked": False})
    with db.write() as s:
        apply_page(s, [echo], "1", now=NOW)
    with db.read() as s:
        assert len(s.scalars(select(Device.id)).all()) == before
        assert s.get(Device, kiosk_id).private_key is not None  # type: ignore[union-attr]
