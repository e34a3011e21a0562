"""The on-screen keyboard of the kiosk: Vietnamese letters, a numeric keypad, and a code
keyboard for dossier codes. It types into one QLineEdit at a time.

Modes:

* ``"text"`` — a QWERTY-like layout plus ``ă â đ ê ô ơ ư`` keys and a row of tone keys
  (sắc, huyền, hỏi, ngã, nặng) that put the tone on the right vowel of the word just typed
  (core/vietnamese_input.py: "new style", ``hoà``, ``thuỷ``), shift (one capital), space,
  backspace, clear, OK. ``set_target(edit, capitalize_words=True)`` starts every word with
  a capital (names).
* ``"digits"`` — 0-9, backspace, clear, OK in big keys (phone numbers, CCCD).
* ``"code"`` — digits, capital letters, ``.`` and ``-`` (codes like 000.00.04.H26-261123-0001).

Every key is a QPushButton with theme role ``key`` (``keypad`` for the big digit keys),
never smaller than the 64 px touch target, and never takes focus (the target line edit
keeps its cursor). Keys are found by object name ``key-<name>``: the letter itself
(``key-a``, ``key-ê``, ``key-7``, ``key-.``) or ``key-shift``, ``key-space``,
``key-backspace``, ``key-clear``, ``key-ok``, ``key-tone-sac`` ... ``key-tone-nang``.
:func:`core.vietnamese_input.key_sequence` gives the key names that type a text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QGridLayout, QLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from core import vietnamese_input as vi
from core.i18n import pgettext
from ui.parts import button, hbox, vbox

MODES = ("text", "digits", "code")

_TEXT_ROWS = ("qwertyuiop", "asdfghjklđ", "zxcvbnm")
_VI_ROW = "ăâêôơư"
_CODE_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM.-")
_KEYPAD_ROWS = ("123", "456", "789")


class OnScreenKeyboard(QWidget):
    """Typing into :attr:`target` by taps. ``submitted`` is emitted by the OK key;
    ``typed`` after every key that changed the text."""

    submitted = Signal()
    typed = Signal()

    def __init__(self, mode: str = "text", parent: QWidget | None = None, *, digits_row: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.target: QLineEdit | None = None
        self.capitalize_words = False
        self.shift = False
        self.digits_row = digits_row
        self.keys: dict[str, QPushButton] = {}
        self.mode = ""
        self._layout = vbox(self, spacing=10)
        self.set_mode(mode)

    # -- public ----------------------------------------------------------------------------
    def set_target(self, edit: QLineEdit | None, *, capitalize_words: bool = False) -> None:
        """Type into ``edit`` from now on (None: nowhere)."""
        self.target = edit
        self.capitalize_words = capitalize_words
        self._auto_shift()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown keyboard mode {mode!r}")
        if mode == self.mode:
            return
        self.mode = mode
        self._rebuild()

    def key(self, name: str) -> QPushButton:
        """The button of key ``name`` (``"a"``, ``"ê"``, ``"shift"``, ``"tone-nga"``, ...)."""
        return self.keys[name]

    def press(self, name: str) -> None:
        """What tapping key ``name`` does (the buttons call this)."""
        edit = self.target
        if name == "ok":
            self.submitted.emit()
            return
        if name == "shift":
            self.shift = not self.shift
            self._relabel()
            return
        if edit is None:
            return
        text, cursor = edit.text(), edit.cursorPosition()
        if name == "backspace":
            text, cursor = vi.backspace(text, cursor)
        elif name == "clear":
            text, cursor = "", 0
        elif name.startswith("tone-"):
            text, cursor = vi.add_tone(text, cursor, name[5:])
        else:
            char = " " if name == "space" else name
            if self.mode == "text" and self.shift:
                char = char.upper()
            elif self.mode == "code":
                char = char.upper()
            if 0 < edit.maxLength() <= len(text):
                return  # full: the field's limit holds for taps too
            text, cursor = vi.type_char(text, cursor, char)
            if self.shift and self.mode == "text" and name != "space":
                self.shift = False  # one capital, then small letters again
                self._relabel()
        if text != edit.text():
            edit.setText(text)
        edit.setCursorPosition(cursor)
        self._auto_shift()
        self.typed.emit()

    def retranslate(self) -> None:
        self._relabel()

    def type_text(self, text: str, tap: Callable[[QPushButton], None]) -> None:
        """Type ``text`` by calling ``tap`` on each key a citizen would touch (tests and
        the tour pass qtbot.mouseClick); "shift" is skipped where the keyboard already
        gives a capital (capitalize_words)."""
        for name in vi.key_sequence(text):
            if name == "shift" and (self.shift or self.mode != "text"):
                continue
            if self.mode == "code" and len(name) == 1:
                name = name.upper()
            tap(self.key(name))

    # -- building --------------------------------------------------------------------------
    def _rebuild(self) -> None:
        _empty_layout(self._layout)  # the keyboard's own layout stays: only its rows go
        self.keys = {}
        self.shift = False
        if self.mode == "text":
            rows: list[list[str]] = [[*"1234567890"]] if self.digits_row else []
            rows += [[*_TEXT_ROWS[0]], [*_TEXT_ROWS[1]], ["shift", *_TEXT_ROWS[2], "backspace"], [*_VI_ROW],
                     [f"tone-{t}" for t in vi.TONES], ["clear", "space", "ok"]]
            for row in rows:
                self._row(row)
        elif self.mode == "code":
            for code_row in (*_CODE_ROWS, ("clear", "backspace", "ok")):
                self._row([*code_row] if isinstance(code_row, str) else list(code_row))
        else:
            grid = QGridLayout()
            grid.setSpacing(12)
            for r, pad_row in enumerate((*_KEYPAD_ROWS, ("clear", "0", "backspace"))):
                for c, name in enumerate(pad_row):
                    grid.addWidget(self._make(name, "keypad"), r, c)
            grid.addWidget(self._make("ok", "keypad"), 4, 0, 1, 3)
            self._layout.addLayout(grid)
        for key in self.keys.values():
            key.show()  # a layout shows new children only on the next event loop turn
        self._relabel()

    def _row(self, names: list[str]) -> None:
        row = hbox(spacing=8)
        for name in names:
            # shift and backspace share the Z row with seven letters: wide enough for "Chữ hoa"
            # in large text too
            stretch = 4 if name == "space" else 3 if name in ("shift", "backspace") else 2 if name in ("clear", "ok") else 1
            row.addWidget(self._make(name, "key"), stretch)
        self._layout.addLayout(row)

    def _make(self, name: str, role: str) -> QPushButton:
        def on_click(n: str = name) -> None:
            self.press(n)
        b = button(role=role if name != "ok" else "primary", name=f"key-{name}", on_click=on_click)
        if name == "ok":
            b.setProperty("keyboard_ok", True)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        b.setAutoRepeat(name == "backspace")  # hold to delete several letters
        self.keys[name] = b
        return b

    def _relabel(self) -> None:
        for name, b in self.keys.items():
            b.setText(self._label(name))
        if "shift" in self.keys:
            shift = self.keys["shift"]
            shift.setCheckable(True)
            shift.setChecked(self.shift)

    def _label(self, name: str) -> str:
        if name == "shift":
            return pgettext("keyboard", "Capital")
        if name == "backspace":
            return pgettext("keyboard", "Delete")
        if name == "clear":
            return pgettext("keyboard", "Clear all")
        if name == "space":
            return pgettext("keyboard", "Space")
        if name == "ok":
            return pgettext("keyboard", "OK")
        if name.startswith("tone-"):
            tone = name[5:]
            return f"{vi.TONE_SAMPLES[tone]}  {vi.TONE_NAMES_VI[tone]}"
        if self.mode == "text" and self.shift:
            return name.upper()
        return name.upper() if self.mode == "code" else name

    def _auto_shift(self) -> None:
        """With capitalize_words, the first letter of each word is a capital."""
        if self.mode != "text" or not self.capitalize_words or self.target is None:
            return
        edit = self.target
        before = edit.text()[:edit.cursorPosition()]
        want = before == "" or before.endswith(" ")
        if want != self.shift:
            self.shift = want
            self._relabel()


def _drop_widget(widget: QWidget) -> None:
    widget.hide()  # gone at once (deleteLater only frees it on the next event loop turn)
    widget.setParent(None)
    widget.deleteLater()


def _drop_layout(layout: QLayout) -> None:
    _empty_layout(layout)
    layout.deleteLater()


def _empty_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        inner = item.layout() if item is not None else None
        if widget is not None:
            _drop_widget(widget)
        elif inner is not None:
            _drop_layout(inner)


class _ShowOnTouch(QObject):
    """Shows the keyboard when its line edit is touched (a press, not a focus change that
    the screen itself made)."""

    def __init__(self, keyboard: OnScreenKeyboard) -> None:
        super().__init__(keyboard)
        self.keyboard = keyboard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.MouseButtonPress:
            self.keyboard.show()
        return False


def keyboard_for(mode: str, target: QLineEdit, *, on_touch: bool = False) -> OnScreenKeyboard:
    """An on-screen keyboard of ``mode`` already typing into ``target``. ``on_touch``: the
    keyboard stays hidden until the citizen touches ``target`` and hides again on OK, for
    a screen where typing is the second way in (browsing comes first) and the keyboard
    would take half the screen from the list."""
    keyboard = OnScreenKeyboard(mode=mode)
    keyboard.set_target(target)
    if on_touch:
        keyboard.hide()
        target.installEventFilter(_ShowOnTouch(keyboard))
        keyboard.submitted.connect(keyboard.hide)
    return keyboard


__all__ = ["MODES", "OnScreenKeyboard", "keyboard_for"]
