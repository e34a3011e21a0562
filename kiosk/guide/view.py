"""Procedures guide: search or browse by field, then one procedure's documents, fee,
processing time and where to submit, with a checklist to print."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from core.i18n import _, current_language, ngettext
from kiosk.context import KioskContext
from kiosk.guide.model import GuideEntry, fields, load_guide, print_checklist, search
from printing.spool import PrintEvent
from ui.failures import failure_words
from ui.flow import BESIDE_A_KEYBOARD, Flip, column
from ui.parts import button, clear_layout, hbox, label, panel, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.widgets.keyboard import keyboard_for


class GuideScreen(Screen):
    """The catalogue: fields first; a typed word or a chosen field lists procedures."""

    name = "guide"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.entries: list[GuideEntry] = []
        self.field: str | None = None
        self.failed = False
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.query = QLineEdit()
        self.query.setObjectName("guide-search")
        self.query.textChanged.connect(lambda _t: self._refresh())
        self.keyboard = keyboard_for("text", self.query, on_touch=True)
        self.heading = label(role="big", name="guide-heading")
        self.status = label(role="hint", center=True, name="guide-status")
        inner = QWidget()
        self.list_layout = vbox(inner, spacing=14)
        self.list_layout.addStretch(1)
        self.buttons: dict[str, Any] = {}
        self.all_fields = button(role="link", name="guide-all-fields", on_click=self.show_fields)
        self.back = button(name="back", on_click=lambda: self.go("start"))
        # The keyboard (shown once the search field is touched) under the list (portrait), or
        # beside it (landscape).
        found = column([self.query, self.heading, self.status], spacing=16)
        found.layout().addWidget(scroll_area(inner), 1)
        layout = vbox(self, [self.title, self.hint], margin=40, spacing=16)
        layout.addWidget(Flip([found, self.keyboard], portrait=[1, 0], landscape=BESIDE_A_KEYBOARD, spacing=16), 1)
        layout.addLayout(hbox(items=[self.back, self.all_fields]))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Procedures guide"))
        self.hint.setText(_("Type a few words of the procedure's name, or choose a field"))
        self.query.setPlaceholderText(_("e.g. khai sinh, kết hôn, chứng thực"))
        self.back.setText(_("Back"))
        self.all_fields.setText(_("All fields"))
        self.keyboard.retranslate()
        if self.failed:
            self._failed(None)
        elif self.entries:
            self._refresh()

    def enter(self, **params: Any) -> None:
        self.failed = False
        self.field = params.get("field")
        say(self.status, _("Loading..."))
        self.tasks.run(load_guide, self.ctx, on_done=self._loaded, on_error=self._failed)

    def leave(self) -> None:
        self.keyboard.hide()
        self.query.blockSignals(True)
        self.query.clear()
        self.query.blockSignals(False)
        self.field = None

    def _loaded(self, entries: list[GuideEntry]) -> None:
        self.entries = entries
        self.failed = False
        self._refresh()

    failure: Exception | None = None  # why the guide could not be read (said again on a language switch)

    def _failed(self, exc: Exception | None) -> None:
        self.failed = True
        self.failure = exc or self.failure
        self._clear_list()
        self.heading.setText("")
        words = _("The guide cannot be shown right now. Please ask at a counter.")
        say(self.status, failure_words(self.failure, unavailable=words, citizen=True) if self.failure else words,
            "error")

    def show_fields(self) -> None:
        self.field = None
        self.query.clear()
        self._refresh()

    def choose_field(self, field_vi: str) -> None:
        self.field = field_vi
        self._refresh()

    def _clear_list(self) -> None:
        for i in range(self.list_layout.count()):
            widget = self.list_layout.itemAt(i).widget()
            if widget is not None:
                widget.hide()  # gone now, not at the next turn of the event loop
        clear_layout(self.list_layout)
        self.list_layout.addStretch(1)
        self.buttons = {}

    def _add(self, key: str, widget: QWidget) -> None:
        self.list_layout.insertWidget(self.list_layout.count() - 1, widget)
        self.buttons[key] = widget

    def _refresh(self) -> None:
        self._clear_list()
        text = self.query.text().strip()
        say(self.status, "")
        self.all_fields.setVisible(bool(text or self.field))
        if not text and self.field is None:
            self.heading.setText(_("Fields"))
            for field_vi, count in fields(self.entries):
                entry = next(e for e in self.entries if e.field_vi == field_vi)
                line = ngettext("{n} procedure", "{n} procedures", count).format(n=count)
                self._add(field_vi, button(f"{entry.field()}\n{line}", "choice", name=f"guide-field-{field_vi}",
                                           on_click=lambda f=field_vi: self.choose_field(f)))
            return
        found = search(self.entries, text, None if text else self.field)
        if text:
            self.heading.setText(_("Results for “{query}”").format(query=text))
        else:
            self.heading.setText(found[0].field() if found else "")
        if not found:
            say(self.status, _("No procedure matches. Try other words, or ask at a counter."), "info")
        for entry in found:
            self._add(entry.code, button(f"{entry.name()}\n{entry.processing_words()}",
                                         "choice", name=f"guide-procedure-{entry.code}",
                                         on_click=lambda e=entry: self.go("guide_procedure", entry=e)))

    def _typed(self, text: str) -> None:
        self.keyboard.show()
        self.query.setText(text)

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        first_field = lambda: self.choose_field(fields(self.entries)[0][0]) if self.entries else None
        return [
            ("", lambda: None),
            ("field", first_field),
            ("search", lambda: self._typed("khai sinh")),
            ("no_match", lambda: self._typed("xyzxyz")),
            ("failed", lambda: self._failed(None)),
        ]


class ProcedureScreen(Screen):
    """One procedure in full, and its checklist on paper."""

    name = "guide_procedure"

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.entry: GuideEntry | None = None
        self.job_id: uuid.UUID | None = None
        self.print_state = ""
        self.title = label(role="title", name="guide-name")
        self.sub = label(role="hint")
        self.docs_heading = label(role="big")
        self.docs = label(role="subtitle", name="guide-documents")
        self.facts = label(role="subtitle", name="guide-facts")
        card = panel()
        vbox(card, [self.docs_heading, self.docs, self.facts], margin=24, spacing=14)
        self.print_button = button(role="primary", name="guide-print", on_click=self.print)
        self.printing = label(role="info", center=True, name="guide-print-status")
        self.back = button(name="back", on_click=lambda: self.go("guide"))
        # No scroll area: the longest checklist of the catalogue fits the portrait screen,
        # and wrapped labels inside a scroll area lay out too short on their first showing.
        layout = vbox(self, [self.title, self.sub, card], margin=40, spacing=16)
        layout.addStretch(1)
        layout.addWidget(self.printing)
        layout.addLayout(hbox(items=[self.back, self.print_button]))
        self.retranslate()

    def retranslate(self) -> None:
        self.docs_heading.setText(_("Documents to bring"))
        self.print_button.setText(_("Print this checklist"))
        self.back.setText(_("Back"))
        if self.entry is not None:
            self._fill(self.entry)
        self._say(self.print_state)

    def enter(self, entry: GuideEntry | None = None, **params: Any) -> None:
        self.entry, self.job_id = entry, None
        self._say("")
        self.print_button.setEnabled(True)
        if entry is not None:
            self._fill(entry)

    def leave(self) -> None:
        self.entry, self.job_id = None, None
        self._say("")

    def _fill(self, e: GuideEntry) -> None:
        self.title.setText(e.name())
        self.sub.setText(_("Procedure code {code} · {field}").format(code=e.code, field=e.field()))
        lines = []
        for n, d in enumerate(e.documents, start=1):
            lines.append(f"{n}. {d.name}" if d.required else
                         f"{n}. " + _("{name} (if applicable)").format(name=d.name))
        self.docs.setText("\n".join(lines) or _("No documents are needed."))
        self.facts.setText("\n".join([
            _("Fee: {fee}").format(fee=e.fee_words()),
            _("Processing time: {time}").format(time=e.processing_words()),
            _("Where to submit: {where}").format(where=e.where_words()),
        ]))

    def print(self) -> None:
        if self.entry is None or self.job_id is not None:
            return  # one paper per tap
        self.print_button.setEnabled(False)
        self.print_failure = None  # (a failure of the job itself comes as a print event)
        self._say("printing")
        self.tasks.run(print_checklist, self.ctx, self.entry, current_language(), on_done=self._queued,
                       on_error=self._queue_failed)

    def _queue_failed(self, exc: Exception) -> None:
        self.job_id = None
        self.print_failure = exc
        self._say("failed")
        self.print_button.setEnabled(True)  # nothing was queued: a second tap may try again

    def _queued(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id

    print_failure: Exception | None = None  # why the job could not even be queued

    def _say(self, state: str) -> None:
        self.print_state = state
        words = {
            "printing": _("Printing your checklist..."),
            "done": _("Please take your checklist below."),
            "failed": _("The printer is not working right now. Please note the documents on the screen, "
                        "or ask at a counter."),
        }.get(state, "")
        if state == "failed" and self.print_failure is not None:
            words = failure_words(self.print_failure, unavailable=words, citizen=True)
        self.printing.setText(words)
        self.printing.setVisible(bool(words))
        # A failed job stays queued and is retried by the print worker: no second paper.

    def on_print_event(self, event: PrintEvent) -> None:
        """From the print worker (GUI thread): what happened to the checklist paper."""
        if self.job_id is None or event.job.id != self.job_id:
            return
        if event.state == "done":
            self._say("done")
        elif event.state == "failed":
            self._say("failed")

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        if self.entry is None:  # the tour enters without a procedure: show the first one
            entries = load_guide(self.ctx)
            if entries:
                self.enter(entry=max(entries, key=lambda e: len(e.documents)))
        return [
            ("", lambda: None),
            ("printing", lambda: self._say("printing")),
            ("printed", lambda: self._say("done")),
            ("print_failed", lambda: self._say("failed")),
        ]
