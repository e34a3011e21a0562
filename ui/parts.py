"""Small builders every screen uses: labels and buttons with a theme role, and layouts.

They keep screens short and make sure every label wraps (Vietnamese words are long and a
clipped label hides the one word that mattered) and every button is a real touch target.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role


def label(text: str = "", role: str = "", *, center: bool = False, wrap: bool = True,
          parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    if role:
        set_role(widget, role)
    return widget


def button(text: str = "", role: str = "", on_click: Callable[[], None] | None = None, *,
           name: str = "", parent: QWidget | None = None) -> QPushButton:
    widget = QPushButton(text, parent)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen: no focus rectangles
    if role:
        set_role(widget, role)
    if name:
        widget.setObjectName(name)
    if on_click is not None:
        widget.clicked.connect(lambda _checked=False: on_click())
    return widget


def panel(role: str = "panel") -> QFrame:
    frame = QFrame()
    set_role(frame, role)
    return frame


def vbox(parent: QWidget | None = None, items: Iterable[QWidget] = (), *, margin: int = 0,
         spacing: int = 16) -> QVBoxLayout:
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    _fill(layout, items, margin, spacing)
    return layout


def hbox(parent: QWidget | None = None, items: Iterable[QWidget] = (), *, margin: int = 0,
         spacing: int = 16) -> QHBoxLayout:
    layout = QHBoxLayout(parent) if parent is not None else QHBoxLayout()
    _fill(layout, items, margin, spacing)
    return layout


def _fill(layout: QBoxLayout, items: Iterable[QWidget], margin: int, spacing: int) -> None:
    layout.setContentsMargins(margin, margin, margin, margin)
    layout.setSpacing(spacing)
    for item in items:
        layout.addWidget(item)


def clear_layout(layout: QBoxLayout) -> None:
    """Remove and delete every widget of a layout (lists rebuilt on each visit)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()


def wrap(text: str, width: int = 44) -> str:
    """Line breaks for a button's text (a QPushButton never wraps by itself)."""
    return textwrap.fill(text, width, break_long_words=False)


def scroll_area(inner: QWidget) -> QScrollArea:
    """A frameless vertical scroll area that a finger drags (touch gesture)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area
