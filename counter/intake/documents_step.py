"""The wizard's second page: the procedure's checklist, counted paper by paper, with what is still missing."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from core.i18n import _, pgettext
from counter.keys import with_key
from counter.intake.model import DocumentEntry, IntakeState
from counter.intake.scan_cell import ScanCell
from counter.intake.steps import StepPage, tall
from ui.parts import button, clear_layout, hbox, label, say, vbox


class DocumentsStep(StepPage):
    changed = Signal()
    scan_requested = Signal(int)  # the checklist item's index: open the scan dialog for it

    def __init__(self) -> None:
        super().__init__()
        self.heading = label(role="title")
        self.procedure = label(role="subtitle", name="intake-documents-procedure")
        self.hint = label(role="hint")
        self.all_button = button(name="intake-all-received", on_click=self.all_received)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(8)
        self.headers = [label(role="hint", wrap=False) for _i in range(6)]
        self.rows: list[tuple[DocumentEntry, QLabel, QSpinBox, QSpinBox, QSpinBox, QCheckBox]] = []
        self.scans: list[ScanCell] = []
        self.summary = label(role="info", name="intake-documents-summary")
        self.offered = label(role="info", name="intake-documents-offered")
        self.offered.hide()
        self._offered: list[str] = []
        top = QWidget()
        hbox(top, [self.procedure], spacing=8).addWidget(self.all_button)
        self.all_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        vbox(self, [self.heading, top, self.hint, self.grid_host, self.summary, self.offered], spacing=10).addStretch(1)

    def load(self, state: IntakeState) -> None:
        clear_layout(self.grid)
        self.headers = [label(role="hint", wrap=True) for _i in range(6)]
        for col, h in enumerate(self.headers):
            self.grid.addWidget(h, 0, col)
        self.rows = []
        self.scans = []
        self._offered = []
        self._say_offered()
        self.procedure.setText(state.procedure_name)
        for r, doc in enumerate(state.documents, start=1):
            name = label(doc.name, name=f"intake-doc-{r - 1}")
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
            cell = ScanCell(r - 1, doc)
            cell.requested.connect(self.scan_requested)
            self.grid.addWidget(cell, r, 5)
            self.scans.append(cell)
            self.rows.append((doc, name, spins[0], spins[1], spins[2], missing))
        self.grid.setColumnMinimumWidth(0, 460)
        self.grid.setColumnStretch(0, 0)
        self.grid.setColumnStretch(6, 1)
        self.retranslate()
        self._summary(state)

    def offer_file(self, name: str) -> None:
        """A file the network scanner dropped: said until the clerk opens a scan dialog."""
        self._offered.append(name)
        self._say_offered()

    def offer_file_clear(self) -> None:
        self._offered = []
        self._say_offered()

    def _say_offered(self) -> None:
        text = _("New from the network scanner: {files}. Press «Scan» on the document it belongs to.").format(
            files=", ".join(self._offered)) if self._offered else ""
        say(self.offered, text, "info")

    def store(self, state: IntakeState) -> None:
        state.documents = [DocumentEntry(name=doc.name, required=doc.required, originals=o.value(),
                                         certified=c.value(), copies=p.value(), missing=m.isChecked(),
                                         scan_sha256=doc.scan_sha256, scan_pages=doc.scan_pages)
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
        self.all_button.setText(with_key(_("All brought, one original each"), "intake.all_brought"))
        for h, text in zip(self.headers, (pgettext("counter intake", "Document"), pgettext("counter intake", "Originals"),
                                          pgettext("counter intake", "Certified copies"), pgettext("counter intake", "Photocopies"),
                                          pgettext("counter intake", "Missing"),
                                          pgettext("counter scanning", "Scan")), strict=True):
            h.setText(text)
        for doc, name, *_spins, missing in self.rows:
            tag = pgettext("counter intake", "required") if doc.required else pgettext("counter intake", "optional")
            name.setText(f"{doc.name} ({tag})")
            missing.setText(pgettext("counter intake", "Missing"))
        for cell in self.scans:
            cell.retranslate()
        self._say_offered()
        if self.rows:
            state = IntakeState()
            self.store(state)
            self._summary(state)


__all__ = ["DocumentsStep"]
