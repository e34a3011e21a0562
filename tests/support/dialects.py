"""Choosing the databases a test runs on (the ``dialect`` fixture of tests/conftest.py runs
every database test on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

SQLITE_ONLY = pytest.mark.parametrize("dialect", ["sqlite"])
"""For a test whose database plays no part in what it checks (made-up screen states): run
once, on the embedded default, and keep the suite's time for the tests where the two differ."""

__all__ = ["SQLITE_ONLY"]
