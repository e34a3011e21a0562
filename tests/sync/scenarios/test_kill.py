"""Scenario 5 of issue 7: the agent SIGKILLed at chosen and random moments of pushes and
pulls, over and over, while the office and the centre keep working; then it runs to the
end. Nothing is missed and nothing applied twice (THE INVARIANT, and the centre's bookings
and accounts as the office holds them)."""

from __future__ import annotations

import pytest

import collections
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from local_db.database import Database
from local_db.models import Appointment, Slot, Staff
from local_db.office_setup import OfficeRefs
from sync.server import bookings, catalog
from sync.server.models import CentreEntity, CentreSlot
from tests.support.centre import Centre
from tests.sync.agent.helpers import agent_for, at, enrol, more_tickets, office_day
from tests.sync.scenarios.helpers import assert_invariant, busy_hour

ROOT = Path(__file__).resolve().parents[3]
TARGETS = ("push", "record", "pull", "apply", "push", "apply", None, None)  # None: a random moment


class Lives:
    """Agent processes forked from one runner that did its imports once (agent_runner --serve)."""

    def __init__(self) -> None:
        self.runner = subprocess.Popen([sys.executable, "-m", "tests.sync.scenarios.agent_runner", "--serve"],
                                       cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                       env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def start(self, *argv: str) -> int:
        assert self.runner.stdin is not None and self.runner.stdout is not None
        self.runner.stdin.write(" ".join(argv) + "\n")
        self.runner.stdin.flush()
        while True:
            line = self.runner.stdout.readline()
            assert line, "the runner died"
            if line.startswith("pid "):
                return int(line.split()[1])

    def ended(self, pid: int) -> int:
        """Wait for the agent to be gone; its wait status (-9 style: signal in the low bits)."""
        assert self.runner.stdout is not None
        while True:
            line = self.runner.stdout.readline()
            assert line, "the runner died"
            if line.startswith(f"exit {pid} "):
                return int(line.split()[2])

    def close(self) -> None:
        assert self.runner.stdin is not None
        self.runner.stdin.close()
        try:
            self.runner.wait(10)
        finally:
            if self.runner.poll() is None:
                self.runner.kill()
                self.runner.wait(10)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def kill_at(lives: Lives, pid: int, phases: Path, seen: int, target: str | None, rng: random.Random) -> str:
    """SIGKILL the agent as soon as it starts ``target`` (or at a random moment after it is
    ready); returns the step it was in when it died."""
    deadline = time.monotonic() + 15
    ready = False
    strike = None
    while time.monotonic() < deadline:
        now = lines(phases)[seen:]
        if not ready and "ready" in now:
            ready = True
            if target is None:
                strike = time.monotonic() + rng.uniform(0.0, 0.3)
        if ready and target is not None and target in now[now.index("ready"):]:
            time.sleep(rng.uniform(0.0, 0.01))
            break
        if strike is not None and time.monotonic() >= strike:
            break
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    status = lives.ended(pid)
    after = lines(phases)[seen:]
    return (after[-1] if after else "") if os.WIFSIGNALED(status) else "finished"


@pytest.mark.slow
def test_5_an_agent_killed_again_and_again_misses_nothing_and_applies_nothing_twice(
        db: Database, office: OfficeRefs, centre: Centre, tmp_path: Path) -> None:
    rng = random.Random(20261123)
    enrollment = enrol(db, centre)
    day = office_day(db, office)
    assert agent_for(db, centre.base_url, enrollment).run_once().ok  # the slots are known centrally
    busy_hour(db, office, tickets=20, start=60)
    with centre.write() as s:  # plenty for the pulls: the catalog, holidays, accounts
        catalog.publish_catalog(s, "00004")
        catalog.publish_holidays(s, 2027)
    phases = tmp_path / "phases.log"
    struck: collections.Counter[str] = collections.Counter()
    online = []
    lives = Lives()
    try:
        for i, target in enumerate(TARGETS):
            seen = len(lines(phases))
            pid = lives.start(db.url, centre.base_url, str(phases), "--batch", "4", "--page", "6")
            struck[kill_at(lives, pid, phases, seen, target, rng)] += 1
            more_tickets(db, office, 2, start=120 + i)  # the office keeps working between kills
            with centre.write() as s:  # and so does the centre
                catalog.upsert_staff(s, "00004", f"tt{i}", full_name=f"Cán Bộ Trung Tâm {i}", role="clerk",
                                     password="trungtam123")
                if i < 4:
                    online.append(bookings.book_online(s, "00004", day.slots[i % 2], full_name=f"Công Dân {i}",
                                                       phone=f"091234560{i}", now=at(30 + i)).id)
        # kills landed mid-request and mid-apply (each step is logged before it starts)
        print("killed during:", dict(struck))
        in_request, in_apply = struck["push"] + struck["pull"], struck["apply"] + struck["record"]
        assert in_request >= 1 and in_apply >= 1 and in_request + in_apply >= 4, struck
        pid = lives.start(db.url, centre.base_url, str(phases), "--batch", "4", "--page", "6", "--until-idle")
        assert lives.ended(pid) == 0
    finally:
        lives.close()
    assert_invariant(db, centre)
    with db.read() as s:
        here_online = set(s.scalars(select(Appointment.id).where(Appointment.id.in_(online))))
        accounts = set(s.scalars(select(Staff.username).where(Staff.username.like("tt%"))))
        slots = {sl.id: (sl.office_booked, sl.online_booked) for sl in s.scalars(select(Slot))}
    with centre.read() as s:
        central_slots = {sl.id: (sl.office_booked, sl.online_booked) for sl in s.scalars(select(CentreSlot))}
        there = s.scalar(select(CentreEntity.ops).where(CentreEntity.entity_id == day.appointment))
    assert here_online == set(online) and accounts == {f"tt{i}" for i in range(len(TARGETS))}
    assert slots == central_slots  # each booking counted once on each side
    assert there == 2  # the phone booking and its check-in, once each
