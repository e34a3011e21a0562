"""``motcua tour`` photographs every counter page and state too (counter-… files), and the
look checks pass.

This is the one place where each counter state is looked at (the per-page tests put the
same ``tour_states()`` for what only they can see): every state of every page, in
Vietnamese and in English, in the whole desk window at 1600x900 with its side column,
signed in as the administrator on the demo office. ``take_tour`` looks at each
(cli/tour.py ``_look``): the page not blank, the window still 1600x900 (nothing too big for
the desk), no text clipped or elided, no button or row under the desk's minimum target, no
English on a Vietnamese screen, and the state shown without an error."""

from __future__ import annotations

import pytest

from pathlib import Path

from PySide6.QtGui import QImageReader

from cli.tour import (
    TOUR_NOW,
    counter_target,
    demo_database,
    open_counter_tour_window,
    take_tour,
)


@pytest.mark.slow
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
        # The pictures on disk: each a PNG of the desk's size. Whether what it shows is blank
        # was looked at on the same picture before it was written (the "blank screen" finding).
        assert {p.name for p in (tmp_path / "out").glob("*.png")} == {s.file for s in shots}
        for shot in shots:
            reader = QImageReader(str(tmp_path / "out" / shot.file))
            assert reader.format().data() == b"png" and reader.canRead(), shot.file
            size = reader.size()
            assert (size.width(), size.height()) == (1600, 900), shot.file
    finally:
        window.shutdown()
        window.deleteLater()
        db.dispose()
