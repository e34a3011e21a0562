"""Probe finding 6 (issue 18): the slots' capacity and the making of a day's slots are a
supervisor's, checked by the operations themselves against the staff row as it is now —
not by the counter page against the role it read at sign-in."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import Actor
from local_db.database import Database
from local_db.models import AuditLog, Outbox, Slot, Staff
from local_db.office_setup import OfficeRefs
from local_db.ops import staff as staff_ops
from local_db.ops.slots import create_slots, set_slot_capacity
from local_db.ops.staff import Forbidden

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội
DAY = date(2026, 11, 25)  # a Wednesday


def _counts(s: Session) -> tuple[int, int, int]:
    return (s.scalar(select(func.count()).select_from(Slot)) or 0,
            s.scalar(select(func.count()).select_from(Outbox)) or 0,
            s.scalar(select(func.count()).select_from(AuditLog)) or 0)


def _one_slot(db: Database, office: OfficeRefs) -> object:
    with db.write() as s:
        return create_slots(s, office.actor("giamsat"), "HT", DAY, start=time(8), end=time(9), minutes=60,
                            office_quota=2, online_quota=1, now=NOW)[0].id


def test_a_clerk_cannot_create_slots_nor_change_their_places(db: Database, office: OfficeRefs) -> None:
    slot_id = _one_slot(db, office)
    clerk = office.actor("canbo1")
    with db.read() as s:
        before = _counts(s)
    with db.write() as s, pytest.raises(Forbidden):
        create_slots(s, clerk, "HT", DAY, start=time(9), end=time(11), minutes=30, office_quota=3, online_quota=0,
                     now=NOW)
    with db.write() as s, pytest.raises(Forbidden):
        set_slot_capacity(s, clerk, slot_id, office_quota=9, online_quota=9, now=NOW)  # type: ignore[arg-type]
    with db.read() as s:
        assert _counts(s) == before
        slot = s.get(Slot, slot_id)
        assert slot is not None and (slot.office_quota, slot.online_quota) == (2, 1)


def test_a_supervisor_demoted_in_another_session_is_refused_from_the_open_window(
        db: Database, office: OfficeRefs) -> None:
    """The counter window keeps the Actor it made at sign-in; the admin demotes the
    supervisor elsewhere; the window's next change of places is refused."""
    slot_id = _one_slot(db, office)
    window_actor = Actor(office.office_code, office.device_id, office.staff["giamsat"], "Lê Thị Thu Hà")
    with db.write() as s:
        staff_ops.update_staff(s, office.actor("admin"), office.staff["giamsat"], role="clerk", now=NOW)
    with db.write() as s, pytest.raises(Forbidden) as refused:
        set_slot_capacity(s, window_actor, slot_id, office_quota=5, online_quota=5, now=NOW)  # type: ignore[arg-type]
    assert refused.value.details["role"] == "clerk"
    with db.write() as s, pytest.raises(Forbidden):
        create_slots(s, window_actor, "HT", DAY, start=time(9), end=time(10), minutes=30, office_quota=1,
                     online_quota=0, now=NOW)
    with db.read() as s:
        slot = s.get(Slot, slot_id)
        assert slot is not None and (slot.office_quota, slot.online_quota) == (2, 1)
        assert s.scalar(select(func.count()).select_from(Slot)) == 1


def test_a_deactivated_supervisor_can_do_nothing_with_slots(db: Database, office: OfficeRefs) -> None:
    slot_id = _one_slot(db, office)
    with db.write() as s:
        staff_ops.update_staff(s, office.actor("admin"), office.staff["giamsat"], active=False, now=NOW)
    with db.write() as s, pytest.raises(Forbidden) as refused:
        set_slot_capacity(s, office.actor("giamsat"), slot_id, office_quota=5, online_quota=5,  # type: ignore[arg-type]
                          now=NOW)
    assert refused.value.code == "inactive_staff"
    with db.read() as s:
        assert s.scalar(select(Staff.active).where(Staff.id == office.staff["giamsat"])) is False
