"""The key events a USB keyboard-wedge scanner (or ``xdotool type``) really produces.

A scanner is a keyboard: for every character it presses the keys a person would on the
layout it is set to. On a US layout a capital letter and ``|``, ``:``, ``?``... are Shift
held around the key; Qt sees a Shift press (no text), the character's press and release
with ShiftModifier, then the Shift release. A scanner set to caps lock toggles CapsLock
around the code and sends unshifted keys with capital text; on a German layout ``|`` is
AltGr+``<`` (on X11 a Key_AltGr press; on Windows the character arrives with Ctrl+Alt).
Tests feed these sequences, not bare text, to the real widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

M = Qt.KeyboardModifier
SHIFTED = set('~!@#$%^&*()_+{}|:"<>?')
ALTGR_DE = set("|@\\{}[]~")  # what a German layout types with AltGr


@dataclass(frozen=True)
class Key:
    """One key event: press or release, Qt key, modifiers held, the text it carries."""

    press: bool
    key: int
    modifiers: Qt.KeyboardModifier = M.NoModifier
    text: str = ""

    def event(self) -> QKeyEvent:
        kind = QEvent.Type.KeyPress if self.press else QEvent.Type.KeyRelease
        return QKeyEvent(kind, self.key, self.modifiers, self.text)


def _code(ch: str) -> int:
    if ch == " ":
        return int(Qt.Key.Key_Space)
    return ord(ch.upper()) if ord(ch) < 128 else 0


def _tap(key: int, modifiers: Qt.KeyboardModifier, text: str) -> list[Key]:
    return [Key(True, key, modifiers, text), Key(False, key, modifiers, text)]


def _hold(key: Qt.Key, flag: Qt.KeyboardModifier, inner: list[Key]) -> list[Key]:
    """``key`` pressed around ``inner`` (as X reports it: the press already carries its flag)."""
    return [Key(True, int(key), flag), *inner, Key(False, int(key), M.NoModifier)]


def us_layout(text: str) -> list[Key]:
    """What xdotool type / a US-layout scanner sends: Shift around capitals and shifted symbols."""
    keys: list[Key] = []
    for ch in text:
        if ch.isupper() or ch in SHIFTED:
            keys += _hold(Qt.Key.Key_Shift, M.ShiftModifier, _tap(_code(ch), M.ShiftModifier, ch))
        else:
            keys += _tap(_code(ch), M.NoModifier, ch)
    return keys


def caps_lock(text: str) -> list[Key]:
    """A scanner set to caps lock: CapsLock toggled around the code, letters unshifted."""
    toggle = [Key(True, int(Qt.Key.Key_CapsLock)), Key(False, int(Qt.Key.Key_CapsLock))]
    keys: list[Key] = list(toggle)
    for ch in text:
        if ch in SHIFTED or ch.islower():
            keys += _hold(Qt.Key.Key_Shift, M.ShiftModifier, _tap(_code(ch), M.ShiftModifier, ch))
        else:
            keys += _tap(_code(ch), M.NoModifier, ch)
    return keys + toggle


def german_x11(text: str) -> list[Key]:
    """A scanner set to German: ``|`` and ``/`` come through AltGr (X11: Key_AltGr, no Qt modifier
    on the character) and Shift+7."""
    keys: list[Key] = []
    for ch in text:
        if ch in ALTGR_DE:
            keys += [Key(True, int(Qt.Key.Key_AltGr)), *_tap(_code(ch), M.NoModifier, ch),
                     Key(False, int(Qt.Key.Key_AltGr))]
        elif ch.isupper() or ch in SHIFTED or ch == "/":
            keys += _hold(Qt.Key.Key_Shift, M.ShiftModifier, _tap(_code(ch), M.ShiftModifier, ch))
        else:
            keys += _tap(_code(ch), M.NoModifier, ch)
    return keys


def windows_altgr(text: str) -> list[Key]:
    """AltGr on Windows: the character arrives with Ctrl+Alt held."""
    both = M.ControlModifier | M.AltModifier
    keys: list[Key] = []
    for ch in text:
        if ch in ALTGR_DE:
            keys += [Key(True, int(Qt.Key.Key_Control), M.ControlModifier), Key(True, int(Qt.Key.Key_Alt), both),
                     *_tap(_code(ch), both, ch),
                     Key(False, int(Qt.Key.Key_Alt), M.ControlModifier), Key(False, int(Qt.Key.Key_Control))]
        else:
            keys += us_layout(ch)
    return keys


def enter() -> list[Key]:
    return _tap(int(Qt.Key.Key_Return), M.NoModifier, "\r")


def tab() -> list[Key]:
    return _tap(int(Qt.Key.Key_Tab), M.NoModifier, "\t")


def line_feed() -> list[Key]:
    """LF as a scanner sends it after CR: Ctrl+J."""
    return _hold(Qt.Key.Key_Control, M.ControlModifier, _tap(int(Qt.Key.Key_J), M.ControlModifier, "\n"))


def scan_keys(text: str, *, layout=us_layout, suffix: Iterable[Key] | None = None) -> list[Key]:  # type: ignore[no-untyped-def]
    """The whole scan: the code on ``layout``, then the suffix (Enter by default)."""
    return [*layout(text), *(enter() if suffix is None else suffix)]


def send(keys: Iterable[Key], target: QWidget | None = None) -> None:
    """Deliver each event as the platform would: to the focused widget (or ``target``)."""
    for k in keys:
        widget = QApplication.focusWidget() or target
        assert widget is not None, "no widget to type into"
        QApplication.sendEvent(widget, k.event())


def presses(keys: Iterable[Key]) -> Iterator[Key]:
    return (k for k in keys if k.press)
