"""The board's window names the app and the office (issue 19: all three windows were
titled "MotCua")."""

from __future__ import annotations

from display.app import DisplayWindow
from display.context import DisplayContext
from tests.display.conftest import open_board


def test_the_board_window_is_titled_by_its_app_and_office(qtbot, board: DisplayWindow) -> None:  # type: ignore[no-untyped-def]
    # The test context was made without the office's name: the first board read gives it.
    assert board.windowTitle() == "Bảng gọi số — UBND Phường Ba Đình — MotCua"
    board.toggle_language()
    assert board.windowTitle() == "Queue board — Ba Dinh Ward People's Committee — MotCua"
    board.toggle_language()


def test_a_board_opened_by_the_command_knows_its_office_before_the_first_read(qtbot, db, player) -> None:  # type: ignore[no-untyped-def]
    ctx = DisplayContext.open(db, sound=False)
    assert ctx.office_name_vi == "UBND Phường Ba Đình"
    window = open_board(qtbot, ctx, player)
    try:
        assert window.windowTitle() == "Bảng gọi số — UBND Phường Ba Đình — MotCua"
    finally:
        window.shutdown()
