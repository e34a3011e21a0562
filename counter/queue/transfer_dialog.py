"""The transfer dialog on its own: where the ticket at the desk goes next (a service or a counter) and a note."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from core.i18n import _, pgettext
from counter.queue.model import PanelState
from ui.parts import button, emphasise, label, panel, vbox
from ui.theme import current_theme

DIALOG_SIZE = (880, 600)  # the transfer dialog at normal text size


class TransferDialog(QDialog):
    """Where to send the ticket at the desk: another service's queue or another open
    counter (one of the two), and a note for whoever takes it. ``choice()`` after OK.

    ``embedded``: drawn inside its parent instead of as a window (the tour photographs
    the page, and a window of its own would not be on the picture)."""

    def __init__(self, state: PanelState, parent: QWidget | None = None, *, embedded: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("transfer-dialog")
        if embedded:
            self.setWindowFlags(Qt.WindowType.Widget)
        self.state = state
        current = state.current
        self.ticket_id: uuid.UUID | None = current.id if current else None
        names = {s.code: s.name for s in state.transfer_services}
        self.setWindowTitle(_("Transfer ticket {code}").format(code=current.code if current else ""))

        self.heading = label(_("Transfer ticket {code}").format(code=current.code if current else ""), "title")
        self.hint = label(_("Choose a service or a counter. The ticket keeps its number and its place in the queue."),
                          "hint")
        self.services_label = label(_("To another service"), "subtitle")
        self.services = QListWidget()
        self.services.setObjectName("transfer-services")
        for s in state.transfer_services:
            if current is not None and s.code == current.service_code:
                continue  # it is in that queue already; a counter of it is the other list
            item = QListWidgetItem(_("{name} · {n} waiting").format(name=s.name, n=s.waiting))
            item.setData(Qt.ItemDataRole.UserRole, s.code)
            self.services.addItem(item)
        self.counters_label = label(_("To another counter"), "subtitle")
        self.counters = QListWidget()
        self.counters.setObjectName("transfer-counters")
        for lst in (self.services, self.counters):
            lst.setWordWrap(True)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for c in state.transfer_counters:
            services = ", ".join(names.get(code, code) for code in c.service_codes)
            if c.is_open:
                head = _("Counter {number} · {n} waiting").format(number=c.number, n=c.waiting)
            else:  # listed so the clerk knows why it is not offered, and greyed: it cannot be chosen
                head = _("Counter {number} · closed").format(number=c.number)
            item = QListWidgetItem(head + "\n" + services)
            item.setData(Qt.ItemDataRole.UserRole, c.number)
            if not c.is_open:
                item.setFlags(item.flags() & ~(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled))
                item.setToolTip(_("Nobody is signed in at counter {number}: a number sent there would never be "
                                  "called.").format(number=c.number))
            self.counters.addItem(item)
        self.no_counter = label(_("No other counter is open."), "hint", name="transfer-no-counter")
        self.no_counter.setVisible(not any(c.is_open for c in state.transfer_counters))
        self.counters.setVisible(bool(state.transfer_counters))
        self.note_label = label(_("Note for the receiving counter (optional)"))
        self.note = QLineEdit()
        self.note.setObjectName("transfer-note")
        self.note.setMaxLength(500)
        self.note_label.setBuddy(self.note)

        self.buttons = QDialogButtonBox()
        self.ok = button(pgettext("counter queue", "Transfer"), name="transfer-ok")
        self.cancel = button(pgettext("counter queue", "Cancel"), name="transfer-cancel")
        for b in (self.ok, self.cancel):
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a keyboard desk: Tab reaches them
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok.setDefault(True)
        self.ok.setEnabled(False)

        self.services.itemSelectionChanged.connect(lambda: self._picked(self.services))
        self.counters.itemSelectionChanged.connect(lambda: self._picked(self.counters))
        self.services.itemDoubleClicked.connect(lambda _item: self.accept())
        self.counters.itemDoubleClicked.connect(lambda _item: self.accept())

        card = panel()
        lists = QGridLayout()
        lists.setHorizontalSpacing(16)
        lists.setVerticalSpacing(8)
        lists.addWidget(self.services_label, 0, 0)
        lists.addWidget(self.counters_label, 0, 1)
        lists.addWidget(self.services, 1, 0)
        lists.addWidget(self.counters, 1, 1)
        lists.addWidget(self.no_counter, 2, 1, Qt.AlignmentFlag.AlignTop)
        inner = vbox(card, [self.heading, self.hint], margin=20, spacing=12)
        inner.addLayout(lists, 1)
        for w in (self.note_label, self.note, self.buttons):
            inner.addWidget(w)
        vbox(self, [card], margin=0 if embedded else 12)
        scale = current_theme().scale  # large text: the lists still show every choice
        self.resize(round(DIALOG_SIZE[0] * scale), round(DIALOG_SIZE[1] * scale))

    def _picked(self, source: QListWidget) -> None:
        if source.selectedItems():  # one target: a choice in one list clears the other
            other = self.counters if source is self.services else self.services
            other.blockSignals(True)
            other.clearSelection()
            other.blockSignals(False)
        self.ok.setEnabled(self.choice() is not None)
        emphasise(self.ok, self.ok.isEnabled())

    def choice(self) -> tuple[str | None, int | None, str] | None:
        """(service code, counter number, note) chosen, or None while nothing is."""
        note = self.note.text().strip()
        for lst, is_service in ((self.services, True), (self.counters, False)):
            chosen = lst.selectedItems()
            if chosen:
                value = chosen[0].data(Qt.ItemDataRole.UserRole)
                return (value, None, note) if is_service else (None, value, note)
        return None

    def accept(self) -> None:
        if self.choice() is None:
            return  # Enter with nothing chosen: stay open
        super().accept()


__all__ = ["DIALOG_SIZE", "TransferDialog"]
