"""The appointments page's moves that go through a form dialog: book (Alt+2), reschedule
(Alt+3), cancel (Alt+5), and for a supervisor the places of a slot (Alt+6) and the day's slots
(Alt+7). Each reads its choices off the GUI thread when it needs them, opens its dialog (a
real one, or embedded in the page for the tour), and hands what was typed to the page's ``act``; when
a slot filled up meanwhile, the dialog reads its places again and keeps what was typed.

A composed object, not a mixin: what it needs of the page is passed to its constructor
(issue 17), so a reader (and mypy) sees every way it touches the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtWidgets import QWidget

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
from counter.appointments.rows import ApptRow, DayView, SlotRow
from counter.appointments.words import error_words
from counter.context import CounterContext
from ui.one_dialog import OneDialog
from ui.page_work import PageWork

F = TypeVar("F", bound=FormDialog)


class Act(Protocol):
    """The page's move: runs ``fn(ctx, *args, **kwargs)``, then reads the day again."""

    def __call__(self, fn: Callable[..., Any], *args: Any, dialog: FormDialog | None = None,
                 **kwargs: Any) -> None: ...


class FormMoves:
    """The form-dialog moves of one appointments page.

    ``page`` is the dialogs' parent; ``work`` the page's moves (one at a time: reading a
    dialog's choices counts as one); ``dialogs`` its one dialog; ``shown`` the day drawn;
    ``selected`` the slot and appointment chosen in the tree; ``service`` the service
    filter; ``act`` the page's move; ``say_error`` puts words on the status line.
    """

    def __init__(self, page: QWidget, ctx: CounterContext, work: PageWork, dialogs: OneDialog[FormDialog], *,
                 shown: Callable[[], DayView | None],
                 selected: Callable[[], tuple[SlotRow | None, ApptRow | None]],
                 service: Callable[[], str | None], act: Act,
                 say_error: Callable[[Callable[[], str]], None]) -> None:
        self.page, self.ctx, self.work, self.dialogs = page, ctx, work, dialogs
        self.shown, self.selected, self.service = shown, selected, service
        self.act, self.say_error = act, say_error

    def _free(self) -> bool:
        return not self.work.busy and not self.dialogs.is_open

    def open_book(self, *, embedded: bool = False) -> None:
        view = self.shown()
        if not self._free() or view is None:
            return
        first = max(view.day, view.today)
        self._load(model.booking_choices, self.ctx, first,
                   then=lambda choices: self.show(BookDialog(choices, first, self.page, embedded=embedded),
                                                  self._book_submitted, embedded))

    def _book_submitted(self, dialog: BookDialog) -> None:
        slot_id, procedure, name, phone, at_desk = dialog.values()
        self.act(model.book_by_phone, slot_id, procedure, name, phone, at_desk=at_desk, lang=current_language(),
                 dialog=dialog)

    def open_reschedule(self, *, embedded: bool = False) -> None:
        slot, appt = self.selected()
        if not self._free() or appt is None or slot is None or not appt.booked:
            return
        self._load(model.reschedule_choices, self.ctx, appt.id,
                   then=lambda choices: self.show_reschedule(RescheduleDialog(appt, slot, choices, self.page,
                                                                              embedded=embedded), embedded))

    def show_reschedule(self, dialog: RescheduleDialog, embedded: bool) -> None:
        self.show(dialog, self._reschedule_submitted, embedded)

    def _reschedule_submitted(self, dialog: RescheduleDialog) -> None:
        self.act(model.reschedule, dialog.appt.id, dialog.new_slot_id(), dialog=dialog)

    def open_cancel(self, *, embedded: bool = False) -> None:
        slot, appt = self.selected()
        if not self._free() or appt is None or slot is None or not appt.booked:
            return
        self.show(CancelDialog(appt, slot, self.page, embedded=embedded), self._cancel_submitted, embedded)

    def _cancel_submitted(self, dialog: CancelDialog) -> None:
        self.act(model.cancel, dialog.appt.id, dialog.reason.text(), dialog=dialog)

    def open_capacity(self, *, embedded: bool = False) -> None:
        slot, _appt = self.selected()
        if not self._free() or slot is None:
            return
        if not self.may_manage():
            return
        self.show(CapacityDialog(slot, self.page, embedded=embedded), self._capacity_submitted, embedded)

    def _capacity_submitted(self, dialog: CapacityDialog) -> None:
        office, online = dialog.values()
        self.act(model.set_capacity, dialog.slot.id, office, online, dialog=dialog)

    def open_slots(self, *, embedded: bool = False) -> None:
        view = self.shown()
        if not self._free() or view is None or not self.may_manage():
            return
        self.show(SlotsDialog(view.services, view.day, self.service(), self.page, embedded=embedded),
                  self._slots_submitted, embedded)

    def _slots_submitted(self, dialog: SlotsDialog) -> None:
        service, start, end, minutes, office, online = dialog.values()
        self.act(model.create_day_slots, service, dialog.day, start, end, minutes, office, online, dialog=dialog)

    def may_manage(self) -> bool:
        view = self.shown()
        if view is not None and view.can_manage:
            return True
        # The buttons are hidden for a clerk; a key pressed anyway is told why nothing opens.
        self.say_error(lambda: _("Only a supervisor can change the time slots and their places. "
                                 "Please ask the supervisor."))
        return False

    def _load(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None]) -> None:
        """Read a dialog's choices off the GUI thread, then open it."""
        self.work.run(fn, *args, on_done=then,
                      on_error=lambda exc: self.say_error(lambda: error_words(exc)))

    def reload_choices(self, dialog: FormDialog, exc: Exception) -> None:
        """A slot filled up meanwhile: read the places again, the dialog keeps what was typed."""
        if not isinstance(exc, (QuotaExceeded, DomainError)):
            return
        if isinstance(dialog, BookDialog):
            book = dialog
            self.work.tasks.run(model.booking_choices, self.ctx, book.choices.days[0] if book.choices.days else None,
                                on_done=lambda c: book.set_choices(c) if self.dialogs.current is book else None)
        elif isinstance(dialog, RescheduleDialog):
            again = dialog
            self.work.tasks.run(model.reschedule_choices, self.ctx, again.appt.id,
                                on_done=lambda c: again.set_choices(c) if self.dialogs.current is again else None)

    def show(self, dialog: F, on_submit: Callable[[F], None], embedded: bool) -> None:
        dialog.submitted.connect(lambda: on_submit(dialog))
        self.dialogs.show(dialog, embedded=embedded)


__all__ = ["Act", "FormMoves"]
