"""Small builders every screen uses: labels and buttons with a theme role, and layouts.

They keep screens short and make sure every label wraps (Vietnamese words are long and a
clipped label hides the one word that mattered) and every button is a real touch target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.theme import set_role, set_role_property


def label(text: str = "", role: str = "", *, center: bool = False, wrap: bool = True,
          name: str = "", parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    if role:
        set_role(widget, role)
    if name:
        widget.setObjectName(name)
    return widget


def say(widget: QLabel, text: str, role: str = "hint") -> None:
    """Put a message on a status line in the role that says what it is: ``hint`` for
    "Loading..." and counts, ``error`` for what went wrong (a framed box, not only a colour),
    ``info``/``ok`` for news. An empty message hides the line (no empty red box)."""
    if widget.property("role") != role:
        set_role(widget, role)
    widget.setText(text)
    widget.setVisible(bool(text))


def emphasise(b: QPushButton, on: bool) -> None:
    """The primary look for the button to press next, the plain look otherwise (pages whose
    next step changes: call, then start, then finish)."""
    role = "primary" if on else ""
    if (b.property("role") or "") != role:
        set_role(b, role)


class WrapButton(QPushButton):
    """A push button whose text wraps onto more lines (a QPushButton's never does, and a
    long Vietnamese line in large text would push the window wider than the panel).

    The text lives in a label that lets touches through to the button; ``text()`` and
    ``setText()`` work as on any button.
    """

    MARGINS = (24, 12, 24, 12)

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*self.MARGINS)
        layout.addWidget(self._label)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setText(text)
        # The label draws the text, so it takes the checked look too (the stylesheet's
        # QLabel[on="true"]): a label styles itself, not by its button's state, and kept the
        # dark text of an unchecked button on the dark background of a checked one.
        self.toggled.connect(self._show_checked)

    def _show_checked(self, on: bool) -> None:
        if bool(self._label.property("on")) != on:
            set_role_property(self._label, "on", on)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._label.setText(text)
        self.updateGeometry()

    def text(self) -> str:
        return self._label.text()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        left, top, right, bottom = self.MARGINS
        return max(self.minimumHeight(), self._label.heightForWidth(max(1, width - left - right)) + top + bottom)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = max(self.width(), 200)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.heightForWidth(max(self.width(), 200)))


def button(text: str = "", role: str = "", on_click: Callable[[], None] | None = None, *,
           name: str = "", parent: QWidget | None = None) -> QPushButton:
    """A touch button; a ``choice`` button (big, often two lines) wraps its text."""
    widget = WrapButton(text, parent) if role == "choice" else QPushButton(text, parent)
    if role != "choice":
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


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of a layout (lists rebuilt on each visit). Each is
    hidden at once: deleteLater frees it only on the next event-loop turn, and until then an
    old button would still show and take a tap."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def scroll_area(inner: QWidget) -> QScrollArea:
    """A frameless vertical scroll area that a finger drags (touch gesture)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    inner.setObjectName("screen")  # the screen's background, not the scroll area's
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


class OneLineLabel(QLabel):
    """A label that stays on one line: a text too long for its width ends in "…" rather
    than wrapping (a header whose office name wrapped onto a second line pushed every
    screen down). ``full_text()`` is the whole text; it is also the tooltip and the name a
    screen reader says."""

    def __init__(self, text: str = "", role: str = "", *, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Its width is what the row leaves it, never what its text would like.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        if role:
            set_role(self, role)
        if name:
            self.setObjectName(name)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, width)) \
            if width > 0 else self._full
        if shown != super().text():
            super().setText(shown)
