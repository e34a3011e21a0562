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

from PySide6.QtCore import QMargins, QTimer, Signal
from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QWidget

from ui.flow import Columns, Flip


LANDSCAPE_MARGIN = 24  # px around a screen on a landscape panel (40 on a portrait one)
LANDSCAPE_SPACING = 12  # px between its parts


class Screen(QWidget):
    navigate = Signal(str, dict)  # screen name, parameters
    name = "screen"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._home_timer: QTimer | None = None
        self._portrait_spacing: tuple[QMargins, int] | None = None

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

    def orient(self, landscape: bool) -> None:
        """The panel is turned this way: its parts that lay out differently on a landscape
        panel (ui/flow.py) follow. A screen with more to change overrides this."""
        for part in self.findChildren(Flip) + self.findChildren(Columns):
            part.set_landscape(landscape)
        layout = self.layout()
        if layout is not None:  # a landscape panel has height to spare nowhere: closer margins
            if self._portrait_spacing is None:
                self._portrait_spacing = (layout.contentsMargins(), layout.spacing())
            margins, spacing = self._portrait_spacing
            if landscape:
                layout.setContentsMargins(*(min(m, LANDSCAPE_MARGIN) for m in (
                    margins.left(), margins.top(), margins.right(), margins.bottom())))
                layout.setSpacing(min(spacing, LANDSCAPE_SPACING))
            else:
                layout.setContentsMargins(margins)
                layout.setSpacing(spacing)

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
        self.landscape = False

    def add(self, screen: Screen) -> Screen:
        self._screens[screen.name] = screen
        self.addWidget(screen)
        # A screen whose layout ran while it was still a window of its own (a step shown in
        # its constructor) kept that window's minimum size: it would hold the stack to it.
        screen.setMinimumSize(0, 0)
        self._size_by(self.currentWidget())
        screen.orient(self.landscape)
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
        self._size_by(target)
        target.enter(**params)
        self.history.append(name)
        self.changed.emit(name)
        return target

    def _size_by(self, shown: QWidget | None) -> None:
        """Only the screen shown counts for the stack's size. (A QStackedWidget is as big as
        its biggest page: one tall screen, or a long list left on one, would push every
        other screen, and the window, past the panel.) A page whose size policy is Ignored
        asks for no room."""
        for screen in self._screens.values():
            policy = QSizePolicy.Policy.Preferred if screen is shown else QSizePolicy.Policy.Ignored
            if screen.sizePolicy().verticalPolicy() != policy:
                kept = screen.sizePolicy()
                kept.setHorizontalPolicy(policy)
                kept.setVerticalPolicy(policy)
                screen.setSizePolicy(kept)

    def orient(self, landscape: bool) -> None:
        """Every screen lays itself out for a landscape (or portrait) panel."""
        self.landscape = landscape
        for screen in self._screens.values():
            screen.orient(landscape)

    def retranslate(self) -> None:
        for screen in self._screens.values():
            screen.retranslate()
