"""Screens and the stack that shows one at a time (docs/ARCHITECTURE.md §3.5).

A screen is a widget plus its view model; it never imports another screen. To move on it
emits ``navigate(name, params)``; the composition root (kiosk/app.py, counter/app.py)
owns the :class:`Navigator` and wires the signals. Every screen can redo its texts
(:meth:`Screen.retranslate`) when the citizen switches language, and forgets what was
entered when it is left (:meth:`Screen.leave`), so nothing personal stays on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget


class Screen(QWidget):
    navigate = Signal(str, dict)  # screen name, parameters
    name = "screen"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._home_timer: QTimer | None = None

    def return_to_start_after(self, ms: int) -> None:
        """Go back to the start screen by itself after ``ms`` (a screen that ends a task:
        the number shown, the appointment booked); leaving the screen earlier cancels it."""
        if self._home_timer is None:
            self._home_timer = QTimer(self)
            self._home_timer.setSingleShot(True)
            self._home_timer.timeout.connect(lambda: self.go("start"))
        self._home_timer.start(ms)

    def cancel_return(self) -> None:
        if self._home_timer is not None:
            self._home_timer.stop()

    def enter(self, **params: Any) -> None:
        """Shown, with the parameters the previous screen passed."""

    def leave(self) -> None:
        """About to be hidden: forget what the citizen entered."""

    def retranslate(self) -> None:
        """Set every text again in the current language."""

    def go(self, name: str, **params: Any) -> None:
        self.navigate.emit(name, params)

    def tour_params(self) -> dict[str, Any]:
        """What ``motcua tour`` enters the screen with: the parameters the previous screen
        would pass (a procedure chosen, a day, a booking made), so that a screen further
        down a flow is photographed with something on it. Only reads; default none."""
        return {}

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        """The states ``motcua tour`` photographs: (state name, a function that puts the
        screen, already entered, into that state). Every message a citizen can meet —
        each error included — should be one of them. Default: the screen as entered."""
        return [("", lambda: None)]


class Navigator(QStackedWidget):
    """Holds the screens by name and shows one; records the path for tests and the tour."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._screens: dict[str, Screen] = {}
        self.history: list[str] = []

    def add(self, screen: Screen) -> Screen:
        self._screens[screen.name] = screen
        self.addWidget(screen)
        screen.navigate.connect(lambda name, params: self.go(name, **params))
        return screen

    def screen(self, name: str) -> Screen:  # type: ignore[override]  # by name; QWidget.screen() is the display
        return self._screens[name]

    @property
    def screens(self) -> dict[str, Screen]:
        return dict(self._screens)

    @property
    def current(self) -> Screen | None:
        widget = self.currentWidget()
        return widget if isinstance(widget, Screen) else None

    def go(self, name: str, **params: Any) -> Screen:
        target = self._screens[name]
        current = self.current
        if current is not None and current is not target:
            current.cancel_return()
            current.leave()
        self.setCurrentWidget(target)
        target.enter(**params)
        self.history.append(name)
        self.changed.emit(name)
        return target

    def retranslate(self) -> None:
        for screen in self._screens.values():
            screen.retranslate()
