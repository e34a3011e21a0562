"""The demo office: believable, consistent, and the same for the same seed."""

from __future__ import annotations

import pytest

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from core.passwords import verify_password
from local_db import migrate
from local_db.check import run_check
from local_db.database import Database
from local_db.demo.seed import seed_demo
from local_db.models import Appointment, Citizen, Dossier, Feedback, Slot, Staff, Ticket

NOW = datetime.fromisoformat("2026-11-19T08:50:00+07:00")  # Thursday, the morning peak: a live queue


def _seeded(path: Path, seed: int, days: int = 3) -> tuple[Database, object]:
    """A few days are enough to compare two seeds (each day is ~5 s of CPU to simulate)."""
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    return db, seed_demo(db, seed=seed, days=days, now=NOW)


def _content(db: Database) -> dict[str, list[tuple]]:
    with db.read() as s:
        return {
            "tickets": sorted(s.execute(select(Ticket.day, Ticket.code, Ticket.status, Ticket.issued_at,
                                               Ticket.priority_reason)).all()),
            "dossiers": sorted(s.execute(select(Dossier.code, Dossier.status, Dossier.due_at, Dossier.fee_vnd)).all()),
            "citizens": sorted(s.scalars(select(Citizen.full_name)).all()),
        }


@pytest.mark.slow
def test_same_seed_same_office_and_it_checks_clean(tmp_path: Path) -> None:
    a, summary = _seeded(tmp_path / "a.db", 11)
    b, _ = _seeded(tmp_path / "b.db", 11)
    c, _ = _seeded(tmp_path / "c.db", 12, days=1)  # another seed: another office from its first day
    try:
        assert _content(a) == _content(b)
        assert _content(a) != _content(c)
        report = run_check(a)
        assert report.ok, report.problems

        with a.read() as s:
            assert s.scalar(select(func.count()).select_from(Ticket)) > 150
            statuses = set(s.scalars(select(Dossier.status)))
            assert {"received", "in_processing", "ready", "returned"} <= statuses
            assert s.scalar(select(func.count()).select_from(Feedback)) > 10
            assert s.scalar(select(func.count()).select_from(Appointment)) > 10
            assert s.scalar(select(func.count()).select_from(Slot)) > 0
            # Thursday 08:50: citizens are waiting and being served right now
            live = set(s.scalars(select(Ticket.status).where(Ticket.day == NOW.date())))
            assert "waiting" in live and ({"called", "serving"} & live)
            # the printed demo passwords really open the accounts
            for staff in s.scalars(select(Staff)):
                assert verify_password(staff.password_hash, summary.passwords[staff.username])
    finally:
        for db in (a, b, c):
            db.dispose()


def test_the_demo_office_builds_and_checks_clean_on_both_databases(empty_db: Database) -> None:
    summary = seed_demo(empty_db, seed=5, days=2, now=NOW)
    report = run_check(empty_db)
    assert report.ok, report.problems
    assert summary.tickets == report.counts["tickets"] > 100
    assert sum(summary.dossiers.values()) == report.counts["dossiers"] > 20
