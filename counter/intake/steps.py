"""The pages of the intake wizard (one widget per step) and the step bar.

Each page shows an :class:`~counter.intake.model.IntakeState` (``load``), writes what the
clerk typed back into it (``store``), says where the cursor goes (``focus_first``) and
redoes its texts (``retranslate``). Pages never touch the database: the screen
(view.py) runs the model's functions through the TaskRunner and hands pages the results.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from core.i18n import _, pgettext
from core.working_calendar import to_office_time
from counter.intake.model import (
    DocumentEntry,
    DraftOffer,
    IntakeState,
    Outcome,
    PreviewInfo,
    ProcedureChoice,
    ProcedureDetails,
)
from ui.parts import button, clear_layout, hbox, label, panel, say, vbox
from ui.theme import current_theme, set_role


def step_words(step: str) -> str:
    return {
        "procedure": pgettext("counter intake", "Procedure"),
        "documents": pgettext("counter intake", "Documents"),
        "applicant": pgettext("counter intake", "Applicant"),
        "preview": pgettext("counter intake", "Fee and due date"),
        "done": pgettext("counter intake", "Done"),
    }[step]


class StepBar(QWidget):
    """"1 Procedure  2 Documents  3 Applicant ..." with the current step framed and named
    in words above the page ("Step 2 of 5"), so it is never told by colour alone."""

    def __init__(self, steps: tuple[str, ...]) -> None:
        super().__init__()
        self.steps = steps
        self.labels: dict[str, QLabel] = {}
        row = hbox(self, margin=0, spacing=8)
        for step in steps:
            lab = label(role="badge", wrap=False)
            lab.setObjectName(f"intake-stepbar-{step}")
            self.labels[step] = lab
            row.addWidget(lab)
        row.addStretch(1)
        self.current = steps[0]

    def show_step(self, step: str) -> None:
        self.current = step
        self.retranslate()

    def retranslate(self) -> None:
        for i, step in enumerate(self.steps, start=1):
            lab = self.labels[step]
            lab.setText(f"{i}. {step_words(step)}")
            role = "info" if step == self.current else "badge"
            if lab.property("role") != role:
                set_role(lab, role)


FORM_WIDTH = 1000


def tall(widget: QWidget) -> None:
    """Spin boxes and drop-downs as tall as the theme's text fields (the stylesheet sizes
    only QLineEdit and buttons)."""
    widget.setMinimumHeight(current_theme().px("touch"))


def page_background(widget: QWidget) -> None:
    """A plain QWidget page paints the screen's background only when asked to."""
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)


def _field_error() -> QLabel:
    lab = label(role="error")
    lab.setVisible(False)
    return lab


# --- 1. procedure ------------------------------------------------------------------------------


class ProcedureStep(QWidget):
    resume = Signal(object)  # DraftOffer
    drop = Signal(object)  # DraftOffer

    def __init__(self) -> None:
        super().__init__()
        self.catalog: list[ProcedureChoice] = []
        self.offers: list[DraftOffer] = []
        self.drafts_panel = panel()
        self.drafts_panel.setObjectName("intake-drafts")
        self.drafts_title = label(role="subtitle")
        self.drafts_rows = vbox(spacing=6)
        inner = vbox(self.drafts_panel, [self.drafts_title], margin=12, spacing=8)
        inner.addLayout(self.drafts_rows)
        self.drafts_panel.setVisible(False)

        self.heading = label(role="title")
        self.hint = label(role="hint")
        self.search = QLineEdit()
        self.search.setObjectName("intake-search")
        self.search.setClearButtonEnabled(True)
        self.search_label = label()
        self.search_label.setBuddy(self.search)
        self.results = QListWidget()
        self.results.setObjectName("intake-procedures")
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cursor stays in the search box
        self.empty = label(role="hint")
        self.empty.setObjectName("intake-no-procedure")
        self.search.textChanged.connect(lambda _t: self.refilter())
        vbox(self, [self.drafts_panel, self.heading, self.hint, self.search_label, self.search, self.results,
                    self.empty], spacing=8)

    def set_catalog(self, catalog: list[ProcedureChoice]) -> None:
        self.catalog = catalog
        self.refilter()

    def set_offers(self, offers: list[DraftOffer]) -> None:
        self.offers = offers
        self._build_offers()

    def _build_offers(self) -> None:
        clear_layout(self.drafts_rows)
        for i, offer in enumerate(self.offers[:5]):
            when = offer.updated_at
            text = _("Saved at {time}: {procedure} · {applicant} (at the step «{step}»)").format(
                time=f"{to_office_time(when):%H:%M %d/%m}", procedure=offer.procedure_name or "–",
                applicant=offer.applicant_name or "–", step=step_words(offer.step))
            row = QWidget()
            lab = label(text)
            lab.setObjectName(f"intake-draft-{i}")
            go = button(_("Resume (Alt+R)") if i == 0 else pgettext("counter intake", "Resume"), "primary" if i == 0 else "",
                        lambda o=offer: self.resume.emit(o), name=f"intake-draft-resume-{i}")
            drop = button(pgettext("counter intake", "Discard"), "", lambda o=offer: self.drop.emit(o), name=f"intake-draft-discard-{i}")
            for b in (go, drop):
                b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            hbox(row, [lab, go, drop], spacing=8).setStretch(0, 1)
            self.drafts_rows.addWidget(row)
        self.drafts_panel.setVisible(bool(self.offers))

    def refilter(self) -> None:
        from counter.intake.model import filter_procedures

        self.results.clear()
        for choice in filter_procedures(self.catalog, self.search.text()):
            bits = [choice.code, choice.field, choice.processing]
            if choice.recent:
                bits.append(pgettext("counter intake", "used recently"))
            item = QListWidgetItem(f"{choice.name}\n" + " · ".join(b for b in bits if b))
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self.empty.setVisible(bool(self.catalog) and not self.results.count())

    def move(self, delta: int) -> None:
        if self.results.count():
            row = min(max(self.results.currentRow() + delta, 0), self.results.count() - 1)
            self.results.setCurrentRow(row)

    def current(self) -> ProcedureChoice | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def load(self, state: IntakeState) -> None:
        if state.procedure_code and not self.search.text():
            for row in range(self.results.count()):
                if self.results.item(row).data(Qt.ItemDataRole.UserRole).code == state.procedure_code:
                    self.results.setCurrentRow(row)

    def store(self, state: IntakeState) -> None:
        pass

    def focus_first(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def retranslate(self) -> None:
        self.drafts_title.setText(_("Unfinished intakes saved at this desk"))
        self.heading.setText(pgettext("counter intake", "Which procedure?"))
        self.hint.setText(_("Type a few words of the name or the code (diacritics optional). Up and Down choose, "
                            "Enter continues."))
        self.search_label.setText(pgettext("counter intake", "Search procedures"))
        self.search.setPlaceholderText(_("e.g. khai sinh, chung thuc, 1.001193"))
        self.empty.setText(_("No procedure matches. Try fewer or other words."))
        self._build_offers()


# --- 2. documents --------------------------------------------------------------------------------


class DocumentsStep(QWidget):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.heading = label(role="title")
        self.procedure = label(role="subtitle")
        self.procedure.setObjectName("intake-documents-procedure")
        self.hint = label(role="hint")
        self.all_button = button(name="intake-all-received", on_click=self.all_received)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(8)
        self.headers = [label(role="hint", wrap=False) for _i in range(5)]
        self.rows: list[tuple[DocumentEntry, QLabel, QSpinBox, QSpinBox, QSpinBox, QCheckBox]] = []
        self.summary = label(role="info")
        self.summary.setObjectName("intake-documents-summary")
        top = QWidget()
        hbox(top, [self.procedure], spacing=8).addWidget(self.all_button)
        self.all_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        vbox(self, [self.heading, top, self.hint, self.grid_host, self.summary], spacing=10).addStretch(1)

    def load(self, state: IntakeState) -> None:
        clear_layout(self.grid)
        self.headers = [label(role="hint", wrap=True) for _i in range(5)]
        for col, h in enumerate(self.headers):
            self.grid.addWidget(h, 0, col)
        self.rows = []
        self.procedure.setText(state.procedure_name)
        for r, doc in enumerate(state.documents, start=1):
            name = label(doc.name)
            name.setObjectName(f"intake-doc-{r - 1}")
            spins = []
            for what in ("originals", "certified", "copies"):
                spin = QSpinBox()
                spin.setRange(0, 99)
                spin.setValue(getattr(doc, what))
                spin.setObjectName(f"intake-doc-{r - 1}-{what}")
                spin.setMinimumWidth(110)
                tall(spin)
                spin.valueChanged.connect(lambda _v: self._edited())
                spins.append(spin)
            missing = QCheckBox(pgettext("counter intake", "Missing"))
            missing.setObjectName(f"intake-doc-{r - 1}-missing")
            missing.setChecked(doc.missing)
            missing.toggled.connect(lambda _v: self._edited())
            self.grid.addWidget(name, r, 0)
            for c, spin in enumerate(spins, start=1):
                self.grid.addWidget(spin, r, c)
            self.grid.addWidget(missing, r, 4)
            self.rows.append((doc, name, *spins, missing))
        self.grid.setColumnMinimumWidth(0, 460)
        self.grid.setColumnStretch(0, 0)
        self.grid.setColumnStretch(5, 1)
        self.retranslate()
        self._summary(state)

    def store(self, state: IntakeState) -> None:
        state.documents = [DocumentEntry(name=doc.name, required=doc.required, originals=o.value(),
                                         certified=c.value(), copies=p.value(), missing=m.isChecked())
                           for doc, _n, o, c, p, m in self.rows]

    def all_received(self) -> None:
        """One key for the simple case: every paper brought, one original each."""
        for _doc, _n, o, c, p, m in self.rows:
            if o.value() + c.value() + p.value() == 0:
                o.setValue(1)
            m.setChecked(False)
        self._edited()

    def _edited(self) -> None:
        state = IntakeState()
        self.store(state)
        self._summary(state)
        self.changed.emit()

    def _summary(self, state: IntakeState) -> None:
        missing = state.missing_names()
        if missing:
            say(self.summary, _("Still missing: {items}. Saving now prints a request to supplement (form 02) "
                                "instead of a receipt.").format(items="; ".join(missing)), "info")
        else:
            say(self.summary, _("Every required document is here."), "ok")

    def focus_first(self) -> None:
        if self.rows:
            self.rows[0][2].setFocus()
            self.rows[0][2].selectAll()

    def retranslate(self) -> None:
        self.heading.setText(pgettext("counter intake", "Documents received"))
        self.hint.setText(_("Count what the citizen handed in. Tab moves to the next box; tick «Missing» for a "
                            "required paper that was not brought."))
        self.all_button.setText(_("All brought, one original each (Alt+A)"))
        for h, text in zip(self.headers, (pgettext("counter intake", "Document"), pgettext("counter intake", "Originals"),
                                          pgettext("counter intake", "Certified copies"), pgettext("counter intake", "Photocopies"),
                                          pgettext("counter intake", "Missing")), strict=True):
            h.setText(text)
        for doc, name, *_spins, missing in self.rows:
            tag = pgettext("counter intake", "required") if doc.required else pgettext("counter intake", "optional")
            name.setText(f"{doc.name} ({tag})")
            missing.setText(pgettext("counter intake", "Missing"))
        if self.rows:
            state = IntakeState()
            self.store(state)
            self._summary(state)


# --- 3. applicant ----------------------------------------------------------------------------------

APPLICANT_FIELDS = ("full_name", "cccd", "phone", "birth_date", "address", "email")


class ApplicantStep(QWidget):
    changed = Signal()
    lookup = Signal(str, str)  # cccd, phone: find a known citizen

    def __init__(self) -> None:
        super().__init__()
        self.heading = label(role="title")
        self.hint = label(role="hint")
        self.scan_message = label(role="info")
        self.scan_message.setObjectName("intake-scan-message")
        self.scan_message.setVisible(False)
        self.known = label(role="info")
        self.known.setObjectName("intake-known")
        self.known.setVisible(False)
        self.edits: dict[str, QLineEdit] = {}
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        row = 0
        for name in APPLICANT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"intake-{name}")
            edit.setMaxLength(300)
            edit.textEdited.connect(lambda _t, n=name: self._edited(n))
            cap = label()
            cap.setBuddy(edit)
            err = _field_error()
            err.setObjectName(f"intake-{name}-error")
            self.edits[name], self.captions[name], self.errors[name] = edit, cap, err
            grid.addWidget(cap, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(err, row + 1, 1)
            row += 2
            if name == "birth_date":
                self.gender = QComboBox()
                self.gender.setObjectName("intake-gender")
                self.gender.addItems(["", "", ""])
                self.gender.currentIndexChanged.connect(lambda _i: self._edited("gender"))
                self.gender_caption = label()
                self.gender_caption.setBuddy(self.gender)
                grid.addWidget(self.gender_caption, row, 0)
                grid.addWidget(self.gender, row, 1)
                row += 1
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 180)
        grid_host.setMaximumWidth(FORM_WIDTH)
        tall(self.gender)
        self.edits["cccd"].editingFinished.connect(lambda: self.lookup.emit(self.edits["cccd"].text(), ""))
        self.edits["phone"].editingFinished.connect(lambda: self.lookup.emit("", self.edits["phone"].text()))
        vbox(self, [self.heading, self.hint, self.scan_message, self.known, grid_host], spacing=8).addStretch(1)

    GENDERS = ("", "male", "female")

    def load(self, state: IntakeState) -> None:
        for name, edit in self.edits.items():
            value = getattr(state, name)
            if edit.text() != value:
                edit.setText(value)
        self.gender.setCurrentIndex(self.GENDERS.index(state.gender) if state.gender in self.GENDERS else 0)

    def store(self, state: IntakeState) -> None:
        for name, edit in self.edits.items():
            setattr(state, name, edit.text())
        state.gender = self.GENDERS[max(0, self.gender.currentIndex())]

    def _edited(self, name: str) -> None:
        if name in self.errors:
            self.errors[name].setVisible(False)  # the clerk is fixing it
        self.changed.emit()

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, err in self.errors.items():
            say(err, errors.get(name, ""), "error")
        first = next((n for n in APPLICANT_FIELDS if n in errors), None)
        if first is not None:
            self.edits[first].setFocus()
            self.edits[first].selectAll()

    def clear(self) -> None:
        for name in APPLICANT_FIELDS:
            self.edits[name].clear()
            self.errors[name].setVisible(False)
        self.gender.setCurrentIndex(0)
        self.scan_message.setVisible(False)
        self.known.setVisible(False)

    def focus_first(self) -> None:
        target = self.edits["full_name"]
        if target.text().strip():
            target = next((self.edits[n] for n in ("phone", "cccd", "address") if not self.edits[n].text().strip()),
                          self.edits["phone"])
        target.setFocus()
        target.selectAll()

    def retranslate(self) -> None:
        self.heading.setText(pgettext("counter intake", "Applicant"))
        self.hint.setText(_("Scan the QR code on the citizen's ID card, or type. A citizen who came before is found "
                            "by CCCD or phone number."))
        captions = {"full_name": pgettext("counter intake", "Full name"), "cccd": pgettext("counter intake", "CCCD number"), "phone": pgettext("counter intake", "Mobile phone"),
                    "birth_date": pgettext("counter intake", "Date of birth"), "address": pgettext("counter intake", "Address"), "email": pgettext("counter intake", "Email")}
        for name, text in captions.items():
            self.captions[name].setText(text)
        self.edits["birth_date"].setPlaceholderText(pgettext("counter intake", "dd/mm/yyyy"))
        self.edits["cccd"].setPlaceholderText(pgettext("counter intake", "12 digits"))
        self.gender_caption.setText(pgettext("counter intake", "Gender"))
        for i, text in enumerate(("–", pgettext("counter intake", "Male"), pgettext("counter intake", "Female"))):
            self.gender.setItemText(i, text)


# --- 4. preview ----------------------------------------------------------------------------------


class PreviewStep(QWidget):
    changed = Signal()
    refuse = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.details: ProcedureDetails | None = None
        self.heading = label(role="title")
        self.summary = label(role="subtitle")
        self.summary.setObjectName("intake-summary")
        self.inputs: dict[str, QWidget] = {}
        self.captions: dict[str, QLabel] = {}
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.copies = QSpinBox()
        self.pages = QSpinBox()
        self.sets = QSpinBox()
        for spin in (self.copies, self.pages, self.sets):
            spin.setRange(1, 999)
            spin.valueChanged.connect(lambda _v: self.changed.emit())
        self.days = QLineEdit()
        self.variant = QComboBox()
        self.exemption = QLineEdit()
        self.request = QLineEdit()
        self.verification = QCheckBox()
        for w in (self.days, self.exemption, self.request):
            w.textEdited.connect(lambda _t: self.changed.emit())
        self.variant.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.verification.toggled.connect(lambda _v: self.changed.emit())
        for row, (name, widget) in enumerate((("days_since_event", self.days), ("copies", self.copies),
                                              ("pages", self.pages), ("variant", self.variant),
                                              ("exemption_reason", self.exemption),
                                              ("with_verification", self.verification), ("sets", self.sets),
                                              ("request_content", self.request))):
            widget.setObjectName(f"intake-{name}")
            cap = label()
            self.inputs[name], self.captions[name] = widget, cap
            grid.addWidget(cap, row, 0)
            grid.addWidget(widget, row, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 260)

        result = panel()
        self.fee = label(role="big")
        self.fee.setObjectName("intake-fee")
        self.fee_lines = label(role="hint")
        self.fee_lines.setObjectName("intake-fee-lines")
        self.due = label(role="big")
        self.due.setObjectName("intake-due")
        self.processing = label(role="hint")
        self.processing.setObjectName("intake-processing")
        self.problem = label(role="error")
        self.problem.setObjectName("intake-preview-problem")
        self.problem.setVisible(False)
        self.missing = label(role="info")
        self.missing.setObjectName("intake-preview-missing")
        self.missing.setVisible(False)
        result.setObjectName("intake-result")
        fee_box, due_box = QWidget(), QWidget()
        vbox(fee_box, [self.fee, self.fee_lines], spacing=4).addStretch(1)
        vbox(due_box, [self.due, self.processing], spacing=4).addStretch(1)
        hbox(result, [fee_box, due_box], margin=14, spacing=24)

        self.refuse_panel = panel()
        self.refuse_panel.setObjectName("intake-refuse-panel")
        self.refuse_caption = label()
        self.reason = QLineEdit()
        self.reason.setObjectName("intake-refuse-reason")
        self.reason.setMaxLength(500)
        self.refuse_caption.setBuddy(self.reason)
        self.reason_error = _field_error()
        self.reason_error.setObjectName("intake-refuse-error")
        self.refuse_button = button(name="intake-refuse-print", on_click=lambda: self.refuse.emit(self.reason.text()))
        vbox(self.refuse_panel, [self.refuse_caption, self.reason, self.reason_error, self.refuse_button],
             margin=12, spacing=6)
        self.refuse_panel.setVisible(False)

        grid_host.setMaximumWidth(FORM_WIDTH)
        for w in (self.copies, self.pages, self.sets, self.variant):
            tall(w)
        vbox(self, [self.heading, self.summary, result, self.problem, self.missing, grid_host, self.refuse_panel],
             spacing=10).addStretch(1)

    def set_details(self, details: ProcedureDetails | None) -> None:
        self.details = details
        self.variant.blockSignals(True)
        self.variant.clear()
        self.variant.addItem("", "")
        for key, text in (details.variants if details else ()):
            self.variant.addItem(text, key)
        self.variant.blockSignals(False)
        shown = {
            "days_since_event": bool(details and details.free_within_days is not None),
            "copies": bool(details and details.needs_copies),
            "pages": bool(details and details.needs_pages),
            "variant": bool(details and details.variants),
            "with_verification": bool(details and details.has_verification),
        }
        for name, visible in shown.items():
            self.inputs[name].setVisible(visible)
            self.captions[name].setVisible(visible)
        self.retranslate()

    def load(self, state: IntakeState) -> None:
        for w in self.inputs.values():
            w.blockSignals(True)
        self.days.setText(state.days_since_event)
        self.copies.setValue(max(1, state.copies))
        self.pages.setValue(max(1, state.pages))
        self.sets.setValue(max(1, state.sets))
        self.variant.setCurrentIndex(max(0, self.variant.findData(state.variant)))
        self.exemption.setText(state.exemption_reason)
        self.verification.setChecked(state.with_verification)
        self.request.setText(state.request_content)
        for w in self.inputs.values():
            w.blockSignals(False)
        received = sum(1 for d in state.documents if d.received_any)
        self.summary.setText(_("{procedure} · {name} · {n} of {total} documents received").format(
            procedure=state.procedure_name, name=state.full_name.strip() or "–", n=received,
            total=len(state.documents)))

    def store(self, state: IntakeState) -> None:
        state.days_since_event = self.days.text()
        state.copies, state.pages, state.sets = self.copies.value(), self.pages.value(), self.sets.value()
        state.variant = self.variant.currentData() or ""
        state.exemption_reason = self.exemption.text()
        state.with_verification = self.verification.isChecked()
        state.request_content = self.request.text()

    def show_preview(self, p: PreviewInfo | None, loading: bool = False) -> None:
        if loading or p is None:
            self.fee.setText(_("Fee: working it out…"))
            self.due.setText("")
            self.fee_lines.setText("")
            return
        if p.fee_vnd is None:
            self.fee.setText(_("Fee: –"))
            self.fee_lines.setText("")
            say(self.problem, p.error, "error")
        else:
            self.fee.setText(_("Fee: {amount}").format(amount=p.fee_text))
            self.fee_lines.setText("\n".join(p.fee_lines))
            say(self.problem, "", "error")
        self.due.setText(_("Result due: {when}").format(when=p.due_text) if p.due_text else _("Result due: –"))
        if p.missing:
            say(self.missing, _("Required documents missing: {items}. Saving prints a request to supplement "
                                "(form 02) listing them; no dossier is received.").format(items="; ".join(p.missing)),
                "info")
        else:
            say(self.missing, "", "info")

    def toggle_refuse(self) -> None:
        self.refuse_panel.setVisible(not self.refuse_panel.isVisible())
        if self.refuse_panel.isVisible():
            self.reason.setFocus()

    def focus_first(self) -> None:
        for name in ("days_since_event", "copies", "pages", "variant"):
            w = self.inputs[name]
            if not w.isHidden():
                w.setFocus()
                return
        self.request.setFocus()

    def retranslate(self) -> None:
        self.heading.setText(pgettext("counter intake", "Fee and due date"))
        days = self.details.free_within_days if self.details else None
        captions = {
            "days_since_event": (_("Days since the event (free within {n} days)").format(n=days)
                                 if days is not None else pgettext("counter intake", "Days since the event")),
            "copies": pgettext("counter intake", "Number of copies"), "pages": pgettext("counter intake", "Pages per copy"), "variant": pgettext("counter intake", "Fee case"),
            "exemption_reason": _("Fee exemption: reason (leave empty if none)"),
            "with_verification": _("Needs verification (longer processing time)"),
            "sets": pgettext("counter intake", "Number of sets"), "request_content": pgettext("counter intake", "Request (optional)"),
        }
        for name, text in captions.items():
            self.captions[name].setText(text)
        self.variant.setItemText(0, pgettext("counter intake", "Standard"))
        if self.details is not None:
            self.processing.setText(_("Processing time: {time}. Fee rule: {rule}.").format(
                time=self.details.processing, rule=self.details.fee_rule_text))
        self.refuse_caption.setText(_("Reason for refusing to receive the dossier (printed on form 03)"))
        self.refuse_button.setText(_("Print the refusal (form 03)"))


# --- 5. done ------------------------------------------------------------------------------------


class DoneStep(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.outcome: Outcome | None = None
        self.heading = label(role="title")
        self.heading.setObjectName("intake-done-title")
        self.code = label(role="big", wrap=True)
        self.code.setObjectName("intake-done-code")
        self.details = label(role="subtitle")
        self.details.setObjectName("intake-done-details")
        self.printing = label(role="info")
        self.printing.setObjectName("intake-print-status")
        self.next_hint = label(role="hint")
        vbox(self, [self.heading, self.code, self.details, self.printing, self.next_hint], spacing=12).addStretch(1)

    def show_outcome(self, outcome: Outcome | None, due_words: Callable[[object], str]) -> None:
        self.outcome = outcome
        self.retranslate_with(due_words)

    def retranslate_with(self, due_words: Callable[[object], str]) -> None:
        self._due_words = due_words
        o = self.outcome
        self.next_hint.setText(_("Alt+N: next dossier."))
        if o is None:
            return
        from core.money import format_money

        if o.kind == "received":
            self.heading.setText(pgettext("counter intake", "Dossier received"))
            self.code.setText(o.dossier_code)
            self.details.setText(_("{name} · result due {when} · fee {fee}.").format(name=o.applicant_name, when=due_words(o.due_at),
                                                      fee=format_money(o.fee_vnd)))
        elif o.kind == "supplement":
            self.heading.setText(_("Dossier not received: documents missing"))
            self.code.setText("")
            self.details.setText(_("A request to supplement (form 02) for {name} is being printed. It lists: "
                                   "{items}.").format(name=o.applicant_name, items="; ".join(o.missing)))
        else:
            self.heading.setText(pgettext("counter intake", "Refusal printed"))
            self.code.setText("")
            self.details.setText(_("The refusal (form 03) for {name} is being printed. No dossier was "
                                   "received.").format(name=o.applicant_name))
        self.code.setVisible(bool(self.code.text()))

    def retranslate(self) -> None:
        if hasattr(self, "_due_words"):
            self.retranslate_with(self._due_words)

    def focus_first(self) -> None:
        self.setFocus()
