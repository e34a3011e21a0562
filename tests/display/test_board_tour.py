"""``motcua tour`` can walk the board like the other apps' windows: one screen, its states
photographed in both languages, and nothing a reviewer would flag.

The one place where each board state is looked at (tests/display/test_board_look.py checks
the call sizes of the same states): drawn (not blank), every text fitting, no English on the
Vietnamese board, no small target, the board's 1920x1080 kept, in both languages, and in
high contrast."""

from __future__ import annotations

from pathlib import Path

from display.app import DisplayWindow
from display.style import BOARD_SIZE


def test_the_tour_photographs_the_board_in_each_state_and_language(made_up_board: DisplayWindow,
                                                                  tmp_path: Path) -> None:
    from cli.tour import Target, take_tour
    from ui.theme import MIN_TOUCH_PX, Theme

    target = Target("display", "board", BOARD_SIZE, Theme(), MIN_TOUCH_PX, ("high_contrast",))
    shots = take_tour(made_up_board, tmp_path, target=target)
    names = sorted(s.file for s in shots)
    assert "display-board-idle-vi.png" in names and "display-board-busy-en.png" in names
    assert "display-board-fresh_call-vi.png" in names and "display-board-reconnecting-vi.png" in names
    assert "display-board-fresh_call_high_contrast-vi.png" in names
    for state, _put in made_up_board.nav.screen("board").tour_states():
        for lang in ("vi", "en"):
            assert any(s.state == state and s.lang == lang and s.mode == "" for s in shots), (state, lang)
    assert [(s.file, s.findings) for s in shots if s.findings] == []
    assert all((tmp_path / s.file).stat().st_size > 10_000 for s in shots)
