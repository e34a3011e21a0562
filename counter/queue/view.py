"""The queue panel: the clerk's page for calling citizens, all day long.

One big number (the ticket at the desk), what it is for, how long it has been there, who
still waits for this counter, and six keys — F2 call next, F3 call again, F4 start,
F5 finish, F6 absent, F7 transfer — written on the buttons, so a clerk learns them by
looking. A button is enabled only when its move applies; F2 pressed with a ticket still
open says why nothing was called instead of doing nothing.

Every database call goes through the TaskRunner (model.py); the page redraws from the
:class:`~counter.queue.model.PanelState` each call returns. The waiting counts refresh
every few seconds while the page is shown; the service timer ticks on the GUI thread
from ``ctx.now()`` (tests and the tour move that clock).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from core.errors import DomainError, MotcuaError
from core.i18n import _, ngettext, pgettext
from core.working_calendar import to_office_time
from counter.context import CounterContext
from counter.queue import model
from counter.queue.model import (
    FINISHED,
    NO_SHOW,
    NOBODY_WAITING,
    TRANSFERRED,
    CurrentTicket,
    Notice,
    PanelState,
    Transferred,
)
from ui.parts import button, clear_layout, emphasise, hbox, label, panel, say, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import current_theme

REFRESH_MS = 5_000  # the waiting counts, while the page shows
TICK_MS = 1_000  # the service timer
DIALOG_SIZE = (880, 600)  # the transfer dialog at normal text size

# action -> (its key, the button's object name), in the order of the buttons
ACTIONS = {
    "call": (Qt.Key.Key_F2, "queue-call"),
    "recall": (Qt.Key.Key_F3, "queue-recall"),
    "start": (Qt.Key.Key_F4, "queue-start"),
    "finish": (Qt.Key.Key_F5, "queue-finish"),
    "no_show": (Qt.Key.Key_F6, "queue-no-show"),
    "transfer": (Qt.Key.Key_F7, "queue-transfer"),
    "intake": (Qt.Key.Key_F8, "queue-intake"),
}


def _action_words(action: str) -> str:
    # Spelled out so the extractor sees each msgid.
    return {
        "call": pgettext("counter queue", "Call next"),
        "recall": pgettext("counter queue", "Call again"),
        "start": pgettext("counter queue", "Start serving"),
        "finish": pgettext("counter queue", "Finish"),
        "no_show": pgettext("counter queue", "Absent"),
        "transfer": pgettext("counter queue", "Transfer"),
        "intake": pgettext("counter queue", "Take in a dossier"),
    }[action]


def key_name(action: str) -> str:
    return QKeySequence(ACTIONS[action][0]).toString(QKeySequence.SequenceFormat.NativeText)


def button_words(action: str) -> str:
    """The button's text: what it does and its key, e.g. "Gọi số tiếp (F2)"."""
    return f"{_action_words(action)} ({key_name(action)})"


def clock_words(delta: timedelta) -> str:
    """mm:ss, or h:mm:ss past an hour."""
    total = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def _hhmm(moment) -> str:  # type: ignore[no-untyped-def]
    return to_office_time(moment).strftime("%H:%M")


def counter_words(number: int) -> str:
    return pgettext("counter queue", "Counter {number}").format(number=number)


def transferred_words(t: Transferred) -> str:
    if t.from_counter is not None and t.from_service:
        head = _("Sent here from counter {counter} ({service})").format(counter=t.from_counter,
                                                                         service=t.from_service)
    elif t.from_counter is not None:
        head = _("Sent here from counter {counter}").format(counter=t.from_counter)
    else:
        head = _("Sent here from the {service} queue").format(service=t.from_service)
    return head + ("\n" + _("Note: {note}").format(note=t.note) if t.note else "")


def notice_words(notice: Notice) -> tuple[str, str]:
    """(text, role) of what the last move has to say."""
    if notice.kind == NOBODY_WAITING:
        return _("Nobody is waiting for this counter right now."), "info"
    if notice.kind == FINISHED:
        return _("Ticket {code} is done.").format(code=notice.code), "ok"
    if notice.kind == NO_SHOW:
        return _("Ticket {code} was marked absent.").format(code=notice.code), "ok"
    if notice.kind == TRANSFERRED:
        if notice.to_counter is not None and notice.to_service:
            text = _("Ticket {code} was sent to counter {counter}, {service} queue.")
        elif notice.to_counter is not None:
            text = _("Ticket {code} was sent to counter {counter}.")
        else:
            text = _("Ticket {code} was sent to the {service} queue.")
        return text.format(code=notice.code, counter=notice.to_counter, service=notice.to_service), "ok"
    return "", "hint"


def error_words(exc: Exception) -> str:
    """A failed move in the clerk's words: the operation's own message for an office rule,
    a plain sentence when the database could not be reached."""
    if isinstance(exc, MotcuaError):
        return exc.message
    return _("The action could not be saved: the office database cannot be reached. Please try again.")


# -- the transfer dialog ----------------------------------------------------------------------

class TransferDialog(QDialog):
    """Where to send the ticket at the desk: another service's queue or another open
    counter (one of the two), and a note for whoever takes it. ``choice()`` after OK.

    ``embedded``: drawn inside its parent instead of as a window (the tour photographs
    the page, and a window of its own would not be on the picture)."""

    def __init__(self, state: PanelState, parent: QWidget | None = None, *, embedded: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("transfer-dialog")
        if embedded:
            self.setWindowFlags(Qt.WindowType.Widget)
        self.state = state
        current = state.current
        self.ticket_id: uuid.UUID | None = current.id if current else None
        names = {s.code: s.name for s in state.transfer_services}
        self.setWindowTitle(_("Transfer ticket {code}").format(code=current.code if current else ""))

        self.heading = label(_("Transfer ticket {code}").format(code=current.code if current else ""), "title")
        self.hint = label(_("Choose a service or a counter. The ticket keeps its number and its place in the queue."),
                          "hint")
        self.services_label = label(_("To another service"), "subtitle")
        self.services = QListWidget()
        self.services.setObjectName("transfer-services")
        for s in state.transfer_services:
            if current is not None and s.code == current.service_code:
                continue  # it is in that queue already; a counter of it is the other list
            item = QListWidgetItem(_("{name} · {n} waiting").format(name=s.name, n=s.waiting))
            item.setData(Qt.ItemDataRole.UserRole, s.code)
            self.services.addItem(item)
        self.counters_label = label(_("To another counter"), "subtitle")
        self.counters = QListWidget()
        self.counters.setObjectName("transfer-counters")
        for lst in (self.services, self.counters):
            lst.setWordWrap(True)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for c in state.transfer_counters:
            services = ", ".join(names.get(code, code) for code in c.service_codes)
            item = QListWidgetItem(_("Counter {number} · {n} waiting").format(number=c.number, n=c.waiting)
                                   + "\n" + services)
            item.setData(Qt.ItemDataRole.UserRole, c.number)
            self.counters.addItem(item)
        self.no_counter = label(_("No other counter is open."), "hint")
        self.no_counter.setObjectName("transfer-no-counter")
        self.no_counter.setVisible(not state.transfer_counters)
        self.counters.setVisible(bool(state.transfer_counters))
        self.note_label = label(_("Note for the receiving counter (optional)"))
        self.note = QLineEdit()
        self.note.setObjectName("transfer-note")
        self.note.setMaxLength(500)
        self.note_label.setBuddy(self.note)

        self.buttons = QDialogButtonBox()
        self.ok = button(pgettext("counter queue", "Transfer"), name="transfer-ok")
        self.cancel = button(pgettext("counter queue", "Cancel"), name="transfer-cancel")
        for b in (self.ok, self.cancel):
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a keyboard desk: Tab reaches them
        self.buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok.setDefault(True)
        self.ok.setEnabled(False)

        self.services.itemSelectionChanged.connect(lambda: self._picked(self.services))
        self.counters.itemSelectionChanged.connect(lambda: self._picked(self.counters))
        self.services.itemDoubleClicked.connect(lambda _item: self.accept())
        self.counters.itemDoubleClicked.connect(lambda _item: self.accept())

        card = panel()
        lists = QGridLayout()
        lists.setHorizontalSpacing(16)
        lists.setVerticalSpacing(8)
        lists.addWidget(self.services_label, 0, 0)
        lists.addWidget(self.counters_label, 0, 1)
        lists.addWidget(self.services, 1, 0)
        lists.addWidget(self.counters, 1, 1)
        lists.addWidget(self.no_counter, 1, 1, Qt.AlignmentFlag.AlignTop)
        inner = vbox(card, [self.heading, self.hint], margin=20, spacing=12)
        inner.addLayout(lists, 1)
        for w in (self.note_label, self.note, self.buttons):
            inner.addWidget(w)
        vbox(self, [card], margin=0 if embedded else 12)
        scale = current_theme().scale  # large text: the lists still show every choice
        self.resize(round(DIALOG_SIZE[0] * scale), round(DIALOG_SIZE[1] * scale))

    def _picked(self, source: QListWidget) -> None:
        if source.selectedItems():  # one target: a choice in one list clears the other
            other = self.counters if source is self.services else self.services
            other.blockSignals(True)
            other.clearSelection()
            other.blockSignals(False)
        self.ok.setEnabled(self.choice() is not None)
        emphasise(self.ok, self.ok.isEnabled())

    def choice(self) -> tuple[str | None, int | None, str] | None:
        """(service code, counter number, note) chosen, or None while nothing is."""
        note = self.note.text().strip()
        for lst, is_service in ((self.services, True), (self.counters, False)):
            chosen = lst.selectedItems()
            if chosen:
                value = chosen[0].data(Qt.ItemDataRole.UserRole)
                return (value, None, note) if is_service else (None, value, note)
        return None

    def accept(self) -> None:
        if self.choice() is None:
            return  # Enter with nothing chosen: stay open
        super().accept()


# -- the page -----------------------------------------------------------------------------------

class QueuePanel(Screen):
    name = "queue"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.state: PanelState | None = None
        self.busy = False  # a move is under way: no second one (a double F2 calls one citizen)
        self.refreshing = False
        self._seq = 0  # each request's number; an older answer never overwrites a newer one
        self._shown_seq = 0
        # What the status line says: its kind ("", "nobody_waiting", "notice", "error",
        # "refresh_error") and how to word it again when the language changes.
        self._message_kind = ""
        self._message: tuple[str, Callable[[], str]] | None = None
        self.dialog: TransferDialog | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the F-keys work while the page has focus

        # the ticket at the desk
        self.title = label(role="title")
        self.title.setObjectName("queue-title")
        self.caption = label(role="subtitle", center=True)
        self.caption.setObjectName("queue-caption")
        self.number = label(role="huge", center=True, wrap=False)
        self.number.setObjectName("queue-number")
        self.service = label(role="big", center=True)
        self.service.setObjectName("queue-service")
        self.priority = label(role="info", center=True)
        self.priority.setObjectName("queue-priority")
        self.transferred = label(role="info", center=True)
        self.transferred.setObjectName("queue-transferred")
        self.times = label(role="subtitle", center=True)
        self.times.setObjectName("queue-times")
        self.timer_caption = label(role="hint", center=True)
        self.timer_caption.setObjectName("queue-timer-caption")
        self.timer = label(role="big", center=True, wrap=False)
        self.timer.setObjectName("queue-timer")
        self.idle_hint = label(role="hint", center=True)
        self.idle_hint.setObjectName("queue-idle-hint")
        desk = panel()
        desk.setObjectName("queue-desk")
        desk_layout = vbox(desk, margin=20, spacing=8)
        desk_layout.addStretch(1)
        for w in (self.caption, self.number, self.service, self.priority, self.transferred, self.times,
                  self.timer_caption, self.timer, self.idle_hint):
            desk_layout.addWidget(w)
        desk_layout.addStretch(1)

        # the keys
        self.buttons: dict[str, QPushButton] = {}
        keys = QGridLayout()
        keys.setSpacing(10)
        handlers: dict[str, Callable[[], None]] = {
            "call": self.call_next, "recall": self.recall, "start": self.start, "finish": self.finish,
            "no_show": self.no_show, "transfer": self.open_transfer, "intake": self.take_in_dossier,
        }
        self.shortcuts: dict[str, QShortcut] = {}
        for i, (action, (key, name)) in enumerate(ACTIONS.items()):
            b = button(role="primary" if action == "call" else "", name=name, on_click=handlers[action])
            self.buttons[action] = b
            keys.addWidget(b, i // 3, i % 3)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(handlers[action])
            self.shortcuts[action] = shortcut

        self.message = label(role="hint")
        self.message.setObjectName("queue-message")
        self.message.hide()

        # who waits
        self.waiting_title = label(role="subtitle")
        self.waiting_total = label(role="big")
        self.waiting_total.setObjectName("queue-waiting-total")
        self.waiting_detail = label(role="hint")
        self.waiting_detail.setObjectName("queue-waiting-detail")
        self.rows_widget = QWidget()
        self.rows = QGridLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setHorizontalSpacing(16)
        self.rows.setVerticalSpacing(10)
        self.row_labels: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        self.heads: tuple[QLabel, QLabel, QLabel] | None = None
        self.closed = label(role="info")
        self.closed.setObjectName("queue-closed")
        self.closed.hide()
        side = panel()
        side.setObjectName("queue-waiting")
        side_layout = vbox(side, [self.waiting_title, self.waiting_total, self.waiting_detail, self.rows_widget,
                                  self.closed], margin=20, spacing=12)
        side_layout.addStretch(1)

        left = vbox(spacing=14)
        left.addWidget(desk, 1)
        left.addLayout(keys)
        left.addWidget(self.message)
        body = hbox(spacing=20)
        body.addLayout(left, 3)
        body.addWidget(side, 2)
        layout = vbox(self, [self.title], margin=20, spacing=14)
        layout.addLayout(body, 1)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)
        self.retranslate()
        self._draw()

    # --- Screen -------------------------------------------------------------------------

    def retranslate(self) -> None:
        for action, b in self.buttons.items():
            b.setText(button_words(action))
            b.setToolTip(_action_words(action))
        self.waiting_title.setText(_("Waiting for this counter"))
        self.closed.setText(_("This counter is marked as closed. Citizens are not told to come here."))
        self._draw()
        if self._message is not None:
            role, words = self._message
            say(self.message, words(), role)

    def enter(self, **params: Any) -> None:
        if self.state is not None and self.state.counter_number != self.ctx.counter_number:
            self.state = None  # another counter was chosen at sign-in: never show the old one's queue
            self._draw()
        self.refresh()
        self.refresh_timer.start()
        self.tick_timer.start()
        self.setFocus()

    def leave(self) -> None:
        self._shown_seq = self._seq + 1  # answers still on their way were asked for the page left
        self.refresh_timer.stop()
        self.tick_timer.stop()
        self._close_dialog()
        self._say("")

    # --- asking the database -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the panel again (the timer, and after an error); skipped while a move or
        another read is under way (their answer is as new)."""
        if self.busy or self.refreshing:
            return
        self.refreshing = True
        self._seq += 1
        seq = self._seq
        self.tasks.run(model.panel, self.ctx, on_done=lambda st: self._refreshed(st, seq),
                       on_error=self._refresh_failed)

    def _refreshed(self, state: PanelState, seq: int) -> None:
        self.refreshing = False
        if self._message_kind == "refresh_error" or (state.waiting and self._message_kind == NOBODY_WAITING):
            self._say("")  # read again; or someone came, so "nobody waiting" is no longer true
        self._show(state, seq)

    def _refresh_failed(self, exc: Exception) -> None:
        self.refreshing = False
        if self._message_kind in ("", "refresh_error", "notice"):
            self._say("refresh_error", "error", lambda: _(
                "The queue cannot be read from the office database right now. The panel keeps trying."))

    def _act(self, fn: Callable[..., PanelState], *args: Any, **kwargs: Any) -> None:
        if self.busy:
            return
        self.busy = True
        self._seq += 1
        seq = self._seq
        self._enable()
        self.tasks.run(fn, self.ctx, *args, on_done=lambda st: self._acted(st, seq), on_error=self._failed,
                       **kwargs)

    def _acted(self, state: PanelState, seq: int) -> None:
        self.busy = False
        self._say_notice(state.notice)
        self._show(state, seq)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self._say("error", "error", lambda: error_words(exc))
        self._enable()
        self.refresh()  # the panel may have been stale: show what the database says now

    # --- the moves --------------------------------------------------------------------------

    def _ticket(self) -> CurrentTicket | None:
        return self.state.current if self.state is not None else None

    def call_next(self) -> None:
        # Even with a ticket open (the button is then disabled but F2 is a habit): the
        # model refuses and the status line says which ticket to settle first.
        self._act(model.call_next)

    def recall(self) -> None:
        if self.state is not None and self.state.can_recall:
            self._act(model.recall, self.state.current.id)  # type: ignore[union-attr]

    def start(self) -> None:
        if self.state is not None and self.state.can_start:
            self._act(model.start, self.state.current.id)  # type: ignore[union-attr]

    def finish(self) -> None:
        if self.state is not None and self.state.can_finish:
            self._act(model.finish, self.state.current.id)  # type: ignore[union-attr]

    def no_show(self) -> None:
        if self.state is not None and self.state.can_no_show:
            self._act(model.no_show, self.state.current.id)  # type: ignore[union-attr]

    def open_transfer(self, *, embedded: bool = False) -> TransferDialog | None:
        """The transfer dialog for the ticket at the desk (window-modal, not blocking: the
        refresh goes on behind it); the move runs when the clerk presses OK."""
        if self.busy or self.state is None or not self.state.can_transfer or self.dialog is not None:
            return None
        dialog = TransferDialog(self.state, self, embedded=embedded)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._transfer_chosen(dialog))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        if embedded:
            dialog.resize(min(dialog.width(), self.width() - 40), min(dialog.height(), self.height() - 40))
            dialog.move((self.width() - dialog.width()) // 2, (self.height() - dialog.height()) // 2)
            dialog.show()
            dialog.raise_()
        else:
            dialog.open()
        dialog.services.setFocus()
        return dialog

    def _transfer_chosen(self, dialog: TransferDialog) -> None:
        choice = dialog.choice()
        if choice is None or dialog.ticket_id is None:
            return
        service, counter, note = choice
        self._act(model.transfer, dialog.ticket_id, to_service_code=service, to_counter_number=counter, note=note)

    def _dialog_closed(self, dialog: TransferDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.setFocus()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    # --- drawing ------------------------------------------------------------------------------

    def _say(self, kind: str, role: str = "hint", words: Callable[[], str] | None = None) -> None:
        """Put a message on the status line ("" clears it); ``words`` gives its text in the
        language of the moment."""
        self._message_kind = kind if words is not None else ""
        self._message = (role, words) if words is not None else None
        say(self.message, words() if words is not None else "", role)

    def _say_notice(self, notice: Notice | None) -> None:
        if notice is None:
            self._say("")
            return
        kind = NOBODY_WAITING if notice.kind == NOBODY_WAITING else "notice"
        self._say(kind, notice_words(notice)[1], lambda: notice_words(notice)[0])

    def _show(self, state: PanelState, seq: int) -> None:
        if seq < self._shown_seq:
            return  # an older read answered late
        self._shown_seq = seq
        self.state = state
        self._draw()

    def take_in_dossier(self) -> None:
        """The citizen being served hands in papers: the intake wizard, tied to their ticket."""
        current = self._ticket()
        if self.busy or current is None or current.status != "serving":
            return
        self.go("intake", ticket_id=str(current.id))

    def tick(self) -> None:
        """The service timer: time since the service started, or since the call."""
        current = self._ticket()
        if current is not None:
            self.timer.setText(clock_words(current.elapsed(self.ctx.now())))

    def _enable(self) -> None:
        st = self.state
        allowed = {
            "call": st is not None and st.can_call, "recall": st is not None and st.can_recall,
            "start": st is not None and st.can_start, "finish": st is not None and st.can_finish,
            "no_show": st is not None and st.can_no_show, "transfer": st is not None and st.can_transfer,
            "intake": self._ticket() is not None and self._ticket().status == "serving",
        }
        # The next step of the usual round is the one blue button: call, then start, then finish.
        # (Only an enabled button is blue: the theme draws a disabled primary button as enabled.)
        step = "call" if allowed["call"] else "start" if allowed["start"] else "finish" if allowed["finish"] else ""
        for action, b in self.buttons.items():
            on = allowed[action] and not self.busy
            b.setEnabled(on)
            emphasise(b, on and action == step)

    def _draw(self) -> None:
        st = self.state
        number = st.counter_number if st is not None else self.ctx.counter_number
        self.title.setText(counter_words(number) if number is not None else "")
        self._draw_current(st.current if st is not None else None)
        self._draw_waiting(st)
        self._enable()

    def _draw_current(self, t: CurrentTicket | None) -> None:
        if t is None:
            self.caption.setText(_("No ticket at the desk"))
            self.number.setText("—")
            self.idle_hint.setText(_("Press {key} or “{button}” to call the next citizen.").format(
                key=key_name("call"), button=_action_words("call")))
            for w in (self.service, self.priority, self.transferred, self.times, self.timer_caption, self.timer):
                w.hide()
            self.idle_hint.show()
            return
        self.idle_hint.hide()
        self.number.setText(t.code)
        self.service.setText(t.service_name)
        self.service.show()
        flags = []
        if t.priority_reason:
            flags.append(_("Priority: {reason}").format(reason=t.priority_words))
        if t.source == "appointment":
            flags.append(_("Booked an appointment"))
        self.priority.setText("\n".join(flags))
        self.priority.setVisible(bool(flags))
        self.transferred.setText(transferred_words(t.transferred) if t.transferred else "")
        self.transferred.setVisible(t.transferred is not None)
        if t.status == "serving":
            self.caption.setText(_("Serving"))
            self.times.setText(_("Serving since {time}").format(time=_hhmm(t.serving_at)) if t.serving_at else "")
            self.timer_caption.setText(_("Service time"))
        else:
            self.caption.setText(_("Called — waiting for the citizen to come to the desk"))
            when = _hhmm(t.called_at) if t.called_at else ""
            self.times.setText(ngettext("Called at {time} · {n} call", "Called at {time} · {n} calls",
                                        t.call_count).format(time=when, n=t.call_count))
            self.timer_caption.setText(_("Time since the call"))
        for w in (self.times, self.timer_caption, self.timer):
            w.show()
        self.tick()

    def _draw_waiting(self, st: PanelState | None) -> None:
        if st is None:
            self.waiting_total.setText(_("Loading..."))
            self.waiting_detail.hide()
            self.rows_widget.hide()
            return
        if st.waiting:
            self.waiting_total.setText(ngettext("{n} citizen waiting", "{n} citizens waiting",
                                                st.waiting).format(n=st.waiting))
        else:
            self.waiting_total.setText(_("Nobody waiting"))
        detail = []
        if st.priority_waiting:
            detail.append(_("Priority: {n}").format(n=st.priority_waiting))
        if st.transferred_here:
            detail.append(_("Sent to this counter: {n}").format(n=st.transferred_here))
        self.waiting_detail.setText(" · ".join(detail))
        self.waiting_detail.setVisible(bool(detail))
        codes = [s.code for s in st.services]
        if codes != list(self.row_labels):
            clear_layout(self.rows)
            self.heads = (label(role="hint"), label(role="hint", wrap=False), label(role="hint", wrap=False))
            self.rows.addWidget(self.heads[0], 0, 0)
            self.rows.addWidget(self.heads[1], 0, 1, Qt.AlignmentFlag.AlignRight)
            self.rows.addWidget(self.heads[2], 0, 2, Qt.AlignmentFlag.AlignRight)
            self.row_labels = {}
            for i, s in enumerate(st.services, start=1):
                name, count, prio = label(role="subtitle"), label(role="subtitle", wrap=False), \
                    label(role="subtitle", wrap=False)
                name.setObjectName(f"queue-service-{s.code}")
                count.setObjectName(f"queue-waiting-{s.code}")
                prio.setObjectName(f"queue-priority-{s.code}")
                for w in (count, prio):
                    w.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.rows.addWidget(name, i, 0)
                self.rows.addWidget(count, i, 1)
                self.rows.addWidget(prio, i, 2)
                self.row_labels[s.code] = (name, count, prio)
            self.rows.setColumnStretch(0, 1)
        if self.heads is not None:
            for head, words in zip(self.heads, (pgettext("counter queue", "Service"), pgettext("counter queue", "Waiting"),
                                                pgettext("counter queue", "Priority"))):
                head.setText(words)
        for s in st.services:
            name, count, prio = self.row_labels[s.code]
            name.setText(f"{s.name} ({s.prefix})")
            count.setText(str(s.waiting))
            prio.setText(str(s.priority_waiting))
        self.rows_widget.setVisible(bool(st.services))
        self.closed.setVisible(not st.counter_open)

    # --- the tour -------------------------------------------------------------------------------

    def _tour_show(self, **changes: Any) -> None:
        """Draw a made-up state on the page (no database write): the tour's pictures."""
        self.tasks.wait_idle()
        base = self.state or model.panel(self.ctx)
        self._seq += 1
        self._say("")
        self._show(replace(base, **changes), self._seq)

    def _tour_ticket(self, status: str = "called", **changes: Any) -> CurrentTicket:
        base = self.state or model.panel(self.ctx)
        svc = (base.services or base.transfer_services)[0]
        now = self.ctx.now()
        values: dict[str, Any] = {
            "id": uuid.uuid4(), "code": f"{svc.prefix}012", "service_code": svc.code, "service_name_vi": svc.name_vi,
            "service_name_en": svc.name_en, "priority_reason": None, "source": "walk_in", "status": status,
            "called_at": now - timedelta(minutes=4, seconds=25), "call_count": 1,
            "serving_at": now - timedelta(minutes=3, seconds=25) if status == "serving" else None, "transferred": None}
        values.update(changes)
        return CurrentTicket(**values)

    def _tour_waiting(self) -> dict[str, Any]:
        base = self.state or model.panel(self.ctx)
        services = tuple(replace(s, waiting=3 + 2 * i, priority_waiting=1 if i == 0 else 0)
                         for i, s in enumerate(base.services))
        return {"services": services, "waiting": sum(s.waiting for s in services), "priority_waiting": 1,
                "transferred_here": 1}

    def _tour_nobody(self) -> None:
        base = self.state or model.panel(self.ctx)
        self._tour_show(current=None, services=tuple(replace(s, waiting=0, priority_waiting=0)
                                                     for s in base.services),
                        waiting=0, priority_waiting=0, transferred_here=0)
        self._say_notice(Notice(NOBODY_WAITING))

    def _tour_transfer_dialog(self) -> None:
        self._tour_show(current=self._tour_ticket("serving"), **self._tour_waiting())
        dialog = self.open_transfer(embedded=True)
        if dialog is not None and dialog.services.count():
            dialog.services.setCurrentRow(0)  # as a clerk leaves it before OK

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        def with_notice(notice: Notice, **changes: Any) -> None:
            self._tour_show(**changes)
            self._say_notice(notice)

        def with_error(exc: Exception, **changes: Any) -> None:
            self._tour_show(**changes)
            self._say("error", "error", lambda: error_words(exc))

        def busy() -> Exception:  # the refusal of F2 with a ticket open, in the language of the moment
            return model.clerk_words(DomainError("", code="counter_busy", ticket="A012"))

        waiting = self._tour_waiting
        away = Notice(TRANSFERRED, "A011", to_service_vi="Chứng thực", to_service_en="Attestation", to_counter=2)
        sent_here = Transferred(from_counter=3, from_service_vi="Chứng thực", from_service_en="Attestation",
                                note="Cần trích lục khai sinh bản sao")
        return [
            ("", self.tasks.wait_idle),
            ("waiting", lambda: self._tour_show(current=None, **waiting())),
            ("nobody-waiting", self._tour_nobody),
            ("called", lambda: self._tour_show(current=self._tour_ticket("called", call_count=2), **waiting())),
            ("serving", lambda: self._tour_show(current=self._tour_ticket("serving"), **waiting())),
            ("priority", lambda: self._tour_show(current=self._tour_ticket("called", priority_reason="elderly"),
                                                 **waiting())),
            ("appointment", lambda: self._tour_show(current=self._tour_ticket("serving", source="appointment"),
                                                    **waiting())),
            ("transferred", lambda: self._tour_show(current=self._tour_ticket("called", transferred=sent_here),
                                                    **waiting())),
            ("finished", lambda: with_notice(Notice(FINISHED, "A011"), current=None, **waiting())),
            ("absent", lambda: with_notice(Notice(NO_SHOW, "A011"), current=None, **waiting())),
            ("transferred-away", lambda: with_notice(away, current=None, **waiting())),
            ("busy", lambda: with_error(busy(), current=self._tour_ticket("serving"), **waiting())),
            ("db-error", lambda: with_error(RuntimeError("tour"), current=self._tour_ticket("serving"), **waiting())),
            ("refresh-error", lambda: (self._tour_show(current=None, **waiting()),
                                       self._refresh_failed(RuntimeError("tour")))),
            ("closed", lambda: self._tour_show(current=None, counter_open=False, **waiting())),
            ("transfer-dialog", self._tour_transfer_dialog),
        ]
