"""Checking in an appointment: hold the slip's QR code to the camera or the scanner, then
either the welcome with the priority number in big type, or a plain explanation with a
way forward (a normal queue number, or try again)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from core.i18n import _, current_language, ngettext
from core.scanned import ScanKind
from core.working_calendar import OFFICE_TZ
from kiosk.checkin.model import (
    CheckInResult,
    Outcome,
    check_in_scan,
    counters_words,
    explain,
    wait_words,
)
from kiosk.context import KioskContext
from kiosk.words import no_counter_words
from printing.spool import PrintEvent
from ui.failures import database_outage, failure_words
from ui.flow import Flip, column
from ui.parts import button, hbox, label, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.widgets.camera_view import CameraView


class _Pages:
    """One of the screen's pages shown at a time. (Not a QStackedWidget: a stacked page
    does not give its wrapped labels the height they need for their width, and a clipped
    Vietnamese sentence is worse than none.)"""

    def __init__(self) -> None:
        self._pages: list[QWidget] = []
        self._current: QWidget | None = None

    def add(self, *pages: QWidget) -> None:
        self._pages.extend(pages)
        self.setCurrentWidget(pages[0] if self._current is None else self._current)

    def setCurrentWidget(self, page: QWidget) -> None:
        self._current = page
        for other in self._pages:
            other.setVisible(other is page)

    def currentWidget(self) -> QWidget | None:
        return self._current


DONE_RETURN_MS = 30_000  # the welcome goes back to the start by itself
PROBLEM_RETURN_MS = 45_000  # so does an explanation nobody acts on


class CheckInScreen(Screen):
    """Screen "checkin". Scans arrive through :meth:`on_scan` (connect the application's
    ScannerInput.scanned to it; scans are ignored unless this screen is entered) or as
    ``go("checkin", scan=text)``; the camera's own scans are connected here."""

    name = "checkin"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None, *,
                 use_camera: bool = True) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.result: CheckInResult | None = None
        self.busy = False
        self.active = False
        self.print_state: str | None = None  # None / "done" / "failed"

        self.pages = _Pages()
        # --- scan page
        self.scan_page = QWidget()
        self.title = label(role="title", center=True)
        self.instructions = label(role="subtitle", center=True)
        self.camera = CameraView(tasks, use_camera=use_camera)
        self.camera.scanned.connect(self.on_scan)
        self.camera.availability_changed.connect(lambda _ok: self._show_camera_state())
        self.no_camera = label(role="info", center=True, name="checkin-no-camera")
        self.scanner_hint = label(role="hint", center=True)
        self.status = label(role="hint", center=True, name="checkin-status")
        self.back = button(name="checkin-back", on_click=lambda: self.go("start"))
        scan_layout = vbox(self.scan_page, [self.title, self.instructions, self.camera, self.no_camera,
                                            self.scanner_hint, self.status], margin=0, spacing=22)
        scan_layout.addStretch(1)
        scan_layout.addWidget(self.back)

        # --- welcome page
        self.welcome_page = QWidget()
        self.welcome = label(role="title", center=True, name="checkin-welcome")
        self.welcome_text = label(role="subtitle", center=True)
        self.number = label(role="huge", center=True, wrap=False, name="checkin-ticket-number")
        self.service = label(role="big", center=True, name="checkin-service")
        self.procedure = label(role="subtitle", center=True, name="checkin-procedure")
        self.counters = label(role="subtitle", center=True)
        self.ahead = label(role="subtitle", center=True)
        self.wait = label(role="subtitle", center=True)
        self.printing = label(role="info", center=True, name="checkin-print-status")
        self.done = button(role="primary", name="checkin-done", on_click=lambda: self.go("start"))
        # The number and its service, then what to do: beside each other on a landscape panel.
        welcome_layout = vbox(self.welcome_page, [self.welcome, self.welcome_text], spacing=18)
        welcome_layout.addWidget(Flip([column([self.number, self.service, self.procedure], spacing=18),
                                       column([self.counters, self.ahead, self.wait, self.printing], spacing=18)],
                                      spacing=18))
        welcome_layout.addStretch(1)
        welcome_layout.addWidget(self.done)

        # --- problem page
        self.problem_page = QWidget()
        self.headline = label(role="title", center=True, name="checkin-headline")
        self.explanation = label(role="error", center=False, name="checkin-explanation")
        self.take_ticket = button(role="primary", name="checkin-take-ticket", on_click=lambda: self.go("ticket_service"))
        self.again = button(name="checkin-again", on_click=self._again)
        self.problem_back = button(name="checkin-problem-back", on_click=lambda: self.go("start"))
        problem_layout = vbox(self.problem_page, [self.headline, self.explanation, self.take_ticket], spacing=24)
        problem_layout.addStretch(1)
        problem_layout.addLayout(hbox(items=[self.problem_back, self.again]))

        self.pages.add(self.scan_page, self.welcome_page, self.problem_page)
        vbox(self, [self.scan_page, self.welcome_page, self.problem_page], margin=40)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.go("start"))
        self.retranslate()
        self._show_camera_state()

    # --- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Check in for your appointment"))
        if self.camera.available:
            self.instructions.setText(_("Hold the QR code of your appointment slip inside the white square "
                                        "in front of the camera, or under the scanner below the screen."))
        else:
            self.instructions.setText(_("Hold the QR code of your appointment slip under the scanner "
                                        "below the screen."))
        self.no_camera.setText(_("This kiosk has no camera: please use the scanner below the screen."))
        self.scanner_hint.setText(_("The scanner beeps when it has read the code."))
        self.back.setText(_("Back"))
        self.problem_back.setText(_("Back"))
        self.again.setText(_("Scan again"))
        self.take_ticket.setText(_("Take a normal queue number"))
        self.done.setText(_("Done"))
        if self.busy:
            self.status.setText(_("Checking your appointment..."))
        if self.result is not None:
            self._fill(self.result)
        elif self.pages.currentWidget() is self.problem_page:
            self._show_failure()

    def _show_camera_state(self) -> None:
        self.camera.setVisible(self.camera.available)
        self.no_camera.setVisible(not self.camera.available)
        self.retranslate()

    # --- entering and leaving ---------------------------------------------------------------

    def enter(self, scan: str | None = None, **params: Any) -> None:
        self.active = True
        self._reset_state()
        self.pages.setCurrentWidget(self.scan_page)
        self.camera.start()
        if scan:
            self.on_scan(scan)

    def leave(self) -> None:
        self.active = False
        self.camera.stop()
        self._timer.stop()
        self._reset_state()
        self.pages.setCurrentWidget(self.scan_page)

    failure: Exception | None = None  # why the last check-in could not be made (said on the problem page)

    def _reset_state(self) -> None:
        self.result = None
        self.failure = None
        self.print_state = None
        self.status.setText("")
        for widget in (self.welcome, self.welcome_text, self.number, self.service, self.procedure, self.counters,
                       self.ahead, self.wait, self.printing, self.headline, self.explanation):
            widget.setText("")

    def _again(self) -> None:
        self._timer.stop()
        self._reset_state()
        self.pages.setCurrentWidget(self.scan_page)
        self.camera.start()

    # --- scanning ---------------------------------------------------------------------------

    def on_scan(self, text: str) -> None:
        """A scanned text (scanner or camera). Ignored while a check-in runs or when the
        screen is not shown; otherwise checked in on a pool thread."""
        if not self.active or self.busy or not text:
            return
        self.busy = True
        self._timer.stop()
        self.pages.setCurrentWidget(self.scan_page)
        self.status.setText(_("Checking your appointment..."))
        self.tasks.run(check_in_scan, self.ctx, text, current_language(), on_done=self._done,
                       on_error=self._failed)

    def _done(self, result: CheckInResult) -> None:
        self.busy = False
        if not self.active:
            return  # the citizen walked away (idle reset) while it ran: nothing to show
        self.status.setText("")
        self.show_result(result)

    def _failed(self, exc: Exception) -> None:
        """The database (or a bug) failed: say so plainly and offer the normal queue."""
        self.busy = False
        if not self.active:
            return
        self.result = None
        self.failure = exc
        self.status.setText("")
        self._show_failure()
        self.camera.stop()
        self.pages.setCurrentWidget(self.problem_page)
        self._timer.start(PROBLEM_RETURN_MS)

    def _show_failure(self) -> None:
        self.headline.setText(_("Check-in is not possible right now"))
        words = _("Sorry, your appointment cannot be checked in right now. "
                  "Please take a normal queue number or ask at a counter.")
        failure = self.failure
        self.explanation.setText(failure_words(failure, unavailable=words, citizen=True) if failure else words)
        self.take_ticket.setVisible(True)

    def show_result(self, result: CheckInResult) -> None:
        self.result = result
        self.print_state = None
        self._fill(result)
        self.camera.stop()
        if result.welcomed:
            self.pages.setCurrentWidget(self.welcome_page)
            self._timer.start(DONE_RETURN_MS)
        else:
            self.pages.setCurrentWidget(self.problem_page)
            self._timer.start(PROBLEM_RETURN_MS)

    def _fill(self, r: CheckInResult) -> None:
        head, body = explain(r)
        if r.welcomed:
            self.welcome.setText(head)
            self.welcome_text.setText(body)
            self.number.setText(r.ticket_code or "")
            self.service.setText(r.service_name())
            procedure = r.procedure_name()
            self.procedure.setText(procedure)
            self.procedure.setVisible(bool(procedure))
            self.counters.setText(counters_words(r.counters) if r.staffed else no_counter_words())
            self.ahead.setText(ngettext("{n} person is waiting before you", "{n} people are waiting before you",
                                        r.ahead).format(n=r.ahead))
            self.wait.setText(wait_words(r.wait_minutes) if r.staffed else "")  # no promise nobody keeps
            self.wait.setVisible(r.staffed)
            self._fill_print()
        else:
            self.headline.setText(head)
            self.explanation.setText(body)
            self.take_ticket.setVisible(r.offers_ticket)

    def _fill_print(self) -> None:
        r = self.result
        if r is None:
            return
        if self.print_state == "done":
            self.printing.setText(_("Please take your ticket below."))
        elif self.print_state == "failed":
            self.printing.setText(_("The printer is not working right now. Please remember your number: "
                                    "{code}. It will also be called on the screen.").format(code=r.ticket_code))
        else:
            self.printing.setText(_("Printing your ticket..."))

    def on_print_event(self, event: PrintEvent) -> None:
        """From the print worker (GUI thread): what happened to the ticket's paper."""
        if self.result is None or self.result.print_job_id is None or event.job.id != self.result.print_job_id:
            return
        if event.state in ("done", "failed"):
            self.print_state = event.state
            self._fill_print()

    # --- the tour -----------------------------------------------------------------------------

    def tour_states(self) -> list[tuple[str, Any]]:
        today = self.ctx.now().astimezone(OFFICE_TZ)
        start = today.replace(hour=9, minute=30, second=0, microsecond=0)
        base: dict[str, Any] = {
            "masked_name": "N. V. Hoà", "appointment_code": "LHX7K2MP", "service_name_vi": "Hộ tịch",
            "service_name_en": "Civil status", "procedure_name_vi": "Đăng ký khai sinh",
            "procedure_name_en": "Birth registration", "window_start": start,
            "window_end": start + timedelta(minutes=30), "check_in_from": start - timedelta(minutes=15),
            "check_in_until": start + timedelta(minutes=30), "day": start.date()}
        welcomed = CheckInResult(Outcome.WELCOMED, ticket_id=uuid.UUID(int=1), ticket_code="A012", counters=(1, 2),
                                 ahead=2, wait_minutes=8, print_job_id=uuid.UUID(int=2), **base)

        def welcome(print_state: str | None = None) -> None:
            self.show_result(welcomed)
            self.print_state = print_state
            self._fill_print()

        def welcome_online() -> None:
            # An online booking checked in from its QR before it was pulled: no code or
            # procedure yet, the same welcome otherwise.
            self.show_result(replace(welcomed, appointment_code="", procedure_name_vi="", procedure_name_en="",
                                     masked_name="T. T. Lan", ticket_code="A013"))

        def problem(outcome: Outcome, **extra: Any) -> Any:
            facts = {**base, **extra}
            return lambda: self.show_result(CheckInResult(outcome, **facts))

        def checking() -> None:
            self.pages.setCurrentWidget(self.scan_page)
            self.status.setText(_("Checking your appointment..."))

        def failed() -> None:
            self.active = True
            self._failed(database_outage())

        other_day: date = start.date() + timedelta(days=2)
        past_day: date = start.date() - timedelta(days=3)
        return [
            ("scan", lambda: None),
            ("checking", checking),
            ("failed", failed),
            ("welcomed", welcome),
            ("welcomed-printed", lambda: welcome("done")),
            ("welcomed-printer-failed", lambda: welcome("failed")),
            ("welcomed-online-not-pulled", welcome_online),
            ("too-early", problem(Outcome.TOO_EARLY)),
            ("too-late", problem(Outcome.TOO_LATE)),
            ("missed", problem(Outcome.TOO_LATE, past=True)),
            ("wrong-day-later", problem(Outcome.WRONG_DAY, day=other_day,
                                        window_start=_on(start, other_day),
                                        window_end=_on(start, other_day) + timedelta(minutes=30))),
            ("wrong-day-past", problem(Outcome.WRONG_DAY, day=past_day, past=True,
                                       window_start=_on(start, past_day),
                                       window_end=_on(start, past_day) + timedelta(minutes=30))),
            ("wrong-office", problem(Outcome.WRONG_OFFICE)),
            ("cancelled", problem(Outcome.CANCELLED)),
            ("already-checked-in", problem(Outcome.ALREADY_CHECKED_IN, ticket_code="A007")),
            ("already-checked-in-no-number", problem(Outcome.ALREADY_CHECKED_IN, ticket_code=None)),
            ("forged", problem(Outcome.FORGED)),
            ("unknown-key", problem(Outcome.UNKNOWN_KEY)),
            ("not-yet-here", problem(Outcome.NOT_YET_HERE)),
            ("not-ours-ticket", problem(Outcome.NOT_OURS, scanned=ScanKind.TICKET)),
            ("not-ours-receipt", problem(Outcome.NOT_OURS, scanned=ScanKind.RECEIPT)),
            ("not-ours-id-card", problem(Outcome.NOT_OURS, scanned=ScanKind.ID_CARD)),
            ("not-ours-unknown", problem(Outcome.NOT_OURS, scanned=ScanKind.UNKNOWN)),
        ]


def _on(moment: datetime, day: date) -> datetime:
    return moment.replace(year=day.year, month=day.month, day=day.day)


__all__ = ["CheckInScreen"]
