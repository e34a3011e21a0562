"""The on-screen keyboard: taps type Vietnamese, digits and codes into a line edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from ui.app import make_app
from ui.parts import vbox
from ui.theme import MIN_TOUCH_PX
from ui.widgets.keyboard import OnScreenKeyboard


@pytest.fixture
def board(qtbot):  # type: ignore[no-untyped-def]
    make_app()
    host = QWidget()
    edit = QLineEdit()
    kb = OnScreenKeyboard("text")
    vbox(host, [edit, kb], margin=40)
    qtbot.addWidget(host)
    host.resize(1080, 1000)
    host.show()
    kb.set_target(edit)
    return kb, edit, host


def _tap(qtbot):  # type: ignore[no-untyped-def]
    return lambda b: qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("mode", ["text", "digits", "code"])
def test_every_key_is_a_real_touch_target(board, mode: str) -> None:  # type: ignore[no-untyped-def]
    kb, _edit, _host = board
    kb.set_mode(mode)
    kb.window().repaint()
    kb.adjustSize()
    assert kb.keys and all(b.height() >= MIN_TOUCH_PX and b.width() >= MIN_TOUCH_PX for b in kb.keys.values())
    assert {"backspace", "clear", "ok"} <= set(kb.keys)


def test_a_name_typed_with_tone_keys_comes_out_in_nfc_with_capitals(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    kb, edit, _host = board
    kb.set_target(edit, capitalize_words=True)
    assert kb.key("a").text() == "A"  # the first letter of a name is a capital
    kb.type_text("Nguyễn Thị Mai", _tap(qtbot))
    assert edit.text() == "Nguyễn Thị Mai"
    qtbot.mouseClick(kb.key("backspace"), Qt.MouseButton.LeftButton)
    assert edit.text() == "Nguyễn Thị Ma"
    with qtbot.waitSignal(kb.submitted):
        qtbot.mouseClick(kb.key("ok"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kb.key("clear"), Qt.MouseButton.LeftButton)
    assert edit.text() == ""


def test_tone_after_more_letters_and_in_the_middle_of_the_text(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    kb, edit, _host = board
    for key in ["h", "o", "tone-huyen", "a"]:
        qtbot.mouseClick(kb.key(key), Qt.MouseButton.LeftButton)
    assert edit.text() == "hoà"
    qtbot.mouseClick(kb.key("shift"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kb.key("space"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kb.key("đ"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kb.key("ô"), Qt.MouseButton.LeftButton)
    assert edit.text() == "hoà Đô"  # shift gave one capital only
    assert kb.key("a").text() == "a"


def test_digits_keypad_respects_the_field_limit_and_code_mode_types_capitals(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    kb, edit, _host = board
    kb.set_mode("digits")
    edit.setMaxLength(4)
    kb.type_text("091234", _tap(qtbot))
    assert edit.text() == "0912"
    edit.setMaxLength(40)
    edit.clear()
    kb.set_mode("code")
    assert "shift" not in kb.keys and "tone-sac" not in kb.keys
    kb.type_text("000.00.04.h26-261123-0001", _tap(qtbot))
    assert edit.text() == "000.00.04.H26-261123-0001"
    with pytest.raises(ValueError):
        kb.set_mode("emoji")


def test_the_keyboard_changes_mode_again_after_the_event_loop_has_run(qtbot, board) -> None:  # type: ignore[no-untyped-def]
    """The name step, then the phone step, then back to the name: each change of mode rebuilds
    the keys, and the keyboard's own layout must outlive the old keys' deleteLater (the kiosk's
    booking details said "Internal C++ object already deleted" after one such round)."""
    kb, edit, _host = board
    tap = _tap(qtbot)
    for mode in ("digits", "text", "digits", "text"):
        kb.set_mode(mode)
        qtbot.wait(20)  # the event loop turns: the old keys (and anything deleteLater'd) are freed
        assert kb.isVisible() and kb.keys and kb.keys["ok"].isVisible()
    tap(kb.keys["a"])
    assert edit.text().lower() == "a"
