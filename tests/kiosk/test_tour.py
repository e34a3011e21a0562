"""``motcua tour`` photographs every kiosk screen and state, and what a reviewer would see
wrong in the pictures is checked: blank screens, English on a Vietnamese screen, text that
does not fit, touch targets under 64 px."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QImage, QImageReader
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from cli.tour import MODES, TOUR_NOW, demo_database, open_tour_window, take_tour
from ui.inspect import elided_labels, is_blank, small_targets, untranslated_texts
from ui.parts import button, label

# One worker takes the whole module: its tour (~85 s of CPU) is module-scoped, and with
# xdist's plain `load` a module split across both workers took it twice (make test runs
# with --dist loadgroup).
pytestmark = [pytest.mark.xdist_group("kiosk-tour"), pytest.mark.slow]


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One tour for the module, as ``motcua tour`` takes it: the small demo office (the
    screens do not depend on the database engine)."""
    scratch = tmp_path_factory.mktemp("tour")
    db = demo_database(scratch)
    window = open_tour_window(db, scratch, now=TOUR_NOW)
    window.setProperty("keep_between_tests", True)
    try:
        out = scratch / "out"
        yield window, out, take_tour(window, out)
    finally:
        window.shutdown()
        window.deleteLater()
        db.dispose()


def test_every_screen_and_state_is_photographed_in_both_languages(tour) -> None:  # type: ignore[no-untyped-def]
    kiosk, out, shots = tour
    names = {s.file for s in shots}
    assert {p.name for p in out.glob("*.png")} == names
    for screen_name, screen in kiosk.nav.screens.items():
        for state, _put in screen.tour_states():
            for lang in ("vi", "en"):
                assert any(s.screen == screen_name and s.state == state and s.lang == lang for s in shots)
    assert {"kiosk-start-vi.png", "kiosk-start-en.png", "kiosk-pin-wrong-vi.png", "kiosk-pin-locked-en.png",
            "kiosk-start-large_text-vi.png", "kiosk-start-high_contrast-en.png"} <= names
    assert all(re.fullmatch(r"kiosk-[a-z0-9_]+(-[a-z0-9_]+)?-(vi|en)\.png", n) for n in names)
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'src="{name}"' in index
    image = QImage(str(out / "kiosk-start-vi.png"))
    assert (image.width(), image.height()) == (1080, 1920)
    assert kiosk.nav.current.name == "start"  # put back as it was


def test_no_blank_screen_no_english_on_vietnamese_screens_nothing_clipped_no_small_target(tour) -> None:  # type: ignore[no-untyped-def]
    _kiosk, out, shots = tour
    problems = {s.file: s.findings for s in shots if s.findings and s.mode == ""}
    assert problems == {}
    # Blank was looked at on each picture before it was written (the "blank screen" finding);
    # what is on disk is that picture, a PNG of the panel's size.
    for shot in shots:
        reader = QImageReader(str(out / shot.file))
        assert reader.format().data() == b"png" and reader.canRead(), shot.file
        assert (reader.size().width(), reader.size().height()) == (1080, 1920), shot.file


def test_screens_further_down_a_flow_are_photographed_with_something_chosen(tour) -> None:  # type: ignore[no-untyped-def]
    """The booking day, time and done screens need what the screen before passed; the tour
    enters them with it, so their pictures show days, times and a code, not an empty page."""
    kiosk, _out, _shots = tour
    try:
        for name in ("booking_day", "booking_slot"):
            screen = kiosk.nav.screens[name]
            kiosk.nav.go(name, **screen.tour_params())
            screen.tasks.wait_idle()
            shown = [b for b in screen.buttons.values() if b.isVisible() and b.isEnabled()]
            assert shown, name
        done = kiosk.nav.screens["booking_done"]
        kiosk.nav.go("booking_done", **done.tour_params())
        assert done.code.text().startswith("LH") and "Đăng ký khai sinh" in done.details.text()
    finally:
        kiosk.nav.go("start")


@pytest.mark.parametrize("mode", MODES)
def test_the_start_screen_fits_the_panel_in_each_reading_mode(tour, mode: str) -> None:  # type: ignore[no-untyped-def]
    _kiosk, _out, shots = tour
    mine = [s for s in shots if s.mode == mode]
    assert {s.lang for s in mine} == {"vi", "en"}
    assert {s.file: s.findings for s in mine if s.findings} == {}


def test_every_screen_fits_the_panel_in_large_text(tour) -> None:  # type: ignore[no-untyped-def]
    """Large text is chosen on the start screen and stays for the whole visit: every screen
    and state must still fit the 1080x1920 panel with nothing clipped (keyboards included)."""
    kiosk, out, _shots = tour
    shots = take_tour(kiosk, out / "large", modes=("large_text",))
    assert {s.screen for s in shots} == set(kiosk.nav.screens)
    assert {s.file: s.findings for s in shots if s.findings} == {}


# --- the checks themselves catch what they are meant to ----------------------------------------


def _page(*widgets: QWidget, width: int = 600) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    for w in widgets:
        layout.addWidget(w)
    page.resize(width, 800)
    page.show()
    return page


def test_the_checks_find_a_clipped_label_a_small_button_and_english_left_on_a_vietnamese_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.app import make_app

    make_app()
    fits = label("Lấy số thứ tự", "title")
    clipped = label("Giấy tờ cần mang, lệ phí, thời gian giải quyết", "title", wrap=False)
    clipped.setFixedWidth(200)
    wrapped_too_low = label("Quét giấy biên nhận hoặc nhập mã hồ sơ " * 4, "subtitle")
    wrapped_too_low.setFixedHeight(40)
    small = QPushButton()  # an icon-sized target: 40 px wide
    small.setFixedWidth(40)
    big = button("Xong", "primary", name="done")
    english = label("Choose a service", "title")  # translated in the catalogue, shown untranslated
    formatted = label("3 people waiting", "hint")  # an ngettext msgid formatted without translation
    page = _page(fits, clipped, wrapped_too_low, small, big, english, formatted)
    qtbot.addWidget(page)
    assert set(elided_labels(page)) == {clipped, wrapped_too_low}
    assert [t.split()[0] for t in small_targets(page)] == ["QPushButton"]
    assert untranslated_texts(page, "vi") == ["Choose a service", "3 people waiting"]
    assert untranslated_texts(page, "en") == []


def test_is_blank_tells_an_empty_picture_from_a_screen() -> None:
    empty = QImage(1080, 1920, QImage.Format.Format_RGB32)
    empty.fill(QColor("#f4f6f8"))
    assert is_blank(empty)
    empty.setPixelColor(10, 10, QColor("black"))  # one stray pixel: still blank
    assert is_blank(empty)
    from PySide6.QtGui import QPainter

    painter = QPainter(empty)
    painter.fillRect(40, 300, 1000, 130, QColor("#0b5cad"))
    painter.end()
    assert not is_blank(empty)
