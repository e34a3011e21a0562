"""The wizard's last page: what was saved or printed (the dossier's code, the form on its way to the printer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core.i18n import _, pgettext
from counter.keys import key_text
from counter.intake.model import Outcome
from counter.intake.steps import StepPage
from ui.parts import label, vbox


class DoneStep(StepPage):
    def __init__(self) -> None:
        super().__init__()
        self.outcome: Outcome | None = None
        self.heading = label(role="title", name="intake-done-title")
        self.code = label(role="big", wrap=True, name="intake-done-code")
        self.details = label(role="subtitle", name="intake-done-details")
        self.printing = label(role="info", name="intake-print-status")
        self.next_hint = label(role="hint")
        vbox(self, [self.heading, self.code, self.details, self.printing, self.next_hint], spacing=12).addStretch(1)

    def show_outcome(self, outcome: Outcome | None, due_words: Callable[[datetime], str]) -> None:
        self.outcome = outcome
        self.retranslate_with(due_words)

    def retranslate_with(self, due_words: Callable[[datetime], str]) -> None:
        self._due_words = due_words
        o = self.outcome
        self.next_hint.setText(_("{key}: next dossier.").format(key=key_text("intake.next")))
        if o is None:
            return
        from core.money import format_money

        if o.kind == "received":
            self.heading.setText(pgettext("counter intake", "Dossier received"))
            self.code.setText(o.dossier_code)
            self.details.setText(_("{name} · result due {when} · fee {fee}.").format(name=o.applicant_name, when=due_words(o.due_at) if o.due_at else "–",
                                                      fee=format_money(o.fee_vnd)))
        elif o.kind == "supplement":
            self.heading.setText(_("Dossier not received: documents missing"))
            self.code.setText("")
            self.details.setText(_("A request to supplement (form 02) for {name} is being printed. It lists: "
                                   "{items}.").format(name=o.applicant_name, items="; ".join(o.missing)))
        else:
            self.heading.setText(pgettext("counter intake", "Refusal printed"))
            self.code.setText("")
            self.details.setText(_("The refusal (form 03) for {name} is being printed. No dossier was "
                                   "received.").format(name=o.applicant_name))
        self.code.setVisible(bool(self.code.text()))

    def retranslate(self) -> None:
        if hasattr(self, "_due_words"):
            self.retranslate_with(self._due_words)

    def focus_first(self) -> None:
        self.setFocus()


__all__ = ["DoneStep"]
