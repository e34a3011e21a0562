"""Display board figures.

* ``call_to_board_p95_ms``: a counter (this process) commits ``call_next`` on an office
  database in an SQLite file; the board — another process running ``motcua display``
  offscreen, its polling included (every 300 ms the change marker, then the board and the
  recent calls) — shows the number on that counter's card and prints a line saying so. From
  the counter's commit to the board's line; calls spaced irregularly so they land anywhere
  in the polling cycle; p50 and p95 of ~30 calls.

``python -m benchmarks.display board URL`` is the board side (``cli.display`` with
``--windowed --no-sound --print-calls``).
"""

from __future__ import annotations

import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import harness
from benchmarks.harness import Context, Target, percentile

TARGETS = {"call_to_board_p95_ms": Target(500, "<")}
CALLS = {"full": 30, "small": 15, "tiny": 4}
WARMUP = 2
COUNTERS = (1, 2, 3, 4)  # the test office: 1, 2 and 4 call civil status (HT), 3 attestation (CT)
ROOT = Path(__file__).resolve().parent.parent
SHOWN = "motcua display: shown"
READY = "motcua display: ready"


def board_office(folder: Path) -> str:
    """A fresh office (services, four open counters) in an SQLite file; its URL."""
    from local_db import migrate
    from local_db.database import Database
    from local_db.office_setup import build_office

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "display-bench.db"
    for old in folder.glob("display-bench.db*"):
        old.unlink()
    db = Database(f"sqlite:///{path}")
    try:
        migrate.upgrade(db)
        with db.write() as s:
            build_office(s, device_name="bench-counter")
    finally:
        db.dispose()
    return f"sqlite:///{path}"


class BoardProcess:
    """``motcua display`` in its own process; its stdout lines come through a queue."""

    def __init__(self, url: str, scratch: Path) -> None:
        env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_CONFIG": str(scratch / "none.toml"),
               "MOTCUA_DATA_DIR": str(scratch), "XDG_CACHE_HOME": str(scratch / "cache"),
               "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.display", "board", url], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    @staticmethod
    def _pump(stream, out: queue.Queue[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            out.put(line.rstrip("\n"))

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.errors = (self.errors + [line.rstrip()])[-20:]

    def wait_for(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None and self.lines.empty():
                raise AssertionError(f"the board never printed {prefix!r} (exit {self.proc.poll()}): "
                                     + " | ".join(self.errors[-5:]))
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if line.startswith(prefix):
                return line

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def call_to_board(url: str, scratch: Path, n: int, *, seed: int = 6, warmup: int = WARMUP,
                  spacing_s: tuple[float, float] = (0.25, 0.7)) -> list[float]:
    """Milliseconds from each call's commit to the board's line that shows it (``n`` calls
    after ``warmup`` untimed ones, ``spacing_s`` apart: anywhere in the polling cycle)."""
    from sqlalchemy import select

    from core.actor import Actor
    from local_db.database import Database
    from local_db.models import Device, Staff
    from local_db.office_settings import get_office
    from local_db.ops import queue as q

    rng = random.Random(seed)
    db = Database(url)
    board = BoardProcess(url, scratch)
    try:
        board.wait_for(READY, 60)
        with db.read() as s:
            office = get_office(s).code
            staff = s.scalars(select(Staff.id).where(Staff.username == "canbo1")).one()
            device_id = s.scalars(select(Device.id).where(Device.name == "bench-counter")).one()
        kiosk = Actor(office_code=office, device_id=device_id, staff_id=None, label="kiosk")
        clerk = Actor(office_code=office, device_id=device_id, staff_id=staff, label="canbo1")
        total = n + warmup
        with db.write() as s:
            for _ in range(total):
                q.issue_ticket(s, kiosk, "HT")
                q.issue_ticket(s, kiosk, "CT")
        current: dict[int, object] = {}
        times: list[float] = []
        for i in range(total):
            counter = COUNTERS[i % len(COUNTERS)]
            time.sleep(rng.uniform(*spacing_s))
            with db.write() as s:
                if counter in current:  # the last citizen did not come: the counter calls the next
                    q.mark_no_show(s, clerk, current[counter], now=datetime.now(timezone.utc))  # type: ignore[arg-type]
                ticket = q.call_next(s, clerk, counter, now=datetime.now(timezone.utc))
            committed = time.time_ns()
            assert ticket is not None
            current[counter] = ticket.id
            line = board.wait_for(f"{SHOWN} {ticket.code} {counter} ", 10)
            shown_ns = int(line.rsplit(" ", 1)[1])
            if i >= warmup:
                times.append(max(0.0, (shown_ns - committed) / 1e6))
        return times
    finally:
        board.close()
        db.dispose()


@harness.group("display", targets=TARGETS)
def display(ctx: Context) -> dict[str, float]:
    """Call committed by a counter process -> the board process shows it, polling included."""
    n = CALLS.get(ctx.scale, CALLS["small"])
    scratch = ctx.work_dir / "display-bench"
    ctx.log("display: a fresh office, a board process, then the calls...")
    url = board_office(scratch)
    tiny = ctx.scale == "tiny"  # the tests: a few calls, quickly
    times = call_to_board(url, scratch, n, warmup=1 if tiny else WARMUP,
                          spacing_s=(0.05, 0.35) if tiny else (0.25, 0.7))
    ctx.log(f"call_to_board: {len(times)} calls, max {max(times):.0f} ms")
    return {"call_to_board_p50_ms": round(statistics.median(times), 1),
            "call_to_board_p95_ms": round(percentile(times, 95), 1)}


def _board_main(url: str) -> int:
    import argparse

    from cli import display as command

    parser = argparse.ArgumentParser(prog="motcua display")
    parser.add_argument("--database-url")
    command.register(parser)
    return command.run(parser.parse_args(["--database-url", url, "--windowed", "--no-sound", "--print-calls"]))


if __name__ == "__main__":
    if sys.argv[1:2] != ["board"] or len(sys.argv) != 3:
        print("usage: python -m benchmarks.display board URL", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(_board_main(sys.argv[2]))
