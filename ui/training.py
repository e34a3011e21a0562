"""The "ĐÀO TẠO / TRAINING" badge of a window on the training clock (core/training_clock.py).

An app started with ``--now`` looks like real service at the wrong hour; nobody must take
it for the real thing (a citizen at a kiosk left on, a clerk at a second window). So every
window of such an app carries a badge in both languages at once, whatever the language
shown, laid over the window's top edge (above the header, never inside a screen's layout,
so no screen is changed for it) and kept there as the window is resized, or as a line of
its own under a header that has no room (the kiosk's); the window's title
says it too (ui/window_title.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.i18n import translate_to
from core.training_clock import TrainingClock

BADGE_NAME = "training-badge"


def badge_text() -> str:
    """Both languages at once: the badge must speak to whoever stands there."""
    return f"{translate_to('vi', 'TRAINING')} / {translate_to('en', 'TRAINING')}"


def on_training_clock(clock: Callable[[], datetime] | None) -> bool:
    return isinstance(clock, TrainingClock)


class TrainingBadge(QLabel):
    """The badge, a child of the window drawn over its top centre."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(badge_text(), window)
        self.setObjectName(BADGE_NAME)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # never takes a touch
        self.window_ = window
        window.installEventFilter(self)
        self.place()
        self.show()

    def place(self) -> None:
        self.adjustSize()
        self.move(max(0, (self.window_.width() - self.width()) // 2), 4)
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window_ and event.type() in (QEvent.Type.Resize, QEvent.Type.Show,
                                                        QEvent.Type.LayoutRequest, QEvent.Type.StyleChange):
            self.place()
        return False


def show_training_badge(window: QWidget, clock: Callable[[], datetime] | None) -> TrainingBadge | None:
    """The badge on ``window`` when its app runs on the training clock; None otherwise."""
    return TrainingBadge(window) if on_training_clock(clock) else None


def training_strip(clock: Callable[[], datetime] | None) -> QLabel | None:
    """The badge as a line of the window's own layout, for a window whose header has no
    room to spare (the kiosk's: office, link, clock); None off the training clock."""
    if not on_training_clock(clock):
        return None
    strip = QLabel(badge_text())
    strip.setObjectName(BADGE_NAME)
    strip.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return strip


__all__ = ["BADGE_NAME", "TrainingBadge", "badge_text", "on_training_clock", "show_training_badge", "training_strip"]
