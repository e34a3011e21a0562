"""The appointments page: the day's time slots and the citizens booked into them.

A day picker (Alt+Left / Alt+Right: the previous / next working day, Alt+Home: today), a
service filter, and the day as a tree: one row per time slot (its window, its service and
both quotas in words), under it one row per appointment (code, citizen, phone, procedure,
how it was booked, and its status in words — never a colour alone). On the right, a search
(code, name, phone: any day) and the chosen appointment in full.

The keys, written on the buttons: F2 check in (the priority ticket is printed), F3 book,
F4 reschedule, F6 mark absent (every booking whose check-in time is over), F8 cancel;
for a supervisor F9 the places of a slot and F10 the day's slots (hidden for a clerk).

Every database call goes through the TaskRunner (model.py); after each move the day is
read again. The list refreshes every few seconds while the page shows (the kiosk checks
citizens in too).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from core.errors import DomainError, MotcuaError, QuotaExceeded
from core.i18n import _, current_language, ngettext, pgettext
from core.working_calendar import to_office_time
from counter.appointments import model
from counter.appointments.dialogs import (
    BookDialog,
    CancelDialog,
    CapacityDialog,
    FormDialog,
    RescheduleDialog,
    SlotsDialog,
    day_words,
    window_words,
)
from counter.appointments.model import (
    ApptRow,
    DayView,
    Done,
    SearchHit,
    SlotChoices,
    SlotRow,
)
from counter.context import CounterContext
from ui.parts import button, hbox, label, panel, say, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import set_role

CTX = "counter appointments"
REFRESH_MS = 15_000

# action -> (its key, the button's object name), in the order of the buttons
ACTIONS: dict[str, tuple[Any, str]] = {
    "check_in": (Qt.Key.Key_F2, "appts-check-in"),
    "book": (Qt.Key.Key_F3, "appts-book"),
    "reschedule": (Qt.Key.Key_F4, "appts-reschedule"),
    "absent": (Qt.Key.Key_F6, "appts-absent"),
    "cancel": (Qt.Key.Key_F8, "appts-cancel"),
    "capacity": (Qt.Key.Key_F9, "appts-capacity"),
    "slots": (Qt.Key.Key_F10, "appts-slots"),
}
SUPERVISOR_ACTIONS = ("capacity", "slots")
DAY_KEYS = {"prev": "Alt+Left", "next": "Alt+Right", "today": "Alt+Home"}
COLUMNS = 6


def _action_words(action: str) -> str:
    return {
        "check_in": pgettext("counter appointments", "Check in"),
        "book": pgettext("counter appointments", "Book"),
        "reschedule": pgettext("counter appointments", "Reschedule"),
        "absent": pgettext("counter appointments", "Mark absent"),
        "cancel": pgettext("counter appointments", "Cancel appointment"),
        "capacity": pgettext("counter appointments", "Places of the slot"),
        "slots": pgettext("counter appointments", "Create slots"),
    }[action]


def key_name(key: Any) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def button_words(action: str) -> str:
    return f"{_action_words(action)} ({key_name(ACTIONS[action][0])})"


def status_words(a: ApptRow) -> str:
    if a.status == "checked_in":
        return pgettext("counter appointments", "Checked in, ticket {ticket}").format(ticket=a.ticket_code or "")
    if a.status == "cancelled":
        return pgettext("counter appointments", "Cancelled")
    if a.status == "no_show":
        return pgettext("counter appointments", "Absent")
    if a.overdue:
        return pgettext("counter appointments", "Booked, check-in time over")
    return pgettext("counter appointments", "Booked")


def source_words(source: str) -> str:
    return {"kiosk": pgettext("counter appointments", "Kiosk"), "phone": pgettext("counter appointments", "Phone"), "counter": pgettext("counter appointments", "Counter"),
            "online": pgettext("counter appointments", "Online")}.get(source, source)


def slot_words(s: SlotRow) -> str:
    """``08:00–08:30 · Hộ tịch (A) · Tại cơ quan: đã đặt 2/4, còn 2 · Trực tuyến: ...``"""
    office = _("Office: {booked}/{quota} booked, {free} free").format(
        booked=s.office_booked, quota=s.office_quota, free=s.office_free)
    online = _("Online: {booked}/{quota} booked, {free} free").format(
        booked=s.online_booked, quota=s.online_quota, free=s.online_free)
    parts = [window_words(s.start, s.end), f"{s.service.name} ({s.service.prefix})", office, online]
    if s.over:
        parts.append(pgettext("counter appointments", "over"))
    return " · ".join(parts)


def done_words(done: Done) -> tuple[str, str]:
    """(text, role) of what the last move has to say."""
    when = (f"{day_words(done.day)}, {window_words(done.start, done.end)}"
            if done.day and done.start and done.end else "")
    if done.kind == model.CHECKED_IN:
        return _("Appointment {code} checked in: priority ticket {ticket} is printing. Hand it to the citizen."
                 ).format(code=done.code, ticket=done.ticket_code), "ok"
    if done.kind == model.ABSENT:
        return ngettext("{n} appointment whose check-in time is over was marked absent.",
                        "{n} appointments whose check-in time is over were marked absent.",
                        done.count).format(n=done.count), "ok"
    if done.kind == model.NOBODY_ABSENT:
        return _("No booked appointment has its check-in time over: nobody was marked absent."), "info"
    if done.kind == model.BOOKED:
        if done.print_job_id is not None:
            return _("Appointment {code} booked for {when}. The appointment slip is printing.").format(
                code=done.code, when=when), "ok"
        return _("Appointment {code} booked for {when}. Read the code and the time to the citizen.").format(
            code=done.code, when=when), "ok"
    if done.kind == model.RESCHEDULED:
        return _("Appointment {code} moved to {when}.").format(code=done.code, when=when), "ok"
    if done.kind == model.CANCELLED:
        return _("Appointment {code} cancelled; its place is free again.").format(code=done.code), "ok"
    if done.kind == model.CAPACITY:
        return _("The places of the time slot {time} were saved.").format(
            time=window_words(done.start, done.end) if done.start and done.end else ""), "ok"
    if done.kind == model.SLOTS_CREATED:
        if done.count:
            return ngettext("{n} time slot created.", "{n} time slots created.", done.count).format(n=done.count), "ok"
        return _("These time slots existed already; nothing was changed."), "info"
    return "", "hint"


def error_words(exc: Exception) -> str:
    if isinstance(exc, MotcuaError):
        return exc.message
    return _("The action could not be saved: the office database cannot be reached. Please try again.")


def _hhmm(moment: datetime | None) -> str:
    return to_office_time(moment).strftime("%H:%M") if moment else ""


def _emphasise(b: QPushButton, on: bool) -> None:
    role = "primary" if on else ""
    if (b.property("role") or "") != role:
        set_role(b, role)


class AppointmentsPage(Screen):
    name = "appointments"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.view: DayView | None = None
        self.day: date | None = None  # None: today
        self.busy = False
        self.refreshing = False
        self._seq = 0
        self._shown_seq = 0
        self._message_kind = ""
        self._message: tuple[str, Callable[[], str]] | None = None
        self._want: uuid.UUID | None = None  # select this appointment (or slot) once the day is read
        self.hits: list[SearchHit] | None = None
        self.dialog: FormDialog | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # the day and the filter
        self.title = label(role="title")
        self.title.setObjectName("appts-title")
        self.prev_button = button(name="appts-prev-day", on_click=lambda: self.step_day(-1))
        self.next_button = button(name="appts-next-day", on_click=lambda: self.step_day(1))
        self.today_button = button(name="appts-today", on_click=self.go_today)
        self.day_label = label(role="big", center=True)
        self.day_label.setObjectName("appts-day")
        self.service_label = label()
        self.service = QComboBox()
        self.service.setObjectName("appts-service")
        self.service.currentIndexChanged.connect(lambda _i: self._draw_tree())
        self.service_label.setBuddy(self.service)
        top = hbox(spacing=12)
        for w in (self.prev_button, self.day_label, self.next_button, self.today_button):
            top.addWidget(w)
        top.setStretch(1, 1)
        filt = hbox(spacing=12)
        filt.addWidget(self.service_label)
        filt.addWidget(self.service, 1)
        self.counts = label(role="hint")
        self.counts.setObjectName("appts-counts")
        filt.addWidget(self.counts, 2)

        # the day's list
        self.tree = QTreeWidget()
        self.tree.setObjectName("appts-tree")
        self.tree.setColumnCount(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.check_in())
        self.empty = label(role="info")
        self.empty.setObjectName("appts-empty")
        self.empty.hide()

        # search and the chosen appointment
        self.search_title = label(role="subtitle")
        self.search = QLineEdit()
        self.search.setObjectName("appts-search")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.run_search)
        self.search.textChanged.connect(lambda t: self._clear_hits() if not t.strip() else None)
        self.search_button = button(name="appts-search-go", on_click=self.run_search)
        self.results = QListWidget()
        self.results.setObjectName("appts-results")
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.itemActivated.connect(self._hit_chosen)
        self.results.itemClicked.connect(self._hit_chosen)
        self.results.hide()
        self.no_hits = label(role="hint")
        self.no_hits.setObjectName("appts-no-hits")
        self.no_hits.hide()
        self.detail_title = label(role="subtitle")
        self.detail = label()
        self.detail.setObjectName("appts-detail")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side = panel()
        side.setObjectName("appts-side")
        search_row = hbox(spacing=8)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button, 0)
        side_layout = vbox(side, [self.search_title], margin=16, spacing=10)
        side_layout.addLayout(search_row)
        for w in (self.no_hits, self.results, self.detail_title, self.detail):
            side_layout.addWidget(w)
        side_layout.addStretch(1)

        # the keys
        self.buttons: dict[str, QPushButton] = {}
        handlers: dict[str, Callable[[], Any]] = {
            "check_in": self.check_in, "book": self.open_book, "reschedule": self.open_reschedule,
            "absent": self.mark_absent, "cancel": self.open_cancel, "capacity": self.open_capacity,
            "slots": self.open_slots,
        }
        keys = hbox(spacing=10)
        self.shortcuts: dict[str, QShortcut] = {}
        for action, (key, name) in ACTIONS.items():
            b = button(name=name, on_click=handlers[action])
            self.buttons[action] = b
            keys.addWidget(b)
            self._shortcut(QKeySequence(key), handlers[action], action)
        self._shortcut(QKeySequence(DAY_KEYS["prev"]), lambda: self.step_day(-1), "prev")
        self._shortcut(QKeySequence(DAY_KEYS["next"]), lambda: self.step_day(1), "next")
        self._shortcut(QKeySequence(DAY_KEYS["today"]), self.go_today, "today")
        self._shortcut(QKeySequence("Ctrl+F"), self.search.setFocus, "search")
        self.message = label(role="hint")
        self.message.setObjectName("appts-message")
        self.message.hide()

        list_box = vbox(spacing=10)
        list_box.addLayout(filt)
        list_box.addWidget(self.tree, 1)
        list_box.addWidget(self.empty)
        body = hbox(spacing=16)
        body.addLayout(list_box, 5)
        body.addWidget(side, 2)
        layout = vbox(self, [self.title], margin=20, spacing=12)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addLayout(keys)
        layout.addWidget(self.message)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.retranslate()

    def _shortcut(self, seq: QKeySequence, handler: Callable[[], Any], name: str) -> None:
        shortcut = QShortcut(seq, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(handler)
        self.shortcuts[name] = shortcut

    # --- Screen -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Appointments"))
        for action, b in self.buttons.items():
            b.setText(button_words(action))
            b.setToolTip(_action_words(action))
        self.prev_button.setText(_("← Previous day ({key})").format(key=key_name(DAY_KEYS["prev"])))
        self.next_button.setText(_("Next day ({key}) →").format(key=key_name(DAY_KEYS["next"])))
        self.today_button.setText(_("Today ({key})").format(key=key_name(DAY_KEYS["today"])))
        self.service_label.setText(pgettext("counter appointments", "Service"))
        self.search_title.setText(pgettext("counter appointments", "Find an appointment"))
        self.search.setPlaceholderText(_("Code, name or phone"))
        self.search_button.setText(pgettext("counter appointments", "Find"))
        self.no_hits.setText(_("No appointment matches."))
        self.detail_title.setText(pgettext("counter appointments", "Chosen appointment"))
        self.tree.setHeaderLabels([pgettext("counter appointments", "Time · Code"), pgettext("counter appointments", "Citizen"), pgettext("counter appointments", "Phone"), pgettext("counter appointments", "Procedure"), pgettext("counter appointments", "Booked via"),
                                   pgettext("counter appointments", "Status")])
        self._fill_services()
        self._draw()
        self._draw_hits()
        if self._message is not None:
            role, words = self._message
            say(self.message, words(), role)
        if self.dialog is not None and hasattr(self.dialog, "retranslate"):
            self.dialog.retranslate()

    def enter(self, **params: Any) -> None:
        day = params.get("day")
        if isinstance(day, date):
            self.day = day
        if params.get("appointment_id"):
            self._want = params["appointment_id"]
        self.refresh()
        self.refresh_timer.start()
        self.setFocus()

    def leave(self) -> None:
        self._shown_seq = self._seq + 1
        self.refresh_timer.stop()
        self._close_dialog()
        self._say("")
        self.search.clear()
        self._clear_hits()
        self.day = None  # back to today on the next visit

    # --- asking the database -------------------------------------------------------------

    def refresh(self, done: Done | None = None, *, force: bool = False) -> None:
        """Read the day again: the timer (skipped while a read is under way), and after a
        move or a day change (``force``: an answer still on its way is then dropped)."""
        if self.refreshing and not force:
            return
        self.refreshing = True
        self._seq += 1
        seq = self._seq
        self.tasks.run(model.day_view, self.ctx, self.day, done, on_done=lambda v: self._refreshed(v, seq),
                       on_error=self._refresh_failed)

    def _refreshed(self, view: DayView, seq: int) -> None:
        self.refreshing = False
        if seq < self._shown_seq:
            return
        self._shown_seq = seq
        if self._message_kind == "refresh_error":
            self._say("")
        self.view = view
        self._draw()

    def _refresh_failed(self, exc: Exception) -> None:
        self.refreshing = False
        if self._message_kind in ("", "refresh_error", "done"):
            self._say("refresh_error", "error", lambda: _(
                "The appointments cannot be read from the office database right now. The page keeps trying."))

    def _act(self, fn: Callable[..., Done], *args: Any, dialog: FormDialog | None = None, **kwargs: Any) -> None:
        if self.busy:
            return
        self.busy = True
        if dialog is not None:
            dialog.set_busy(True)
        self._enable()
        self.tasks.run(fn, self.ctx, *args, on_done=lambda d: self._acted(d, dialog),
                       on_error=lambda e: self._failed(e, dialog), **kwargs)

    def _acted(self, done: Done, dialog: FormDialog | None) -> None:
        self.busy = False
        if dialog is not None:
            dialog.set_busy(False)
            dialog.finish()
        self._say_done(done)
        shown_day = self.view.day if self.view is not None else None
        if done.appointment_id is not None and (done.kind != model.BOOKED or done.day == shown_day):
            self._want = done.appointment_id
        elif done.slot_id is not None:
            self._want = done.slot_id
        self.refresh(done, force=True)

    def _failed(self, exc: Exception, dialog: FormDialog | None) -> None:
        self.busy = False
        if dialog is not None and self.dialog is dialog:
            dialog.set_busy(False)
            dialog.show_error(error_words(exc))
            self._reload_choices(dialog, exc)
        else:
            self._say("error", "error", lambda: error_words(exc))
        self._enable()
        self.refresh(self.view.done if self.view else None, force=True)

    # --- the moves --------------------------------------------------------------------------

    def selected(self) -> tuple[SlotRow | None, ApptRow | None]:
        items = self.tree.selectedItems()
        if not items or self.view is None:
            return None, None
        value = items[0].data(0, Qt.ItemDataRole.UserRole)
        found = self.view.find(value)
        if found is not None:
            return found
        return self.view.slot(value), None

    def check_in(self) -> None:
        _slot, appt = self.selected()
        if appt is not None and appt.booked and not self.busy:
            self._act(model.check_in, appt.id, lang=current_language())

    def mark_absent(self) -> None:
        if self.view is not None and not self.busy:
            self._act(model.mark_absent)

    def open_book(self, *, embedded: bool = False) -> None:
        if self.busy or self.dialog is not None or self.view is None:
            return
        first = max(self.view.day, self.view.today)
        self._load(model.booking_choices, self.ctx, first,
                   then=lambda choices: self._show_dialog(BookDialog(choices, first, self, embedded=embedded),
                                                          self._book_submitted, embedded))

    def _book_submitted(self, dialog: BookDialog) -> None:
        slot_id, procedure, name, phone, at_desk = dialog.values()
        self._act(model.book_by_phone, slot_id, procedure, name, phone, at_desk=at_desk, lang=current_language(),
                  dialog=dialog)

    def open_reschedule(self, *, embedded: bool = False) -> None:
        slot, appt = self.selected()
        if self.busy or self.dialog is not None or appt is None or slot is None or not appt.booked:
            return
        self._load(model.reschedule_choices, self.ctx, appt.id,
                   then=lambda choices: self._show_dialog(RescheduleDialog(appt, slot, choices, self,
                                                                           embedded=embedded),
                                                          self._reschedule_submitted, embedded))

    def _reschedule_submitted(self, dialog: RescheduleDialog) -> None:
        self._act(model.reschedule, dialog.appt.id, dialog.new_slot_id(), dialog=dialog)

    def open_cancel(self, *, embedded: bool = False) -> None:
        slot, appt = self.selected()
        if self.busy or self.dialog is not None or appt is None or slot is None or not appt.booked:
            return
        self._show_dialog(CancelDialog(appt, slot, self, embedded=embedded), self._cancel_submitted, embedded)

    def _cancel_submitted(self, dialog: CancelDialog) -> None:
        self._act(model.cancel, dialog.appt.id, dialog.reason.text(), dialog=dialog)

    def open_capacity(self, *, embedded: bool = False) -> None:
        slot, _appt = self.selected()
        if self.busy or self.dialog is not None or slot is None:
            return
        if not self._may_manage():
            return
        self._show_dialog(CapacityDialog(slot, self, embedded=embedded), self._capacity_submitted, embedded)

    def _capacity_submitted(self, dialog: CapacityDialog) -> None:
        office, online = dialog.values()
        self._act(model.set_capacity, dialog.slot.id, office, online, dialog=dialog)

    def open_slots(self, *, embedded: bool = False) -> None:
        if self.busy or self.dialog is not None or self.view is None or not self._may_manage():
            return
        self._show_dialog(SlotsDialog(self.view.services, self.view.day, self.service.currentData(), self,
                                      embedded=embedded), self._slots_submitted, embedded)

    def _slots_submitted(self, dialog: SlotsDialog) -> None:
        service, start, end, minutes, office, online = dialog.values()
        self._act(model.create_day_slots, service, dialog.day, start, end, minutes, office, online, dialog=dialog)

    def _may_manage(self) -> bool:
        if self.view is not None and self.view.can_manage:
            return True
        # The buttons are hidden for a clerk; a key pressed anyway is told why nothing opens.
        self._say("error", "error", lambda: _("Only a supervisor can change the time slots and their places. "
                                              "Please ask the supervisor."))
        return False

    def _load(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None]) -> None:
        """Read a dialog's choices off the GUI thread, then open it."""
        self.busy = True
        self._enable()

        def done(value: Any) -> None:
            self.busy = False
            self._enable()
            then(value)

        def failed(exc: Exception) -> None:
            self.busy = False
            self._enable()
            self._say("error", "error", lambda: error_words(exc))

        self.tasks.run(fn, *args, on_done=done, on_error=failed)

    def _reload_choices(self, dialog: FormDialog, exc: Exception) -> None:
        """A slot filled up meanwhile: read the places again, the dialog keeps what was typed."""
        if not isinstance(exc, (QuotaExceeded, DomainError)):
            return
        if isinstance(dialog, BookDialog):
            self.tasks.run(model.booking_choices, self.ctx, dialog.choices.days[0] if dialog.choices.days else None,
                           on_done=lambda c: dialog.set_choices(c) if self.dialog is dialog else None)
        elif isinstance(dialog, RescheduleDialog):
            self.tasks.run(model.reschedule_choices, self.ctx, dialog.appt.id,
                           on_done=lambda c: dialog.set_choices(c) if self.dialog is dialog else None)

    def _show_dialog(self, dialog: FormDialog, on_submit: Callable[[Any], None], embedded: bool) -> None:
        self.dialog = dialog
        dialog.submitted.connect(lambda: on_submit(dialog))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        if embedded:
            dialog.resize(min(dialog.width(), self.width() - 40), min(dialog.height(), self.height() - 40))
            dialog.move((self.width() - dialog.width()) // 2, (self.height() - dialog.height()) // 2)
            dialog.show()
            dialog.raise_()
        else:
            dialog.open()

    def _dialog_closed(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.setFocus()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    # --- the day -----------------------------------------------------------------------------

    def step_day(self, direction: int) -> None:
        if self.view is None:
            return
        self.day = self.view.prev_day if direction < 0 else self.view.next_day
        self._day_changed()

    def go_today(self) -> None:
        self.day = None
        self._day_changed()

    def show_day(self, day: date, select: uuid.UUID | None = None) -> None:
        self.day = day
        self._want = select
        self._day_changed()

    def _day_changed(self) -> None:
        if self._message_kind != "error":
            self._say("")
        self.refresh(force=True)

    # --- search ------------------------------------------------------------------------------

    def run_search(self) -> None:
        query = self.search.text().strip()
        if not query:
            self._clear_hits()
            return
        self.tasks.run(model.search, self.ctx, query, on_done=self._found,
                       on_error=lambda exc: self._say("error", "error", lambda: error_words(exc)))

    def _found(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        self._draw_hits()
        if len(hits) == 1:
            self.show_day(hits[0].day, hits[0].id)

    def _clear_hits(self) -> None:
        self.hits = None
        self._draw_hits()

    def _hit_chosen(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        for h in self.hits or ():
            if h.id == hit:
                self.show_day(h.day, h.id)

    def _draw_hits(self) -> None:
        hits = self.hits
        self.results.clear()
        for h in hits or ():
            text = (f"{h.code} · {h.citizen_name}\n{day_words(h.day)}, {window_words(h.start, h.end)} · "
                    f"{self._status_of(h.status)}")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            self.results.addItem(item)
        self.results.setVisible(bool(hits))
        self.no_hits.setVisible(hits is not None and not hits)

    @staticmethod
    def _status_of(status: str) -> str:
        return {"booked": pgettext("counter appointments", "Booked"), "checked_in": pgettext("counter appointments", "Checked in"),
                "cancelled": pgettext("counter appointments", "Cancelled"), "no_show": pgettext("counter appointments", "Absent")}.get(status, status)

    # --- drawing ------------------------------------------------------------------------------

    def _say(self, kind: str, role: str = "hint", words: Callable[[], str] | None = None) -> None:
        self._message_kind = kind if words is not None else ""
        self._message = (role, words) if words is not None else None
        say(self.message, words() if words is not None else "", role)

    def _say_done(self, done: Done) -> None:
        self._say("done", done_words(done)[1], lambda: done_words(done)[0])

    def _fill_services(self) -> None:
        chosen = self.service.currentData()
        services = self.view.services if self.view is not None else ()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem(pgettext("counter appointments", "All services"), None)
        for s in services:
            self.service.addItem(f"{s.name} ({s.prefix})", s.code)
        index = self.service.findData(chosen) if chosen else 0
        self.service.setCurrentIndex(max(index, 0))
        self.service.blockSignals(False)

    def _draw(self) -> None:
        v = self.view
        if v is None:
            self.day_label.setText(_("Loading..."))
            self.counts.setText("")
            self._draw_tree()
            return
        words = day_words(v.day)
        if v.is_today:
            words = _("{day} (today)").format(day=words)
        self.day_label.setText(words)
        if [self.service.itemData(i) for i in range(1, self.service.count())] != [s.code for s in v.services]:
            self._fill_services()
        self._draw_tree()

    def _draw_tree(self) -> None:
        v = self.view
        service = self.service.currentData()
        want = self._want
        if want is None:
            items = self.tree.selectedItems()
            want = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        scroll = self.tree.verticalScrollBar().value()
        self.tree.blockSignals(True)
        self.tree.clear()
        slots = v.slots_of(service) if v is not None else ()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        chosen_item = None
        for s in slots:
            top = QTreeWidgetItem([slot_words(s)])
            top.setData(0, Qt.ItemDataRole.UserRole, s.id)
            top.setFont(0, bold)
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            if s.id == want:
                chosen_item = top
            if not s.appointments:
                none = QTreeWidgetItem(["    " + pgettext("counter appointments", "No appointment")])
                none.setFlags(Qt.ItemFlag.ItemIsEnabled)
                top.addChild(none)
                none.setFirstColumnSpanned(True)
            for a in s.appointments:
                proc = a.procedure_name or "—"
                row = QTreeWidgetItem([a.code, a.citizen_name, a.phone, proc, source_words(a.source), status_words(a)])
                row.setData(0, Qt.ItemDataRole.UserRole, a.id)
                for col in range(COLUMNS):
                    row.setToolTip(col, row.text(col))
                if not a.booked:
                    row.setForeground(0, self.palette().placeholderText())
                top.addChild(row)
                if a.id == want:
                    chosen_item = row
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if chosen_item is not None:
            self.tree.setCurrentItem(chosen_item)
            if self._want is not None:
                self.tree.scrollToItem(chosen_item)
            else:
                self.tree.verticalScrollBar().setValue(scroll)
        else:
            self.tree.verticalScrollBar().setValue(scroll)
        if v is not None and self._want is not None:
            self._want = None
        self._draw_empty(v, slots)
        self._draw_counts(v, slots)
        self._selection_changed()

    def _draw_empty(self, v: DayView | None, slots: tuple[SlotRow, ...]) -> None:
        if v is None or slots:
            self.empty.hide()
            return
        if not v.working_day:
            text = _("The office does not receive citizens on this day.")
        elif v.slots:
            text = _("This service has no time slots on this day.")
        elif v.can_manage:
            text = _("No time slots on this day. Use “{button}” to make them.").format(button=_action_words("slots"))
        else:
            text = _("No time slots on this day. A supervisor can make them.")
        self.empty.setText(text)
        self.empty.show()

    def _draw_counts(self, v: DayView | None, slots: tuple[SlotRow, ...]) -> None:
        if v is None:
            self.counts.setText("")
            return
        appts = [a for s in slots for a in s.appointments]
        booked = sum(1 for a in appts if a.booked)
        came = sum(1 for a in appts if a.status == "checked_in")
        parts = [ngettext("{n} appointment", "{n} appointments", len(appts)).format(n=len(appts)),
                 _("{n} still expected").format(n=booked), _("{n} checked in").format(n=came)]
        over = sum(1 for a in appts if a.overdue)
        if over:
            parts.append(ngettext("{n} past its check-in time", "{n} past their check-in time", over).format(n=over))
        self.counts.setText(" · ".join(parts))

    def _selection_changed(self) -> None:
        slot, appt = self.selected()
        if appt is not None and slot is not None:
            lines = [f"{appt.code} · {status_words(appt)}", appt.citizen_name,
                     _("Phone: {phone}").format(phone=appt.phone or "—"),
                     _("Procedure: {name}").format(name=appt.procedure_name or "—"),
                     _("Time: {day}, {time}").format(day=day_words(slot.day), time=window_words(slot.start, slot.end)),
                     _("Check-in from {start} to {end}").format(start=f"{slot.check_in_from:%H:%M}",
                                                                end=f"{slot.check_in_until:%H:%M}"),
                     _("Booked via {source} at {time} {day}").format(
                         source=source_words(appt.source).lower() if current_language() == "vi"
                         else source_words(appt.source),
                         time=_hhmm(appt.booked_at), day=f"{to_office_time(appt.booked_at):%d/%m}")]
            if appt.checked_in_at is not None:
                lines.append(_("Checked in at {time}").format(time=_hhmm(appt.checked_in_at)))
            self.detail.setText("\n".join(lines))
        elif slot is not None:
            self.detail.setText(slot_words(slot).replace(" · ", "\n"))
        else:
            self.detail.setText(_("Choose an appointment in the list (arrow keys or the mouse)."))
        self._enable()

    def _enable(self) -> None:
        v = self.view
        slot, appt = self.selected()
        booked = appt is not None and appt.booked
        allowed = {
            "check_in": booked and v is not None and v.is_today,
            "book": v is not None and bool(v.services),
            "reschedule": booked,
            "absent": v is not None and v.overdue > 0,
            "cancel": booked,
            "capacity": slot is not None,
            "slots": v is not None and v.working_day,
        }
        manage = v is not None and v.can_manage
        step = "check_in" if allowed["check_in"] and not (appt is not None and appt.overdue) else ""
        for action, b in self.buttons.items():
            if action in SUPERVISOR_ACTIONS:
                b.setVisible(manage)
            on = allowed[action] and not self.busy and (manage or action not in SUPERVISOR_ACTIONS)
            b.setEnabled(on)
            _emphasise(b, on and action == step)
        for b in (self.prev_button, self.next_button, self.today_button):
            b.setEnabled(v is not None)
        self.today_button.setEnabled(v is not None and not v.is_today)

    # --- the tour -------------------------------------------------------------------------------

    def _base(self) -> DayView:
        """The real day, read once for the tour (the made-up states replace ``self.view``)."""
        self.tasks.wait_idle()
        if getattr(self, "_tour_real", None) is None:
            self._tour_real = self.view or model.day_view(self.ctx, self.day)
        return self._tour_real

    def _tour_view(self, **changes: Any) -> DayView:
        """A made-up day around the real one: three slots of the first service with each
        status in them (no database write)."""
        base = self._base()
        if not base.services:
            return base
        svc = base.services[0]
        day = base.day
        now = self.ctx.now()
        local = to_office_time(now)

        def appt(code: str, name: str, phone: str, status: str, source: str, ticket: str | None = None,
                 closed: bool = False) -> ApptRow:
            return ApptRow(id=uuid.uuid4(), code=code, citizen_name=name, phone=phone, status=status, source=source,
                           ticket_code=ticket, procedure_code="1.001193", procedure_name_vi="Thủ tục đăng ký khai sinh",
                           procedure_name_en="Birth registration", booked_at=now - timedelta(days=1),
                           checked_in_at=now - timedelta(minutes=20) if status == "checked_in" else None,
                           window_closed=closed)

        def slot(start: time, minutes: int, appts: tuple[ApptRow, ...], quota: int = 4, online: int = 2,
                 online_booked: int = 0) -> SlotRow:
            begin = datetime.combine(day, start, tzinfo=local.tzinfo)
            end = begin + timedelta(minutes=minutes)
            return SlotRow(id=uuid.uuid4(), service=svc, day=day, start=start, end=end.time(), office_quota=quota,
                           office_booked=sum(1 for a in appts if a.source != "online" and a.status != "cancelled"),
                           online_quota=online, online_booked=online_booked,
                           check_in_from=begin - timedelta(minutes=15), check_in_until=end,
                           over=end <= local, appointments=appts)

        slots = (
            slot(time(7, 30), 30, (appt("LHK7M2QP", "Nguyễn Văn Hoà", "0912345678", "checked_in", "kiosk", "A001"),
                                   appt("LHX3D9TR", "Trần Thị Thuỷ", "0987654321", "no_show", "phone", closed=True))),
            slot(time(8, 30), 30, (appt("LHP4W8ZN", "Lê Minh Tuấn", "0358123456", "booked", "counter"),
                                   appt("LHB6Y2HC", "Phạm Ngọc Ánh", "0771234567", "cancelled", "online")),
                 online_booked=1),
            slot(time(9, 0), 30, (appt("LHR5N7JA", "Đỗ Quang Huy", "0903111222", "booked", "phone"),)),
            slot(time(9, 30), 30, (), quota=0, online=0),
        )
        values: dict[str, Any] = {"slots": slots, "done": None}
        values.update(changes)
        return replace(base, **values)

    def _tour_show(self, view: DayView | None = None, select: str | None = None, **changes: Any) -> None:
        self._close_dialog()
        self._say("")
        self.search.clear()
        self._clear_hits()
        self.view = view or self._tour_view(**changes)
        self._seq += 1
        self._shown_seq = self._seq
        if select == "slot" and self.view.slots:
            self._want = self.view.slots[1 if len(self.view.slots) > 1 else 0].id
        elif select is not None:
            for s in self.view.slots:
                for a in s.appointments:
                    if a.code == select:
                        self._want = a.id
        self._draw()

    def _tour_error(self, exc: Exception, **changes: Any) -> None:
        self._tour_show(select="LHP4W8ZN", **changes)
        self._say("error", "error", lambda: error_words(exc))

    def _tour_done(self, done: Done, **changes: Any) -> None:
        self._tour_show(select="LHP4W8ZN", **changes)
        self._say_done(done)

    def _tour_dialog(self, opener: Callable[..., None], select: str | None = "LHP4W8ZN", **changes: Any) -> None:
        self._tour_show(select=select, **changes)
        opener(embedded=True)
        self.tasks.wait_idle()

    def _tour_book_error(self) -> None:
        self._tour_dialog(self.open_book, select=None)
        dialog = self.dialog
        if isinstance(dialog, BookDialog):
            dialog.search.setText("khai sinh")
            if dialog.procedures.count():
                dialog.procedures.setCurrentRow(0)
            for i in range(dialog.slots.count()):
                if dialog.slots.item(i).flags() & Qt.ItemFlag.ItemIsSelectable:
                    dialog.slots.setCurrentRow(i)
                    break
            dialog.name.setText("Nguyễn Văn Hoà")
            dialog.phone.setText("0912 345")
            dialog.accept()

    def _tour_reschedule(self) -> None:
        """The dialog over the made-up day (its appointment is not in the database)."""
        self._tour_show(select="LHP4W8ZN")
        slot, appt = self.selected()
        if slot is None or appt is None or self.view is None:
            return
        others = tuple(s for s in self.view.slots if s.id != slot.id)
        choices = SlotChoices(days=(self.view.day,), slots=others)
        self._show_dialog(RescheduleDialog(appt, slot, choices, self, embedded=True), self._reschedule_submitted,
                          True)

    def _tour_search(self, query: str) -> None:
        self._tour_show()
        self.search.setText(query)
        self.hits = model.search(self.ctx, query)
        self._draw_hits()

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        self._base()
        code = "LHP4W8ZN"

        def refusal(kind: str, **details: Any) -> Exception:
            return model.clerk_words(DomainError("", code=kind, appointment_code=code, **details))

        now = self.ctx.now()
        later = (now + timedelta(minutes=40)).isoformat()
        earlier = (now - timedelta(minutes=10)).isoformat()
        day = to_office_time(now).date()
        return [
            ("", self.tasks.wait_idle),
            ("day", lambda: self._tour_show(select=code)),
            ("slot-chosen", lambda: self._tour_show(select="slot")),
            ("empty-day", lambda: self._tour_show(self._tour_view(slots=()))),
            ("empty-day-supervisor", lambda: self._tour_show(self._tour_view(slots=(), can_manage=True))),
            ("closed-day", lambda: self._tour_show(self._tour_view(slots=(), working_day=False))),
            ("supervisor", lambda: self._tour_show(self._tour_view(can_manage=True), select=code)),
            ("checked-in", lambda: self._tour_done(Done(model.CHECKED_IN, code=code, ticket_code="A012"))),
            ("absent", lambda: self._tour_done(Done(model.ABSENT, count=2))),
            ("nobody-absent", lambda: self._tour_done(Done(model.NOBODY_ABSENT))),
            ("booked-phone", lambda: self._tour_done(Done(model.BOOKED, code=code, day=day, start=time(9, 0),
                                                          end=time(9, 30)))),
            ("booked-desk", lambda: self._tour_done(Done(model.BOOKED, code=code, day=day, start=time(9, 0),
                                                         end=time(9, 30), print_job_id=uuid.uuid4()))),
            ("rescheduled", lambda: self._tour_done(Done(model.RESCHEDULED, code=code, day=day, start=time(10, 0),
                                                         end=time(10, 30)))),
            ("cancelled", lambda: self._tour_done(Done(model.CANCELLED, code=code))),
            ("capacity-saved", lambda: self._tour_done(Done(model.CAPACITY, start=time(9, 0), end=time(9, 30)))),
            ("slots-created", lambda: self._tour_done(Done(model.SLOTS_CREATED, count=8))),
            ("slots-existed", lambda: self._tour_done(Done(model.SLOTS_CREATED, count=0))),
            ("too-early", lambda: self._tour_error(refusal("too_early", window_start=later))),
            ("too-late", lambda: self._tour_error(refusal("too_late", window_end=earlier))),
            ("wrong-day", lambda: self._tour_error(refusal("wrong_day", day=day.isoformat()))),
            ("was-cancelled", lambda: self._tour_error(refusal("cancelled"))),
            ("was-absent", lambda: self._tour_error(refusal("no_show"))),
            ("already-checked-in", lambda: self._tour_error(refusal("already_checked_in", ticket_code="A012"))),
            ("changed-meanwhile", lambda: self._tour_error(refusal("illegal_transition"))),
            ("slot-full", lambda: self._tour_error(model.clerk_words(QuotaExceeded("")))),
            ("not-found", lambda: self._tour_error(refusal("appointment_not_found"))),
            ("clerk-refused", lambda: (self._tour_show(select=code), self._may_manage())),
            ("db-error", lambda: self._tour_error(RuntimeError("tour"))),
            ("refresh-error", lambda: (self._tour_show(select=code), self._refresh_failed(RuntimeError("tour")))),
            ("search-hits", lambda: self._tour_search("nguyen")),
            ("search-none", lambda: self._tour_search("khong ai ten nay")),
            ("book-dialog", lambda: self._tour_dialog(self.open_book, select=None)),
            ("book-dialog-error", self._tour_book_error),
            ("reschedule-dialog", self._tour_reschedule),
            ("cancel-dialog", lambda: self._tour_dialog(self.open_cancel)),
            ("capacity-dialog", lambda: self._tour_dialog(self.open_capacity, select="slot", can_manage=True)),
            ("slots-dialog", lambda: self._tour_dialog(self.open_slots, select=None, can_manage=True)),
        ]


__all__ = ["ACTIONS", "AppointmentsPage", "button_words", "done_words", "slot_words", "source_words",
           "status_words"]
