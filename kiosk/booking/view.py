"""Booking an appointment at the kiosk: the procedure (typed on the on-screen keyboard,
no diacritics needed), the day, the time, the name and phone, a confirmation, then the
appointment code in big type while the slip prints.

Screens: "booking" (procedure search), "booking_day", "booking_slot", "booking_details"
(name -> phone -> confirmation, in one screen so that leaving it forgets them all) and
"booking_done". The name and phone are shown as typed while the citizen types them; the
confirmation and done screens show them masked.

This module holds the first three screens and ``booking_screens``; "booking_details"
(``DetailsScreen``) and "booking_done" (``BookedScreen``) live in ``kiosk.booking.details``,
and what they all share (the base screen, ``window_words``, ``free_words``) in
``kiosk.booking.common``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QGridLayout, QLineEdit, QWidget

from core.i18n import _, current_language, ngettext
from kiosk.booking.common import BookingScreen, free_words, tour_choice, window_words
from kiosk.booking.details import BookedScreen, DetailsScreen
from kiosk.booking.model import (
    DayChoice,
    ProcedureChoice,
    SlotChoice,
    bookable_days,
    day_slots,
    search_procedures,
)
from kiosk.context import KioskContext
from kiosk.words import day_words
from ui.failures import database_outage, failure_words
from ui.flow import BESIDE_A_KEYBOARD, Flip, column
from ui.parts import button, clear_layout, label, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.widgets.keyboard import OnScreenKeyboard

MAX_RESULTS = 8  # results shown at once above the keyboard; typing more narrows them


class ProcedureSearchScreen(BookingScreen):
    """Type a few words of the procedure; the list narrows as the citizen types."""

    name = "booking"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tasks, parent)
        self.results: list[ProcedureChoice] = []
        self.buttons: dict[str, Any] = {}
        self._seq = 0
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.search = QLineEdit()
        self.search.setObjectName("procedure-search")
        self.status = label(role="hint", center=True, name="booking-status")
        inner = QWidget()
        self.list_layout = vbox(inner, spacing=12)
        self.list_layout.addStretch(1)
        self.keyboard = OnScreenKeyboard("text")
        self.keyboard.set_target(self.search)
        self.search.textChanged.connect(lambda _t: self._refresh())
        self.back = button(name="back", on_click=lambda: self.go("start"))
        # The keyboard under the list (portrait), or beside it (landscape).
        found = column([self.search, self.status], spacing=14)
        found.layout().addWidget(scroll_area(inner), 1)
        layout = vbox(self, [self.title, self.hint], margin=32, spacing=14)
        layout.addWidget(Flip([found, self.keyboard], portrait=[1, 0], landscape=BESIDE_A_KEYBOARD, spacing=14), 1)
        layout.addWidget(self.back)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Book an appointment"))
        self.hint.setText(_("Which procedure is it for? Type a few words of its name, without accents if you like."))
        self.search.setPlaceholderText(_("For example: khai sinh"))
        self.back.setText(_("Back"))
        self.keyboard.retranslate()
        if self.isVisible():
            self._refresh()

    def enter(self, **params: Any) -> None:
        self.search.clear()
        self._refresh()

    def leave(self) -> None:
        self.search.clear()
        self.results = []

    def _refresh(self) -> None:
        self._seq += 1
        seq = self._seq
        self.tasks.run(search_procedures, self.ctx, self.search.text(), current_language(),
                       on_done=lambda r: self._show(seq, r), on_error=self._failed)

    def _show(self, seq: int, results: list[ProcedureChoice]) -> None:
        if seq != self._seq:
            return  # an older search finishing late
        self.results = results
        clear_layout(self.list_layout)
        self.buttons = {}
        for choice in results[:MAX_RESULTS]:
            b = button(choice.name, "choice", name=f"procedure-{choice.code}",
                       on_click=lambda c=choice: self.go("booking_day", procedure=c))
            self.buttons[choice.code] = b
            self.list_layout.addWidget(b)
        self.list_layout.addStretch(1)
        if not results:
            say(self.status, _("No procedure matches these words. Try fewer words, or ask at a counter."), "info")
        elif len(results) > MAX_RESULTS:
            say(self.status, ngettext("{n} procedure found: type more words to narrow the list.",
                                      "{n} procedures found: type more words to narrow the list.",
                                      len(results)).format(n=len(results)))
        else:
            say(self.status, ngettext("{n} procedure found", "{n} procedures found", len(results))
                .format(n=len(results)))

    def _failed(self, exc: Exception) -> None:
        clear_layout(self.list_layout)  # nothing to choose from when the list could not be read
        self.list_layout.addStretch(1)
        self.buttons = {}
        say(self.status, failure_words(exc, unavailable=_(
            "Booking is not possible right now. Please ask at a counter."), citizen=True), "error")

    def tour_states(self):  # type: ignore[no-untyped-def]
        def typed(text: str):  # type: ignore[no-untyped-def]
            def do() -> None:
                self.search.setText(text)
                self.tasks.wait_idle()
            return do
        return [("", lambda: self.tasks.wait_idle()), ("khai-sinh", typed("khai sinh")),
                ("nothing-found", typed("xyz xyz")),
                ("error", lambda: self._failed(database_outage()))]


class DayScreen(BookingScreen):
    name = "booking_day"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tasks, parent)
        self.procedure: ProcedureChoice | None = None
        self.days: list[DayChoice] = []
        self.buttons: dict[str, Any] = {}
        self.title = label(role="title", center=True)
        self.procedure_label = label(role="big", center=True)
        self.hint = label(role="subtitle", center=True)
        self.status = label(role="hint", center=True, name="booking-status")
        inner = QWidget()
        self.list_layout = vbox(inner, spacing=14)
        self.back = button(name="back", on_click=lambda: self.go("booking"))
        layout = vbox(self, [self.title, self.procedure_label, self.hint, self.status], margin=40, spacing=18)
        # In large text the days no longer fit the panel: they scroll, the Back button stays.
        layout.addWidget(scroll_area(inner), 1)
        layout.addWidget(self.back)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Choose a day"))
        self.hint.setText(_("Working days when you can come:"))
        self.back.setText(_("Back"))
        if self.days:
            self._show(self.days)

    def enter(self, procedure: ProcedureChoice | None = None, **params: Any) -> None:
        self.procedure = procedure or self.procedure
        if self.procedure is None:
            return
        self.procedure_label.setText(self.procedure.name)
        say(self.status, _("Loading..."))
        self.tasks.run(bookable_days, self.ctx, self.procedure.service_code, on_done=self._show,
                       on_error=self._failed)

    def leave(self) -> None:
        self.days = []
        clear_layout(self.list_layout)
        say(self.status, "")  # no message of the last visit (in its language) stays behind

    def _show(self, days: list[DayChoice]) -> None:
        self.days = days
        clear_layout(self.list_layout)
        self.buttons = {}
        say(self.status, "")
        for d in days:
            if d.slots == 0:
                detail = _("No appointments on this day")
            else:
                detail = free_words(d.free)
            b = button(f"{day_words(d.day)}\n{detail}", "choice", name=f"day-{d.day.isoformat()}",
                       on_click=lambda day=d.day: self.go("booking_slot", procedure=self.procedure, day=day))
            b.setEnabled(d.open)
            self.buttons[d.day.isoformat()] = b
            self.list_layout.addWidget(b)
        self.list_layout.addStretch(1)
        if days and not any(d.open for d in days):
            say(self.status, _("No free time in the coming days. Please take a queue number or ask at a counter."),
                "info")

    def _failed(self, exc: Exception) -> None:
        self.days = []
        clear_layout(self.list_layout)  # nothing to choose from when the days could not be read
        self.buttons = {}
        say(self.status, failure_words(exc, unavailable=_(
            "Booking is not possible right now. Please ask at a counter."), citizen=True), "error")

    def tour_params(self) -> dict[str, Any]:
        return {"procedure": tour_choice(self.ctx)[0]}

    def tour_states(self):  # type: ignore[no-untyped-def]
        return [("", lambda: self.tasks.wait_idle()),
                ("none-free", lambda: self._show([DayChoice(d.day, d.slots, 0) for d in self.days])),
                ("error", lambda: self._failed(database_outage()))]


class SlotScreen(BookingScreen):
    name = "booking_slot"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tasks, parent)
        self.procedure: ProcedureChoice | None = None
        self.day: date | None = None
        self.slots: list[SlotChoice] = []
        self.buttons: dict[str, Any] = {}
        self.title = label(role="title", center=True)
        self.day_label = label(role="big", center=True)
        self.hint = label(role="subtitle", center=True)
        self.status = label(role="hint", center=True, name="booking-status")
        inner = QWidget()
        self.grid = QGridLayout()
        self.grid.setSpacing(14)
        column = vbox(inner)
        column.addLayout(self.grid)
        column.addStretch(1)
        self.back = button(name="back", on_click=lambda: self.go("booking_day", procedure=self.procedure))
        layout = vbox(self, [self.title, self.day_label, self.hint, self.status], margin=40, spacing=18)
        layout.addWidget(scroll_area(inner), 1)
        layout.addWidget(self.back)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Choose a time"))
        self.hint.setText(_("Times marked \"Fully booked\" or \"Already over\" cannot be chosen."))
        self.back.setText(_("Back"))
        if self.day is not None:
            self.day_label.setText(day_words(self.day))
        if self.slots:
            self._show(self.slots)

    def enter(self, procedure: ProcedureChoice | None = None, day: date | None = None, **params: Any) -> None:
        self.procedure = procedure or self.procedure
        self.day = day or self.day
        if self.procedure is None or self.day is None:
            return
        self.day_label.setText(day_words(self.day))
        say(self.status, _("Loading..."))
        self.tasks.run(day_slots, self.ctx, self.procedure.service_code, self.day, on_done=self._show,
                       on_error=self._failed)

    def leave(self) -> None:
        self.slots = []
        clear_layout(self.grid)  # type: ignore[arg-type]
        say(self.status, "")  # no message of the last visit (in its language) stays behind

    def _show(self, slots: list[SlotChoice]) -> None:
        self.slots = slots
        clear_layout(self.grid)  # type: ignore[arg-type]
        self.buttons = {}
        say(self.status, "" if slots else _("No appointments on this day"), "info")
        for i, slot in enumerate(slots):
            state = _("Already over") if slot.past else free_words(slot.free)
            b = button(f"{window_words(slot.start, slot.end)}\n{state}", "choice",
                       name=f"slot-{slot.start:%H%M}",
                       on_click=lambda s=slot: self.go("booking_details", procedure=self.procedure, slot=s))
            b.setEnabled(slot.bookable)
            self.buttons[f"{slot.start:%H:%M}"] = b
            self.grid.addWidget(b, i // 2, i % 2)

    def _failed(self, exc: Exception) -> None:
        self.slots = []
        clear_layout(self.grid)  # type: ignore[arg-type]
        self.buttons = {}
        say(self.status, failure_words(exc, unavailable=_(
            "Booking is not possible right now. Please ask at a counter."), citizen=True), "error")

    def tour_params(self) -> dict[str, Any]:
        procedure, day, _slot = tour_choice(self.ctx)
        return {"procedure": procedure, "day": day}

    def tour_states(self):  # type: ignore[no-untyped-def]
        return [("", lambda: self.tasks.wait_idle()), ("error", lambda: self._failed(database_outage()))]


def booking_screens(ctx: KioskContext, tasks: TaskRunner) -> list[Screen]:
    """Every screen of the booking flow, for the composition root to add to its Navigator."""
    return [ProcedureSearchScreen(ctx, tasks), DayScreen(ctx, tasks), SlotScreen(ctx, tasks),
            DetailsScreen(ctx, tasks), BookedScreen(ctx)]


__all__ = ["DayScreen", "ProcedureSearchScreen", "SlotScreen", "booking_screens", "day_words"]
