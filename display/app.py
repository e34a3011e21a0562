"""The display board's window (the composition root): it reads, the view shows, the
announcer speaks.

Every ~300 ms a background task reads the office's change marker; when it moved (and every
few seconds anyway, for what changes without an operation: a counter opening at sign-in,
notices edited, a call's highlight fading) it reads the whole board and the recent calls in
the same session. Calls are announced once each: the window keeps the ids it has seen
(local_db/ops/board.py explains why not a cursor). Calls made before the board started are
shown, not announced.

The database going away never freezes or blanks the board: it keeps the last board, says
calmly that it is reconnecting, and tries again with a growing pause (0.5 s up to 10 s);
it recovers by itself. A read that hangs (a server gone from the network) shows the same
line after a few seconds.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

from core.i18n import _, current_language, localized
from display.announcer import Announcer, Player
from display.board_view import CALL_ROWS, BoardView, Lit
from display.context import DisplayContext
from display.tour import busy_state, fresh_state, idle_state
from display.voice import Espeak
from local_db import journal
from local_db.database import Database
from local_db.ops.board import FRESH_SECONDS, BoardState, Call, board_state, calls_since
from ui.failures import UNEXPECTED, classify
from ui.qt_language import set_app_language
from ui.screen import Navigator, Screen
from ui.tasks import TaskRunner
from ui.training import on_training_clock, show_training_badge
from ui.window_title import board_words, window_title

log = logging.getLogger(__name__)

POLL_MS = 300  # how often the change marker is read
REFRESH_S = 3.0  # the whole board at least this often
CALL_WINDOW_S = 300.0  # calls are asked for this far back: commits land out of order, and the
# counters' clocks may lag the board's by a minute or two (device clocks order nothing)
BLINK_MS = 500
STALL_S = 2.5  # a read taking longer than this: say we are reconnecting
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 10.0)


@dataclass(frozen=True)
class BoardRead:
    marker: int
    state: BoardState | None  # None: nothing changed since the marker the board had
    calls: tuple[Call, ...] = ()


def read_board(db: Database, office_code: str, now: datetime, marker: int | None, force: bool,
               window_s: float = CALL_WINDOW_S) -> BoardRead:
    """One poll, on a pool thread: the marker, and the board and recent calls if it moved."""
    try:
        with db.read() as s:
            current = journal.change_marker(s)
            if current == marker and not force:
                return BoardRead(current, None)
            state = board_state(s, office_code, now=now, last_calls=CALL_ROWS)
            calls = calls_since(s, office_code, now - timedelta(seconds=window_s), now=now)
            return BoardRead(state.change_marker, state, tuple(calls))
    except Exception:
        db.engine.dispose()  # the next try opens new connections (a restarted server, a restored file)
        raise


class _NoIdle:
    """The board has no idle timeout (the tour sets one on every window)."""

    timeout = 0.0


class BoardScreen(Screen):
    """The board as the one screen of its window (so ``motcua tour`` walks it like the others)."""

    name = "board"

    def __init__(self, window: DisplayWindow) -> None:
        super().__init__()
        self.window = window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(window.view)

    def retranslate(self) -> None:
        self.window.redraw()

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        w = self.window
        now = w.ctx.now()
        return [
            ("idle", lambda: w.freeze(idle_state(now))),
            ("busy", lambda: w.freeze(busy_state(now))),
            ("fresh_call", lambda: w.freeze(fresh_state(now))),
            ("reconnecting", lambda: w.freeze(busy_state(now), reconnecting=True)),
        ]


class DisplayWindow(QWidget):
    shown = Signal(object)  # a new Call, once its counter's card shows it (tests, the benchmark)

    def __init__(self, ctx: DisplayContext, *, player: Player | None = None, engine: Espeak | None = None,
                 poll_ms: int = POLL_MS, refresh_s: float = REFRESH_S, blink_s: float = FRESH_SECONDS,
                 read: bool = True, parent: QWidget | None = None) -> None:
        """``read=False``: never read the database (made-up boards only: the tour, pictures)."""
        super().__init__(parent)
        self.ctx = ctx
        self.refresh_s = refresh_s
        self.blink_s = blink_s  # how long a new call's card blinks
        self.training_badge = show_training_badge(self, ctx.clock)
        self.setObjectName("display")
        self.tasks = TaskRunner(self, max_threads=1)  # one read at a time
        self.announcer = Announcer(ctx.cache_dir, player=player, engine=engine, sound=ctx.sound, parent=self)
        self.view = BoardView()
        self.nav = Navigator()
        self.nav.add(BoardScreen(self))
        self.idle = _NoIdle()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The board fills the screen it is given: what does not fit is squeezed, the window
        # never grows past the TV (its sizes follow its height, so growing would feed itself).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.nav)

        self.state: BoardState | None = None
        self.frozen = False  # a made-up board is shown (the tour): no reading at all
        self.paused = False  # reads held (and answers on their way dropped) until resume()
        self._marker: int | None = None
        self._seen: dict[uuid.UUID, datetime] = {}  # calls already shown and announced
        self._primed = False
        self._in_flight_since: float | None = None
        self._last_full = 0.0
        self._failures = 0
        self._next_poll_at = 0.0
        self._blinking: dict[int, float] = {}  # counter -> when (monotonic) its call came in
        self._blink_on = True
        self._closed = False
        self.reads = 0  # reads answered (tests, and a look at a running board)

        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self.poll)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._tick)
        self._blink_timer = QTimer(self)
        self._blink_timer.setInterval(BLINK_MS)
        self._blink_timer.timeout.connect(self._blink)
        self.nav.go("board")
        self.retitle()
        self.view.show_state(None)
        self._tick()
        self._clock_timer.start()
        self._blink_timer.start()
        self.frozen = not read
        if read:
            self._poll_timer.start()
            self.poll()

    # --- reading ----------------------------------------------------------------------------

    @property
    def reading(self) -> bool:
        return self._in_flight_since is not None

    @property
    def settled(self) -> bool:
        """The first read is over (the board, or the reconnecting line, is up)."""
        return self.state is not None or self._failures > 0

    def pause(self) -> None:
        """Hold the reads (tests: let several counters call before the board looks again)."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.poll()

    def poll(self) -> None:
        """Ask for the marker (and the board if it moved); one read at a time."""
        if self.frozen or self.paused or self._closed:
            return
        now = time.monotonic()
        if self._in_flight_since is not None:
            if now - self._in_flight_since > STALL_S and not self.view.reconnecting:
                self.view.show_reconnecting(True)
            return
        if now < self._next_poll_at:
            return
        force = self.state is None or now - self._last_full >= self.refresh_s
        self._in_flight_since = now
        self.tasks.run(read_board, self.ctx.db, self.ctx.office_code, self.ctx.now(), self._marker, force,
                       on_done=self._read, on_error=self._failed)

    def _read(self, result: BoardRead) -> None:
        self._in_flight_since = None
        self.reads += 1
        failed = self._failures
        if failed:
            log.info("the board reads the office database again")
        self._failures = 0
        self._next_poll_at = 0.0
        if self.view.reconnecting or (failed and self.view.problem):
            self.view.show_reconnecting(False)
        if self.frozen or self.paused or self._closed:
            return
        self._marker = result.marker
        if result.state is None:
            return
        self._last_full = time.monotonic()
        first = self.state is None
        self.state = result.state
        if first:
            self.retitle()
        new = self._take_new(result.calls, result.state.now)
        for call in new:
            if call.counter_number is not None:
                self._blinking[call.counter_number] = time.monotonic()
        self.view.show_state(result.state, self._lit())
        self.view.restyle()
        for call in new:
            if call.counter_number is not None:
                self.announcer.announce(call.code, call.counter_number, style=self._style(),
                                        english=self._english())
            self.shown.emit(call)

    def _failed(self, exc: BaseException) -> None:
        self._in_flight_since = None
        self._failures += 1
        failure = classify(exc)  # a bug was logged with its number where it was raised (ui.tasks)
        if self._failures == 1 and failure.kind != UNEXPECTED:  # once per outage, not every half second
            log.warning("the board cannot read the office database (%s: %s); it keeps the last board and "
                        "tries again", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        self._next_poll_at = time.monotonic() + BACKOFF_S[min(self._failures, len(BACKOFF_S)) - 1]
        if not self.frozen:
            if failure.kind == UNEXPECTED:
                self.view.show_problem(_("The board cannot be updated (error {number}); it keeps trying.").format(
                    number=failure.incident))
            else:
                self.view.show_reconnecting(True)

    def _take_new(self, calls: tuple[Call, ...], now: datetime) -> list[Call]:
        """The calls not seen before, oldest first; the first read only learns what is there."""
        new = [c for c in calls if c.id not in self._seen]
        for c in new:
            self._seen[c.id] = c.at
        horizon = now - timedelta(seconds=CALL_WINDOW_S * 2)
        self._seen = {k: at for k, at in self._seen.items() if at >= horizon}
        if not self._primed:
            self._primed = True
            return []
        return sorted(new, key=lambda c: (c.at, c.id))

    def _style(self) -> str:
        return self.ctx.style or (self.state.announce_style if self.state else "number")

    def _english(self) -> bool:
        return self.ctx.english if self.ctx.english is not None else bool(self.state and self.state.announce_english)

    # --- lighting -------------------------------------------------------------------------------

    def _lit(self) -> Lit:
        state = self.state
        if state is None:
            return Lit()
        now = time.monotonic()
        self._blinking = {n: t for n, t in self._blinking.items() if now - t < self.blink_s}
        blinking = set(self._blinking) | {c.number for c in state.counters if c.fresh}
        latest = state.latest
        on_card = latest is not None and any(c.number == latest.counter_number and c.ticket_code == latest.code
                                             for c in state.counters)
        return Lit(latest=latest.counter_number if on_card and latest else None, blinking=frozenset(blinking),
                   blink_on=self._blink_on or self.frozen)

    def _blink(self) -> None:
        if self.state is None:
            return
        lit = self._lit()
        if lit.blinking or self.view.lit != lit:
            self._blink_on = not self._blink_on if lit.blinking else True
            self.view.show_lit(self._lit())

    def _tick(self) -> None:
        self.view.show_time(self.state.now if self.frozen and self.state else self.ctx.now())
        self.view.restyle()

    # --- the tour, languages, closing ----------------------------------------------------------------

    def freeze(self, state: BoardState, *, reconnecting: bool = False) -> None:
        """Show a made-up board and stop reading (``motcua tour``)."""
        self.frozen = True
        self.state = state
        self._blinking.clear()
        self._blink_on = True
        self.view.ticker.freeze(True)
        self.view.show_state(state, self._lit())
        self.view.show_reconnecting(reconnecting)
        self.view.show_time(state.now)
        self.view.restyle()

    def redraw(self) -> None:
        """Every text again, in the current language."""
        self.view.show_state(self.state, self._lit())
        if self.view.problem:
            self.view.show_reconnecting(True)
        self.view.show_time(self.state.now if self.frozen and self.state else self.ctx.now())

    def toggle_language(self) -> None:
        set_app_language("en" if current_language() == "vi" else "vi")
        self.nav.retranslate()
        self.retitle()

    def retitle(self) -> None:
        """The board's app and office in the title (the office's name from the context, or
        from the first board read when the context was made without it)."""
        state = self.state
        office = (localized(self.ctx.office_name_vi, self.ctx.office_name_en) if self.ctx.office_name_vi
                  else state.office_name(current_language()) if state is not None else "")
        self.setWindowTitle(window_title(board_words(), office, training=on_training_clock(self.ctx.clock)))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_F11:  # a technician setting the TV up
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for timer in (self._poll_timer, self._clock_timer, self._blink_timer):
            timer.stop()
        self.view.ticker.stop()
        self.announcer.stop()
        self.tasks.wait_idle(5000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        event.accept()


__all__ = ["BACKOFF_S", "CALL_WINDOW_S", "POLL_MS", "REFRESH_S", "BoardRead", "BoardScreen", "DisplayWindow",
           "read_board"]
