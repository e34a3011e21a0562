"""The board's pieces: a counter's card, a row of the last calls, a queue's row, the ticker.

Cards size their number to fit: as big as the card allows, never under a tenth of the
window's height (display/style.py), the same size on every card while codes are alike.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from display.style import code_px_range, px
from display.words import counter_words, nobody_words, to_counter_words

CARD_STATES = ("idle", "serving", "latest", "fresh", "flash")
_REFERENCE_CODE = "A000"  # cards are sized for a usual code, so they do not jump when one is called


def repolish(widget: QWidget) -> None:
    """Apply the stylesheet again to a widget and everything in it (after a property that
    selectors use has changed)."""
    for w in [widget, *widget.findChildren(QWidget)]:
        style = w.style()
        style.unpolish(w)
        style.polish(w)
    widget.update()


def _text_label(name: str, *, center: bool = True) -> QLabel:
    lab = QLabel()
    lab.setObjectName(name)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setWordWrap(False)
    if center:
        lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return lab


class CounterCard(QFrame):
    """One open counter: its number, and the ticket it calls or serves now."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.state = ""
        self.code = ""  # the text in the number's place (a code, or the "no number yet" words)
        self.has_ticket = False
        self.name = ""
        self.board_height = 1080
        self._code_px = 0
        self._code_weight = ""
        self.setObjectName(f"card-{number}")
        self.setProperty("card", "idle")
        self.title = _text_label("card-title")
        self.name_label = _text_label("card-name")
        self.name_label.hide()
        self.code_label = _text_label("card-code")
        self.code_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.name_label)
        layout.addWidget(self.code_label, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_counter(self, *, code: str | None, name: str, state: str) -> None:
        """What the card shows; ``state`` one of :data:`CARD_STATES`."""
        title = counter_words(self.number)
        if self.title.text() != title:
            self.title.setText(title)
        # a counter renamed by the office says so under its number ("Quầy 1" needs no repeat)
        custom = name.strip() and name.strip() not in (title, f"Quầy {self.number}", f"Counter {self.number}")
        self.name = name.strip() if custom else ""
        if self.name_label.text() != self.name:
            self.name_label.setText(self.name)
        self.name_label.setVisible(bool(self.name))
        shown = code or nobody_words()
        if shown != self.code or self.has_ticket != bool(code):
            self.code = shown
            self.has_ticket = bool(code)
            self.code_label.setText(shown)
            self.fit()
        self.setAccessibleName(f"{title}: {code or ''}")
        if state != self.state:
            self.state = state
            self.setProperty("card", state)
            repolish(self)

    # --- the number's size ----------------------------------------------------------------

    @property
    def code_px(self) -> int:
        """The pixel size of the number's font."""
        return self._code_px

    def fit(self) -> None:
        low, high = code_px_range(self.board_height)
        # measured inside the thickest border a card can have, so that lighting a card never
        # changes its number's size, and equal cards show equal numbers
        border = px("flash_border", self.board_height)
        margins = self.layout().contentsMargins()
        title = self.title.height() + (self.name_label.height() if self.name_label.isVisible() else 0)
        rect = QRect(0, 0, self.width() - margins.left() - margins.right() - 2 * border,
                     self.height() - margins.top() - margins.bottom() - 2 * border - title)
        font = QFont(self.code_label.font())
        font.setBold(self.has_ticket)
        font.setPixelSize(100)
        metrics = QFontMetricsF(font)
        if not self.has_ticket:  # a few calm words, not a huge one, and never cut
            by_width = rect.width() * 0.9 * 100 / max(metrics.horizontalAdvance(self.code), 1.0)
            size = max(12, int(min(px("card_name", self.board_height) * 2, by_width)))
        elif rect.width() <= 10 or rect.height() <= 10:
            size = low
        else:
            wide = max(metrics.horizontalAdvance(self.code), metrics.horizontalAdvance(_REFERENCE_CODE))
            by_width = rect.width() * 0.94 * 100 / max(wide, 1.0)
            by_height = rect.height() * 100 / max(metrics.height(), 1.0)
            size = int(max(low, min(high, by_width, by_height)))
        weight = "bold" if self.has_ticket else "normal"
        if (size, weight) != (self._code_px, self._code_weight):
            self._code_px, self._code_weight = size, weight
            self.code_label.setStyleSheet(f"font-size: {size}px; font-weight: {weight};")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        QTimer.singleShot(0, self.fit)  # once the layout has given the label its new size


class CallRow(QFrame):
    """One of the last calls: the number, and the counter it was called to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("row", "call")
        self.code = QLabel()
        self.code.setProperty("side", "code")
        self.to = QLabel()
        self.to.setProperty("side", "to")
        self.to.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 2, 14, 2)
        row.addWidget(self.code)
        row.addStretch(1)
        row.addWidget(self.to)

    def show_call(self, code: str, counter: int | None, *, first: bool) -> None:
        self.code.setText(code)
        self.to.setText(to_counter_words(counter))
        kind = "first" if first else "call"
        if self.property("row") != kind:
            self.setProperty("row", kind)
            repolish(self)


class WaitRow(QWidget):
    """One queue: its letter and name, and how many wait in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = QLabel()
        self.service.setProperty("side", "service")
        self.count = QLabel()
        self.count.setProperty("side", "count")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 0, 14, 0)
        row.addWidget(self.service, 1)
        row.addWidget(self.count)

    def show_line(self, prefix: str, name: str, waiting: int) -> None:
        self.service.setText(f"{prefix} · {name}")
        self.count.setText(str(waiting))


class Ticker(QWidget):
    """The notices, scrolling right to left in one line (still when they fit)."""

    SPEED_PX_S = 110.0
    GAP = "        •        "

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("board-ticker")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = ""
        self.offset = 0.0
        self.frozen = False
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._step)

    def set_lines(self, lines: tuple[str, ...] | list[str]) -> None:
        text = self.GAP.join(line.strip() for line in lines if line.strip())
        if text != self.text:
            self.text = text
            self.offset = 0.0
            self.update()
        self._run()

    def freeze(self, frozen: bool) -> None:
        """Hold the text still at its start (pictures, tests)."""
        self.frozen = frozen
        self.offset = 0.0
        self._run()
        self.update()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def scrolling(self) -> bool:
        return self._timer.isActive()

    def _text_width(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance(self.text)

    def _run(self) -> None:
        moving = (bool(self.text) and not self.frozen and self.isVisibleTo(self.window())
                  and self._text_width() > self.width() - 40)
        if moving and not self._timer.isActive():
            self._clock.start()
            self._timer.start()
        elif not moving:
            self._timer.stop()

    def _step(self) -> None:
        elapsed = self._clock.restart() / 1000.0
        span = self._text_width() + QFontMetricsF(self.font()).horizontalAdvance(self.GAP)
        self.offset = (self.offset + self.SPEED_PX_S * min(elapsed, 0.2)) % max(span, 1.0)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._run()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.text:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        metrics = QFontMetricsF(self.font())
        width = metrics.horizontalAdvance(self.text)
        y = (self.height() - metrics.height()) / 2
        if not self._timer.isActive():  # still: centred when it fits, else its start
            x = max(20.0, (self.width() - width) / 2) if width <= self.width() - 40 else 20.0
            painter.drawText(QRectF(x, y, width + 2, metrics.height()), Qt.AlignmentFlag.AlignLeft, self.text)
            return
        span = width + metrics.horizontalAdvance(self.GAP)
        x = self.width() - self.offset
        while x > -width:  # the line and, behind it, its next round
            x -= span
        x += span
        while x < self.width():
            painter.drawText(QRectF(x, y, width + 2, metrics.height()), Qt.AlignmentFlag.AlignLeft, self.text)
            x += span
        painter.end()


__all__ = ["CARD_STATES", "CallRow", "CounterCard", "Ticker", "WaitRow", "repolish"]
