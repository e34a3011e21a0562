"""The end of booking at the kiosk: the citizen's name and phone, the confirmation and the
booking itself ("booking_details"), then the appointment code in big type while the slip
prints ("booking_done"). Split from ``kiosk.booking.view`` (the procedure, day and time
screens) to keep each module small; ``view.booking_screens`` still lists every screen.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import QLineEdit, QSizePolicy, QWidget

from core.citizen import mask_phone
from core.i18n import _, current_language
from core.text import mask_name
from kiosk.booking.common import BookingScreen, tour_choice, window_words
from kiosk.booking.model import (
    Booked,
    BookingError,
    ProcedureChoice,
    SlotChoice,
    book,
    check_name,
    check_phone,
)
from kiosk.context import KioskContext
from kiosk.words import day_words
from printing.spool import PrintEvent
from ui.failures import failure_words
from ui.flow import BESIDE_A_KEYBOARD, Flip, column
from ui.parts import button, label, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.widgets.keyboard import OnScreenKeyboard

DONE_RETURN_MS = 60_000


class DetailsScreen(BookingScreen):
    """Name (text keyboard), then phone (keypad), then everything once more to confirm."""

    name = "booking_details"
    STEPS = ("name", "phone", "confirm")

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tasks, parent)
        self.procedure: ProcedureChoice | None = None
        self.slot: SlotChoice | None = None
        self.step = "name"
        self.busy = False
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("booking-name")
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("booking-phone")
        self.phone_edit.setMaxLength(12)
        self.summary = label(role="info", name="booking-summary")
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.error = label(role="error", center=True, name="booking-error")
        self.keyboard = OnScreenKeyboard("text")
        self.keyboard.submitted.connect(self._next)
        self.keyboard.typed.connect(lambda: self._set_error(""))
        self.confirm = button(role="primary", name="confirm", on_click=self._book)
        self.back = button(name="back", on_click=self._back)
        # The keyboard under the field (portrait), or beside it (landscape).
        fields = column([self.title, self.hint, self.name_edit, self.phone_edit, self.summary, self.error], spacing=18,
                        stretch_end=True)
        layout = vbox(self, margin=40, spacing=18)
        layout.addWidget(Flip([fields, self.keyboard], portrait=[1, 0], landscape=BESIDE_A_KEYBOARD, spacing=18), 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.back)
        self.retranslate()
        self._show_step("name")

    # -- texts -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.confirm.setText(_("Confirm the appointment"))
        self.back.setText(_("Back"))
        self.keyboard.retranslate()
        self._texts()

    def _texts(self) -> None:
        if self.step == "name":
            self.title.setText(_("Your full name"))
            self.hint.setText(_("Type your name with its accents, for example: Nguyễn Thị Mai. Type the letters, "
                                "then touch the accent key."))
        elif self.step == "phone":
            self.title.setText(_("Your mobile phone number"))
            self.hint.setText(_("The office may call you about this appointment."))
        else:
            self.title.setText(_("Please check your appointment"))
            self.hint.setText(_("If something is wrong, touch Back."))
            self.summary.setText(self._summary())

    def _summary(self) -> str:
        if self.procedure is None or self.slot is None:
            return ""
        return "\n".join([
            _("Procedure: {name}").format(name=self.procedure.name),
            _("Day: {day}").format(day=day_words(self.slot.day)),
            _("Time: {window}").format(window=window_words(self.slot.start, self.slot.end)),
            _("Name: {name}").format(name=mask_name(self.name_edit.text())),
            _("Phone: {phone}").format(phone=mask_phone(self.phone_edit.text())),
        ])

    # -- steps -------------------------------------------------------------------------------
    def enter(self, procedure: ProcedureChoice | None = None, slot: SlotChoice | None = None,
              **params: Any) -> None:
        self.procedure, self.slot = procedure, slot
        self.busy = False
        self._forget()
        self._show_step("name")

    def leave(self) -> None:
        self._forget()
        self.procedure = self.slot = None

    def _forget(self) -> None:
        self.name_edit.clear()
        self.phone_edit.clear()
        self.summary.setText("")
        self._set_error("")

    def _show_step(self, step: str) -> None:
        self.step = step
        self.name_edit.setVisible(step == "name")
        self.phone_edit.setVisible(step == "phone")
        self.summary.setVisible(step == "confirm")
        self.keyboard.setVisible(step != "confirm")
        self.confirm.setVisible(step == "confirm")
        if step == "name":
            self.keyboard.set_mode("text")
            self.keyboard.set_target(self.name_edit, capitalize_words=True)
        elif step == "phone":
            self.keyboard.set_mode("digits")
            self.keyboard.set_target(self.phone_edit)
        else:
            self.keyboard.set_target(None)
        self._set_error("")
        self._texts()
        self.layout().invalidate()  # the summary appears with several lines: lay out again now
        self.layout().activate()

    def _next(self) -> None:
        try:
            if self.step == "name":
                check_name(self.name_edit.text())
                self._show_step("phone")
            elif self.step == "phone":
                check_phone(self.phone_edit.text())
                self._show_step("confirm")
        except BookingError as exc:
            self._set_error(exc.message)

    def _back(self) -> None:
        if self.step == "phone":
            self._show_step("name")
        elif self.step == "confirm":
            self._show_step("phone")
        else:
            self.go("booking_slot", procedure=self.procedure, day=self.slot.day if self.slot else None)

    def _set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _book(self) -> None:
        if self.busy or self.procedure is None or self.slot is None:
            return  # a double tap must not book twice
        self.busy = True
        self.confirm.setEnabled(False)
        self._set_error("")
        self.hint.setText(_("Booking your appointment..."))
        self.tasks.run(book, self.ctx, self.slot.id, self.procedure.code, self.name_edit.text(),
                       self.phone_edit.text(), current_language(), on_done=self._done, on_error=self._failed)

    def _done(self, booked: Booked) -> None:
        self.busy = False
        self.confirm.setEnabled(True)
        self.go("booking_done", booked=booked)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.confirm.setEnabled(True)
        self._texts()
        if isinstance(exc, BookingError):
            self._set_error(exc.message)
            if exc.field in ("name", "phone"):
                self._show_step(exc.field)
                self._set_error(exc.message)
        else:
            self._set_error(failure_words(exc, unavailable=_(
                "Sorry, the appointment could not be booked. Please ask at a counter."), citizen=True))

    def tour_params(self) -> dict[str, Any]:
        procedure, _day, slot = tour_choice(self.ctx)
        return {"procedure": procedure, "slot": slot}

    def tour_states(self):  # type: ignore[no-untyped-def]
        def step(name: str, text: str = "", error: str = ""):  # type: ignore[no-untyped-def]
            def do() -> None:
                self._show_step(name)
                if name == "name":
                    self.name_edit.setText(text)
                elif name == "phone":
                    self.name_edit.setText("Nguyễn Thị Mai")
                    self.phone_edit.setText(text)
                else:
                    self.name_edit.setText("Nguyễn Thị Mai")
                    self.phone_edit.setText("0912345678")
                    self._texts()
                if error:
                    self._set_error(error)
            return do
        return [
            ("name", step("name", "Nguyễn Thị Mai")),
            ("name-missing", step("name", "", _("Please enter your full name."))),
            ("name-too-long", step("name", "", _("The name is too long."))),
            ("name-letters", step("name", "", _("Please enter your full name in letters."))),
            ("phone", step("phone", "0912345678")),
            ("phone-missing", step("phone", "", _("Please enter your mobile phone number."))),
            ("phone-invalid", step("phone", "0123", _("This is not a valid mobile phone number. It has 10 digits "
                                                      "and starts with 03, 05, 07, 08 or 09."))),
            ("confirm", step("confirm")),
            ("slot-full", step("confirm", error=_("Sorry, this time has just been fully booked. Please choose "
                                                  "another time."))),
            ("slot-past", step("confirm", error=_("This time is already over. Please choose another time."))),
            ("failed", step("confirm", error=_("Sorry, the appointment could not be booked. Please ask at a "
                                               "counter."))),
        ]


class BookedScreen(Screen):
    name = "booking_done"

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.booked: Booked | None = None
        self.heading = label(role="subtitle", center=True)
        self.code = label(role="big", center=True, wrap=False, name="appointment-code")
        self.when = label(role="big", center=True, name="appointment-when")
        self.details = label(role="subtitle", center=True, name="appointment-details")
        self.advice = label(role="subtitle", center=True)
        self.printing = label(role="info", center=True, name="print-status")
        self.done = button(role="primary", name="done", on_click=lambda: self.go("start"))
        layout = vbox(self, [self.heading, self.code, self.when, self.details, self.advice, self.printing],
                      margin=40, spacing=20)
        layout.addStretch(1)
        layout.addWidget(self.done)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Your appointment is booked. Your appointment code:"))
        self.advice.setText(_("On the day, scan the QR code of your slip at this kiosk to get your number."))
        self.done.setText(_("Done"))
        if self.booked is not None:
            self._fill(self.booked)

    def enter(self, booked: Booked | None = None, **params: Any) -> None:
        self.booked = booked
        if booked is not None:
            self._fill(booked)
            self.printing.setText(_("Printing your appointment slip..."))
        self.return_to_start_after(DONE_RETURN_MS)

    def leave(self) -> None:
        self.booked = None
        for widget in (self.code, self.when, self.details, self.printing):
            widget.setText("")

    def _fill(self, b: Booked) -> None:
        self.code.setText(b.code)
        self.when.setText(f"{window_words(b.start, b.end)}\n{day_words(b.day)}")
        self.details.setText("\n".join([b.procedure_name, b.name_masked, b.phone_masked]))

    def on_print_event(self, event: PrintEvent) -> None:
        """From the print worker (GUI thread): tell the citizen what happened to the slip."""
        if self.booked is None or event.job.id != self.booked.print_job_id:
            return
        if event.state == "done":
            self.printing.setText(_("Please take your appointment slip below."))
        elif event.state == "failed":
            self.printing.setText(_("The printer is not working right now. Please write down your appointment "
                                    "code: {code}.").format(code=self.booked.code))

    def tour_params(self) -> dict[str, Any]:
        """A booking as ``book`` returns it, made up (the tour books nothing)."""
        procedure, _day, slot = tour_choice(self.ctx)
        if procedure is None or slot is None:
            return {}
        return {"booked": Booked(appointment_id=uuid.uuid4(), code="LH7K3QPM", procedure_name=procedure.name,
                                 service_name=procedure.service_name, day=slot.day, start=slot.start,
                                 end=slot.end, name_masked=mask_name("Nguyễn Thị Mai"),
                                 phone_masked=mask_phone("0912345678"), print_job_id=uuid.uuid4())}

    def tour_states(self):  # type: ignore[no-untyped-def]
        def printed(state: str):  # type: ignore[no-untyped-def]
            def do() -> None:
                if self.booked is None:
                    return
                job = type("Job", (), {"id": self.booked.print_job_id})()
                self.on_print_event(PrintEvent(job=job, state=state))  # type: ignore[arg-type]
            return do
        return [("", lambda: None), ("printed", printed("done")), ("printer-failed", printed("failed"))]


__all__ = ["BookedScreen", "DetailsScreen"]
