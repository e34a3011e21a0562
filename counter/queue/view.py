"""The queue panel: the clerk's page for calling citizens, all day long.

One big number (the ticket at the desk), what it is for, how long it has been there, who
still waits for this counter, and seven keys — F2 call next, F3 call again, F4 start,
F5 finish, F6 absent, F7 transfer, F8 take in a dossier (counter/keys.py: no other page
uses them) — written on the buttons, so a clerk learns them by looking. A button is enabled only when its move applies; F2 pressed with a ticket still
open says why nothing was called instead of doing nothing.

Every database call goes through the TaskRunner (model.py); the page redraws from the
:class:`~counter.queue.model.PanelState` each call returns. The waiting counts refresh
every few seconds while the page is shown; the service timer ticks on the GUI thread
from ``ctx.now()`` (tests and the tour move that clock).

The transfer dialog is in transfer_dialog.py, what the page says in words.py, and the tour's
made-up states in tour.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from core.i18n import _, ngettext, pgettext
from core.ticket_states import TicketStatus
from counter.context import CounterContext
from counter.keys import shortcut, tooltip
from counter.queue import model, tour
from counter.queue.model import NOBODY_WAITING, CurrentTicket, Notice, PanelState
from counter.queue.transfer_dialog import TransferDialog
from counter.queue.words import (
    ACTIONS,
    action_words,
    button_words,
    clock_words,
    counter_words,
    error_words,
    hhmm,
    key_name,
    notice_words,
    transferred_words,
)
from ui.one_dialog import OneDialog
from ui.page_work import NotOlder, PageWork
from ui.parts import button, clear_layout, emphasise, hbox, label, panel, say, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner

REFRESH_MS = 5_000  # the waiting counts, while the page shows
TICK_MS = 1_000  # the service timer


# -- the page -----------------------------------------------------------------------------------

class QueuePanel(Screen):
    name = "queue"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.state: PanelState | None = None
        # The timer's reads and the clerk's moves both answer with the whole panel: one
        # guard, so an older answer never overwrites a newer one; a move under way allows
        # no second one (a double F2 calls one citizen).
        answers = NotOlder()
        self.reads = PageWork(tasks, guard=answers, unavailable=lambda: _(
            "The queue cannot be read from the office database right now. The panel keeps trying."))
        self.moves = PageWork(tasks, guard=answers, on_busy=lambda _busy: self._enable())
        # What the status line says: its kind ("", "nobody_waiting", "notice", "error",
        # "refresh_error") and how to word it again when the language changes.
        self._message_kind = ""
        self._message: tuple[str, Callable[[], str]] | None = None
        self.dialogs: OneDialog[TransferDialog] = OneDialog(self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the F-keys work while the page has focus

        # the ticket at the desk
        self.title = label(role="title", name="queue-title")
        self.caption = label(role="subtitle", center=True, name="queue-caption")
        self.number = label(role="huge", center=True, wrap=False, name="queue-number")
        self.service = label(role="big", center=True, name="queue-service")
        self.priority = label(role="info", center=True, name="queue-priority")
        self.transferred = label(role="info", center=True, name="queue-transferred")
        self.times = label(role="subtitle", center=True, name="queue-times")
        self.timer_caption = label(role="hint", center=True, name="queue-timer-caption")
        self.timer = label(role="big", center=True, wrap=False, name="queue-timer")
        self.idle_hint = label(role="hint", center=True, name="queue-idle-hint")
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
            self.shortcuts[action] = shortcut(key, self, handlers[action])

        self.message = label(role="hint", name="queue-message")
        self.message.hide()

        # who waits
        self.waiting_title = label(role="subtitle")
        self.waiting_total = label(role="big", name="queue-waiting-total")
        self.waiting_detail = label(role="hint", name="queue-waiting-detail")
        self.rows_widget = QWidget()
        self.rows = QGridLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setHorizontalSpacing(16)
        self.rows.setVerticalSpacing(10)
        self.row_labels: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        self.heads: tuple[QLabel, QLabel, QLabel] | None = None
        self.closed = label(role="info", name="queue-closed")
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
            b.setToolTip(tooltip(ACTIONS[action][0]))
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
        self.reads.void()  # answers still on their way were asked for the page left
        self.refresh_timer.stop()
        self.tick_timer.stop()
        self.dialogs.close()
        self._say("")

    # --- asking the database -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the panel again (the timer, and after an error); skipped while a move or
        another read is under way (their answer is as new)."""
        if self.busy or self.reads.busy:
            return
        self.reads.run(model.panel, self.ctx, on_done=self._refreshed, on_error=self._refresh_failed)

    def _refreshed(self, state: PanelState) -> None:
        if self._message_kind == "refresh_error" or (state.waiting and self._message_kind == NOBODY_WAITING):
            self._say("")  # read again; or someone came, so "nobody waiting" is no longer true
        self._show(state)

    def _refresh_failed(self, exc: Exception) -> None:
        if self._message_kind in ("", "refresh_error", "notice"):
            self._say("refresh_error", "error", lambda: self.reads.words(exc))

    def _act(self, fn: Callable[..., PanelState], *args: Any, **kwargs: Any) -> None:
        if self.busy:
            return
        self.moves.run(fn, self.ctx, *args, on_done=self._acted, on_error=self._failed, **kwargs)

    def _acted(self, state: PanelState) -> None:
        self._say_notice(state.notice)
        self._show(state)

    def _failed(self, exc: Exception) -> None:
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
        if self.busy or self.state is None or not self.state.can_transfer or self.dialogs.is_open:
            return None
        dialog = TransferDialog(self.state, self, embedded=embedded)
        dialog.accepted.connect(lambda: self._transfer_chosen(dialog))
        self.dialogs.show(dialog, embedded=embedded)
        dialog.services.setFocus()
        return dialog

    def _transfer_chosen(self, dialog: TransferDialog) -> None:
        choice = dialog.choice()
        if choice is None or dialog.ticket_id is None:
            return
        service, counter, note = choice
        self._act(model.transfer, dialog.ticket_id, to_service_code=service, to_counter_number=counter, note=note)

    @property
    def busy(self) -> bool:
        """A move is under way."""
        return self.moves.busy

    @property
    def dialog(self) -> TransferDialog | None:
        return self.dialogs.current

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

    def show_made_up(self, state: PanelState) -> None:
        """Show ``state`` (the tour's pictures): answers still on their way are void."""
        self.reads.void()
        self._show(state)

    def _show(self, state: PanelState) -> None:
        self.state = state
        self._draw()

    def take_in_dossier(self) -> None:
        """The citizen being served hands in papers: the intake wizard, tied to their ticket."""
        current = self._ticket()
        if self.busy or current is None or current.status != TicketStatus.SERVING:
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
            "intake": self._ticket() is not None and self._ticket().status == TicketStatus.SERVING,
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
                key=key_name("call"), button=action_words("call")))
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
        if t.status == TicketStatus.SERVING:
            self.caption.setText(_("Serving"))
            self.times.setText(_("Serving since {time}").format(time=hhmm(t.serving_at)) if t.serving_at else "")
            self.timer_caption.setText(_("Service time"))
        else:
            self.caption.setText(_("Called — waiting for the citizen to come to the desk"))
            when = hhmm(t.called_at) if t.called_at else ""
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
                name = label(role="subtitle", name=f"queue-service-{s.code}")
                count = label(role="subtitle", wrap=False, name=f"queue-waiting-{s.code}")
                prio = label(role="subtitle", wrap=False, name=f"queue-priority-{s.code}")
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

    # --- the tour (counter/queue/tour.py) ------------------------------------------------------------

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return tour.tour_states(self)
