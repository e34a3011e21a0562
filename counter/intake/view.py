"""The intake wizard screen: procedure -> documents -> applicant -> fee/due preview -> done.

Keyboard first: Enter (or Alt+N) goes on, Alt+B goes back, Ctrl+S saves, Alt+A marks
every document brought, Alt+R resumes a draft (first step), Alt+T opens the refusal (last
step; "từ chối") — counter/keys.py, the same meaning everywhere in the app; the keys are written on the buttons and the cursor waits in the right field at each step.
A USB scanner reading the citizen's ID card QR fills the applicant (ui ScannerInput: its
burst of keys never lands in a text box).

Nothing typed is lost: the whole state is saved as a draft at every step and after a
second without typing, through ONE serial queue of small write transactions (so an old
autosave can never land after the save that deleted the draft). Every database call runs
on the TaskRunner; the GUI thread only draws.

The screen composes its parts: the step pages in *_step.py (steps.py: the step bar); the
write queue, autosave and drafts in drafts.py (``writes``, ``drafts``); the ID-card
scanner's part in scanning.py (``id_card``); the document scans in scans.py (``scans``);
shared words in words.py; the tour's states in tour.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QShortcut
from PySide6.QtWidgets import QApplication, QSizePolicy, QStackedWidget, QWidget

from core.errors import ValidationError
from core.scan_input import ScanDetector
from core.i18n import _, pgettext
from counter.keys import shortcut, with_key
from counter.context import CounterContext
from counter.intake import model, tour
from counter.intake.applicant_step import ApplicantStep
from counter.intake.documents_step import DocumentsStep
from counter.intake.done_step import DoneStep
from counter.intake.drafts import Drafts, WriteQueue
from counter.intake.model import (
    STEPS,
    IntakeState,
    Outcome,
    PreviewInfo,
    ProcedureDetails,
)
from counter.intake.preview_step import PreviewStep
from counter.intake.procedure_step import ProcedureStep
from counter.intake.scanning import IdCardFill
from counter.intake.scans import ItemScans
from counter.intake.steps import StepBar, StepPage, page_background
from counter.intake.words import (
    error_words,
    print_problem_words,
    printed_words,
    where_words,
)
from local_db.office_settings import office_today
from printing.where import printed_to
from ui.page_work import PageWork
from ui.parts import button, hbox, label, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.widgets.scanner_input import ScannerInput
from ui.widgets.serial_scanner import serial_scanner

PREVIEW_MS = 250


class IntakeScreen(Screen):
    name = "intake"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None, *,
                 scanner: ScannerInput | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.state = IntakeState()
        self.details: ProcedureDetails | None = None
        self.preview_info: PreviewInfo | None = None
        self.previews = PageWork(tasks)  # the preview of what was typed last, not of an older snapshot
        self.outcome: Outcome | None = None
        self.print_job_id: uuid.UUID | None = None
        self.busy = False
        self._staff_id: Any = None
        self.writes = WriteQueue(tasks)
        self.drafts = Drafts(self)
        self.id_card = IdCardFill(self)
        self.scans = ItemScans(self)

        # the scanner: the application's (the lead may share one), or this screen's own
        self._own_scanner = scanner is None
        self.scanner = scanner or ScannerInput(self, detector=ScanDetector(prefix=ctx.scanner_prefix))
        self.scanner.scanned.connect(self.id_card.on_scanned)
        # a scanner in serial mode, if the setting names one: the ID card's Vietnamese intact
        self.serial_scanner = serial_scanner(ctx.scanner, self)
        if self.serial_scanner is not None:
            self.serial_scanner.scanned.connect(self.id_card.on_scanned)

        self.bar = StepBar(STEPS)
        self.bar.setObjectName("intake-stepbar")
        self.where = label(role="hint", name="intake-where")
        self.pages = QStackedWidget()
        self.procedure = ProcedureStep()
        self.documents = DocumentsStep()
        self.applicant = ApplicantStep()
        self.preview_page = PreviewStep()
        self.done = DoneStep()
        self.page_of: dict[str, StepPage] = {"procedure": self.procedure, "documents": self.documents, "applicant": self.applicant,
                        "preview": self.preview_page, "done": self.done}
        for step in STEPS:
            area = scroll_area(self.page_of[step])
            page_background(self.page_of[step])
            self.pages.addWidget(area)
        self.status = label(role="hint", name="intake-status")
        self.status.setVisible(False)

        self.back_button = button(name="intake-back", on_click=self.back)
        self.next_button = button(role="primary", name="intake-next", on_click=self.next)
        self.save_button = button(role="primary", name="intake-save", on_click=self.save)
        self.refuse_button = button(name="intake-refuse", on_click=self.preview_page.toggle_refuse)
        self.discard_button = button(name="intake-discard", on_click=self.drafts.discard)
        self.new_button = button(role="primary", name="intake-new", on_click=self.start_new)
        self.queue_button = button(name="intake-to-queue", on_click=lambda: self.go("queue"))
        keys = QWidget()
        row = hbox(keys, [self.discard_button], spacing=10)
        row.addStretch(1)
        for b in (self.back_button, self.refuse_button, self.queue_button, self.new_button, self.next_button,
                  self.save_button):
            row.addWidget(b)
        for b in (self.discard_button, self.back_button, self.refuse_button, self.queue_button, self.new_button,
                  self.next_button, self.save_button):
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        vbox(self, [self.bar, self.where, self.pages, self.status, keys], margin=16, spacing=10).setStretch(2, 1)

        self.shortcuts: dict[str, QShortcut] = {}
        for name, key, handler in (("next", "intake.next", self.next), ("back", "intake.back", self.back),
                                   ("save", "save", self.save), ("all", "intake.all_brought", self._all_brought),
                                   ("resume", "intake.resume", self._resume_first),
                                   ("refuse", "intake.refuse", self._open_refusal)):
            self.shortcuts[name] = shortcut(key, self, handler)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.timeout.connect(self.refresh_preview)

        self.procedure.resume.connect(self.drafts.resume)
        self.procedure.drop.connect(self.drafts.drop)
        self.procedure.results.itemDoubleClicked.connect(lambda _i: self.choose())
        self.procedure.search.installEventFilter(self)
        self.documents.changed.connect(self.drafts.typed)
        self.documents.scan_requested.connect(self.scans.scan_item)
        self.applicant.changed.connect(self.drafts.typed)
        self.applicant.lookup.connect(self.id_card.lookup)
        self.preview_page.changed.connect(self._preview_edited)
        self.preview_page.refuse.connect(self.refuse)
        self.retranslate()
        self.show_step("procedure")

    # --- the screen's life ------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        staff_id = self.ctx.staff.id if self.ctx.staff is not None else None
        if staff_id != self._staff_id:
            self._reset()  # another clerk: their own drafts, never the last one's work
            self._staff_id = staff_id
        if params.get("ticket_id"):
            self.state.ticket_id = str(params["ticket_id"])
        self.tasks.run(model.procedure_catalog, self.ctx, on_done=self.procedure.set_catalog,
                       on_error=self._failed)
        if self.state.is_empty and self.state.step == "procedure":
            self.tasks.run(model.drafts_to_offer, self.ctx, on_done=self.procedure.set_offers,
                           on_error=self._failed)
        self.show_step(self.state.step)

    def leave(self) -> None:
        """Moving to another page keeps the work (the clerk comes back to it); it is saved."""
        self.drafts.flush()
        if self._own_scanner:
            self.scanner.reset()
        self.scans.watch_folder(False)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if self._own_scanner and app is not None:
            app.installEventFilter(self.scanner)

    def hideEvent(self, event: Any) -> None:
        app = QApplication.instance()
        if self._own_scanner and app is not None:
            app.removeEventFilter(self.scanner)
        super().hideEvent(event)

    def _reset(self) -> None:
        self.drafts.forget()
        self.state = IntakeState()
        self.details = None
        self.preview_info = None
        self.outcome = None
        self.print_job_id = None
        self.busy = False
        self.applicant.clear()
        self.procedure.search.clear()
        self.preview_page.reason.clear()
        self.preview_page.refuse_panel.setVisible(False)
        self.procedure.set_offers([])
        say(self.status, "")

    def start_new(self) -> None:
        self._reset()
        self.show_step("procedure")
        self.tasks.run(model.procedure_catalog, self.ctx, on_done=self.procedure.set_catalog, on_error=self._failed)
        self.tasks.run(model.drafts_to_offer, self.ctx, on_done=self.procedure.set_offers, on_error=self._failed)

    # --- steps ---------------------------------------------------------------------------------

    def show_step(self, step: str) -> None:
        self.state.step = step
        self.pages.setCurrentIndex(STEPS.index(step))
        self.bar.show_step(step)
        self.scans.watch_folder(step == "documents" and self.isVisible())
        page = self.page_of[step]
        if step == "documents":
            self.documents.load(self.state)
        elif step == "applicant":
            self.applicant.load(self.state)
        elif step == "preview":
            self.preview_page.set_details(self.details)
            self.preview_page.load(self.state)
            self.refresh_preview()
        elif step == "procedure":
            self.procedure.load(self.state)
        self._buttons()
        self.where.setText(where_words(step))
        page.focus_first()

    def _buttons(self) -> None:
        step = self.state.step
        self.back_button.setVisible(step in ("documents", "applicant", "preview"))
        self.next_button.setVisible(step in ("procedure", "documents", "applicant"))
        self.save_button.setVisible(step == "preview")
        self.refuse_button.setVisible(step == "preview")
        self.discard_button.setVisible(step != "done" and not self.state.is_empty)
        self.new_button.setVisible(step == "done")
        self.queue_button.setVisible(step == "done")
        self.save_button.setText(with_key(_("Print request to supplement"), "save") if self.state.missing_names()
                                 else with_key(_("Save and print receipt"), "save"))

    def _store(self) -> None:
        """What the page of the current step shows, into the state."""
        step = self.state.step
        if step in ("documents", "applicant", "preview"):
            self.page_of[step].store(self.state)

    def next(self) -> None:
        if self.busy:
            return
        step = self.state.step
        say(self.status, "")
        if step == "procedure":
            self.choose()
        elif step == "documents":
            self._store()
            self._go("applicant")
        elif step == "applicant":
            self._store()
            errors = model.applicant_errors(self.state, office_today(self.ctx.now()))
            self.applicant.show_errors(errors)
            if errors:
                say(self.status, _("Some details need fixing: see the messages beside the fields."), "error")
                return
            self._go("preview")
        elif step == "preview":
            self.save()
        elif step == "done":
            self.start_new()

    def back(self) -> None:
        if self.busy or self.state.step not in ("documents", "applicant", "preview"):
            return
        self._store()
        say(self.status, "")
        self._go(STEPS[STEPS.index(self.state.step) - 1])

    def _go(self, step: str) -> None:
        self.show_step(step)
        self.drafts.autosave()

    def choose(self) -> None:
        """The procedure highlighted in the list: load its checklist, go to the documents."""
        choice = self.procedure.current()
        if choice is None:
            say(self.status, _("Choose a procedure first: type part of its name."), "error")
            self.procedure.focus_first()
            return
        self.busy = True
        say(self.status, _("Opening the checklist…"), "hint")
        self.tasks.run(model.procedure_details, self.ctx, choice.code, on_done=self._chosen, on_error=self._failed)

    def _chosen(self, details: ProcedureDetails) -> None:
        self.busy = False
        say(self.status, "")
        self.state.documents = model.checklist_for_state(self.state, details)
        self.state.procedure_code, self.state.procedure_name = details.code, details.name
        self.details = details
        self._go("documents")

    def _all_brought(self) -> None:
        if self.state.step == "documents":
            self.documents.all_received()

    def _resume_first(self) -> None:
        if self.state.step == "procedure" and self.procedure.offers:
            self.drafts.resume(self.procedure.offers[0])

    def _open_refusal(self) -> None:
        if self.state.step == "preview":
            self.preview_page.toggle_refuse()

    # --- keys -------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            if self.state.step == "preview" and self.preview_page.reason.hasFocus():
                self.refuse(self.preview_page.reason.text())
            elif self.state.step == "preview":
                self._store()
                if self.preview_timer.isActive() or self.preview_info is None:
                    self.refresh_preview()  # Enter after typing a figure: show the new fee first
                else:
                    self.save()
            else:
                self.next()
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.procedure.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.procedure.move_choice(1 if event.key() == Qt.Key.Key_Down else -1)
                return True
            if event.key() in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self.procedure.move_choice(5 if event.key() == Qt.Key.Key_PageDown else -5)
                return True
        return super().eventFilter(obj, event)

    # --- preview and the endings ---------------------------------------------------------------------

    def _preview_edited(self) -> None:
        self.drafts.typed()
        self.preview_timer.start(PREVIEW_MS)

    def refresh_preview(self) -> None:
        self.preview_timer.stop()
        self._store()
        self.preview_info = None
        self.preview_page.show_preview(None, loading=True)
        snapshot = IntakeState.from_data(self.state.to_data())
        self.previews.run(model.preview, self.ctx, snapshot, on_done=self._previewed, on_error=self._failed)

    def _previewed(self, p: PreviewInfo) -> None:
        self.preview_info = p
        self.preview_page.show_preview(p)

    def save(self) -> None:
        if self.state.step != "preview" or self.busy:
            return
        self._store()
        if self.preview_info is not None and self.preview_info.fee_vnd is None and not self.state.missing_names():
            say(self.status, self.preview_info.error, "error")
            return
        self.busy = True
        self.drafts.timer.stop()
        say(self.status, pgettext("counter intake", "Saving…"), "hint")
        snapshot = IntakeState.from_data(self.state.to_data())
        self.writes.write(model.save, self.ctx, snapshot, self.drafts.id, on_done=self._ended,
                          on_error=self._end_failed)

    def refuse(self, reason: str) -> None:
        if self.state.step != "preview" or self.busy:
            return
        self._store()
        if not reason.strip():
            say(self.preview_page.reason_error, _("Write the reason for the refusal: it is printed on the form."),
                "error")
            self.preview_page.reason.setFocus()
            return
        say(self.preview_page.reason_error, "", "error")
        self.busy = True
        self.drafts.timer.stop()
        snapshot = IntakeState.from_data(self.state.to_data())
        self.writes.write(model.refuse, self.ctx, snapshot, reason, self.drafts.id, on_done=self._ended,
                          on_error=self._end_failed)

    def _ended(self, outcome: Outcome) -> None:
        self.busy = False
        self.outcome = outcome
        self.print_job_id = outcome.print_job_id
        self.drafts.id = None  # deleted with the save
        say(self.status, "")
        self.done.show_outcome(outcome, model.due_words)
        say(self.done.printing, pgettext("counter intake", "Printing…"), "hint")
        self.show_step("done")

    def _end_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, ValidationError) and exc.details.get("errors"):
            self.show_step("applicant")
            self.applicant.show_errors(exc.details["errors"])  # type: ignore[arg-type]
        say(self.status, _("Not saved: {reason}").format(reason=error_words(exc)), "error")

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        say(self.status, error_words(exc), "error")

    def on_print_event(self, event: Any) -> None:
        """From the desk's print worker (the lead connects it): what happened to our paper."""
        if self.print_job_id is None or event.job.id != self.print_job_id:
            return
        if event.state == "done":
            say(self.done.printing, printed_to(printed_words(self.outcome.kind if self.outcome else "received"),
                                               event.where), "ok")
        elif event.state == "failed":
            say(self.done.printing, print_problem_words(event.message or event.error_code), "error")
        else:
            say(self.done.printing, pgettext("counter intake", "Printing…"), "hint")

    # --- texts ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.bar.retranslate()
        for page in self.page_of.values():
            page.retranslate()
        self.back_button.setText(with_key(pgettext("counter intake", "Back"), "intake.back"))
        self.next_button.setText(_("Next (Enter)"))
        self.refuse_button.setText(with_key(_("Refuse…"), "intake.refuse"))
        self.discard_button.setText(pgettext("counter intake", "Discard"))
        self.new_button.setText(with_key(_("Next dossier"), "intake.next"))
        self.queue_button.setText(pgettext("counter intake", "Back to the queue"))
        if self.state.step in STEPS:
            self.where.setText(where_words(self.state.step))
            self._buttons()

    # --- the tour (counter/intake/tour.py) ---------------------------------------------------------

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        """Every step and every message a clerk can meet, drawn from sample data (no database)."""
        return tour.tour_states(self)

