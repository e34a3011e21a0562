"""Check my dossier: scan the receipt's QR code or type the code, then the status in plain
words, the due date, what to bring, the masked name, and since when the news may be old."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from core.i18n import _
from kiosk.context import KioskContext
from kiosk.dossier.model import (
    EMPTY,
    FOUND,
    NOT_RECEIPT,
    REFUSED,
    UNKNOWN,
    DossierView,
    Lookup,
    as_of_words,
    explanation,
    headline,
    lookup_code,
    lookup_scan,
    refusal_words,
)
from ui.failures import database_outage, failure_words
from ui.flow import BESIDE_A_KEYBOARD, Flip, column
from ui.parts import button, hbox, label, panel, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.widgets.keyboard import keyboard_for


class DossierScreen(Screen):
    name = "dossier"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.result: Lookup | None = None
        self.busy = False
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.code = QLineEdit()
        self.code.setObjectName("dossier-code")
        self.code.returnPressed.connect(self.check)
        self.check_button = button(role="primary", name="dossier-check", on_click=self.check)
        self.keyboard = keyboard_for("code", self.code)
        self.keyboard.submitted.connect(lambda *_a: self.check())

        self.error = label(role="error", name="dossier-error")
        self.card = panel()
        self.status = label(role="big", name="dossier-status")
        self.what = label(role="subtitle", name="dossier-procedure")
        self.who = label(role="subtitle", name="dossier-applicant")
        self.details = label(role="subtitle", name="dossier-details")
        self.as_of = label(role="info", name="dossier-as-of")
        vbox(self.card, [self.status, self.what, self.who, self.details, self.as_of], margin=24, spacing=14)

        self.back = button(name="back", on_click=lambda: self.go("start"))
        self.again = button(role="primary", name="dossier-again", on_click=self.clear)
        code_row = hbox(items=[self.code, self.check_button])
        code_row.setStretch(0, 3)
        code_row.setStretch(1, 1)
        # The keyboard under the code (portrait), or beside the code and the answer (landscape).
        answer = column([code_row, self.error, self.card], spacing=20, stretch_end=True)
        layout = vbox(self, [self.title, self.hint], margin=40, spacing=20)
        layout.addWidget(Flip([answer, self.keyboard], portrait=[0, 0], landscape=BESIDE_A_KEYBOARD, spacing=20))
        layout.addStretch(1)
        layout.addLayout(hbox(items=[self.back, self.again]))
        self.retranslate()
        self.clear()

    # --- texts ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Check my dossier"))
        self.hint.setText(_("Scan the QR code on your receipt under the scanner, or type the dossier code"))
        self.code.setPlaceholderText(_("e.g. 000.00.04.H26-261123-0001"))
        self.check_button.setText(_("Check"))
        self.back.setText(_("Back"))
        self.again.setText(_("Check another dossier"))
        self.keyboard.retranslate()
        if self.result is not None:
            self._show(self.result)

    # --- life cycle ----------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.clear()
        if params.get("scan"):
            self.on_scan(str(params["scan"]))

    def leave(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.result = None
        self.busy = False
        self.code.clear()
        self.error.setText("")
        self.error.hide()
        self.card.hide()
        self.again.hide()
        self.keyboard.show()
        for widget in (self.status, self.what, self.who, self.details, self.as_of):
            widget.setText("")

    # --- actions -------------------------------------------------------------------------

    def check(self) -> None:
        """Look up what is typed in the box."""
        self._run(lookup_code, self.code.text())

    def on_scan(self, text: str) -> None:
        """A QR code read by the kiosk's scanner while this screen is shown."""
        self._run(lookup_scan, text)

    def _run(self, fn: Callable[[KioskContext, str], Lookup], text: str) -> None:
        if self.busy:
            return
        self.busy = True
        self.error.hide()
        self.tasks.run(fn, self.ctx, text, on_done=self._done, on_error=self._failed)

    def _done(self, result: Lookup) -> None:
        self.busy = False
        self._show(result)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.result = None
        self.card.hide()
        self.error.setText(failure_words(exc, unavailable=_(
            "Sorry, the dossier cannot be checked right now. Please ask at a counter."), citizen=True))
        self.error.show()

    def _show(self, result: Lookup) -> None:
        self.result = result
        if result.outcome != FOUND or result.dossier is None:
            self.card.hide()
            self.again.hide()
            self.error.setText(refusal_words(result))
            self.error.show()
            return
        v = result.dossier
        self.error.hide()
        self.keyboard.hide()  # typing is over: the answer gets the room (large text too)
        self.status.setText(headline(v))
        self.what.setText(_("{procedure} · code {code}").format(procedure=v.procedure_name(), code=v.code))
        self.who.setText(_("Applicant: {name}").format(name=v.applicant_masked))
        self.details.setText("\n".join(explanation(v)))
        words = as_of_words(v)
        self.as_of.setText(words)
        self.as_of.setVisible(bool(words))
        self.card.show()
        self.again.show()
        self.code.clear()

    # --- tour ----------------------------------------------------------------------------

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        now = self.ctx.now()

        base = DossierView(code="000.00.04.H26-261120-0007", status="received", procedure_name_vi="Đăng ký khai sinh",
                           procedure_name_en="Birth registration", applicant_masked="N. T. T. Tiên",
                           received_at=now - timedelta(days=3), due_at=now + timedelta(days=1), overdue=False,
                           rescheduled=False, ready_at=None, returned_at=None, supplement_items=(), online=True,
                           as_of=None)

        def sample(status: str, **change: Any) -> DossierView:
            return replace(base, status=status, **change)

        def show(result: Lookup) -> Callable[[], None]:
            return lambda: self._show(result)

        found = lambda status, **c: show(Lookup(FOUND, sample(status, **c), code="000.00.04.H26-261120-0007"))
        return [
            ("", lambda: None),
            ("received", found("received")),
            ("in_processing", found("in_processing")),
            ("overdue", found("in_processing", due_at=now - timedelta(days=1), overdue=True)),
            ("rescheduled", found("in_processing", rescheduled=True)),
            ("needs_supplement", found("needs_supplement", due_at=None, supplement_items=(
                "Bản sao Giấy khai sinh", "Giấy xác nhận nơi cư trú"))),
            ("ready", found("ready", ready_at=now - timedelta(hours=2))),
            ("returned", found("returned", returned_at=now - timedelta(hours=1))),
            ("rejected", found("rejected", due_at=None)),
            ("withdrawn", found("withdrawn", due_at=None)),
            ("offline", found("in_processing", online=False, as_of=now - timedelta(hours=3))),
            ("offline_never", found("in_processing", online=False, as_of=None)),
            ("empty", show(Lookup(EMPTY))),
            ("unknown", show(Lookup(UNKNOWN, code="000.00.04.H26-261120-9999"))),
            ("not_receipt", show(Lookup(NOT_RECEIPT, scanned="ticket"))),
            ("not_receipt_appointment", show(Lookup(NOT_RECEIPT, scanned="appointment"))),
            ("not_receipt_id_card", show(Lookup(NOT_RECEIPT, scanned="id_card"))),
            ("not_receipt_other", show(Lookup(NOT_RECEIPT, scanned="unknown"))),
            ("forged", show(Lookup(REFUSED, messages={
                "vi": "Mã QR này không hợp lệ.", "en": "This QR code is not valid."}))),
            ("failed", lambda: self._failed(database_outage())),
        ]
