"""The clock matrix's moved clock: ``MOTCUA_CLOCK_AT`` (an ISO moment with its offset) moves
the test process's wall clock there (time-machine), at start-up and again before each test,
and lets it run on from there (``tick=True``).

scripts/clock_matrix.sh runs the tests marked ``wall_clock`` once per awkward moment with it.
Everything in the process reads the moved clock (``datetime.now``, ``time.time``, fixtures of
every scope included); monotonic clocks, sleeps and Qt timers stay real. Processes a test
starts (``python -m cli ...``), Qt's own QDateTime, OpenSSL's certificate checks and the
file system's times keep the machine's clock, so a marked test should run the product in
the test process and not mix those with the moved clock (a test CA made "now" in 2027 is
"not yet valid" to OpenSSL in 2026).

Why not libfaketime: with Python 3.11 ``time.sleep`` is a ``clock_nanosleep`` on an absolute
monotonic deadline, which Debian's libfaketime (0.9.10) either rejects (EINVAL, with the
monotonic clock left real) or sleeps on for the whole offset (with it faked); every test
that waits on a subprocess failed or hung.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from core.working_calendar import OFFICE_TZ

ENV = "MOTCUA_CLOCK_AT"


def moment_from_env() -> datetime | None:
    text = os.environ.get(ENV, "").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{ENV}={text!r}: give the moment's offset (+00:00 for UTC)")
    return moment


def start(moment: datetime) -> Any:
    """Move this process's wall clock to ``moment``; the clock runs on from there."""
    import time_machine

    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    return traveller


def restart(traveller: Any, moment: datetime) -> Any:
    """Back to ``moment`` (before each test: each starts at the moment, not a minute past it)."""
    traveller.stop()
    return start(moment)


def header(moment: datetime) -> str:
    office = moment.astimezone(OFFICE_TZ)
    return f"clock moved to {moment.isoformat()} ({office:%a %d/%m/%Y %H:%M} office time)"
