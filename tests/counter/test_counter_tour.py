"""``motcua tour`` photographs every counter page and state too (counter-… files), and the
look checks pass: nothing blank, no English on a Vietnamese screen, nothing clipped, no
button smaller than the desk's minimum."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from cli.tour import (
    TOUR_NOW,
    counter_target,
    demo_database,
    open_counter_tour_window,
    take_tour,
)
from ui.inspect import is_blank


def test_every_counter_page_and_state_in_both_languages_passes_the_look(tmp_path: Path) -> None:
    db = demo_database(tmp_path)
    window = open_counter_tour_window(db, tmp_path, now=TOUR_NOW)
    try:
        shots = take_tour(window, tmp_path / "out", target=counter_target())
        for name, screen in window.nav.screens.items():
            for state, _put in screen.tour_states():
                for lang in ("vi", "en"):
                    assert any(s.screen == name and s.state == state and s.lang == lang for s in shots), (name, state)
        assert all(s.file.startswith("counter-") for s in shots)
        assert {s.file: s.findings for s in shots if s.findings} == {}
        for shot in shots:
            image = QImage(str(tmp_path / "out" / shot.file))
            assert (image.width(), image.height()) == (1600, 900) and not is_blank(image), shot.file
    finally:
        window.shutdown()
        window.deleteLater()
        db.dispose()
