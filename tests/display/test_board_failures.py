"""Issue 17 on the waiting-room board: a bug behind the board's read is not a database
outage. The board keeps its last numbers, shows the incident number on its status line
(not "reconnecting"), and the log has the traceback under it once however often the
board polls; when the read works again the line goes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from display import app as display_app
from display.app import DisplayWindow
from tests.display.conftest import Desk
from tests.support.failures import incident_on, logging_to, records


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield from logging_to(tmp_path / "data", "display", office="00004")


def test_a_bug_behind_the_board_shows_its_number_and_is_logged_once(  # type: ignore[no-untyped-def]
        qtbot, board: DisplayWindow, desk: Desk, log_file: Path, monkeypatch) -> None:
    desk.issue("HT")
    desk.call(1)
    qtbot.waitUntil(lambda: board.view.cards[1].code == "A001", timeout=3000)
    marker = f"board-bug-{uuid.uuid4().hex[:8]}"
    real_read = display_app.read_board

    def read_board(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError(marker)

    monkeypatch.setattr(display_app, "read_board", read_board)
    qtbot.waitUntil(lambda: bool(board.view.problem), timeout=5000)
    number = incident_on(board.view.problem)
    assert board.view.problem == f"Bảng chưa cập nhật được (mã lỗi {number}); đang thử lại."
    assert not board.view.reconnecting and board.view.cards[1].code == "A001"  # the last board stays
    qtbot.waitUntil(lambda: board._failures >= 3, timeout=10_000)  # it polls on (with its backoff)
    assert len(records(log_file, number)) == 1  # the same bug: one traceback, however many polls
    assert "Traceback (most recent call last)" in records(log_file, number)[0]
    assert "cannot read the office database" not in log_file.read_text(encoding="utf-8")

    monkeypatch.setattr(display_app, "read_board", real_read)
    qtbot.waitUntil(lambda: not board.view.problem, timeout=15_000)
