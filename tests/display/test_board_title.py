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


def test_a_board_opened_by_the_command_knows_its_office_and_says_training_on_the_training_clock(  # type: ignore[no-untyped-def]
        qtbot, db, player) -> None:
    from PySide6.QtWidgets import QLabel

    from core.training_clock import training_clock

    ctx = DisplayContext.open(db, sound=False, clock=training_clock("2026-11-23 09:00"))  # motcua display --now ...
    assert ctx.office_name_vi == "UBND Phường Ba Đình"
    window = open_board(qtbot, ctx, player)
    try:
        assert window.windowTitle() == "[ĐÀO TẠO / TRAINING] Bảng gọi số — UBND Phường Ba Đình — MotCua"
        assert window.findChild(QLabel, "training-badge").isVisible()
    finally:
        window.shutdown()
