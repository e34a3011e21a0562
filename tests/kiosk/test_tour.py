"""``motcua tour`` photographs every kiosk screen and state, and what a reviewer would see
wrong in the pictures is checked: blank screens, English on a Vietnamese screen, text that
does not fit, touch targets under 64 px, a screen taller or wider than its panel — on the
1080x1920 portrait panel and on a 1920x1080 landscape one, in every reading mode."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QImage, QImageReader
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from cli.tour import MODES, TOUR_NOW, demo_database, kiosk_target, open_tour_window, take_tour
from ui.inspect import contrast_ratio, elided_labels, is_blank, overflow, small_targets, text_colours, untranslated_texts
from ui.parts import button, label
from ui.theme import Theme, apply_theme

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


@pytest.mark.parametrize("mode", ["", *MODES])
def test_the_start_screen_fits_the_panel_in_each_reading_mode(tour, mode: str) -> None:  # type: ignore[no-untyped-def]
    """Portrait (the tour's own pictures) and landscape (taken here), in both languages."""
    kiosk, out, shots = tour
    mine = [s for s in shots if s.mode == mode and s.screen == "start"]
    mine += take_tour(kiosk, out / "landscape", modes=(mode,), home_only=True, target=kiosk_target(landscape=True))
    assert {(s.lang, s.panel) for s in mine} == {("vi", ""), ("en", ""), ("vi", "landscape"), ("en", "landscape")}
    assert {s.file: s.findings for s in mine if s.findings} == {}
    assert (kiosk.width(), kiosk.height()) == (1080, 1920)  # the module's window put back as it was


def test_every_screen_fits_the_panel_in_large_text(tour) -> None:  # type: ignore[no-untyped-def]
    """Large text is chosen on the start screen and stays for the whole visit: every screen
    and state must still fit the 1080x1920 panel and a 1920x1080 landscape one, with nothing
    clipped (keyboards included). The window's minimum size is checked against the panel,
    not only its picture (a landscape kiosk once opened 1920x1437, its reading aids below the
    screen). Large text is the tallest mode (high contrast changes colours only, below), so
    every screen that fits in it fits in the others; this pass takes no pictures."""
    kiosk, out, _shots = tour
    for target in (kiosk_target(), kiosk_target(landscape=True)):
        shots = take_tour(kiosk, out / "large", modes=("large_text",), target=target, photographs=False)
        assert {s.screen for s in shots} == set(kiosk.nav.screens)
        assert {s.file: s.findings for s in shots if s.findings} == {}


def test_high_contrast_changes_colours_only() -> None:
    """So the sizes checked in the normal look and in large text hold in high contrast too."""
    import re

    def shape(theme: Theme) -> str:
        return re.sub(r"#[0-9a-fA-F]{6}", "#colour", theme.stylesheet())

    assert shape(Theme(high_contrast=True)) == shape(Theme())
    assert shape(Theme(large_text=True, high_contrast=True)) == shape(Theme(large_text=True))
    assert Theme(high_contrast=True).stylesheet() != Theme().stylesheet()


@pytest.mark.parametrize("high_contrast", [False, True])
def test_the_chosen_rating_and_a_reading_aid_that_is_on_can_be_read(tour, high_contrast: bool) -> None:  # type: ignore[no-untyped-def]
    """The chosen level was dark text on dark blue; "Larger text" looked the same on and off.
    Their colours are read off the real widgets as the stylesheet paints them."""
    from PySide6.QtWidgets import QApplication

    kiosk, _out, _shots = tour
    app = QApplication.instance()
    try:
        apply_theme(app, Theme(high_contrast=high_contrast))
        form = kiosk.nav.go("rating_form", **kiosk.nav.screens["rating_form"].tour_params())
        form.choose("satisfied")
        QApplication.processEvents()
        form.choose("very_satisfied")  # the citizen changes their mind
        QApplication.processEvents()
        chosen, other, never = (form.levels[k] for k in ("very_satisfied", "satisfied", "unsatisfied"))
        assert chosen.isChecked() and chosen.text() == "• Rất hài lòng •"
        for level in (chosen, other):
            fg, bg = text_colours(level)
            assert contrast_ratio(fg, bg) >= 4.5, (level.text(), fg.name(), bg.name())
        assert text_colours(chosen)[1] != text_colours(other)[1]  # the chosen one is filled, not only marked
        assert text_colours(other) == text_colours(never)  # and the one left keeps no trace of it

        kiosk.nav.go("start")
        kiosk.set_theme(large_text=True)  # as its button does
        kiosk.start.mark_aids()
        QApplication.processEvents()
        aid = kiosk.start.large_text
        assert aid.isChecked() and aid.text() == "Chữ to hơn\n(đang bật)"
        assert not kiosk.start.high_contrast.isChecked() or high_contrast
        fg, bg = text_colours(aid)
        assert contrast_ratio(fg, bg) >= 4.5
        assert bg != text_colours(kiosk.start.language)[1]  # on looks different from a plain button
        # The header keeps the office's name on one line in large text, cut short if it must be.
        office = kiosk.header.office
        assert office.full_text() == "UBND Phường Ba Đình"
        assert office.height() < 2 * office.fontMetrics().lineSpacing()
        assert elided_labels(kiosk.header) == []
    finally:
        apply_theme(app, Theme())
        kiosk.nav.go("start")
        kiosk.start.mark_aids()
    assert not kiosk.start.large_text.isChecked() and kiosk.start.large_text.text() == "Chữ to hơn"


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
    # A window that needs more room than the panel is found by its size, whatever its picture.
    assert overflow(page, (1080, 1920)) == []
    small.setMinimumHeight(2000)
    assert overflow(page, (1080, 1920))[0].startswith("taller than the 1080x1920 panel")
    assert overflow(page, (100, 3000))[0].startswith("wider than the 100x3000 panel")


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
