"""A deactivated staff member can do nothing (issue 18), even through an operation that needs
no particular role — calling the queue, opening a counter — and from a counter window that
stayed open since their sign-in: every staff action's audit row is written through
``journal.audit``, which asks the database whether the account is still active. Signing out
still closes the counter (that only takes power away)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import Actor
from local_db.database import Database
from local_db.models import AuditLog, Counter, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.authority import Forbidden
from local_db.ops.counters import set_counter_open
from local_db.ops.queue import call_next, issue_ticket
from local_db.ops.staff import update_staff

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội


def _deactivate(db: Database, office: OfficeRefs, username: str) -> None:
    with db.write() as s:  # the admin, at another counter
        update_staff(s, office.actor("admin"), office.staff[username], active=False, now=NOW)


def test_a_deactivated_clerk_can_neither_open_a_counter_nor_call_a_ticket(db: Database, office: OfficeRefs) -> None:
    window = Actor(office.office_code, office.device_id, office.staff["canbo1"], "Nguyễn Văn Hoà")  # at sign-in
    with db.write() as s:
        set_counter_open(s, window, 2, False, now=NOW)  # the test office's counters start open
        issue_ticket(s, office.actor(), "HT", now=NOW)  # a citizen at the kiosk (no staff): unaffected
    _deactivate(db, office, "canbo1")
    with db.read() as s:
        audits = s.scalar(select(func.count()).select_from(AuditLog))
    with db.write() as s, pytest.raises(Forbidden) as refused:
        call_next(s, window, 1, now=NOW)
    assert refused.value.code == "inactive_staff"
    with db.write() as s, pytest.raises(Forbidden):
        set_counter_open(s, window, 2, True, now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog)) == audits
        assert s.scalars(select(Ticket.status)).all() == ["waiting"]
        assert s.scalar(select(Counter.is_open).where(Counter.number == 2)) is False
    with db.write() as s:  # signing out still closes the counter, and says who
        set_counter_open(s, window, 1, False, now=NOW)
    with db.read() as s:
        assert s.scalar(select(Counter.is_open).where(Counter.number == 1)) is False
        closed = s.scalars(select(AuditLog).where(AuditLog.action == "counter_close")
                           .order_by(AuditLog.at.desc(), AuditLog.detail["number"].as_integer())).all()
        assert [(r.detail["number"], r.staff_id) for r in closed] == [(1, office.staff["canbo1"]),
                                                                     (2, office.staff["canbo1"])]


def test_an_active_clerk_still_calls(db: Database, office: OfficeRefs) -> None:
    _deactivate(db, office, "canbo2")  # another clerk's deactivation changes nothing for this one
    with db.write() as s:
        issue_ticket(s, office.actor(), "HT", now=NOW)
        called = call_next(s, office.actor("canbo1"), 1, now=NOW)
    assert called is not None and called.status == "called"


def test_a_session_that_outlives_a_transaction_reads_the_account_again(db: Database, office: OfficeRefs) -> None:
    """The account is read once per transaction (local_db/ops/authority.py), not once per
    session: a deactivation committed between two transactions of one session counts."""
    window = office.actor("canbo1")
    with Session(db.engine, expire_on_commit=False) as s:  # rows outlive commits, as in Database's sessions
        with s.begin():
            issue_ticket(s, office.actor(), "HT", now=NOW)
            issue_ticket(s, office.actor(), "HT", now=NOW)
            assert call_next(s, window, 1, now=NOW) is not None
        _deactivate(db, office, "canbo1")
        with s.begin(), pytest.raises(Forbidden) as refused:
            call_next(s, window, 2, now=NOW)  # the next number, at another counter serving HT
    assert refused.value.code == "inactive_staff"
