"""The wizard's fourth page: the fee and the due date worked out before saving, the fee's inputs, and the refusal."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from core.i18n import _, pgettext
from counter.intake.model import IntakeState, PreviewInfo, ProcedureDetails
from counter.intake.steps import FORM_WIDTH, StepPage, field_error, tall
from ui.parts import button, hbox, label, panel, say, vbox


class PreviewStep(StepPage):
    changed = Signal()
    refuse = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.details: ProcedureDetails | None = None
        self.heading = label(role="title")
        self.summary = label(role="subtitle", name="intake-summary")
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
        self.fee = label(role="big", name="intake-fee")
        self.fee_lines = label(role="hint", name="intake-fee-lines")
        self.due = label(role="big", name="intake-due")
        self.processing = label(role="hint", name="intake-processing")
        self.problem = label(role="error", name="intake-preview-problem")
        self.problem.setVisible(False)
        self.missing = label(role="info", name="intake-preview-missing")
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
        self.reason_error = field_error()
        self.reason_error.setObjectName("intake-refuse-error")
        self.refuse_button = button(name="intake-refuse-print", on_click=lambda: self.refuse.emit(self.reason.text()))
        vbox(self.refuse_panel, [self.refuse_caption, self.reason, self.reason_error, self.refuse_button],
             margin=12, spacing=6)
        self.refuse_panel.setVisible(False)

        grid_host.setMaximumWidth(FORM_WIDTH)
        sized: tuple[QWidget, ...] = (self.copies, self.pages, self.sets, self.variant)
        for each in sized:
            tall(each)
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


__all__ = ["PreviewStep"]
