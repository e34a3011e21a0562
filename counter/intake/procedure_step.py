"""The wizard's first page: find the procedure by a few words of its name or code, or resume a saved draft."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QWidget,
)

from core.i18n import _, pgettext
from counter.keys import with_key
from core.working_calendar import to_office_time
from counter.intake.model import DraftOffer, IntakeState, ProcedureChoice
from counter.intake.steps import StepPage, step_words
from ui.parts import button, clear_layout, hbox, label, panel, vbox


class ProcedureStep(StepPage):
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
        self.empty = label(role="hint", name="intake-no-procedure")
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
            lab = label(text, name=f"intake-draft-{i}")
            go = button(with_key(pgettext("counter intake", "Resume"), "intake.resume") if i == 0 else pgettext("counter intake", "Resume"), "primary" if i == 0 else "",
                        partial(self.resume.emit, offer), name=f"intake-draft-resume-{i}")
            drop = button(pgettext("counter intake", "Discard"), "", partial(self.drop.emit, offer), name=f"intake-draft-discard-{i}")
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

    def move_choice(self, delta: int) -> None:
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


__all__ = ["ProcedureStep"]
