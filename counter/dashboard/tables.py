"""The dashboard's tables (dossiers by field; tickets by service, counter and officer), filled from the figures."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
)

from core.i18n import current_language, pgettext
from counter.dashboard.words import count_words, number_words, percent_words
from local_db.ops.dashboard import (
    Dashboard,
    QueueRow,
    counter_label,
    field_headings,
    group_heading,
    row_name,
    tickets_heading,
)
from ui.theme import current_theme

TABLES = ("fields", "services", "counters", "clerks")


def make_table(name: str) -> QTableWidget:
    t = QTableWidget()
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setWordWrap(True)
    t.setTextElideMode(Qt.TextElideMode.ElideNone)
    t.verticalHeader().hide()
    row_px = current_theme().px("touch") + 6
    t.verticalHeader().setDefaultSectionSize(row_px)
    t.verticalHeader().setMinimumSectionSize(row_px)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return t


def fill(t: QTableWidget, headings: list[str], rows: list[list[str]], *, total_last: bool = False) -> None:
    """Numbers right-aligned; the first column (a name) stretches; a totals row in bold."""
    t.clear()
    t.setColumnCount(len(headings))
    t.setRowCount(len(rows))
    t.setHorizontalHeaderLabels(headings)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if total_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            t.setItem(r, c, item)
    header = t.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(headings)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(70)
    t.resizeRowsToContents()


def queue_rows(rows: tuple[QueueRow, ...], name: Callable[[QueueRow], str]) -> list[list[str]]:
    return [[name(r), count_words(r.tickets), count_words(r.served), count_words(r.no_show),
             count_words(r.transferred), number_words(r.wait_median_min), number_words(r.wait_p90_min),
             number_words(r.service_median_min), number_words(r.service_p90_min)] for r in rows]


def queue_headings(group: str) -> list[str]:
    return [group_heading(group), tickets_heading(group), pgettext("dashboard", "Served"),
            pgettext("dashboard", "No-show"), pgettext("dashboard", "Transferred"),
            pgettext("counter dashboard", "Wait, median\n(min)"),
            pgettext("counter dashboard", "Wait, 90th pct.\n(min)"),
            pgettext("counter dashboard", "Service, median\n(min)"),
            pgettext("counter dashboard", "Service, 90th pct.\n(min)")]


def fill_tables(tables: dict[str, QTableWidget], d: Dashboard) -> None:
    """Each table of TABLES with the period's rows (and a totals row where one adds up)."""
    lang = current_language()
    k = d.dossiers
    total = pgettext("dashboard", "Total")
    field_rows = [[row_name(r, lang), count_words(r.received), count_words(r.resolved), count_words(r.on_time),
                   count_words(r.late), percent_words(r.on_time_rate), count_words(r.rejected),
                   count_words(r.withdrawn)] for r in k.by_field]
    field_rows.append([total, count_words(k.received), count_words(k.resolved), count_words(k.on_time),
                       count_words(k.late), percent_words(k.on_time_rate), count_words(k.rejected),
                       count_words(k.withdrawn)])
    fill(tables["fields"], field_headings(with_units=False), field_rows, total_last=True)
    q = d.queue
    fill(tables["services"], queue_headings("service"),
         queue_rows(q.by_service, lambda r: row_name(r, lang)) + queue_rows((q.total,), lambda _r: total),
         total_last=True)
    fill(tables["counters"], queue_headings("counter"), queue_rows(q.by_counter, counter_label))
    fill(tables["clerks"], queue_headings("clerk"), queue_rows(q.by_clerk, lambda r: r.name_vi))


__all__ = ["TABLES", "fill", "fill_tables", "make_table", "queue_headings", "queue_rows"]
