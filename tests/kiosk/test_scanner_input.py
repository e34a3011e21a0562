"""The USB scanner heard application-wide: its bursts become scans, a person's typing still types."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.app import make_app
from ui.widgets.scanner_input import ScannerInput

TOKEN = "AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIB"


class Clock:
    """Monotonic seconds; ``step`` is added at every read (the pace of the keys)."""

    def __init__(self, step: float) -> None:
        self.t = 500.0
        self.step = step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


@pytest.fixture
def typing(qtbot) -> Iterator[tuple[QLineEdit, list[str], Clock, ScannerInput]]:  # type: ignore[no-untyped-def]
    make_app()
    box = QLineEdit()
    qtbot.addWidget(box)
    box.show()
    box.setFocus()
    clock = Clock(step=0.002)
    scanner = ScannerInput(clock=clock)
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    QApplication.instance().installEventFilter(scanner)
    yield box, scans, clock, scanner
    QApplication.instance().removeEventFilter(scanner)


def test_a_scanner_burst_ending_in_enter_is_a_scan_and_types_nothing(qtbot, typing):  # type: ignore[no-untyped-def]
    box, scans, _clock, _scanner = typing
    entered = []
    box.returnPressed.connect(lambda: entered.append(box.text()))
    qtbot.keyClicks(box, TOKEN)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert scans == [TOKEN]
    assert box.text() == "" and entered == []  # neither the code nor its Enter reached the box


def test_a_person_typing_sees_every_letter_in_order(qtbot, typing):  # type: ignore[no-untyped-def]
    box, scans, clock, scanner = typing
    clock.step = 0.05  # a key every ~100 ms (two reads a key)
    qtbot.keyClicks(box, "Hoa Binh")
    clock.t += 1
    scanner.flush()  # what the timer does at the deadline
    assert box.text() == "Hoa Binh"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert scans == []


def test_held_keys_are_released_by_the_timer_without_any_further_key(qtbot, typing):  # type: ignore[no-untyped-def]
    box, _scans, _clock, scanner = typing
    scanner.clock = __import__("time").monotonic  # real time: the QTimer has to do it alone
    qtbot.keyClick(box, "x")
    assert box.text() == ""  # held: could be the start of a scan
    qtbot.waitUntil(lambda: box.text() == "x", timeout=1000)


def test_a_short_quick_burst_with_enter_is_typing_enter_included(qtbot, typing):  # type: ignore[no-untyped-def]
    box, scans, _clock, _scanner = typing
    entered = []
    box.returnPressed.connect(lambda: entered.append(box.text()))
    qtbot.keyClicks(box, "abc")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert scans == [] and box.text() == "abc" and entered == ["abc"]


def test_editing_keys_and_shortcuts_pass_after_what_was_held(qtbot, typing):  # type: ignore[no-untyped-def]
    box, scans, _clock, scanner = typing
    qtbot.keyClicks(box, "ab")
    qtbot.keyClick(box, Qt.Key.Key_Backspace)  # not scan material: "ab" first, then the backspace
    assert box.text() == "a"
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all, untouched
    assert box.selectedText() == "a"
    scanner.enabled = False
    qtbot.keyClicks(box, "z")
    assert box.text() == "z" and scans == []


def test_vietnamese_letters_from_the_keyboard_layout_arrive_intact(qtbot, typing):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    box, scans, clock, scanner = typing
    clock.step = 0.05
    for ch in ("H", "o", "à", "ường"):  # a letter, and an input method committing a syllable
        QApplication.sendEvent(box, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
    clock.t += 1
    scanner.flush()
    assert box.text() == "Hoàường" and scans == []


# --- the key events a real scanner sends (issue 19): tests/support/wedge.py --------------------


def test_shift_and_key_releases_around_capitals_do_not_break_a_scan(qtbot, typing):  # type: ignore[no-untyped-def]
    from tests.support import wedge

    box, scans, _clock, _scanner = typing
    url = "HTTPS://MOTCUA.HANOI.GOV.VN/T/" + TOKEN
    wedge.send(wedge.scan_keys(url), box)
    assert scans == [url] and box.text() == ""


def test_a_person_typing_capitals_with_shift_sees_them(qtbot, typing):  # type: ignore[no-untyped-def]
    from tests.support import wedge

    box, scans, clock, scanner = typing
    clock.step = 0.05
    wedge.send([*wedge.us_layout("Hoa: A|B"), *wedge.enter()], box)
    clock.t += 1
    scanner.flush()
    assert box.text() == "Hoa: A|B" and scans == []


def test_a_configured_prefix_is_left_out_of_the_scan(qtbot, typing):  # type: ignore[no-untyped-def]
    from tests.support import wedge

    box, scans, _clock, scanner = typing
    scanner.detector.prefix = "]Q1"
    wedge.send(wedge.scan_keys("]Q1" + TOKEN), box)
    assert scans == [TOKEN] and box.text() == ""


def test_a_person_s_tab_comes_after_the_letters_held(qtbot, typing):  # type: ignore[no-untyped-def]
    from tests.support import wedge

    box, scans, clock, scanner = typing
    clock.step = 0.05
    wedge.send([*wedge.us_layout("ab"), *wedge.tab()], box)  # a person's Tab still moves on (reaches the widget)
    clock.t += 1
    scanner.flush()
    assert box.text() == "ab" and scans == []
