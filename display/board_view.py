"""The board itself (1920x1080 landscape): the office and the time on top; a card for each
open counter with the number it serves in huge type, the latest call lit and blinking for
a few seconds; on the right the last calls and how many wait in each queue; a calm status
line when the database cannot be reached; the office's notices scrolling at the bottom.

It only shows what it is given (:meth:`BoardView.show_state`): the window decides when to
read and what is fresh (display/app.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import current_language
from core.working_calendar import OFFICE_TZ
from display.parts import CallRow, CounterCard, Ticker, WaitRow
from display.style import board_stylesheet, px
from display.words import (
    day_words,
    default_notice_words,
    last_calls_words,
    no_calls_words,
    no_counter_words,
    reconnecting_words,
    waiting_words,
)
from local_db.ops.board import BoardState
from ui.theme import Theme, current_theme

CALL_ROWS = 5  # last calls shown in the side column


def grid_shape(n: int) -> tuple[int, int]:
    """(columns, rows) for ``n`` counter cards: as square as the wide area allows."""
    if n <= 0:
        return 1, 1
    cols = n if n <= 2 else 2 if n <= 4 else 3 if n <= 6 else 4 if n <= 12 else 5
    return cols, math.ceil(n / cols)


@dataclass(frozen=True)
class Lit:
    """Which counters the board lights: the one of the latest call (steady) and those called
    a moment ago (blinking: ``blink_on`` is the phase shown now)."""

    latest: int | None = None
    blinking: frozenset[int] = frozenset()
    blink_on: bool = True

    def card_state(self, number: int, has_ticket: bool) -> str:
        if number in self.blinking and has_ticket:
            return "fresh" if self.blink_on else "flash"
        if number == self.latest and has_ticket:
            return "latest"
        return "serving" if has_ticket else "idle"


class BoardView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("board")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.state: BoardState | None = None
        self.lit = Lit()
        self._styled: tuple[int, Theme] | None = None
        self.cards: dict[int, CounterCard] = {}

        self.header = QFrame()
        self.header.setObjectName("board-header")
        self.office = QLabel()
        self.office.setObjectName("board-office")
        self.clock = QLabel()
        self.clock.setObjectName("board-clock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.date = QLabel()
        self.date.setObjectName("board-date")
        self.date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.header_row = QHBoxLayout(self.header)
        self.header_row.addWidget(self.office, 1)
        self.header_row.addWidget(self.date)
        self.header_row.addSpacing(24)
        self.header_row.addWidget(self.clock)

        self.grid_area = QWidget()
        self.grid = QGridLayout(self.grid_area)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel()
        self.empty.setObjectName("board-empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.side = QFrame()
        self.side.setObjectName("board-side")
        self.calls_title = QLabel()
        self.calls_title.setProperty("side", "title")
        self.call_rows = [CallRow() for _ in range(CALL_ROWS)]
        self.no_calls = QLabel()
        self.no_calls.setProperty("side", "none")
        self.no_calls.setWordWrap(True)
        self.rule = QFrame()
        self.rule.setProperty("side", "rule")
        self.rule.setFixedHeight(2)
        self.wait_title = QLabel()
        self.wait_title.setProperty("side", "title")
        self.wait_rows: list[WaitRow] = []
        self.side_layout = QVBoxLayout(self.side)
        for w in (self.calls_title, *self.call_rows, self.no_calls):
            self.side_layout.addWidget(w)
        self.side_layout.addStretch(1)
        self.side_layout.addWidget(self.rule)
        self.side_layout.addWidget(self.wait_title)
        self.wait_box = QVBoxLayout()
        self.wait_box.setSpacing(2)
        self.side_layout.addLayout(self.wait_box)

        # the bottom bar: the notices, or (the database out of reach) the calm status line in
        # their place, so that the board above keeps its size and every number stays put
        self.status = QLabel()
        self.status.setObjectName("board-status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self.ticker = Ticker()
        self.bottom = QStackedWidget()
        self.bottom.addWidget(self.ticker)
        self.bottom.addWidget(self.status)

        self.body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.grid_area, 1)
        left.addWidget(self.empty, 1)
        self.body.addLayout(left, 7)
        self.body.addWidget(self.side, 3)
        self.middle = QVBoxLayout()
        self.middle.addLayout(self.body, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.header)
        outer.addLayout(self.middle, 1)
        outer.addWidget(self.bottom)
        self._restyle()

    # --- what is shown --------------------------------------------------------------------

    def show_state(self, state: BoardState | None, lit: Lit | None = None) -> None:
        """Show ``state`` (None: nothing read yet), lit as ``lit`` says."""
        self.state = state
        if lit is not None:
            self.lit = lit
        lang = current_language()
        self.calls_title.setText(last_calls_words())
        self.wait_title.setText(waiting_words())
        self.no_calls.setText(no_calls_words())
        if state is None:
            self.office.setText("")
            self._show_counters(())
            self._show_calls(())
            self._show_waiting(state)
            self.ticker.set_lines([default_notice_words()])
            return
        self.office.setText(state.office_name(lang))
        self._show_counters(state.counters)
        self._show_calls(state.last_calls)
        self._show_waiting(state)
        self.ticker.set_lines(state.notices or (default_notice_words(),))

    def show_lit(self, lit: Lit) -> None:
        """Only the lighting changed (the blink's phase)."""
        self.lit = lit
        if self.state is not None:
            for c in self.state.counters:
                card = self.cards.get(c.number)
                if card is not None:
                    card.show_counter(code=c.ticket_code, name=c.name,
                                      state=lit.card_state(c.number, c.ticket_code is not None))

    def show_time(self, now: datetime) -> None:
        local = now.astimezone(OFFICE_TZ)
        self.clock.setText(f"{local:%H:%M}")
        self.date.setText(day_words(local.date()))

    def show_problem(self, text: str) -> None:
        """A calm line under the board ("" hides it); the board itself stays as it was."""
        self.status.setText(text)
        self.bottom.setCurrentWidget(self.status if text else self.ticker)
        self.ticker.freeze(self.ticker.frozen)  # (re)starts or stops its scrolling as it shows

    def show_reconnecting(self, on: bool) -> None:
        self.show_problem(reconnecting_words() if on else "")

    @property
    def problem(self) -> str:
        """The status line shown instead of the notices ("" when none)."""
        return self.status.text() if self.bottom.currentWidget() is self.status else ""

    @property
    def reconnecting(self) -> bool:
        return self.problem == reconnecting_words()

    def _show_counters(self, counters) -> None:  # type: ignore[no-untyped-def]
        numbers = [c.number for c in counters]
        if numbers != list(self.cards):
            for card in self.cards.values():
                self.grid.removeWidget(card)
                card.hide()
                card.deleteLater()
            self.cards = {}
            for r in range(self.grid.rowCount()):  # a grid never forgets a row or a column: no
                self.grid.setRowStretch(r, 0)       # stretch left on those no card uses now
            for c in range(self.grid.columnCount()):
                self.grid.setColumnStretch(c, 0)
            cols, rows = grid_shape(len(numbers))
            for i, number in enumerate(numbers):
                card = CounterCard(number)
                card.board_height = self.height() or 1080
                self.cards[number] = card
                self.grid.addWidget(card, i // cols, i % cols)
            for r in range(rows):
                self.grid.setRowStretch(r, 1)
            for c in range(cols):
                self.grid.setColumnStretch(c, 1)
        for c in counters:
            self.cards[c.number].show_counter(code=c.ticket_code, name=c.name,
                                              state=self.lit.card_state(c.number, c.ticket_code is not None))
        self.grid_area.setVisible(bool(numbers))
        self.empty.setText(no_counter_words())
        self.empty.setVisible(not numbers)

    def _show_calls(self, calls) -> None:  # type: ignore[no-untyped-def]
        for i, row in enumerate(self.call_rows):
            if i < len(calls):
                row.show_call(calls[i].code, calls[i].counter_number, first=i == 0)
                row.show()
            else:
                row.hide()
        self.no_calls.setVisible(not calls)

    def _show_waiting(self, state: BoardState | None) -> None:
        lines = state.waiting if state is not None else ()
        while len(self.wait_rows) < len(lines):
            row = WaitRow()
            self.wait_rows.append(row)
            self.wait_box.addWidget(row)
            self._styled = None  # the new row takes the stylesheet below
        lang = current_language()
        for i, row in enumerate(self.wait_rows):
            if i < len(lines):
                line = lines[i]
                row.show_line(line.prefix, line.name(lang), line.waiting)
                row.show()
            else:
                row.hide()
        self.rule.setVisible(bool(lines))
        self.wait_title.setVisible(bool(lines))
        if self._styled is None:
            self._restyle()

    # --- sizes ----------------------------------------------------------------------------

    def _restyle(self) -> None:
        """Stylesheet and spacing for this height and theme (again when either changed)."""
        height = max(self.height(), 200)
        theme = current_theme()
        if self._styled == (height, theme):
            return
        self._styled = (height, theme)
        self.setStyleSheet(board_stylesheet(height, theme))
        margin, gap = px("margin", height), px("gap", height)
        self.header.setFixedHeight(px("header", height))
        self.header_row.setContentsMargins(margin, 0, margin, 0)
        self.middle.setContentsMargins(margin, margin, margin, margin)
        self.body.setSpacing(gap)
        self.grid.setSpacing(gap)
        self.side_layout.setContentsMargins(gap // 2, gap // 2, gap // 2, gap // 2)
        self.side_layout.setSpacing(gap // 4)
        self.bottom.setFixedHeight(px("ticker_bar", height))
        for card in self.cards.values():
            card.board_height = height
            card.fit()

    def restyle(self) -> None:
        """After a theme change."""
        self._restyle()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._restyle()


__all__ = ["CALL_ROWS", "BoardView", "Lit", "grid_shape"]
