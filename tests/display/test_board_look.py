"""The board's made-up states for ``motcua tour`` (idle, busy with six counters, a fresh call),
looked at the way a reviewer would: drawn, readable from the back of the hall, every text
fitting, no English on the Vietnamese board."""

from __future__ import annotations

import pytest

from core.i18n import current_language
from display.app import DisplayWindow
from ui.theme import Theme, apply_theme


def _states(board: DisplayWindow) -> dict[str, object]:
    return dict(board.nav.screen("board").tour_states())


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_tour_state_calls_numbers_readable_from_the_back_of_the_hall(qtbot, made_up_board: DisplayWindow,  # type: ignore[no-untyped-def]
                                                                           lang: str) -> None:
    """Drawn, every text fitting, no English on the Vietnamese board, no small target: each
    state in each language is looked at once, by the tour (tests/display/test_board_tour.py)."""
    if current_language() != lang:
        made_up_board.toggle_language()
    states = _states(made_up_board)
    assert list(states) == ["idle", "busy", "fresh_call", "reconnecting"]
    for name, put in states.items():
        put()  # type: ignore[operator]
        qtbot.wait(20)
        for card in made_up_board.view.cards.values():
            if card.has_ticket:
                assert card.code_px >= 0.10 * made_up_board.height(), (name, card.number)
    assert made_up_board.frozen and not made_up_board.reading


def test_the_tour_states_show_what_their_names_say(qtbot, made_up_board: DisplayWindow) -> None:  # type: ignore[no-untyped-def]
    states = _states(made_up_board)
    states["idle"]()  # type: ignore[operator]
    assert [c.has_ticket for c in made_up_board.view.cards.values()] == [False] * 4
    assert made_up_board.view.no_calls.isVisible()
    assert made_up_board.view.cards[1].code_label.text() == "Chưa gọi số"

    states["busy"]()  # type: ignore[operator]
    assert len(made_up_board.view.cards) == 6 and all(c.has_ticket for c in made_up_board.view.cards.values())
    assert {c.state for c in made_up_board.view.cards.values()} == {"serving", "latest"}

    states["fresh_call"]()  # type: ignore[operator]
    assert made_up_board.view.cards[3].code == "A015" and made_up_board.view.cards[3].state == "fresh"
    assert made_up_board.view.call_rows[0].code.text() == "A015"

    states["reconnecting"]()  # type: ignore[operator]
    assert made_up_board.view.reconnecting


def test_high_contrast_changes_the_board_too(qtbot, made_up_board: DisplayWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    _states(made_up_board)["fresh_call"]()  # type: ignore[operator]
    normal = made_up_board.grab().toImage().pixelColor(5, 400)
    apply_theme(QApplication.instance(), Theme(high_contrast=True))
    try:
        _states(made_up_board)["fresh_call"]()  # type: ignore[operator]
        dark = made_up_board.grab().toImage().pixelColor(5, 400)
    finally:
        apply_theme(QApplication.instance(), Theme())
    assert normal.lightness() > 200 and dark.lightness() < 30
