"""Scenario 6 of issue 7: seven days offline for a busy office (about 15,000 ops, made
through the real queue ops) drains in one go, in bounded memory: the agent runs as a process
of its own and its peak resident memory is measured.

Its own office and centre databases (SQLite, in tmp_path): building the week through the
real ops takes most of the time, and the other scenarios cover PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from local_db import migrate
from local_db.database import Database
from local_db.office_setup import build_office
from local_db.ops import queue as q
from tests.support.centre import running_centre
from tests.sync.agent.helpers import NOW, enrol, office_ops
from tests.sync.scenarios.helpers import assert_invariant

ROOT = Path(__file__).resolve().parents[3]
DAYS = (12, 13, 16, 17, 18, 19, 20)  # November 2026, the working days before NOW (Monday the 23rd)
TICKETS_A_DAY = 536  # issued, called, served, finished: 4 ops each -> 15,008 ops in the week
RSS_LIMIT_MB = 150


@pytest.mark.slow
def test_6_a_week_offline_of_a_busy_office_drains_in_bounded_memory(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'office.db'}")
    migrate.upgrade(db)
    with db.write() as s:
        office = build_office(s, now=NOW - timedelta(days=30))
    with running_centre(f"sqlite:///{tmp_path / 'centre.db'}", tmp_path / "centre") as centre:
        enrol(db, centre)
        kiosk, clerk = office.actor(None, "kiosk"), office.actor("canbo1")
        started = time.perf_counter()
        for day in DAYS:
            opening = datetime(2026, 11, day, 1, 30, tzinfo=timezone.utc)  # 08:30 in Hà Nội
            for chunk in range(0, TICKETS_A_DAY, 67):  # a citizen comes in, the one before is served
                with db.write() as s:
                    for i in range(chunk, min(chunk + 67, TICKETS_A_DAY)):
                        moment = opening + timedelta(seconds=30 * i)
                        ticket = q.issue_ticket(s, kiosk, "HT", now=moment)
                        called = q.call_next(s, clerk, 1, now=moment + timedelta(seconds=5))
                        assert called is not None and called.id == ticket.id
                        q.start_serving(s, clerk, called.id, now=moment + timedelta(seconds=7))
                        q.finish_serving(s, clerk, called.id, now=moment + timedelta(seconds=25))
        made = len(office_ops(db))
        built = time.perf_counter() - started
        assert made >= 15_000
        drain = time.perf_counter()
        runner = subprocess.run(
            [sys.executable, "-m", "tests.sync.scenarios.agent_runner", db.url, centre.base_url,
             str(tmp_path / "phases.log"), "--until-idle"],
            cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        drained = time.perf_counter() - drain
        assert runner.returncode == 0, runner.stderr[-2000:]
        peak_mb = int(runner.stdout.split()[-1]) / 1024
        print(f"backlog {made} ops: built in {built:.1f} s, drained in {drained:.1f} s, agent peak RSS {peak_mb:.0f} MB")
        assert peak_mb < RSS_LIMIT_MB
        assert_invariant(db, centre)
    db.dispose()
