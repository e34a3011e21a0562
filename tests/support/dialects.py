"""Choosing the databases a test runs on.

The ``dialect`` fixture of tests/conftest.py runs every database test on SQLite and
PostgreSQL: where SQL is written and run (tests/local_db, tests/sync, printing's reads) the
two differ, and each behaviour is tested on both.

The screens (tests/counter, tests/kiosk, tests/display) call those same operations through
the TaskRunner; their conftests narrow ``dialect`` to SQLite, since running each screen twice only repeats what the operations' tests show, at the price
of a second window. A screen test whose point *is* the database — it goes away, a process
is killed mid-write, another process starts on it — opts back in with
:data:`BOTH_DATABASES`.
"""

from __future__ import annotations

import pytest

DIALECTS = ("sqlite", "postgresql")

SQLITE_ONLY = pytest.mark.parametrize("dialect", ["sqlite"])
"""For a test whose database plays no part in what it checks (made-up screen states, windows):
run once, on the embedded default, and keep the suite's time for the tests where the two differ."""

BOTH_DATABASES = pytest.mark.parametrize("dialect", DIALECTS)
"""For a screen test about the database itself (its loss, a killed process, a second process)."""

__all__ = ["BOTH_DATABASES", "DIALECTS", "SQLITE_ONLY"]
