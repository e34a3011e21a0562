"""The ID card's QR, read by the desk's USB scanner, fills the intake's applicant; a known citizen fills the rest."""

from __future__ import annotations

from counter.intake import model
from counter.intake.words import known_words
from local_db.office_settings import office_today
from ui.parts import say


class ScanMixin:
    """The intake screen's answers to a scan and to a CCCD or phone number typed.

    Mixed into :class:`~counter.intake.view.IntakeScreen`, whose state, applicant page,
    status line and TaskRunner it uses."""

    def on_scanned(self, text: str) -> None:
        """A scanner read a code (connected to ScannerInput.scanned)."""
        if self.state.step == "done" or not self.isVisible():
            return
        result = model.read_scan(text, office_today(self.ctx.now()))
        if not result.ok:
            say(self.applicant.scan_message, result.message, "error")
            say(self.status, result.message, "error")
            return
        self._store()
        for name in ("full_name", "cccd", "birth_date", "gender", "address"):
            setattr(self.state, name, getattr(result, name))
        self.state.id_card_read = True
        say(self.applicant.scan_message, result.message, "ok")
        say(self.status, "")
        self.applicant.load(self.state)
        self.applicant.show_errors({})
        if self.state.step == "applicant":
            self.applicant.focus_first()
        else:
            say(self.status, result.message, "ok")
        self.autosave()
        self.lookup(self.state.cccd, "")

    def lookup(self, cccd: str, phone: str) -> None:
        if (cccd or phone).strip():
            self.tasks.run(model.find_citizens, self.ctx, cccd=cccd, phone=phone, on_done=self._found,
                           on_error=lambda _e: None)

    def _found(self, citizens: list) -> None:
        if not citizens or self.state.step not in ("applicant", "documents", "procedure"):
            return
        self._store()
        before = self.state.to_data()
        self.state = model.fill_from_citizen(self.state, citizens[0])
        if self.state.to_data() != before:
            self.applicant.load(self.state)
            say(self.applicant.known, known_words(citizens[0].full_name), "info")
            self._typed()


__all__ = ["ScanMixin"]
