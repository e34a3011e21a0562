"""The hidden way out: five taps in the top-left corner within three seconds open the
staff PIN pad; the right PIN closes the kiosk.

A citizen never taps the corner five times by accident (it holds only the office name),
and nothing on screen hints at it. The taps are seen by an application event filter, so
whatever widget sits in the corner (the header today) keeps working unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from kiosk.app import KioskWindow

CORNER_PX = 120
TAPS = 5
WITHIN_S = 3.0


class CornerGesture(QObject):
    """Emits ``requested`` after ``taps`` presses in the window's top-left ``corner`` px
    square within ``within`` seconds."""

    requested = Signal()

    def __init__(self, window: QWidget, *, corner: int = CORNER_PX, taps: int = TAPS, within: float = WITHIN_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window, self.corner, self.taps, self.within, self.clock = window, corner, taps, within, clock
        self.presses: list[float] = []
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(watched, QWidget) \
                and isinstance(event, QMouseEvent):
            self._press(watched, event)
        return False

    def _press(self, watched: QWidget, event: QMouseEvent) -> None:
        if watched.window() is not self.window:
            return
        at = self.window.mapFromGlobal(event.globalPosition().toPoint())
        # An unhandled press travels up to the parents and the filter sees it again each
        # time: count it once, for the widget that received it first (the one under it).
        first = self.window.childAt(at) or self.window
        if watched is not first:
            return
        self.tap(at)

    def tap(self, at: QPoint) -> None:
        if not (0 <= at.x() < self.corner and 0 <= at.y() < self.corner):
            self.presses.clear()  # a tap elsewhere breaks the sequence
            return
        now = self.clock()
        self.presses = [t for t in self.presses if now - t <= self.within] + [now]
        if len(self.presses) >= self.taps:
            self.presses.clear()
            self.requested.emit()


def install_exit(window: KioskWindow) -> None:
    """Give a kiosk window its only way out: the corner gesture opens the staff PIN pad
    (screen "pin"), and the right PIN shuts the window down."""
    from kiosk.pin.view import PinScreen

    pin = PinScreen(window.ctx, window.tasks)
    window.nav.add(pin)
    gesture = CornerGesture(window)
    gesture.requested.connect(lambda: window.nav.go("pin"))
    pin.accepted.connect(window.shutdown)
    window.exit_gesture = gesture  # type: ignore[attr-defined]
    window.pin = pin  # type: ignore[attr-defined]
