"""A keyboard-wedge QR scanner, heard application-wide (docs/ARCHITECTURE.md §6).

A USB scanner "types" the code it read, very fast, then presses Enter. Installed on the
QApplication, :class:`ScannerInput` passes every printable key press to
:class:`core.scan_input.ScanDetector`, which holds keys back while they could be the start
of a scan. A burst ending in Enter becomes :attr:`ScannerInput.scanned` and none of its keys
reach the focused widget (a scan never lands as text in a search box); everything else is
re-sent, in order, to the widget it was meant for (a person typing sees their letters a few
tens of milliseconds late, which nobody notices). A single-shot timer calls :meth:`flush`
at the detector's deadline so held keys are never stuck.

A scanner is a keyboard set to some layout, so it presses Shift around every capital and
``:``, ``|``..., toggles CapsLock, or uses AltGr for ``|`` on a German layout; every press
is followed by its release. Modifier keys alone and key releases are therefore never
"not scan material": they go on untouched and the burst goes on. A character typed with
Shift or AltGr is scan material (on Windows AltGr arrives as Ctrl+Alt with the character's
text); Enter, Tab and the LF of a CR+LF suffix (Ctrl+J) are the scan's suffix
(core.scan_input). Keys with Ctrl/Alt/Meta (shortcuts) and keys without text (arrows,
Backspace, function keys) are not scan material: held keys are released first, then such
a key goes on untouched.
"""

from __future__ import annotations

import math
import time
import weakref
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from core.scan_input import ENTER, LINE_FEED, TAB, Outcome, ScanDetector

_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)
_ALT_GR_ON_WINDOWS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: Keys that only change what the next key types (or are pressed with it): never a break.
_MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock, Qt.Key.Key_Mode_switch,
    Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R,
})


class _Held:
    """One key press kept back: enough to send it again, to the widget it was meant for."""

    __slots__ = ("key", "modifiers", "target", "text")

    def __init__(self, event: QKeyEvent, target: QWidget) -> None:
        self.key = event.key()
        self.modifiers = event.modifiers()
        self.text = event.text()
        self.target = weakref.ref(target)


class ScannerInput(QObject):
    """Install with ``app.installEventFilter(scanner)``; connect :attr:`scanned`.

    ``clock`` (monotonic seconds) and ``detector`` are for tests: a test can type "slowly"
    by moving its clock without sleeping.
    """

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, detector: ScanDetector | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.detector = detector or ScanDetector()
        self.clock = clock
        self.enabled = True
        self._pending: deque[_Held] = deque()
        self._resending = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    # --- the filter -----------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (self._resending or not self.enabled or event.type() != QEvent.Type.KeyPress
                or not isinstance(obj, QWidget)):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in _MODIFIER_KEYS:
            return False  # Shift, CapsLock, AltGr...: the burst goes on
        key = self._key_text(event)
        if key is None:
            self._release(self.detector.reset())  # not scan material: what was held goes first
            return False
        self._pending.append(_Held(event, obj))
        self._act(self.detector.feed(key, self.clock()))
        return True

    @staticmethod
    def _key_text(event: QKeyEvent) -> str | None:
        """The character a key press feeds the detector, or None for a key that is not scan material."""
        modifiers = event.modifiers()
        text = event.text()
        if text == LINE_FEED and not modifiers & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
            return LINE_FEED  # Ctrl+J: the LF of a scanner's CR+LF suffix
        if modifiers & _COMMAND_MODIFIERS:
            alt_gr = (modifiers & _ALT_GR_ON_WINDOWS) == _ALT_GR_ON_WINDOWS and not modifiers & Qt.KeyboardModifier.MetaModifier
            if not (alt_gr and len(text) == 1 and text.isprintable()):
                return None
            return text
        if event.key() in _ENTER_KEYS:
            return ENTER
        if event.key() == Qt.Key.Key_Tab:
            return TAB
        if not text or not text.isprintable():
            return None
        return text

    # --- what the detector says -------------------------------------------------------------

    def flush(self) -> None:
        """Release what can no longer be a scan (the timer calls this at the deadline)."""
        self._act(self.detector.flush(self.clock()))

    def reset(self) -> None:
        """Release whatever is held now (screen changed, filter disabled)."""
        self._release(self.detector.reset())
        self._timer.stop()

    def _act(self, outcome: Outcome) -> None:
        self._release(outcome.release)
        if outcome.swallowed:
            self._pending.clear()  # the LF after a scan's CR: nothing was held, it goes nowhere
            self._schedule()
            return
        if outcome.scan is not None:
            self._pending.clear()  # the burst and its Enter: swallowed
            self._timer.stop()
            self.scanned.emit(outcome.scan)
            return
        self._schedule()

    def _schedule(self) -> None:
        deadline = self.detector.deadline()
        if deadline is None:
            self._timer.stop()
            return
        self._timer.start(max(0, math.ceil((deadline - self.clock()) * 1000)))

    def _release(self, keys: tuple[str, ...]) -> None:
        for _key in keys:
            if not self._pending:
                break
            held = self._pending.popleft()
            target = held.target() or QApplication.focusWidget()
            if target is None:
                continue
            press = QKeyEvent(QEvent.Type.KeyPress, held.key, held.modifiers, held.text)
            self._resending = True
            try:
                QApplication.sendEvent(target, press)
            finally:
                self._resending = False


__all__ = ["ScannerInput"]
