"""Layouts that use the panel's width when it is a landscape one.

A kiosk screen is drawn for a 1080x1920 portrait panel, where parts go one under the
other. On a 1920x1080 landscape panel the same column would be far taller than the
screen (six choices of 132 px, a keyboard under a list, a keypad of four big rows), so:

* :class:`Flip` puts its parts side by side in landscape (the keyboard beside the
  field it types into, the big number beside what it means);
* :class:`Columns` lays a list of choices out in more columns in landscape.

A screen never asks which way the panel is turned: the window tells every screen
(``Screen.orient``), which tells each of these parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLayout, QWidget

from ui.parts import vbox


# A part beside an on-screen keyboard and the keyboard, in landscape: the keyboard gets
# about 1030 px of a 1920 panel, as wide as on a portrait one, so the words on its keys
# ("Chữ hoa", "à huyền") fit in large text too.
BESIDE_A_KEYBOARD = (9, 11)


def column(items: Iterable[QWidget | QLayout], *, spacing: int = 16, stretch_end: bool = False) -> QWidget:
    """Widgets (and layouts) one under the other, as one part of a :class:`Flip`."""
    part = QWidget()
    layout = vbox(part, spacing=spacing)
    for item in items:
        if isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    if stretch_end:
        layout.addStretch(1)
    return part


class Flip(QWidget):
    """Parts one under the other (portrait) or side by side (landscape).

    ``portrait`` and ``landscape``: each part's stretch in that direction (how the height,
    or the width, left over is shared)."""

    def __init__(self, parts: Sequence[QWidget], *, portrait: Sequence[int] | None = None,
                 landscape: Sequence[int] | None = None, spacing: int = 16, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(spacing)
        self._stretch = {False: list(portrait or [0] * len(parts)), True: list(landscape or [1] * len(parts))}
        for part in parts:
            self._box.addWidget(part)
        self.landscape = False
        self._apply()

    def set_landscape(self, on: bool) -> None:
        if on != self.landscape:
            self.landscape = on
            self._apply()

    def _apply(self) -> None:
        self._box.setDirection(QBoxLayout.Direction.LeftToRight if self.landscape
                               else QBoxLayout.Direction.TopToBottom)
        for i, stretch in enumerate(self._stretch[self.landscape]):
            self._box.setStretch(i, stretch)


class Columns(QWidget):
    """Choices in ``portrait`` columns on a portrait panel, ``landscape`` columns on a
    landscape one, filled row by row in the order they were added."""

    def __init__(self, *, portrait: int = 1, landscape: int = 2, spacing: int = 18,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(spacing)
        self._columns = {False: portrait, True: landscape}
        self._items: list[QWidget] = []
        self.landscape = False

    @property
    def items(self) -> list[QWidget]:
        return list(self._items)

    def add(self, widget: QWidget) -> QWidget:
        self._items.append(widget)
        self._place(len(self._items) - 1, widget)
        return widget

    def clear(self) -> None:
        """Remove and delete every choice (lists rebuilt on each visit); each is hidden at
        once, as deleteLater frees it only on the next turn of the event loop."""
        for widget in self._items:
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._items = []

    def set_landscape(self, on: bool) -> None:
        if on == self.landscape:
            return
        self.landscape = on
        for widget in self._items:
            self._grid.removeWidget(widget)
        for col in range(self._grid.columnCount()):
            self._grid.setColumnStretch(col, 0)
        for i, widget in enumerate(self._items):
            self._place(i, widget)

    def _place(self, i: int, widget: QWidget) -> None:
        n = self._columns[self.landscape]
        self._grid.addWidget(widget, i // n, i % n)
        self._grid.setColumnStretch(i % n, 1)  # equal columns, whatever their texts
