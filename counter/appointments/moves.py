"""The appointments page's moves that go through a form dialog: book (F3), reschedule (F4),
cancel (F8), and for a supervisor the places of a slot (F9) and the day's slots (F10). Each
reads its choices off the GUI thread when it needs them, opens its dialog (a real one, or
embedded in the page for the tour), and hands what was typed to the page's ``_act``; when
a slot filled up meanwhile, the dialog reads its places again and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.errors import DomainError, QuotaExceeded
from core.i18n import _, current_language
from counter.appointments import model
from counter.appointments.dialogs import (
    BookDialog,
    CancelDialog,
    CapacityDialog,
    FormDialog,
    RescheduleDialog,
    SlotsDialog,
)
from counter.appointments.words import error_words


class MovesMixin:
    """Mixed into :class:`~counter.appointments.view.AppointmentsPage`. It expects of the page:
    ``ctx``, ``tasks`` (its TaskRunner), ``view`` (the DayView shown, or None), ``busy``,
    ``service`` (the service filter), ``dialog`` (the open form dialog, or None), and the
    methods ``selected``, ``_act``, ``_enable``, ``_say``, plus QWidget's ``width``,
    ``height`` and ``setFocus``."""

    dialog: FormDialog | None

    def open_book(self, *, embedded: bool = False) -> None:
        if self.busy or self.dialog is not None or self.view is None:
            return
        first = max(self.view.day, self.view.today)
        self._load(model.booking_choices, self.ctx, first,
                   then=lambda choices: self._show_dialog(BookDialog(choices, first, self, embedded=embedded),
                                                          self._book_submitted, embedded))

    def _book_submitted(self, dialog: BookDialog) -> None:
        slot_id, procedure, name, phone, at_desk = dialog.values()
        self._act(model.book_by_phone, slot_id, procedure, name, phone, at_desk=at_desk, lang=current_language(),
                  dialog=dialog)

    def open_reschedule(self, *, embedded: bool = False) -> None:
        slot, appt = self.selected()
        if self.busy or self.dialog is not None or appt is None or slot is None or not appt.booked:
            return
        self._load(model.reschedule_choices, self.ctx, appt.id,
                   then=lambda choices: self._show_dialog(RescheduleDialog(appt, slot, choices, self,
                                                                           embedded=embedded),
                                                          self._reschedule_submitted, embedded))

    def _reschedule_submitted(self, dialog: RescheduleDialog) -> None:
        self._act(model.reschedule, dialog.appt.id, dialog.new_slot_id(), dialog=dialog)

    def open_cancel(self, *, embedded: bool = False) -> None:
        slot, appt = self.selected()
        if self.busy or self.dialog is not None or appt is None or slot is None or not appt.booked:
            return
        self._show_dialog(CancelDialog(appt, slot, self, embedded=embedded), self._cancel_submitted, embedded)

    def _cancel_submitted(self, dialog: CancelDialog) -> None:
        self._act(model.cancel, dialog.appt.id, dialog.reason.text(), dialog=dialog)

    def open_capacity(self, *, embedded: bool = False) -> None:
        slot, _appt = self.selected()
        if self.busy or self.dialog is not None or slot is None:
            return
        if not self._may_manage():
            return
        self._show_dialog(CapacityDialog(slot, self, embedded=embedded), self._capacity_submitted, embedded)

    def _capacity_submitted(self, dialog: CapacityDialog) -> None:
        office, online = dialog.values()
        self._act(model.set_capacity, dialog.slot.id, office, online, dialog=dialog)

    def open_slots(self, *, embedded: bool = False) -> None:
        if self.busy or self.dialog is not None or self.view is None or not self._may_manage():
            return
        self._show_dialog(SlotsDialog(self.view.services, self.view.day, self.service.currentData(), self,
                                      embedded=embedded), self._slots_submitted, embedded)

    def _slots_submitted(self, dialog: SlotsDialog) -> None:
        service, start, end, minutes, office, online = dialog.values()
        self._act(model.create_day_slots, service, dialog.day, start, end, minutes, office, online, dialog=dialog)

    def _may_manage(self) -> bool:
        if self.view is not None and self.view.can_manage:
            return True
        # The buttons are hidden for a clerk; a key pressed anyway is told why nothing opens.
        self._say("error", "error", lambda: _("Only a supervisor can change the time slots and their places. "
                                              "Please ask the supervisor."))
        return False

    def _load(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None]) -> None:
        """Read a dialog's choices off the GUI thread, then open it."""
        self.busy = True
        self._enable()

        def done(value: Any) -> None:
            self.busy = False
            self._enable()
            then(value)

        def failed(exc: Exception) -> None:
            self.busy = False
            self._enable()
            self._say("error", "error", lambda: error_words(exc))

        self.tasks.run(fn, *args, on_done=done, on_error=failed)

    def _reload_choices(self, dialog: FormDialog, exc: Exception) -> None:
        """A slot filled up meanwhile: read the places again, the dialog keeps what was typed."""
        if not isinstance(exc, (QuotaExceeded, DomainError)):
            return
        if isinstance(dialog, BookDialog):
            self.tasks.run(model.booking_choices, self.ctx, dialog.choices.days[0] if dialog.choices.days else None,
                           on_done=lambda c: dialog.set_choices(c) if self.dialog is dialog else None)
        elif isinstance(dialog, RescheduleDialog):
            self.tasks.run(model.reschedule_choices, self.ctx, dialog.appt.id,
                           on_done=lambda c: dialog.set_choices(c) if self.dialog is dialog else None)

    def _show_dialog(self, dialog: FormDialog, on_submit: Callable[[Any], None], embedded: bool) -> None:
        self.dialog = dialog
        dialog.submitted.connect(lambda: on_submit(dialog))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        if embedded:
            dialog.resize(min(dialog.width(), self.width() - 40), min(dialog.height(), self.height() - 40))
            dialog.move((self.width() - dialog.width()) // 2, (self.height() - dialog.height()) // 2)
            dialog.show()
            dialog.raise_()
        else:
            dialog.open()

    def _dialog_closed(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.setFocus()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
