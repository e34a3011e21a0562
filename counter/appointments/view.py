"""The appointments page: the day's time slots and the citizens booked into them.

A day picker (Alt+Left / Alt+Right: the previous / next working day, Alt+Home: today), a
service filter, and the day as a tree: one row per time slot (its window, its service and
both quotas in words), under it one row per appointment (code, citizen, phone, procedure,
how it was booked, and its status in words — never a colour alone). On the right, a search
(code, name, phone: any day) and the chosen appointment in full.

The keys, written on the buttons (counter/keys.py: Alt+digit, keys no other page uses):
Alt+1 check in (the priority ticket is printed), Alt+2 book, Alt+3 reschedule, Alt+4 mark
absent (every booking whose check-in time is over), Alt+5 cancel; for a supervisor Alt+6 the
places of a slot and Alt+7 the day's slots (hidden for a clerk).

Every database call goes through the TaskRunner (model.py); after each move the day is
read again. The list refreshes every few seconds while the page shows (the kiosk checks
citizens in too).

What the page says lives in words.py, the drawing of the day's rows in tree.py, the moves
that open a form dialog (book, reschedule, cancel, a slot's places, the day's slots) in
moves.py (FormMoves), and the made-up states the tour photographs in tour.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from core.i18n import _, current_language, pgettext
from counter.appointments import model, tour
from counter.appointments.dialogs import FormDialog
from counter.appointments.moves import FormMoves
from counter.appointments.rows import ApptRow, DayView, Done, SearchHit, SlotRow
from counter.appointments.tree import chosen_id, header_words, make_tree, redraw
from counter.appointments.words import (
    action_words,
    counts_words,
    day_title,
    detail_words,
    done_words,
    empty_words,
    error_words,
    hit_words,
    slot_words,
    source_words,
    status_words,
)
from counter.context import CounterContext
from counter.keys import key_text, shortcut, tooltip, with_key
from ui.one_dialog import OneDialog
from ui.page_work import NotOlder, PageWork
from ui.parts import button, emphasise, hbox, label, panel, say, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner

CTX = "counter appointments"
REFRESH_MS = 15_000

# action -> (its entry in the key map, the button's object name), in the order of the buttons
ACTIONS: dict[str, tuple[str, str]] = {
    "check_in": ("appointment.check_in", "appts-check-in"),
    "book": ("appointment.book", "appts-book"),
    "reschedule": ("appointment.reschedule", "appts-reschedule"),
    "absent": ("appointment.absent", "appts-absent"),
    "cancel": ("appointment.cancel", "appts-cancel"),
    "capacity": ("appointment.capacity", "appts-capacity"),
    "slots": ("appointment.slots", "appts-slots"),
}
SUPERVISOR_ACTIONS = ("capacity", "slots")
DAY_KEYS = {"prev": "day.previous", "next": "day.next", "today": "day.today"}


def key_name(key: str) -> str:
    return key_text(key)


def button_words(action: str) -> str:
    return with_key(action_words(action), ACTIONS[action][0])


class AppointmentsPage(Screen):
    name = "appointments"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.view: DayView | None = None
        self.day: date | None = None  # None: today
        # The day's reads: a read asked before a move never undoes the move's day. The
        # moves (and the reads of a dialog's choices): one at a time.
        self.reads = PageWork(tasks, guard=NotOlder(), unavailable=lambda: _(
            "The appointments cannot be read from the office database right now. The page keeps trying."))
        self.moves = PageWork(tasks, on_busy=lambda _busy: self._enable())
        self._message_kind = ""
        self._message: tuple[str, Callable[[], str]] | None = None
        self._want: uuid.UUID | None = None  # select this appointment (or slot) once the day is read
        self.hits: list[SearchHit] | None = None
        self.dialogs: OneDialog[FormDialog] = OneDialog(self)
        self.forms = FormMoves(self, ctx, self.moves, self.dialogs, shown=lambda: self.view, selected=self.selected,
                               service=self.service_chosen, act=self._act,
                               say_error=lambda words: self._say("error", "error", words))
        self._tour_real: DayView | None = None  # the real day under the tour's made-up ones (tour.py)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # the day and the filter
        self.title = label(role="title", name="appts-title")
        self.prev_button = button(name="appts-prev-day", on_click=lambda: self.step_day(-1))
        self.next_button = button(name="appts-next-day", on_click=lambda: self.step_day(1))
        self.today_button = button(name="appts-today", on_click=self.go_today)
        self.day_label = label(role="big", center=True, name="appts-day")
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
        self.counts = label(role="hint", name="appts-counts")
        filt.addWidget(self.counts, 2)

        # the day's list
        self.tree = make_tree()
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda _item, _col: self.check_in())
        self.empty = label(role="info", name="appts-empty")
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
        self.no_hits = label(role="hint", name="appts-no-hits")
        self.no_hits.hide()
        self.detail_title = label(role="subtitle")
        self.detail = label(name="appts-detail")
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
            "check_in": self.check_in, "book": self.forms.open_book, "reschedule": self.forms.open_reschedule,
            "absent": self.mark_absent, "cancel": self.forms.open_cancel,
            "capacity": self.forms.open_capacity, "slots": self.forms.open_slots,
        }
        # The clerk's moves on one row, a supervisor's two (hidden for a clerk) on the next:
        # seven buttons with their keys do not fit one row of the 1600 px desk.
        keys = QGridLayout()
        keys.setHorizontalSpacing(10)
        keys.setVerticalSpacing(8)
        self.shortcuts: dict[str, QShortcut] = {}
        clerk_moves = [a for a in ACTIONS if a not in SUPERVISOR_ACTIONS]
        for action, (key, name) in ACTIONS.items():
            b = button(name=name, on_click=handlers[action])
            self.buttons[action] = b
            row, column = ((1, SUPERVISOR_ACTIONS.index(action)) if action in SUPERVISOR_ACTIONS
                           else (0, clerk_moves.index(action)))
            keys.addWidget(b, row, column)
            self.shortcuts[action] = shortcut(key, self, handlers[action])
        self.shortcuts["prev"] = shortcut(DAY_KEYS["prev"], self, lambda: self.step_day(-1))
        self.shortcuts["next"] = shortcut(DAY_KEYS["next"], self, lambda: self.step_day(1))
        self.shortcuts["today"] = shortcut(DAY_KEYS["today"], self, self.go_today)
        self.shortcuts["search"] = shortcut("find", self, self.search.setFocus)
        self.message = label(role="hint", name="appts-message")
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

    # --- Screen -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Appointments"))
        for action, b in self.buttons.items():
            b.setText(button_words(action))
            b.setToolTip(tooltip(ACTIONS[action][0]))
        self.prev_button.setText(_("← Previous day ({key})").format(key=key_name(DAY_KEYS["prev"])))
        self.next_button.setText(_("Next day ({key}) →").format(key=key_name(DAY_KEYS["next"])))
        self.today_button.setText(_("Today ({key})").format(key=key_name(DAY_KEYS["today"])))
        self.service_label.setText(pgettext("counter appointments", "Service"))
        self.search_title.setText(pgettext("counter appointments", "Find an appointment"))
        self.search.setPlaceholderText(_("Code, name or phone"))
        self.search_button.setText(pgettext("counter appointments", "Find"))
        self.no_hits.setText(_("No appointment matches."))
        self.detail_title.setText(pgettext("counter appointments", "Chosen appointment"))
        self.tree.setHeaderLabels(header_words())
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
        self.reads.void()
        self.refresh_timer.stop()
        self.dialogs.close()
        self._say("")
        self.search.clear()
        self._clear_hits()
        self.day = None  # back to today on the next visit

    # --- asking the database -------------------------------------------------------------

    def refresh(self, done: Done | None = None, *, force: bool = False) -> None:
        """Read the day again: the timer (skipped while a read is under way), and after a
        move or a day change (``force``: an answer still on its way is then dropped)."""
        if self.reads.busy and not force:
            return
        self.reads.run(model.day_view, self.ctx, self.day, done, on_done=self._refreshed,
                       on_error=self._refresh_failed)

    def _refreshed(self, view: DayView) -> None:
        if self._message_kind == "refresh_error":
            self._say("")
        self.view = view
        self._draw()

    def _refresh_failed(self, exc: Exception) -> None:
        if self._message_kind in ("", "refresh_error", "done"):
            self._say("refresh_error", "error", lambda: self.reads.words(exc))

    def _act(self, fn: Callable[..., Done], *args: Any, dialog: FormDialog | None = None, **kwargs: Any) -> None:
        if self.busy:
            return
        if dialog is not None:
            dialog.set_busy(True)
        self.moves.run(fn, self.ctx, *args, on_done=lambda d: self._acted(d, dialog),
                       on_error=lambda e: self._failed(e, dialog), **kwargs)

    def _acted(self, done: Done, dialog: FormDialog | None) -> None:
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
        if dialog is not None and self.dialog is dialog:
            dialog.set_busy(False)
            dialog.show_error(error_words(exc))
            self.forms.reload_choices(dialog, exc)
        else:
            self._say("error", "error", lambda: error_words(exc))
        self._enable()
        self.refresh(self.view.done if self.view else None, force=True)

    # --- the moves --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A move (or the read of a dialog's choices) is under way."""
        return self.moves.busy

    @property
    def dialog(self) -> FormDialog | None:
        return self.dialogs.current

    def service_chosen(self) -> str | None:
        """The service filter's choice (None: every service)."""
        value = self.service.currentData()
        return value if isinstance(value, str) else None

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
            item = QListWidgetItem(hit_words(h))
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            self.results.addItem(item)
        self.results.setVisible(bool(hits))
        self.no_hits.setVisible(hits is not None and not hits)

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
        self.day_label.setText(day_title(v))
        if [self.service.itemData(i) for i in range(1, self.service.count())] != [s.code for s in v.services]:
            self._fill_services()
        self._draw_tree()

    def _draw_tree(self) -> None:
        v = self.view
        service = self.service.currentData()
        want = self._want if self._want is not None else chosen_id(self.tree)
        slots = v.slots_of(service) if v is not None else ()
        redraw(self.tree, slots, want, self.palette().placeholderText(), jump=self._want is not None)
        if v is not None and self._want is not None:
            self._want = None
        self._draw_empty(v, slots)
        self._draw_counts(v, slots)
        self._selection_changed()

    def _draw_empty(self, v: DayView | None, slots: tuple[SlotRow, ...]) -> None:
        if v is None or slots:
            self.empty.hide()
            return
        self.empty.setText(empty_words(v))
        self.empty.show()

    def _draw_counts(self, v: DayView | None, slots: tuple[SlotRow, ...]) -> None:
        if v is None:
            self.counts.setText("")
            return
        self.counts.setText(counts_words(slots))

    def _selection_changed(self) -> None:
        slot, appt = self.selected()
        self.detail.setText(detail_words(slot, appt))
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
            emphasise(b, on and action == step)
        for b in (self.prev_button, self.next_button, self.today_button):
            b.setEnabled(v is not None)
        self.today_button.setEnabled(v is not None and not v.is_today)

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return tour.tour_states(self)


__all__ = ["ACTIONS", "AppointmentsPage", "button_words", "done_words", "slot_words", "source_words",
           "status_words"]
