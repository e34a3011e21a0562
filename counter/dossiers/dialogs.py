"""The action dialogs of the dossiers page: what a move needs from the clerk.

Each dialog checks what it can by itself (a reason typed, an item listed, the authorised
person's name and ID number) and says what is missing in words beside the OK button; on
OK it emits ``submitted(dict)`` and stays open while the page saves, so a refusal from
the office database (a second reschedule, a date outside working hours) is shown in the
dialog with everything typed still there. The page closes it (``done_ok``) once saved.

``embedded``: drawn inside the page instead of as a window (the tour photographs the page).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTimeEdit,
    QWidget,
)

from core.i18n import _, pgettext
from core.money import format_money
from core.working_calendar import OFFICE_TZ, to_office_time
from counter.dossiers.names import action_words, moment_words
from counter.dossiers.rows import DossierView
from ui.parts import button, label, panel, say, vbox
from ui.theme import current_theme

DIALOG_WIDTH = 760


def _text(edit: QPlainTextEdit) -> str:
    return edit.toPlainText().strip()


class ActionDialog(QDialog):
    """Heading, a hint, the dialog's own fields, a message line and OK / Cancel."""

    submitted = Signal(dict)

    def __init__(self, view: DossierView, action: str, parent: QWidget | None = None, *,
                 embedded: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(f"dossier-dialog-{action}")
        if embedded:
            self.setWindowFlags(Qt.WindowType.Widget)
        self.view, self.action = view, action
        self.busy = False
        title = _("{action} · dossier {code}").format(action=action_words(action), code=view.code)
        self.setWindowTitle(title)
        self.heading = label(title, "title")
        self.who = label(_("{name} · {procedure}").format(name=view.dossier.applicant_name,
                                                          procedure=view.procedure), "subtitle")
        self.hint = label(role="hint", name="dossier-dialog-hint")
        self.message = label(role="error", name="dossier-dialog-message")
        self.message.hide()
        self.ok = button(self.ok_words(), "primary", name="dossier-dialog-ok")
        self.cancel = button(pgettext("counter dossiers", "Cancel (Esc)"), name="dossier-dialog-cancel")
        for b in (self.ok, self.cancel):
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a keyboard desk: Tab reaches them
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.ok.setDefault(True)

        self.card = panel()
        self.body = vbox(self.card, [self.heading, self.who, self.hint], margin=20, spacing=10)
        self.build()
        for edit in self.findChildren(QLineEdit):  # what was wrong goes once the clerk types
            edit.textChanged.connect(lambda _t: self.show_error("") if self.message.isVisible() else None)
        for area in self.findChildren(QPlainTextEdit):
            area.textChanged.connect(lambda: self.show_error("") if self.message.isVisible() else None)
        self.body.addWidget(self.message)
        self.body.addWidget(self.buttons)
        vbox(self, [self.card], margin=0 if embedded else 12)
        self.resize(round(DIALOG_WIDTH * current_theme().scale), 100)
        self.fit()

    def fit(self) -> None:
        """As tall as its wrapped texts need at its width (a message line was added or removed)."""
        layout = self.layout()
        layout.activate()
        need = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        self.resize(self.width(), max(need, layout.minimumSize().height(), 100))

    # --- for subclasses ------------------------------------------------------------------------

    def ok_words(self) -> str:
        return pgettext("counter dossiers", "Save (Ctrl+Enter)")

    def build(self) -> None:
        """Add the dialog's fields to ``self.body``."""

    def values(self) -> dict[str, Any]:
        """What the page passes to the move; raise ValueError(words) for what is missing."""
        return {}

    def first_field(self) -> QWidget:
        return self.ok

    # --- the flow --------------------------------------------------------------------------------

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.submit()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        if self.busy:
            return
        try:
            values = self.values()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        self.set_busy(True)
        self.submitted.emit(values)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        say(self.message, text, "error")
        self.fit()

    def failed(self, text: str) -> None:
        """The page could not save: say why, keep everything typed."""
        self.set_busy(False)
        self.show_error(text)

    def done_ok(self) -> None:
        self.busy = False
        self.accept()

    def accept(self) -> None:
        super().accept()


def _multiline(name: str, placeholder: str = "", height: int = 120) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(round(height * current_theme().scale))
    return edit


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(300)
    return edit


class NoteDialog(ActionDialog):
    """A move that needs only a confirmation (and, if the clerk likes, a note)."""

    def build(self) -> None:
        self.hint.setText({
            "send_to_processing": _("The dossier goes to the processing officer. Print the control slip to go "
                                    "with it."),
            "supplement_received": _("The citizen brought what was asked. The processing time counts again from "
                                     "zero, from now: the due date changes."),
            "result_back": _("The result came back from processing and waits for the citizen."),
            "handle_at_desk": _("The dossier was settled here at the desk; the result waits for the citizen."),
        }.get(self.action, ""))
        self.note_label = label(pgettext("counter dossiers", "Note (optional)"))
        self.note = _line("dossier-note")
        self.note_label.setBuddy(self.note)
        for w in (self.note_label, self.note):
            self.body.addWidget(w)

    def values(self) -> dict[str, Any]:
        return {"note": self.note.text().strip()}

    def first_field(self) -> QWidget:
        return self.note


class SupplementDialog(ActionDialog):
    """Every missing item at once, one per line: form 02 lists them all."""

    def build(self) -> None:
        self.hint.setText(_("List EVERY item the citizen must bring, one per line: the request (form 02) is "
                            "printed with all of them and the time stops until they are brought."))
        self.items_label = label(_("Items to bring (one per line)"))
        self.items = _multiline("dossier-items", _("e.g. Certified copy of the birth certificate"), 160)
        self.items.setPlainText("\n".join(self.view.missing_documents))
        self.items_label.setBuddy(self.items)
        self.note_label = label(pgettext("counter dossiers", "Note (optional)"))
        self.note = _line("dossier-note")
        for w in (self.items_label, self.items, self.note_label, self.note):
            self.body.addWidget(w)

    def ok_words(self) -> str:
        return _("Save and print form 02 (Ctrl+Enter)")

    def values(self) -> dict[str, Any]:
        items = [line.strip() for line in self.items.toPlainText().splitlines() if line.strip()]
        if not items:
            raise ValueError(_("Write what the citizen has to bring, one item per line."))
        return {"items": items, "note": self.note.text().strip()}

    def first_field(self) -> QWidget:
        return self.items


class ReturnDialog(ActionDialog):
    """Who collected the result (the applicant, or an authorised person with name and ID
    number) and the fee paid."""

    def build(self) -> None:
        d = self.view.dossier
        self.hint.setText(_("Check the person's ID document before handing the result over."))
        self.by_applicant = QRadioButton(_("The applicant: {name}").format(name=d.applicant_name))
        self.by_applicant.setObjectName("dossier-by-applicant")
        self.by_proxy = QRadioButton(_("An authorised person"))
        self.by_proxy.setObjectName("dossier-by-proxy")
        self.group = QButtonGroup(self)
        for b in (self.by_applicant, self.by_proxy):
            self.group.addButton(b)
            b.setMinimumHeight(current_theme().px("touch"))
        self.by_applicant.setChecked(True)
        self.proxy_name_label = label(_("Full name of the authorised person"))
        self.proxy_name = _line("dossier-proxy-name")
        self.proxy_id_label = label(_("ID document number (CCCD, passport...)"))
        self.proxy_id = _line("dossier-proxy-id")
        self.proxy_name_label.setBuddy(self.proxy_name)
        self.proxy_id_label.setBuddy(self.proxy_id)
        self.fee_label = label(_("Fee paid (VND) — the fee due is {fee}").format(fee=format_money(d.fee_vnd)))
        self.fee = _line("dossier-fee-paid")
        self.fee.setText(str(d.fee_paid_vnd or d.fee_vnd))
        self.fee_label.setBuddy(self.fee)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.proxy_name_label, 0, 0)
        grid.addWidget(self.proxy_id_label, 0, 1)
        grid.addWidget(self.proxy_name, 1, 0)
        grid.addWidget(self.proxy_id, 1, 1)
        self.body.addWidget(self.by_applicant)
        self.body.addWidget(self.by_proxy)
        self.body.addLayout(grid)
        self.body.addWidget(self.fee_label)
        self.body.addWidget(self.fee)
        self.by_proxy.toggled.connect(self._proxy)
        self._proxy(False)

    def _proxy(self, on: bool) -> None:
        for w in (self.proxy_name_label, self.proxy_name, self.proxy_id_label, self.proxy_id):
            w.setEnabled(on)
        if on:
            self.proxy_name.setFocus()

    def ok_words(self) -> str:
        return _("Hand over (Ctrl+Enter)")

    def values(self) -> dict[str, Any]:
        fee_text = "".join(ch for ch in self.fee.text() if ch.isdigit())
        if self.fee.text().strip() and not fee_text:
            raise ValueError(_("Write the fee paid as a number of đồng."))
        values: dict[str, Any] = {"fee_paid_vnd": int(fee_text) if fee_text else 0}
        if self.by_proxy.isChecked():
            name, number = self.proxy_name.text().strip(), "".join(self.proxy_id.text().split())
            if not name:
                raise ValueError(_("Write the full name of the authorised person."))
            if len(number) < 6:
                raise ValueError(_("Write the ID document number of the authorised person (CCCD, passport...)."))
            values.update(proxy_name=name, proxy_id=number)
        else:
            values["applicant_name"] = self.view.dossier.applicant_name
        return values

    def first_field(self) -> QWidget:
        return self.by_applicant


class RescheduleDialog(ActionDialog):
    """The new return date and the reason: once only (form 04, the apology, is printed)."""

    def build(self) -> None:
        d = self.view.dossier
        self.hint.setText(_("A dossier can be rescheduled only once. The apology (form 04) is printed with the "
                            "new date and the reason."))
        self.current = label(_("Current due date: {when}").format(when=moment_words(d.due_at)), "subtitle",
                             name="dossier-current-due")
        self.date_label = label(_("New date and time"))
        self.date = QDateEdit()
        self.date.setObjectName("dossier-new-date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.time = QTimeEdit()
        self.time.setObjectName("dossier-new-time")
        self.time.setDisplayFormat("HH:mm")
        scale = current_theme().scale
        self.date.setMinimumWidth(round(190 * scale))
        self.time.setMinimumWidth(round(120 * scale))
        for w in (self.date, self.time):
            w.setMinimumHeight(current_theme().px("touch"))
        start = to_office_time(d.due_at) if d.due_at is not None else to_office_time(self.view.read_at)
        nxt = start.date() + timedelta(days=1)
        while nxt.weekday() >= 5:
            nxt += timedelta(days=1)
        self.date.setDate(QDate(nxt.year, nxt.month, nxt.day))
        self.time.setTime(QTime(16, 0))
        self.date_label.setBuddy(self.date)
        self.reason_label = label(_("Reason for the delay (printed on the apology)"))
        self.reason = _multiline("dossier-reason", "", 90)
        self.reason_label.setBuddy(self.reason)
        row = QGridLayout()
        row.setHorizontalSpacing(12)
        row.addWidget(self.date, 0, 0)
        row.addWidget(self.time, 0, 1)
        row.setColumnStretch(2, 1)
        self.body.addWidget(self.current)
        self.body.addWidget(self.date_label)
        self.body.addLayout(row)
        self.body.addWidget(self.reason_label)
        self.body.addWidget(self.reason)

    def ok_words(self) -> str:
        return _("Save and print form 04 (Ctrl+Enter)")

    def new_due(self) -> datetime:
        q, t = self.date.date(), self.time.time()
        return datetime(q.year(), q.month(), q.day(), t.hour(), t.minute(), tzinfo=OFFICE_TZ)

    def set_new_due(self, moment: datetime) -> None:
        local = to_office_time(moment)
        self.date.setDate(QDate(local.year, local.month, local.day))
        self.time.setTime(QTime(local.hour, local.minute))

    def values(self) -> dict[str, Any]:
        reason = _text(self.reason)
        if not reason:
            raise ValueError(_("Write the reason for the new date: it is printed on the apology."))
        return {"new_due_at": self.new_due(), "reason": reason}

    def first_field(self) -> QWidget:
        return self.date


class ReasonDialog(ActionDialog):
    """Refuse (form 03) or withdraw: the reason is required."""

    def build(self) -> None:
        if self.action == "reject":
            self.hint.setText(_("The refusal (form 03) is printed with this reason. Write the specific reason, "
                                "as the citizen should read it."))
            words = _("Reason for the refusal")
        else:
            self.hint.setText(_("The citizen asks to withdraw the dossier. The dossier is closed; nothing is "
                                "printed."))
            words = _("Reason (the citizen's request)")
        self.reason_label = label(words)
        self.reason = _multiline("dossier-reason", "", 110)
        self.reason_label.setBuddy(self.reason)
        self.body.addWidget(self.reason_label)
        self.body.addWidget(self.reason)

    def ok_words(self) -> str:
        if self.action == "reject":
            return _("Refuse and print form 03 (Ctrl+Enter)")
        return pgettext("counter dossiers", "Save (Ctrl+Enter)")

    def values(self) -> dict[str, Any]:
        reason = _text(self.reason)
        if not reason:
            if self.action == "reject":
                raise ValueError(_("Write the reason for the refusal: it is printed on the form."))
            raise ValueError(_("Write why the dossier is withdrawn (the citizen's request)."))
        return {"reason": reason}

    def first_field(self) -> QWidget:
        return self.reason


def dialog_for(action: str) -> type[ActionDialog]:
    return {"request_supplement": SupplementDialog, "return_result": ReturnDialog, "reschedule": RescheduleDialog,
            "reject": ReasonDialog, "withdraw": ReasonDialog}.get(action, NoteDialog)


__all__ = ["ActionDialog", "NoteDialog", "ReasonDialog", "RescheduleDialog", "ReturnDialog", "SupplementDialog",
           "dialog_for"]
