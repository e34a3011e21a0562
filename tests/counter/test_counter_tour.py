"""``motcua tour`` photographs every counter page and state too (counter-… files), and the
look checks pass.

This is the one place where each counter state is looked at (the per-page tests put the
same ``tour_states()`` for what only they can see): every state of every page, in
Vietnamese and in English, in the whole desk window at 1600x900 with its side column,
signed in as the administrator on the demo office. ``take_tour`` looks at each
(cli/tour.py ``_look``): the page not blank, the window still 1600x900 (nothing too big for
the desk), no text clipped or elided, no button or row under the desk's minimum target, no
English on a Vietnamese screen, and the state shown without an error.

One test per page: the whole tour was one test of seven to nine minutes, the longest of the
suite, that one xdist worker ran alone while the others had finished; split, the pages
spread over the workers, each worker building the demo office once (a session fixture)
and a fresh desk window for each page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImageReader

from cli.tour import (
    TOUR_NOW,
    counter_target,
    demo_database,
    open_counter_tour_window,
    take_tour,
)

PAGES = ("login", "queue", "intake", "dossiers", "appointments", "dashboard", "admin")


@pytest.fixture(scope="session")
def tour_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """The demo office, built once per worker (the tour's states write nothing that
    another page would see: drafts at most). For the session, not the module: an xdist
    worker runs other modules' tests between these, which would tear a module fixture
    down and build it again."""
    folder = tmp_path_factory.mktemp("counter-tour")
    db = demo_database(folder)
    try:
        yield db, folder
    finally:
        db.dispose()


@pytest.fixture
def tour_window(tour_database: tuple[Any, Path], tmp_path: Path) -> Iterator[Any]:
    """A fresh desk window for each page, as when the whole tour was one test: a page's
    made-up states never leak into the next page's pictures."""
    db, _folder = tour_database
    window = open_counter_tour_window(db, tmp_path, now=TOUR_NOW)
    try:
        yield window
    finally:
        window.shutdown()
        window.deleteLater()


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_state_of_the_page_in_both_languages_passes_the_look(tour_window: Any, page: str,
                                                                   tmp_path: Path) -> None:
    window = tour_window
    assert set(window.nav.screens) == set(PAGES)  # a new page gets its part of the tour
    shots = take_tour(window, tmp_path / "out", target=counter_target(), screens=(page,))
    for state, _put in window.nav.screens[page].tour_states():
        for lang in ("vi", "en"):
            assert any(s.screen == page and s.state == state and s.lang == lang for s in shots), (page, state)
    assert {s.screen for s in shots} == {page}
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
