"""Pulling the plug: a process killed at any moment, even inside a transaction, loses nothing.

A worker issues tickets and receives dossiers; the test kills it with SIGKILL right after
it announces an operation (``BEGIN``), so most kills land inside a write transaction.
After every kill the database must pass ``motcua db check`` (outbox complete, numbers
without gaps, dossier codes and histories right) and hold every operation the worker
reported as committed.

The next worker is started (and left waiting) while the last one runs, so its start-up
time overlaps the work instead of adding to it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from local_db.check import format_report, run_check
from local_db.database import Database
from local_db.models import Dossier, Ticket

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30
DAYS = 3  # operations go round robin over three office days; every run shares them


def start_worker(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.ticket_worker", url, "mixed", "100000", "--days", str(DAYS), "--wait"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def committed_in_db(db: Database) -> tuple[set[str], set[tuple[str, str]]]:
    with db.read() as s:
        tickets = {str(i) for i in s.scalars(select(Ticket.id))}
        dossiers = {(str(i), c) for i, c in s.execute(select(Dossier.id, Dossier.code))}
    return tickets, dossiers


@pytest.mark.slow
def test_sigkill_at_any_moment_loses_nothing(db: Database) -> None:
    seed = int(os.environ.get("MOTCUA_KILL_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    done_tickets: set[str] = set()
    done_dossiers: set[tuple[str, str]] = set()
    kills = inside = operations = 0
    checking = waiting = 0.0
    started = time.perf_counter()
    spare = start_worker(db.url)
    try:
        while kills < KILLS:
            worker, spare = spare, None
            assert worker.stdout is not None and worker.stdin is not None
            t0 = time.perf_counter()
            ready = worker.stdout.readline()
            waiting += time.perf_counter() - t0
            assert ready == b"READY\n", (ready, worker.communicate()[1].decode())
            worker.stdin.write(b"go\n")
            worker.stdin.flush()
            spare = start_worker(db.url)  # starts up while this one works

            target = rng.randint(1, 40)
            completed = 0
            lines: list[list[str]] = []
            while True:
                raw = worker.stdout.readline()
                assert raw, f"worker stopped on its own: {worker.communicate()[1].decode()}"
                line = raw.decode().split()
                lines.append(line)
                if line[0] == "DONE":
                    completed += 1
                elif line[0] == "BEGIN" and completed >= target:
                    time.sleep(rng.uniform(0, 0.003))
                    worker.send_signal(signal.SIGKILL)
                    break
            rest, errors = worker.communicate(timeout=30)
            lines += [line.split() for line in rest.decode().splitlines()]
            assert worker.returncode == -signal.SIGKILL, errors.decode()
            kills += 1
            if lines[-1][0] == "BEGIN":  # announced but never reported done: cut off inside
                inside += 1
            for line in lines:
                if line[0] == "DONE":
                    operations += 1
                    if line[2] == "ticket":
                        done_tickets.add(line[3])
                    else:
                        done_dossiers.add((line[3], line[4]))

            t0 = time.perf_counter()
            report = run_check(db)
            assert report.ok, f"after kill {kills} (seed {seed}):\n{format_report(report)}"
            tickets, dossiers = committed_in_db(db)
            assert done_tickets <= tickets, f"committed tickets lost after kill {kills} (seed {seed})"
            assert done_dossiers <= dossiers, f"committed dossiers lost after kill {kills} (seed {seed})"
            checking += time.perf_counter() - t0
    finally:
        if spare is not None:
            spare.kill()
            spare.communicate()

    elapsed = time.perf_counter() - started
    print(f"\n{kills} SIGKILLs, {inside} inside a transaction, {kills - inside} between transactions; "
          f"{operations} operations reported done ({len(done_tickets)} tickets, {len(done_dossiers)} dossiers), "
          f"all present; {elapsed:.1f} s, of which {checking:.1f} s checking and {waiting:.1f} s waiting for a "
          f"worker to start (seed {seed})")
    assert kills >= 30
    assert inside > kills / 2
