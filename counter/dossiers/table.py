"""The dossiers list as a Qt table model: one row per dossier, its deadline said in words
and tinted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QWidget

from core.i18n import current_language, pgettext
from counter.dossiers.names import moment_words, status_words
from counter.dossiers.rows import Row
from counter.dossiers.words import deadline_words
from ui.theme import current_theme


class RowsModel(QAbstractTableModel):
    """The list's rows, one line each (a list of rows of uneven height, wrapped in narrow
    columns, was hard to run an eye down at 1600x900). The deadline is said in words at the
    start of the due column AND tinted (overdue red, due today amber), never by colour
    alone. What a line leaves out (when and where it was received, the whole procedure name)
    is in the cell's tooltip and in the dossier's pane."""

    COLUMNS = ("code", "applicant", "status", "due")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[Row, ...] = ()
        # The view asks for each cell's text many times (painting, sizing rows to their
        # contents); the words are made once per rows and language.
        self._texts: dict[tuple[int, int, str], str] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: tuple[Row, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._texts.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return {
            "code": pgettext("counter dossiers", "Dossier code · received"),
            "applicant": pgettext("counter dossiers", "Applicant · procedure"),
            "status": pgettext("counter dossiers", "Status"),
            "due": pgettext("counter dossiers", "Due"),
        }[self.COLUMNS[section]]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            key = (index.row(), index.column(), current_language())
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = self._text(row, column)
            return text
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.BackgroundRole and (row.overdue or row.due_today):
            return QBrush(QColor(current_theme().color("error_bg" if row.overdue else "warn_bg")))
        if role == Qt.ItemDataRole.FontRole and column == "due" and (row.overdue or row.due_today):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: Row, column: str) -> str:
        if column == "code":
            return row.code
        if column == "applicant":
            return f"{row.applicant_name} · {row.procedure}"
        if column == "status":
            text = status_words(row.status)
            return text + (" · " + pgettext("counter dossiers", "rescheduled") if row.rescheduled else "")
        if column == "due":
            if row.due_at is None:
                return pgettext("counter dossiers", "stopped") if row.status == "needs_supplement" else "–"
            flag = deadline_words(row)
            return (flag + " · " if flag else "") + moment_words(row.due_at)
        return ""

    @staticmethod
    def _tooltip(row: Row) -> str:
        """The whole row in lines: what a one-line row may cut."""
        who = [moment_words(row.received_at)]
        if row.counter_number is not None:
            who.append(pgettext("counter dossiers", "Counter {number}").format(number=row.counter_number))
        return "\n".join(x for x in (row.code, " · ".join(who), row.clerk_name, row.applicant_name, row.procedure)
                         if x)



__all__ = ["RowsModel"]
