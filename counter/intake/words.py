"""What the intake wizard says in words that more than one place says: failures, the step, prints, a known citizen."""

from __future__ import annotations

from core.i18n import _, pgettext
from counter.intake.model import STEPS
from counter.intake.steps import step_words
from ui.failures import failure_words


def error_words(exc: BaseException) -> str:
    return failure_words(exc, unavailable=_(
        "The office database cannot be reached. Nothing is lost: the draft is kept. Please try again."))


def where_words(step: str) -> str:
    """"Step 2 of 5: Documents", above the page."""
    return _("Step {n} of {total}: {name}").format(n=STEPS.index(step) + 1, total=len(STEPS), name=step_words(step))


def known_words(name: str) -> str:
    """Said when a citizen who came before filled the empty fields."""
    return _("Known citizen: the empty fields were filled from {name}'s earlier dossiers. Check them.").format(name=name)


def printed_words(kind: str) -> str:
    """The paper of an outcome (received / supplement / refused) came out of the printer."""
    return {"received": pgettext("counter intake", "Receipt printed."),
            "supplement": _("Request to supplement printed."),
            "refused": _("Refusal printed.")}[kind]


def print_problem_words(message: str) -> str:
    return _("Printer problem: {message}. The paper waits in the print queue and prints when the printer is back; "
             "the dossier itself is saved.").format(message=message)


__all__ = ["error_words", "known_words", "print_problem_words", "printed_words", "where_words"]
