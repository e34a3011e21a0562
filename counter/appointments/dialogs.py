"""The appointments page's dialogs: book (by phone or at the desk), reschedule, cancel,
a slot's capacity and a day's slots.

A dialog never touches the database: it is filled from what the page read before opening
it (:class:`~counter.appointments.rows.SlotChoices`) and, when the clerk presses OK, emits
``submitted``; the page runs the move on its TaskRunner and then either closes the dialog
(:meth:`FormDialog.finish`) or shows the refusal inside it (:meth:`FormDialog.show_error`),
so nothing typed is lost when a slot filled up meanwhile.

``embedded``: drawn inside the page instead of as a window (``motcua tour`` photographs the
page, and a window of its own would not be on the picture).
"""

from __future__ import annotations

import uuid
from datetime import date, time

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from core.errors import ValidationError
from core.i18n import _, ngettext, pgettext
from counter.appointments import model
from counter.appointments.rows import ApptRow, ServiceOption, SlotChoices, SlotRow
from ui.parts import button, hbox, label, panel, say, vbox
from ui.theme import current_theme

CTX = "counter appointments"


def weekday_words(d: date) -> str:
    return (pgettext("counter appointments", "Monday"), pgettext("counter appointments", "Tuesday"), pgettext("counter appointments", "Wednesday"),
            pgettext("counter appointments", "Thursday"), pgettext("counter appointments", "Friday"), pgettext("counter appointments", "Saturday"),
            pgettext("counter appointments", "Sunday"))[d.weekday()]


def day_words(d: date) -> str:
    """``Thứ Ba 24/11/2026``."""
    return f"{weekday_words(d)} {d:%d/%m/%Y}"


def window_words(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def free_words(slot: SlotRow, side: str = "office") -> str:
    """A slot as a choice: its free places, or why it cannot be chosen."""
    free = slot.online_free if side == "online" else slot.office_free
    if slot.over:
        return pgettext("counter appointments", "over")
    if free <= 0:
        return pgettext("counter appointments", "full")
    return ngettext("{n} place left", "{n} places left", free).format(n=free)


def _slot_item(text: str, slot: SlotRow, selectable: bool) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, slot.id)
    if not selectable:
        item.setFlags(item.flags() & ~(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled))
    return item


def _list(name: str) -> QListWidget:
    lst = QListWidget()
    lst.setObjectName(name)
    lst.setWordWrap(True)
    lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return lst


def _selected(lst: QListWidget) -> object | None:
    chosen = lst.selectedItems()
    return chosen[0].data(Qt.ItemDataRole.UserRole) if chosen else None


def _select(lst: QListWidget, value: object) -> None:
    for i in range(lst.count()):
        item = lst.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == value and item.flags() & Qt.ItemFlag.ItemIsSelectable:
            lst.setCurrentItem(item)
            return


class FormDialog(QDialog):
    """A heading, a body, an error line and OK / Back. OK emits ``submitted`` (the page does
    the work); Back or Esc closes."""

    submitted = Signal()
    SIZE = (760, 520)

    def __init__(self, name: str, parent: QWidget | None, *, embedded: bool) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}-dialog")
        if embedded:
            self.setWindowFlags(Qt.WindowType.Widget)
        self.heading = label(role="title")
        self.hint = label(role="hint")
        self.error = label(role="error", name=f"{name}-error")
        self.error.hide()
        self.ok = button(role="primary", name=f"{name}-ok")
        self.back = button(name=f"{name}-back")
        for b in (self.ok, self.back):
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a keyboard desk: Tab reaches them
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.back, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok.setDefault(True)
        self.busy = False
        card = panel()
        self.body = vbox(card, [self.heading, self.hint], margin=20, spacing=12)
        self._card = card
        vbox(self, [card], margin=0 if embedded else 12)
        scale = current_theme().scale
        self.resize(round(self.SIZE[0] * scale), round(self.SIZE[1] * scale))
        self.back.setText(pgettext("counter appointments", "Back"))

    def end_body(self) -> None:
        """Add the error line and the buttons under what the subclass put in the body."""
        self.body.addWidget(self.error)
        self.body.addWidget(self.buttons)

    def ready(self) -> bool:
        return True

    def check(self) -> None:
        """Checks of what was typed that need no database (ValidationError)."""

    def accept(self) -> None:
        if self.busy or not self.ready():
            return
        try:
            self.check()
        except ValidationError as exc:
            self.show_error(exc.message)
            return
        self.show_error("")
        self.submitted.emit()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok.setEnabled(not busy and self.ready())

    def show_error(self, text: str) -> None:
        say(self.error, text, "error")

    def finish(self) -> None:
        super().accept()

    def _update(self) -> None:
        self.ok.setEnabled(not self.busy and self.ready())


# -- book ---------------------------------------------------------------------------------------

class BookDialog(FormDialog):
    """A procedure (searched without accents), a day and a time slot with free office
    places, the citizen's name and mobile phone, and whether the citizen is on the phone or
    at the desk (then the slip is printed)."""

    SIZE = (1180, 760)

    def __init__(self, choices: SlotChoices, day: date | None = None, parent: QWidget | None = None, *,
                 embedded: bool = False) -> None:
        super().__init__("book", parent, embedded=embedded)
        self.choices = choices
        self.search = QLineEdit()
        self.search.setObjectName("book-procedure-search")
        self.search.setClearButtonEnabled(True)
        self.procedures = _list("book-procedures")
        self.days = QComboBox()
        self.days.setObjectName("book-day")
        self.slots = _list("book-slots")
        self.no_slot = label(role="hint", name="book-no-slot")
        self.name = QLineEdit()
        self.name.setObjectName("book-name")
        self.name.setMaxLength(model.MAX_NAME)
        self.phone = QLineEdit()
        self.phone.setObjectName("book-phone")
        self.phone.setMaxLength(20)
        self.by_phone = QRadioButton()
        self.by_phone.setObjectName("book-by-phone")
        self.at_desk = QRadioButton()
        self.at_desk.setObjectName("book-at-desk")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.by_phone)
        self.mode.addButton(self.at_desk)
        self.by_phone.setChecked(True)
        self.procedure_label, self.day_label, self.slot_label = (label(role="subtitle") for _i in range(3))
        self.name_label, self.phone_label = label(), label()
        self.name_label.setBuddy(self.name)
        self.phone_label.setBuddy(self.phone)

        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.procedure_label, 0, 0)
        grid.addWidget(self.search, 1, 0)
        grid.addWidget(self.procedures, 2, 0, 2, 1)
        grid.addWidget(self.day_label, 0, 1)
        grid.addWidget(self.days, 1, 1)
        grid.addWidget(self.slots, 2, 1)
        grid.addWidget(self.no_slot, 3, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(2, 1)
        self.body.addLayout(grid, 1)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        form.addRow(self.name_label, self.name)
        form.addRow(self.phone_label, self.phone)
        modes = hbox(spacing=24)
        modes.addWidget(self.by_phone)
        modes.addWidget(self.at_desk)
        modes.addStretch(1)
        form.addRow(modes)
        self.body.addLayout(form)
        self.end_body()

        self.search.textChanged.connect(lambda _t: self._fill_procedures())
        self.procedures.itemSelectionChanged.connect(self._procedure_changed)
        self.days.currentIndexChanged.connect(lambda _i: self._fill_slots())
        self.slots.itemSelectionChanged.connect(self._update)
        self.name.textChanged.connect(lambda _t: self._update())
        self.phone.textChanged.connect(lambda _t: self._update())
        self._first_day = day
        self.retranslate()
        self._fill_procedures()
        self._update()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Book an appointment"))
        self.heading.setText(_("Book an appointment"))
        self.hint.setText(_("The place is taken from the office's places (kiosk, counter, phone). "
                            "The online places are kept for the portal."))
        self.procedure_label.setText(pgettext("counter appointments", "Procedure"))
        self.search.setPlaceholderText(_("Type part of the name, without accents if you like"))
        self.day_label.setText(pgettext("counter appointments", "Day and time"))
        self.name_label.setText(pgettext("counter appointments", "Full name"))
        self.phone_label.setText(pgettext("counter appointments", "Mobile phone"))
        self.by_phone.setText(_("The citizen is on the phone"))
        self.at_desk.setText(_("The citizen is at the desk (print the appointment slip)"))
        self.ok.setText(pgettext("counter appointments", "Book"))

    # choices

    def procedure_code(self) -> str | None:
        return _selected(self.procedures)  # type: ignore[return-value]

    def _service(self) -> str | None:
        code = self.procedure_code()
        return next((p.service_code for p in self.choices.procedures if p.code == code), None)

    def _fill_procedures(self) -> None:
        chosen = self.procedure_code()
        names = {s.code: s.name for s in self.choices.services}
        self.procedures.blockSignals(True)
        self.procedures.clear()
        for p in self.choices.matching(self.search.text()):
            item = QListWidgetItem(f"{p.name}\n{names.get(p.service_code, p.service_code)} · {p.code}")
            item.setData(Qt.ItemDataRole.UserRole, p.code)
            self.procedures.addItem(item)
        self.procedures.blockSignals(False)
        if chosen is not None:
            _select(self.procedures, chosen)
        elif self.procedures.count() == 1:
            self.procedures.setCurrentRow(0)
        self._procedure_changed()

    def _procedure_changed(self) -> None:
        service = self._service()
        day = self.days.currentData()
        self.days.blockSignals(True)
        self.days.clear()
        if service is not None:
            for d in self.choices.days:
                free = sum(s.office_free for s in self.choices.slots_for(service, d) if s.bookable)
                text = day_words(d) + " · " + (ngettext("{n} place left", "{n} places left", free).format(n=free)
                                               if free else pgettext("counter appointments", "full"))
                self.days.addItem(text, d)
            want = day or self._first_day
            first_free = next((i for i, d in enumerate(self.choices.days)
                               if any(s.bookable for s in self.choices.slots_for(service, d))), 0)
            index = self.choices.days.index(want) if want in self.choices.days else first_free
            if want in self.choices.days and not any(s.bookable for s in self.choices.slots_for(service, want)):
                index = first_free
            self.days.setCurrentIndex(index)
        self.days.blockSignals(False)
        self.days.setEnabled(service is not None)
        self._fill_slots()

    def _fill_slots(self) -> None:
        chosen = _selected(self.slots)
        service, day = self._service(), self.days.currentData()
        self.slots.clear()
        slots = self.choices.slots_for(service, day) if service is not None and day is not None else ()
        for s in slots:
            self.slots.addItem(_slot_item(f"{window_words(s.start, s.end)} · {free_words(s)}", s, s.bookable))
        if chosen is not None:
            _select(self.slots, chosen)
        if service is None:
            self.no_slot.setText(_("Choose the procedure first."))
        elif not slots:
            self.no_slot.setText(_("No time slots for this service on this day."))
        self.no_slot.setVisible(service is None or not slots)
        self.slots.setVisible(bool(slots))
        self._update()

    def slot_id(self) -> uuid.UUID | None:
        return _selected(self.slots)  # type: ignore[return-value]

    def ready(self) -> bool:
        return self.slot_id() is not None and bool(self.name.text().strip()) and bool(self.phone.text().strip())

    def check(self) -> None:
        model.check_name(self.name.text())
        model.check_phone(self.phone.text())

    def values(self) -> tuple[uuid.UUID, str | None, str, str, bool]:
        return self.slot_id(), self.procedure_code(), self.name.text(), self.phone.text(), \
            self.at_desk.isChecked()  # type: ignore[return-value]

    def set_choices(self, choices: SlotChoices) -> None:
        """Fresh places (after a refusal: the slot filled up meanwhile); the choices stay."""
        self.choices = choices
        self._procedure_changed()


# -- reschedule ---------------------------------------------------------------------------------

class RescheduleDialog(FormDialog):
    """Another time slot of the same service, with a free place on the appointment's side."""

    SIZE = (820, 640)

    def __init__(self, appt: ApptRow, slot: SlotRow, choices: SlotChoices, parent: QWidget | None = None, *,
                 embedded: bool = False) -> None:
        super().__init__("reschedule", parent, embedded=embedded)
        self.appt, self.slot, self.choices = appt, slot, choices
        self.side = "online" if appt.source == "online" else "office"
        self.now_label = label(role="subtitle")
        self.slots = _list("reschedule-slots")
        self.none = label(role="info", name="reschedule-none")
        self.body.addWidget(self.now_label)
        self.body.addWidget(self.slots, 1)
        self.body.addWidget(self.none)
        self.end_body()
        self.slots.itemSelectionChanged.connect(self._update)
        self.slots.itemDoubleClicked.connect(lambda _item: self.accept())
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        code = self.appt.code
        self.setWindowTitle(_("Reschedule appointment {code}").format(code=code))
        self.heading.setText(_("Reschedule appointment {code}").format(code=code))
        self.hint.setText(_("Choose a new time slot of the same service. The appointment keeps its code; "
                            "tell the citizen the new time."))
        self.now_label.setText(_("{name} · now {day}, {time}").format(
            name=self.appt.citizen_name, day=day_words(self.slot.day),
            time=window_words(self.slot.start, self.slot.end)))
        self.none.setText(_("No other time slot of this service in the next working days."))
        self.ok.setText(_("Move to this time"))
        chosen = _selected(self.slots)
        self.slots.clear()
        for s in self.choices.slots:
            free = s.online_free if self.side == "online" else s.office_free
            self.slots.addItem(_slot_item(f"{day_words(s.day)} · {window_words(s.start, s.end)} · "
                                          f"{free_words(s, self.side)}", s, not s.over and free > 0))
        if chosen is not None:
            _select(self.slots, chosen)
        self.slots.setVisible(bool(self.choices.slots))
        self.none.setVisible(not self.choices.slots)

    def ready(self) -> bool:
        return _selected(self.slots) is not None

    def new_slot_id(self) -> uuid.UUID | None:
        return _selected(self.slots)  # type: ignore[return-value]

    def set_choices(self, choices: SlotChoices) -> None:
        self.choices = choices
        self.retranslate()
        self._update()


# -- cancel -------------------------------------------------------------------------------------

class CancelDialog(FormDialog):
    SIZE = (760, 420)

    def __init__(self, appt: ApptRow, slot: SlotRow, parent: QWidget | None = None, *, embedded: bool = False) -> None:
        super().__init__("cancel-appt", parent, embedded=embedded)
        self.appt, self.slot = appt, slot
        self.who = label(role="subtitle")
        self.reason_label = label()
        self.reason = QLineEdit()
        self.reason.setObjectName("cancel-appt-reason")
        self.reason.setMaxLength(model.MAX_REASON)
        self.reason_label.setBuddy(self.reason)
        for w in (self.who, self.reason_label, self.reason):
            self.body.addWidget(w)
        self.body.addStretch(1)
        self.end_body()
        self.reason.textChanged.connect(lambda _t: self._update())
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        code = self.appt.code
        self.setWindowTitle(_("Cancel appointment {code}").format(code=code))
        self.heading.setText(_("Cancel appointment {code}").format(code=code))
        self.hint.setText(_("The place goes back to the slot for someone else."))
        self.who.setText(_("{name} · {day}, {time}").format(name=self.appt.citizen_name, day=day_words(self.slot.day),
                                                            time=window_words(self.slot.start, self.slot.end)))
        self.reason_label.setText(_("Reason (required)"))
        self.reason.setPlaceholderText(_("e.g. the citizen called to cancel"))
        self.ok.setText(_("Cancel the appointment"))
        self.back.setText(_("Keep the appointment"))

    def ready(self) -> bool:
        return bool(self.reason.text().strip())

    def check(self) -> None:
        model.check_reason(self.reason.text())


# -- capacity -----------------------------------------------------------------------------------

def _spin(name: str, low: int = 0, high: int = 200) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    return spin


class CapacityDialog(FormDialog):
    """A slot's two quotas (supervisor): never below what each side has booked."""

    SIZE = (760, 460)

    def __init__(self, slot: SlotRow, parent: QWidget | None = None, *, embedded: bool = False) -> None:
        super().__init__("capacity", parent, embedded=embedded)
        self.slot = slot
        self.what = label(role="subtitle")
        self.office = _spin("capacity-office", slot.office_booked)
        self.online = _spin("capacity-online", slot.online_booked)
        self.office.setValue(slot.office_quota)
        self.online.setValue(slot.online_quota)
        self.office_label, self.online_label = label(), label()
        self.office_booked, self.online_booked = label(role="hint"), label(role="hint")
        form = QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        for row, (lab, spin, booked) in enumerate(((self.office_label, self.office, self.office_booked),
                                                   (self.online_label, self.online, self.online_booked))):
            form.addWidget(lab, row, 0)
            form.addWidget(spin, row, 1)
            form.addWidget(booked, row, 2)
        form.setColumnStretch(2, 1)
        self.body.addWidget(self.what)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.end_body()
        self.retranslate()

    def retranslate(self) -> None:
        s = self.slot
        self.setWindowTitle(_("Places of a time slot"))
        self.heading.setText(_("Places of a time slot"))
        self.hint.setText(_("Office places are booked at the kiosk, at the counter and by phone; online places on "
                            "the portal. Neither can go below the places already booked."))
        self.what.setText(f"{s.service.name} · {day_words(s.day)} · {window_words(s.start, s.end)}")
        self.office_label.setText(pgettext("counter appointments", "Office places"))
        self.online_label.setText(pgettext("counter appointments", "Online places"))
        self.office_booked.setText(_("{n} booked").format(n=s.office_booked))
        self.online_booked.setText(_("{n} booked").format(n=s.online_booked))
        self.ok.setText(_("Save the places"))

    def values(self) -> tuple[int, int]:
        return self.office.value(), self.online.value()


class SlotsDialog(FormDialog):
    """Make a day's time slots for one service (supervisor): from a start to an end, of a
    length, with the two quotas. Slots that exist already are kept."""

    SIZE = (760, 620)

    def __init__(self, services: tuple[ServiceOption, ...], day: date, service_code: str | None = None,
                 parent: QWidget | None = None, *, embedded: bool = False) -> None:
        super().__init__("slots", parent, embedded=embedded)
        self.day = day
        self.service = QComboBox()
        self.service.setObjectName("slots-service")
        for s in services:
            self.service.addItem(f"{s.name} ({s.prefix})", s.code)
        if service_code:
            self.service.setCurrentIndex(max(self.service.findData(service_code), 0))
        self.start = QTimeEdit(QTime(7, 30))
        self.start.setObjectName("slots-start")
        self.end = QTimeEdit(QTime(11, 30))
        self.end.setObjectName("slots-end")
        for t in (self.start, self.end):
            t.setDisplayFormat("HH:mm")
        self.minutes = _spin("slots-minutes", 5, 240)
        self.minutes.setValue(30)
        self.minutes.setSingleStep(5)
        self.office = _spin("slots-office")
        self.office.setValue(4)
        self.online = _spin("slots-online")
        self.online.setValue(2)
        self.labels = [label() for _i in range(6)]
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        for lab, w in zip(self.labels, (self.service, self.start, self.end, self.minutes, self.office, self.online)):
            form.addRow(lab, w)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.end_body()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Time slots of {day}").format(day=day_words(self.day)))
        self.heading.setText(_("Time slots of {day}").format(day=day_words(self.day)))
        self.hint.setText(_("Slots are made one after another from the start until the end. Slots that already "
                            "exist are kept as they are."))
        for lab, words in zip(self.labels, (pgettext("counter appointments", "Service"), pgettext("counter appointments", "From"), pgettext("counter appointments", "Until"), _("Length of a slot (minutes)"),
                                            _("Office places per slot"), _("Online places per slot"))):
            lab.setText(words)
        self.ok.setText(_("Create the slots"))

    def values(self) -> tuple[str, time, time, int, int, int]:
        return (self.service.currentData(), self.start.time().toPython(), self.end.time().toPython(),
                self.minutes.value(), self.office.value(), self.online.value())


__all__ = ["BookDialog", "CancelDialog", "CapacityDialog", "FormDialog", "RescheduleDialog", "SlotsDialog",
           "day_words", "free_words", "weekday_words", "window_words"]
