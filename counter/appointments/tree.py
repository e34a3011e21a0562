"""The day as a tree: one bold row per time slot (its window, service and both quotas in
words, spanning the columns), under it one row per appointment (code, citizen, phone,
procedure, how it was booked, its status in words — never a colour alone).

Each row keeps the id of its slot or appointment under ``Qt.ItemDataRole.UserRole``; the
page finds the chosen one again through ``DayView.find`` / ``DayView.slot``.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
)

from core.i18n import pgettext
from counter.appointments.rows import SlotRow
from counter.appointments.words import slot_words, source_words, status_words

COLUMNS = 6


def make_tree() -> QTreeWidget:
    """The empty tree: one selectable row at a time, wrapped words, no horizontal scrolling."""
    tree = QTreeWidget()
    tree.setObjectName("appts-tree")
    tree.setColumnCount(COLUMNS)
    tree.setRootIsDecorated(False)
    tree.setItemsExpandable(False)
    tree.setWordWrap(True)
    tree.setUniformRowHeights(False)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = tree.header()
    header.setStretchLastSection(False)
    for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents)):
        header.setSectionResizeMode(col, mode)
    return tree


def header_words() -> list[str]:
    return [pgettext("counter appointments", "Time · Code"), pgettext("counter appointments", "Citizen"), pgettext("counter appointments", "Phone"), pgettext("counter appointments", "Procedure"), pgettext("counter appointments", "Booked via"),
            pgettext("counter appointments", "Status")]


def fill_tree(tree: QTreeWidget, slots: tuple[SlotRow, ...], want: uuid.UUID | None,
              dim: QBrush) -> QTreeWidgetItem | None:
    """Put the slots and their appointments in the (cleared) tree; return the row of
    ``want`` (a slot or appointment id) if it is there. Rows no longer booked are drawn
    with the ``dim`` brush in their first column (their status says why, in words)."""
    tree.clear()
    bold = QFont(tree.font())
    bold.setBold(True)
    chosen_item = None
    for s in slots:
        top = QTreeWidgetItem([slot_words(s)])
        top.setData(0, Qt.ItemDataRole.UserRole, s.id)
        top.setFont(0, bold)
        tree.addTopLevelItem(top)
        top.setFirstColumnSpanned(True)
        if s.id == want:
            chosen_item = top
        if not s.appointments:
            none = QTreeWidgetItem(["    " + pgettext("counter appointments", "No appointment")])
            none.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.addChild(none)
            none.setFirstColumnSpanned(True)
        for a in s.appointments:
            proc = a.procedure_name or "—"
            row = QTreeWidgetItem([a.code, a.citizen_name, a.phone, proc, source_words(a.source), status_words(a)])
            row.setData(0, Qt.ItemDataRole.UserRole, a.id)
            for col in range(COLUMNS):
                row.setToolTip(col, row.text(col))
            if not a.booked:
                row.setForeground(0, dim)
            top.addChild(row)
            if a.id == want:
                chosen_item = row
    tree.expandAll()
    return chosen_item


def chosen_id(tree: QTreeWidget) -> uuid.UUID | None:
    """The id of the chosen row (a slot or an appointment), if any."""
    items = tree.selectedItems()
    return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None


def redraw(tree: QTreeWidget, slots: tuple[SlotRow, ...], want: uuid.UUID | None, dim: QBrush, *,
           jump: bool) -> None:
    """Fill the tree again and choose ``want`` again; keep the scroll position unless
    ``jump`` (then the chosen row is scrolled into view)."""
    scroll = tree.verticalScrollBar().value()
    tree.blockSignals(True)
    chosen_item = fill_tree(tree, slots, want, dim)
    tree.blockSignals(False)
    if chosen_item is not None:
        tree.setCurrentItem(chosen_item)
        if jump:
            tree.scrollToItem(chosen_item)
            return
    tree.verticalScrollBar().setValue(scroll)


__all__ = ["COLUMNS", "chosen_id", "fill_tree", "header_words", "make_tree", "redraw"]
