"""The database goes away under a running board, then comes back: the board keeps its last
numbers, says calmly that it is reconnecting, never freezes, and recovers by itself."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from display.app import DisplayWindow
from local_db.database import Database
from tests.display.conftest import Desk
from tests.support.dialects import BOTH_DATABASES


def _sqlite_outage(db: Database) -> tuple[Callable[[], None], Callable[[], None]]:
    """The file's content vanishes (a disk gone, a bad copy) and is later put back: the
    board's open connections fail the way they would, then work again."""
    path = Path(make_url(db.url).database or "")
    saved: dict[str, bytes] = {}

    def away() -> None:
        with sqlite3.connect(path, timeout=5) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        saved["head"] = path.read_bytes()[:16384]
        with open(path, "r+b") as f:
            f.write(b"\0" * len(saved["head"]))

    def back() -> None:
        with open(path, "r+b") as f:
            f.write(saved["head"])

    return away, back


def _postgres_outage(db: Database) -> tuple[Callable[[], None], Callable[[], None]]:
    """The server refuses the office database and drops its connections, then lets it in."""
    url = make_url(db.url)
    name = url.database
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def away() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})

    def back() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()

    return away, back


@BOTH_DATABASES  # the database server itself goes away and comes back
def test_the_database_goes_away_and_comes_back(qtbot, board: DisplayWindow, desk: Desk, db: Database,  # type: ignore[no-untyped-def]
                                               caplog) -> None:
    caplog.set_level(logging.INFO, logger="display.app")
    desk.issue("HT")
    desk.issue("HT")
    desk.call(1)
    qtbot.waitUntil(lambda: board.view.cards[1].code == "A001", timeout=2000)
    away, back = _sqlite_outage(db) if db.is_sqlite else _postgres_outage(db)

    away()
    try:
        qtbot.waitUntil(lambda: board.view.reconnecting, timeout=5000)
        assert board.view.status.isVisible() and not board.view.ticker.isVisible()
        assert board.view.status.text().startswith("Đang kết nối lại")
        # the last board stays up, and the window answers while the reads fail
        assert board.view.cards[1].code == "A001" and board.view.call_rows[0].code.text() == "A001"
        started = time.monotonic()
        qtbot.wait(700)  # (a frozen GUI thread would not come back from this in time)
        assert time.monotonic() - started < 2
        assert board.view.reconnecting
    finally:
        back()

    qtbot.waitUntil(lambda: not board.view.reconnecting, timeout=15_000)
    desk.call(2)  # and it follows the office again
    qtbot.waitUntil(lambda: board.view.cards[2].code == "A002", timeout=3000)
    qtbot.waitUntil(lambda: len(board.announcer.history) == 2, timeout=5000)
    assert [x.code for x in board.announcer.history] == ["A001", "A002"]
    messages = [r.getMessage() for r in caplog.records if r.name == "display.app"]
    assert len([m for m in messages if m.startswith("the board cannot read")]) == 1  # said once per outage
    assert messages[-1] == "the board reads the office database again"
