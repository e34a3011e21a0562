"""Nothing typed at the intake is lost: autosave into a draft through one serial write queue; drafts resumed or thrown away."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer

from core.i18n import _
from counter.intake import model
from counter.intake.model import DraftOffer, IntakeState, ProcedureDetails
from counter.intake.words import error_words
from ui.parts import say

AUTOSAVE_MS = 1_000  # after the last keystroke


class DraftsMixin:
    """The intake screen's autosave, its serial write queue, and its drafts.

    Mixed into :class:`~counter.intake.view.IntakeScreen`, whose state, pages, status line,
    timers and TaskRunner it uses. Every write goes through ONE queue of small transactions,
    one after the other, so an old autosave can never land after the save that deleted the
    draft."""

    def _typed(self) -> None:
        self._store()
        self._buttons()
        self.autosave_timer.start(AUTOSAVE_MS)

    def autosave(self) -> None:
        """The whole state into this intake's draft (its own small transaction, queued)."""
        self.autosave_timer.stop()
        if self.state.step == "done" or self.state.is_empty or self.ctx.staff is None:
            return
        self._store()
        if self.draft_id is None:
            self.draft_id = uuid.uuid4()
        snapshot = IntakeState.from_data(self.state.to_data())
        snapshot.step = self.state.step
        self._write(model.autosave, self.ctx, self.draft_id, snapshot, self.ctx.actor,
                    on_error=lambda exc: say(self.status, _("The draft could not be saved: {reason}").format(
                        reason=error_words(exc)), "error"))

    def _write(self, fn: Callable[..., Any], *args: Any, on_done: Callable | None = None,
               on_error: Callable | None = None) -> None:
        self._writes.append((fn, args, on_done, on_error))
        self._pump()

    def _pump(self) -> None:
        if self._writing or not self._writes:
            return
        fn, args, on_done, on_error = self._writes.popleft()
        self._writing = True

        def finish(callback: Callable | None, value: Any) -> None:
            self._writing = False
            try:
                if callback is not None:
                    callback(value)
            finally:
                self._pump()

        self.tasks.run(fn, *args, on_done=lambda v: finish(on_done, v), on_error=lambda e: finish(on_error, e))

    # --- drafts ------------------------------------------------------------------------------------

    def resume(self, offer: DraftOffer) -> None:
        if self.busy:
            return
        if not self.state.is_empty:
            self.autosave()  # the work on screen stays a draft of its own
        self.busy = True
        self.tasks.run(model.procedure_details, self.ctx, offer.state.procedure_code,
                       on_done=lambda d: self._resumed(offer, d),
                       on_error=lambda exc: self._resumed(offer, None) if offer.state.step == "procedure"
                       else self._failed(exc))

    def _resumed(self, offer: DraftOffer, details: ProcedureDetails | None) -> None:
        self.busy = False
        self.state = IntakeState.from_data(offer.state.to_data())
        self.draft_id = offer.id
        self.details = details
        self.procedure.set_offers([o for o in self.procedure.offers if o.id != offer.id])
        self.applicant.clear()
        say(self.status, _("Draft resumed: everything typed before is back."), "ok")
        step = offer.state.step if details is not None else "procedure"
        self.show_step(step)

    def drop_draft(self, offer: DraftOffer) -> None:
        self.procedure.set_offers([o for o in self.procedure.offers if o.id != offer.id])
        self._write(model.discard, self.ctx, offer.id, on_error=self._failed)

    def discard(self) -> None:
        """Throw this intake away (asks once more: what was typed is lost)."""
        if not self._confirm_discard:
            self._confirm_discard = True
            say(self.status, _("Press «Discard» again to throw this intake away."), "error")
            QTimer.singleShot(5000, lambda: setattr(self, "_confirm_discard", False))
            return
        self._confirm_discard = False
        if self.draft_id is not None:
            self._write(model.discard, self.ctx, self.draft_id, on_error=self._failed)
        self.start_new()
        say(self.status, _("The intake was discarded."), "ok")


__all__ = ["AUTOSAVE_MS", "DraftsMixin"]
