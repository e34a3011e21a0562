"""Nothing typed at the intake is lost: autosave into a draft through one serial write queue;
drafts resumed or thrown away."""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from core.i18n import _
from counter.intake import model
from counter.intake.model import DraftOffer, IntakeState, ProcedureDetails
from counter.intake.words import error_words
from ui.parts import say
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from counter.intake.view import IntakeScreen

AUTOSAVE_MS = 1_000  # after the last keystroke

Callback = Callable[[Any], None]


class WriteQueue:
    """The intake's writes, ONE after the other, each its own small transaction on the
    TaskRunner: an old autosave can never land after the save that deleted the draft."""

    def __init__(self, tasks: TaskRunner) -> None:
        self.tasks = tasks
        self._waiting: deque[tuple[Callable[..., Any], tuple[Any, ...], Callback | None, Callback | None]] = deque()
        self._writing = False

    def write(self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None,
              on_error: Callback | None = None) -> None:
        self._waiting.append((fn, args, on_done, on_error))
        self._pump()

    def _pump(self) -> None:
        if self._writing or not self._waiting:
            return
        fn, args, on_done, on_error = self._waiting.popleft()
        self._writing = True

        def finish(callback: Callback | None, value: Any) -> None:
            self._writing = False
            try:
                if callback is not None:
                    callback(value)
            finally:
                self._pump()

        self.tasks.run(fn, *args, on_done=lambda v: finish(on_done, v), on_error=lambda e: finish(on_error, e))


class Drafts:
    """The intake screen's autosave and its drafts: the draft this intake writes to
    (``id``), what a keystroke schedules, resuming another draft, throwing one away.

    Composed into :class:`~counter.intake.view.IntakeScreen`, whose state, pages, status
    line and write queue it uses; the screen's save and refusal delete the draft in the same
    transaction (``id`` goes back to None)."""

    def __init__(self, screen: IntakeScreen) -> None:
        self.screen = screen
        self.id: uuid.UUID | None = None
        self._confirm_discard = False
        self.timer = QTimer(screen)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.autosave)

    def typed(self) -> None:
        """Something changed on a page: keep it in the state, save it a second later."""
        self.screen._store()
        self.screen._buttons()
        self.timer.start(AUTOSAVE_MS)

    def autosave(self) -> None:
        """The whole state into this intake's draft (its own small transaction, queued)."""
        screen = self.screen
        self.timer.stop()
        if screen.state.step == "done" or screen.state.is_empty or screen.ctx.staff is None:
            return
        screen._store()
        if self.id is None:
            self.id = uuid.uuid4()
        snapshot = IntakeState.from_data(screen.state.to_data())
        snapshot.step = screen.state.step
        screen.writes.write(model.autosave, screen.ctx, self.id, snapshot, screen.ctx.actor,
                            on_error=lambda exc: say(screen.status, _("The draft could not be saved: {reason}").format(
                                reason=error_words(exc)), "error"))

    def flush(self) -> None:
        """Leaving the page: a pending autosave is written now."""
        if self.timer.isActive():
            self.autosave()

    def forget(self) -> None:
        """A new intake: no draft, nothing pending."""
        self.timer.stop()
        self.id = None

    def resume(self, offer: DraftOffer) -> None:
        screen = self.screen
        if screen.busy:
            return
        if not screen.state.is_empty:
            self.autosave()  # the work on screen stays a draft of its own
        screen.busy = True
        screen.tasks.run(model.procedure_details, screen.ctx, offer.state.procedure_code,
                         on_done=lambda d: self._resumed(offer, d),
                         on_error=lambda exc: self._resumed(offer, None) if offer.state.step == "procedure"
                         else screen._failed(exc))

    def _resumed(self, offer: DraftOffer, details: ProcedureDetails | None) -> None:
        screen = self.screen
        screen.busy = False
        screen.state = IntakeState.from_data(offer.state.to_data())
        self.id = offer.id
        screen.details = details
        screen.procedure.set_offers([o for o in screen.procedure.offers if o.id != offer.id])
        screen.applicant.clear()
        say(screen.status, _("Draft resumed: everything typed before is back."), "ok")
        screen.show_step(offer.state.step if details is not None else "procedure")

    def drop(self, offer: DraftOffer) -> None:
        screen = self.screen
        screen.procedure.set_offers([o for o in screen.procedure.offers if o.id != offer.id])
        screen.writes.write(model.discard, screen.ctx, offer.id, on_error=screen._failed)

    def discard(self) -> None:
        """Throw this intake away (asks once more: what was typed is lost)."""
        screen = self.screen
        if not self._confirm_discard:
            self._confirm_discard = True
            say(screen.status, _("Press «Discard» again to throw this intake away."), "error")
            QTimer.singleShot(5000, lambda: setattr(self, "_confirm_discard", False))
            return
        self._confirm_discard = False
        if self.id is not None:
            screen.writes.write(model.discard, screen.ctx, self.id, on_error=screen._failed)
        screen.start_new()
        say(screen.status, _("The intake was discarded."), "ok")

    def ask_again(self) -> None:
        """The next «Discard» asks first (the tour shows the question)."""
        self._confirm_discard = False


__all__ = ["AUTOSAVE_MS", "Drafts", "WriteQueue"]
