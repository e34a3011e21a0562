"""The ID card's QR, read by the desk's USB scanner, fills the intake's applicant; a known
citizen fills the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from counter.intake import model
from counter.intake.words import known_words
from local_db.office_settings import office_today
from local_db.ops.citizens import CitizenInfo
from ui.parts import say

if TYPE_CHECKING:
    from counter.intake.view import IntakeScreen


class IdCardFill:
    """The intake screen's answers to a scan and to a CCCD or phone number typed.

    Composed into :class:`~counter.intake.view.IntakeScreen`, whose state, applicant page,
    status line and TaskRunner it uses."""

    def __init__(self, screen: IntakeScreen) -> None:
        self.screen = screen

    def on_scanned(self, text: str) -> None:
        """A scanner read a code (connected to ScannerInput.scanned)."""
        screen = self.screen
        if screen.state.step == "done" or not screen.isVisible():
            return
        result = model.read_scan(text, office_today(screen.ctx.now()))
        if not result.ok:  # said once: beside the fields on their page, on the status line elsewhere
            if screen.state.step == "applicant":
                screen.applicant.say_scan(result.message, "error")
            else:
                say(screen.status, result.message, "error")
            return
        screen._store()
        for name in ("full_name", "cccd", "birth_date", "gender", "address"):
            setattr(screen.state, name, getattr(result, name))
        screen.state.id_card_read = True
        screen.applicant.say_scan(result.message, "ok")
        say(screen.status, "")
        screen.applicant.load(screen.state)
        screen.applicant.show_errors({})
        if screen.state.step == "applicant":
            screen.applicant.focus_first()
        else:
            say(screen.status, result.message, "ok")
        screen.drafts.autosave()
        self.lookup(screen.state.cccd, "")

    def lookup(self, cccd: str, phone: str) -> None:
        if (cccd or phone).strip():
            self.screen.tasks.run(model.find_citizens, self.screen.ctx, cccd=cccd, phone=phone,
                                  on_done=self._found, on_error=lambda _e: None)

    def _found(self, citizens: list[CitizenInfo]) -> None:
        screen = self.screen
        if not citizens or screen.state.step not in ("applicant", "documents", "procedure"):
            return
        screen._store()
        before = screen.state.to_data()
        screen.state = model.fill_from_citizen(screen.state, citizens[0])
        if screen.state.to_data() != before:
            screen.applicant.load(screen.state)
            say(screen.applicant.known, known_words(citizens[0].full_name), "info")
            screen.drafts.typed()


__all__ = ["IdCardFill"]
