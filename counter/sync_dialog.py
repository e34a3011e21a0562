"""What the sync backlog holds, opened from the status bar: the operations the centre
refused, each with its reason, and the changes the centre made that staff must know about
(a booking cancelled online after the citizen checked in here, a dossier moved centrally),
so a clerk or the supervisor can act on them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTreeWidget, QTreeWidgetItem, QWidget

from core.i18n import N_, _
from core.working_calendar import to_office_time
from counter.status import DeskStatus
from counter.status_words import sync_words
from ui.parts import button, label, vbox

ENTITY_WORDS = {"ticket": N_("Queue number"), "appointment": N_("Appointment"), "dossier": N_("Dossier"),
                "feedback": N_("Rating"), "citizen": N_("Citizen"), "staff": N_("Staff account")}


class SyncDialog(QDialog):
    def __init__(self, status: DeskStatus, now, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.setObjectName("sync-dialog")
        self.setWindowTitle(_("Exchange with the centre"))
        self.resize(900, 480)
        summary = label(sync_words(status, now))
        summary.setObjectName("sync-summary")
        self.rejected = QTreeWidget()
        self.rejected.setObjectName("sync-rejected")
        self.rejected.setRootIsDecorated(False)
        self.rejected.setHeaderLabels([_("When"), _("What"), _("Reason given by the centre")])
        for r in status.rejected:
            item = QTreeWidgetItem([f"{to_office_time(r.at):%H:%M %d/%m/%Y}",
                                    f"{_(ENTITY_WORDS.get(r.entity, r.entity))} · {r.op_type}", r.reason or "—"])
            self.rejected.addTopLevelItem(item)
        self.rejected.resizeColumnToContents(0)
        self.rejected.setColumnWidth(1, 240)
        more = status.rejected_count - len(status.rejected)
        note = label(role="hint")
        note.setObjectName("sync-note")
        if not status.rejected_count:
            note.setText(_("The centre has refused nothing."))
        else:
            note.setText(_("Refused operations do not hold back the others. The supervisor corrects the record "
                           "and it is sent again.") + (" " + _("{n} older ones are not listed.").format(n=more)
                                                       if more > 0 else ""))
        items = [summary, self.rejected, note]
        if status.notices:
            self.notices = QTreeWidget()
            self.notices.setObjectName("sync-notices")
            self.notices.setRootIsDecorated(False)
            self.notices.setWordWrap(True)
            self.notices.setHeaderLabels([_("When"), _("Changed by the centre")])
            for n in status.notices:
                self.notices.addTopLevelItem(QTreeWidgetItem([f"{to_office_time(n.at):%H:%M %d/%m/%Y}", n.message]))
            self.notices.resizeColumnToContents(0)
            items.append(self.notices)
        summary.setWordWrap(True)
        close = button(_("Close"), "primary", self.accept, name="sync-close")
        vbox(self, [*items, close], margin=16, spacing=10)
