"""The wizard's third page: who hands the dossier in, typed or filled from the ID card's QR, checked field by field."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from core.i18n import _, pgettext
from counter.intake.model import IntakeState
from counter.intake.steps import FORM_WIDTH, StepPage, field_error, tall
from ui.parts import label, say, vbox

APPLICANT_FIELDS = ("full_name", "cccd", "phone", "birth_date", "address", "email")


class ApplicantStep(StepPage):
    changed = Signal()
    lookup = Signal(str, str)  # cccd, phone: find a known citizen

    def __init__(self) -> None:
        super().__init__()
        self.heading = label(role="title")
        self.hint = label(role="hint")
        self.scan_message = label(role="info", name="intake-scan-message")
        self.scan_message.setVisible(False)
        self.known = label(role="info", name="intake-known")
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
            err = field_error()
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
        if self._scan_failed:  # "not an ID card" is old news once the clerk types the details
            self.say_scan("", "hint")
        self.changed.emit()

    _scan_failed = False

    def say_scan(self, text: str, role: str) -> None:
        """What the last scan gave ("" hides it). A failed scan's message goes as soon as the
        clerk edits a field or a good scan arrives: left up, it contradicts the filled form."""
        self._scan_failed = bool(text) and role == "error"
        say(self.scan_message, text, role)

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
        self.say_scan("", "hint")
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


__all__ = ["APPLICANT_FIELDS", "ApplicantStep"]
