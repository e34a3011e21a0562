"""What the sync backlog holds, opened from the status bar: the operations the centre
refused, each with its reason, and the changes the centre made that staff must know about
(a booking cancelled online after the citizen checked in here, a dossier moved centrally),
so a clerk or the supervisor can act on them.

A supervisor (or the admin) settles a refused or conflicting operation here: "Keep the
centre's version" (after a confirmation naming the record) discards the office's change
(local_db/ops/sync_settle.py); the row then says it is being sent, and it leaves the list
once the agent has told the centre. A clerk sees the list without the button. The database
work runs on the desk's task runner, never on the UI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from core.i18n import N_, _
from core.working_calendar import to_office_time
from counter.status import DeskStatus, Rejected, desk_status
from counter.status_words import how_to_connect_words, sync_words
from local_db.ops.staff import has_role
from local_db.ops.sync_settle import SETTLE_ROLE, settle_problem, subject_words
from ui.failures import failure_words
from ui.parts import button, label, vbox

ENTITY_WORDS = {"ticket": N_("Queue number"), "appointment": N_("Appointment"), "dossier": N_("Dossier"),
                "feedback": N_("Rating"), "citizen": N_("Citizen"), "staff": N_("Staff account")}
REFRESH_MS = 3_000  # while open, the list follows the agent (a settled row leaves it)


def settle_in_office(ctx: Any, op_id: Any) -> Any:
    """The supervisor keeps the centre's version (runs on the task runner)."""
    with ctx.db.write() as s:
        return settle_problem(s, ctx.actor, op_id, now=ctx.now())


class SyncDialog(QDialog):
    def __init__(self, status: DeskStatus, now, parent: QWidget | None = None, *,  # type: ignore[no-untyped-def]
                 ctx: Any = None, tasks: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-dialog")
        self.setWindowTitle(_("Exchange with the centre"))
        self.resize(1000, 520)
        # The desk's context and task runner (the counter window passes itself as parent).
        self.ctx = ctx if ctx is not None else getattr(parent, "ctx", None)
        self.tasks = tasks if tasks is not None else getattr(parent, "tasks", None)
        self.status = status
        self.now = now
        self.sent: set[Any] = set()  # settled here while open: "being sent" until the agent is done
        self.summary = label(sync_words(status, now), name="sync-summary")
        self.summary.setWordWrap(True)
        self.rejected = QTreeWidget()
        self.rejected.setObjectName("sync-rejected")
        self.rejected.setRootIsDecorated(False)
        self.rejected.setWordWrap(True)
        self.note = label(role="hint", name="sync-note")
        self.confirm_text = label(name="sync-confirm-text")
        self.confirm_yes = button(_("Keep the centre's version"), "primary", self._confirmed, name="sync-confirm-yes")
        self.confirm_no = button(_("Cancel"), "", self._cancel, name="sync-confirm-no")
        self.confirm_box = QWidget()
        self.confirm_box.setObjectName("sync-confirm")
        row = QHBoxLayout(self.confirm_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.confirm_text, 3)
        row.addWidget(self.confirm_yes, 1)
        row.addWidget(self.confirm_no, 1)
        self.confirm_box.hide()
        self.asked: Rejected | None = None
        self.error = label(role="error", name="sync-error")
        self.error.hide()
        self.how_to_connect = label(how_to_connect_words(status) if status.never_connected else "", "info",
                                    name="sync-how-to-connect")
        self.how_to_connect.setWordWrap(True)
        self.how_to_connect.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # commands to copy
        self.how_to_connect.setVisible(status.never_connected)
        items: list[QWidget] = [self.summary, self.how_to_connect, self.rejected, self.confirm_box, self.error,
                                self.note]
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
        close = button(_("Close"), "primary", self.accept, name="sync-close")
        vbox(self, [*items, close], margin=16, spacing=10)
        self._fill()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        if self.ctx is not None and self.tasks is not None:
            self._timer.start()

    # --- who may settle ----------------------------------------------------------------------

    @property
    def may_settle(self) -> bool:
        """Supervisors and the admin (the database checks the role again)."""
        staff = getattr(self.ctx, "staff", None)
        return self.tasks is not None and staff is not None and has_role(staff, SETTLE_ROLE)

    # --- the list ----------------------------------------------------------------------------

    def _fill(self) -> None:
        st = self.status
        self.rejected.clear()
        headers = [_("When"), _("What"), _("Reason given by the centre")]
        if self.may_settle:
            headers.append("")
        self.rejected.setHeaderLabels(headers)
        self.buttons: dict[Any, Any] = {}
        for r in st.rejected:
            self._add_row(r, sending=r.op_id in self.sent)
        for r in st.settling:
            self._add_row(r, sending=True)
        self.rejected.resizeColumnToContents(0)
        self.rejected.setColumnWidth(1, 300)
        self.rejected.setColumnWidth(2, 380)
        more = st.rejected_count - len(st.rejected)
        if not st.rejected_count and not st.settling:
            self.note.setText(_("The centre has refused nothing."))
        elif self.may_settle:
            self.note.setText(_("Refused operations do not hold back the others; later changes to the same record "
                                "wait. \"Keep the centre's version\" discards this office's change and lets them go "
                                "on.") + (" " + _("{n} older ones are not listed.").format(n=more) if more > 0 else ""))
        else:
            self.note.setText(_("Refused operations do not hold back the others. The supervisor corrects the record "
                                "and it is sent again.") + (" " + _("{n} older ones are not listed.").format(n=more)
                                                           if more > 0 else ""))

    def _add_row(self, r: Rejected, *, sending: bool) -> None:
        what = _what(r)
        reason = _("Kept the centre's version: being sent to the centre…") if sending else (r.reason or "—")
        item = QTreeWidgetItem([f"{to_office_time(r.at):%H:%M %d/%m/%Y}", what, reason])
        self.rejected.addTopLevelItem(item)
        if self.may_settle and not sending and r.op_id is not None:
            keep = button(_("Keep the centre's version"), "", lambda r=r: self.ask(r), name="sync-keep-centre")
            self.rejected.setItemWidget(item, 3, keep)
            self.buttons[r.op_id] = keep

    # --- settling ----------------------------------------------------------------------------

    def ask(self, r: Rejected) -> None:
        """Ask before discarding: the record in words, what happens."""
        self.asked = r
        self.error.hide()
        self.confirm_text.setText(_("Keep the centre's version of {subject}? This office's change ({op_type}) is "
                                    "discarded, and the later changes to this record waiting behind it are sent.")
                                  .format(subject=_subject(r), op_type=r.op_type))
        self.confirm_box.show()

    def _cancel(self) -> None:
        self.asked = None
        self.confirm_box.hide()

    def _confirmed(self) -> None:
        r = self.asked
        self._cancel()
        if r is None or r.op_id is None or self.tasks is None:
            return
        self.confirm_yes.setEnabled(False)
        self.tasks.run(settle_in_office, self.ctx, r.op_id, on_done=lambda _info, r=r: self._settled(r),
                       on_error=self._failed)

    def _settled(self, r: Rejected) -> None:
        self.confirm_yes.setEnabled(True)
        self.sent.add(r.op_id)
        self._fill()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.confirm_yes.setEnabled(True)
        self.error.setText(failure_words(exc, unavailable=_(
            "The office database cannot be reached right now. Nothing was changed; please try again.")))
        self.error.show()

    def refresh(self) -> None:
        """Read the backlog again (off the UI thread): a row the agent has settled leaves."""
        if self.ctx is None or self.tasks is None:
            return
        self.tasks.run(desk_status, self.ctx, on_done=self.show_status, on_error=lambda _e: None)

    def show_status(self, status: DeskStatus) -> None:
        self.status = status
        still = {r.op_id for r in status.rejected} | {r.op_id for r in status.settling}
        self.sent &= still
        self.summary.setText(sync_words(status, self.ctx.now() if self.ctx is not None else self.now))
        self.how_to_connect.setText(how_to_connect_words(status) if status.never_connected else "")
        self.how_to_connect.setVisible(status.never_connected)  # connected meanwhile: the steps go
        self._fill()

    def done(self, result: int) -> None:
        self._timer.stop()
        super().done(result)


def _subject(r: Rejected) -> str:
    return subject_words(r.entity, r.name) if r.name else _(ENTITY_WORDS.get(r.entity, r.entity))


def _what(r: Rejected) -> str:
    kind = _(ENTITY_WORDS.get(r.entity, r.entity))
    return f"{kind} · {r.op_type} · {r.name}" if r.name else f"{kind} · {r.op_type}"
