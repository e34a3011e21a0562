"""Back to the start screen after a minute without a touch.

A kiosk is shared: the next citizen must never find the last one's name or dossier on
screen. The watcher sees every touch, click and key press of the application; after
``timeout`` seconds without one it says ``timed_out``, and during the last ``warn``
seconds it counts down (``countdown(seconds_left)``) so someone still reading can tap to
stay. It is paused while the start screen is showing (nothing to forget there).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = {
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress, QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    countdown = Signal(int)  # seconds left, during the last ``warn`` seconds; 0 = cancelled
    timed_out = Signal()

    def __init__(self, timeout: float = 60.0, warn: float = 10.0, parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.timeout, self.warn, self.clock = timeout, warn, clock
        self._last = clock()
        self._paused = True
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _ACTIVITY:
            self.touched()
        return False

    def stop(self) -> None:
        """For good (the window is closing)."""
        self._timer.stop()
        self._paused = True

    def touched(self) -> None:
        self._last = self.clock()
        if self._warned:
            self._warned = False
            self.countdown.emit(0)

    def pause(self) -> None:
        self._paused = True
        self.touched()

    def resume(self) -> None:
        self._paused = False
        self.touched()

    @property
    def seconds_left(self) -> float:
        return self.timeout - (self.clock() - self._last)

    def check(self) -> None:
        if self._paused:
            return
        left = self.seconds_left
        if left <= 0:
            self._paused = True
            self._warned = False
            self.timed_out.emit()
        elif left <= self.warn:
            self._warned = True
            self.countdown.emit(int(left) + 1)
