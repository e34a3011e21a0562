"""Taking a ticket: the service, whether priority applies, then the number in big type
while it prints."""

from __future__ import annotations

import uuid
from dataclasses import replace
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from core.i18n import N_, _, ngettext
from kiosk.context import KioskContext
from kiosk.ticket.model import (
    IssuedTicket,
    OfficeClosed,
    ServiceChoice,
    ServiceMenu,
    next_opening,
    service_choices,
    take_ticket,
)
from kiosk.words import closed_words, counters_words, no_counter_words, wait_words
from printing.spool import PrintEvent
from ui.failures import database_outage, failure_words
from ui.flow import Columns, Flip, column
from ui.parts import button, label, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner

PRIORITY_CHOICES = (
    ("elderly", N_("Elderly (60 or older)")),
    ("disabled", N_("Person with a disability")),
    ("pregnant", N_("Pregnant woman")),
    ("small_child", N_("With a child under 6")),
    ("merit", N_("Person with revolutionary merit")),
)
DONE_RETURN_MS = 30_000  # the ticket screen goes back to the start by itself


class ServiceScreen(Screen):
    name = "ticket_service"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.status = label(role="hint", center=True, name="ticket-status")
        self.choices = Columns(portrait=1, landscape=2, spacing=18)
        self.back = button(name="back", on_click=lambda: self.go("start"))
        # An office may have many services: the list scrolls rather than push "Back" off the panel.
        choices_area = scroll_area(column([self.choices], spacing=0, stretch_end=True))
        layout = vbox(self, [self.title, self.hint], margin=40, spacing=22)
        layout.addWidget(choices_area, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.back)
        self.buttons: dict[str, Any] = {}
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Choose a service"))
        self.hint.setText(_("Touch the kind of matter you came for"))
        self.back.setText(_("Back"))

    def enter(self, **params: Any) -> None:
        say(self.status, _("Loading..."))
        self.tasks.run(service_choices, self.ctx, on_done=self._show, on_error=self._failed)

    def _show(self, menu: ServiceMenu) -> None:
        self.choices.clear()
        self.buttons = {}
        if menu.closed_until is not None:  # no buttons: a number now would never be called
            say(self.status, closed_words(menu.closed_until), "info")
            return
        say(self.status, "")
        for choice in menu.choices:
            line = ngettext("{n} person waiting", "{n} people waiting", choice.waiting).format(n=choice.waiting)
            # A wait is promised only when a clerk is at a counter serving it.
            detail = f"{line} · {wait_words(choice.estimated_wait_min)}" if choice.staffed else \
                f"{line} · {no_counter_words()}"
            b = button(f"{choice.name}\n{detail}", "choice", name=f"service-{choice.code}",
                       on_click=lambda c=choice: self.go("ticket_priority", service=c))
            self.buttons[choice.code] = b
            self.choices.add(b)

    def _failed(self, exc: Exception) -> None:
        self.choices.clear()
        self.buttons = {}
        say(self.status, failure_words(exc, unavailable=_(
            "The services cannot be shown right now. Please ask at a counter."), citizen=True), "error")

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return [("", self.tasks.wait_idle),
                ("closed", lambda: (self.tasks.wait_idle(), self._show(ServiceMenu(next_opening(self.ctx), [])))),
                ("failed", lambda: (self.tasks.wait_idle(), self._failed(database_outage())))]


class PriorityScreen(Screen):
    name = "ticket_priority"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.service: ServiceChoice | None = None
        self.busy = False
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.none = button(role="primary", name="priority-none", on_click=lambda: self._take(None))
        self.reasons = {code: button(role="choice", name=f"priority-{code}", on_click=lambda c=code: self._take(c))
                        for code, _text in PRIORITY_CHOICES}
        self.status = label(role="hint", center=True, name="ticket-status")
        self.back = button(name="back", on_click=lambda: self.go("ticket_service"))
        reasons = Columns(portrait=1, landscape=3, spacing=18)  # short words: three abreast
        for b in self.reasons.values():
            reasons.add(b)
        layout = vbox(self, [self.title, self.hint, self.none, reasons, self.status], margin=40, spacing=18)
        layout.addStretch(1)
        layout.addWidget(self.back)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Do you have priority?"))
        self.hint.setText(_("Priority citizens are called first. Staff may ask for proof."))
        self.none.setText(_("No, a normal number"))
        for code, text in PRIORITY_CHOICES:
            self.reasons[code].setText(_(text))
        self.back.setText(_("Back"))

    def enter(self, service: ServiceChoice | None = None, **params: Any) -> None:
        self.service = service
        self.busy = False
        for b in (self.none, *self.reasons.values()):
            b.show()
        say(self.status, service.name if service else "")

    def _take(self, reason: str | None) -> None:
        if self.busy or self.service is None:
            return  # a double tap must not take two numbers
        self.busy = True
        say(self.status, _("Printing your number..."))
        self.tasks.run(take_ticket, self.ctx, self.service.code, reason, on_done=self._done, on_error=self._failed)

    def _done(self, ticket: IssuedTicket) -> None:
        self.busy = False
        self.go("ticket_done", ticket=ticket)

    def tour_params(self) -> dict[str, Any]:
        choices = service_choices(self.ctx).choices
        return {"service": choices[0]} if choices else {}

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return [("", lambda: None),
                ("closed", lambda: self._failed(OfficeClosed(next_opening(self.ctx)))),
                ("failed", lambda: self._failed(database_outage()))]

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        if isinstance(exc, OfficeClosed):  # the screen was left open past closing time
            for b in (self.none, *self.reasons.values()):
                b.hide()  # nothing left to choose
            say(self.status, closed_words(exc.opens_at), "info")
            return
        say(self.status, failure_words(exc, unavailable=_(
            "Sorry, no number could be given. Please ask at a counter."), citizen=True), "error")


class TicketDoneScreen(Screen):
    name = "ticket_done"

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ticket: IssuedTicket | None = None
        self.heading = label(role="subtitle", center=True)
        self.number = label(role="huge", center=True, wrap=False, name="ticket-number")
        self.service = label(role="big", center=True)
        self.counters = label(role="subtitle", center=True)
        self.ahead = label(role="subtitle", center=True)
        self.wait = label(role="subtitle", center=True)
        self.printing = label(role="info", center=True, name="print-status")
        self.done = button(role="primary", name="done", on_click=lambda: self.go("start"))
        # The number and its service, then what to do: beside each other on a landscape panel.
        layout = vbox(self, margin=40, spacing=18)
        layout.addWidget(Flip([column([self.heading, self.number, self.service], spacing=18),
                               column([self.counters, self.ahead, self.wait, self.printing], spacing=18)],
                              spacing=18))
        layout.addStretch(1)
        layout.addWidget(self.done)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Your number"))
        self.done.setText(_("Done"))
        if self.ticket is not None:
            self._fill(self.ticket)

    def enter(self, ticket: IssuedTicket | None = None, **params: Any) -> None:
        self.ticket = ticket
        if ticket is not None:
            self._fill(ticket)
            self.printing.setText(_("Printing your ticket..."))
        self.return_to_start_after(DONE_RETURN_MS)

    def leave(self) -> None:
        self.ticket = None
        for widget in (self.number, self.service, self.counters, self.ahead, self.wait, self.printing):
            widget.setText("")

    def _fill(self, t: IssuedTicket) -> None:
        self.number.setText(t.code)
        self.service.setText(t.service_name)
        self.counters.setText(counters_words(t.counters) if t.staffed else no_counter_words())
        self.ahead.setText(ngettext("{n} person is waiting before you", "{n} people are waiting before you",
                                    t.ahead).format(n=t.ahead))
        self.wait.setText(wait_words(t.wait_minutes) if t.staffed else "")  # no promise nobody keeps
        self.wait.setVisible(t.staffed)

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        sample = IssuedTicket(ticket_id=uuid.uuid4(), code="A015", service_name=_("Civil status"),
                              counters=(1, 2, 4), ahead=12, wait_minutes=25, priority_reason=None,
                              print_job_id=uuid.uuid4())

        def printing() -> None:
            self.enter(ticket=sample)

        def printed() -> None:
            self.enter(ticket=sample)
            self.printing.setText(_("Please take your ticket below."))

        def printer_failed() -> None:
            self.enter(ticket=sample)
            self.printing.setText(_("The printer is not working right now. Please remember your number: "
                                    "{code}. It will also be called on the screen.").format(code=sample.code))

        def no_counter() -> None:
            self.enter(ticket=replace(sample, staffed=False))

        return [("printing", printing), ("printed", printed), ("printer-failed", printer_failed),
                ("no-counter", no_counter)]

    def on_print_event(self, event: PrintEvent) -> None:
        """From the print worker (GUI thread): tell the citizen what happened to the paper."""
        if self.ticket is None or event.job.id != self.ticket.print_job_id:
            return
        if event.state == "done":
            self.printing.setText(_("Please take your ticket below."))
        elif event.state == "failed":
            self.printing.setText(_("The printer is not working right now. Please remember your number: "
                                    "{code}. It will also be called on the screen.").format(code=self.ticket.code))
