"""Rating the service at the kiosk, Qt-free: who is rated (a counter the citizen picks, or
the ticket or receipt they scan), the three-level rating and the citizen-facing criteria.

What is stored is local_db.ops.feedback's: the rating, the criteria answered (unanswered
ones are left out, never guessed), the counter and clerk found from the ticket (who served
it) or the dossier (who received it). A ticket or a dossier is rated once; the kiosk says
so before the citizen answers anything, not after.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from core.errors import MotcuaError
from core.i18n import N_, _, current_language
from core.scanned import ScanKind, classify
from core.tokens import ReceiptToken, Result, TicketToken
from kiosk.context import KioskContext
from local_db.ops import catalog
from local_db.ops.feedback import (
    RATINGS,
    FeedbackInfo,
    give_feedback,
    rating_check,
)
from local_db.ops.scan_check import check_scan
from ui.failures import failure_words

#: The three levels, best first, as the citizen reads them.
RATING_WORDS = {
    "very_satisfied": N_("Very satisfied"),
    "satisfied": N_("Satisfied"),
    "unsatisfied": N_("Not satisfied"),
}

#: The citizen-facing criteria, asked in plain words: (key, question, ((value, answer), ...)).
QUESTIONS: tuple[tuple[str, str, tuple[tuple[Any, str], ...]], ...] = (
    ("on_time", N_("Was your matter settled by the promised date?"),
     ((True, N_("Yes, on time")), (False, N_("No, it was late")), (None, N_("Not yet / not sure")))),
    ("times_contacted", N_("How many times did you have to come or get in touch for this matter?"),
     ((1, N_("Once")), (2, N_("Twice")), (3, N_("3 times or more")))),
    ("info_posted", N_("Were the papers, fees and time limits of the procedure posted for you to read?"),
     ((True, N_("Yes, they were posted")), (False, N_("No, I did not see them")))),
    ("staff_conduct", N_("How did the staff treat you?"),
     (("very_satisfied", N_("Very well")), ("satisfied", N_("Well")), ("unsatisfied", N_("Not well")))),
    ("extra_costs", N_("Were you asked to pay anything beyond the official fee?"),
     ((True, N_("Yes, I was asked to")), (False, N_("No, only the official fee")))),
)

# Outcomes of identifying what is rated.
OK, REFUSED, NOT_RATEABLE, ALREADY_RATED, NOT_SERVED = "ok", "refused", "not_rateable", "already_rated", "not_served"


@dataclass(frozen=True)
class CounterChoice:
    number: int
    name: str
    services_vi: tuple[str, ...]
    services_en: tuple[str, ...]

    def services(self) -> str:
        names = self.services_vi if current_language() == "vi" else (self.services_en or self.services_vi)
        return ", ".join(names)


@dataclass(frozen=True)
class Target:
    """What the rating is about: a counter, a served ticket, or a dossier."""

    counter_number: int | None = None
    ticket_id: uuid.UUID | None = None
    ticket_code: str = ""
    dossier_id: uuid.UUID | None = None
    dossier_code: str = ""

    def words(self) -> str:
        if self.ticket_id is not None:
            return _("Your visit with number {code}").format(code=self.ticket_code)
        if self.dossier_id is not None:
            return _("Your dossier {code}").format(code=self.dossier_code)
        return _("Counter {number}").format(number=self.counter_number)


@dataclass(frozen=True)
class Identified:
    outcome: str
    target: Target | None = None
    messages: dict[str, str] = field(default_factory=dict)  # REFUSED: per language
    code: str = ""


def counter_choices(ctx: KioskContext) -> list[CounterChoice]:
    with ctx.db.read() as s:
        counters = catalog.active_counters(s, ctx.office_code)
    return [CounterChoice(c.number, c.name, c.service_names_vi, c.service_names_en) for c in counters]


def identify_scan(ctx: KioskContext, text: str) -> Identified:
    """A scanned ticket or receipt: genuine, of this office, served, and not rated yet."""
    scanned = classify(text or "")
    if scanned.kind not in (ScanKind.TICKET, ScanKind.RECEIPT):
        return Identified(NOT_RATEABLE)
    expect = TicketToken if scanned.kind is ScanKind.TICKET else ReceiptToken
    with ctx.db.read() as s:
        check = check_scan(s, ctx.office_code, text, now=ctx.now(), expect_kind=expect)
        # A finished ticket is "used" for the queue, and exactly what a citizen rates.
        if check.result not in (Result.VALID, Result.ALREADY_USED) or not isinstance(check.token, expect):
            return Identified(REFUSED, messages=dict(check.messages))
        token = check.token
        if isinstance(token, TicketToken):
            rating = rating_check(s, ticket_id=token.entity_id)
            if rating.outcome == NOT_SERVED:
                return Identified(NOT_SERVED, code=token.ticket_code)
            if rating.outcome == ALREADY_RATED:
                return Identified(ALREADY_RATED, code=rating.code)
            return Identified(OK, Target(ticket_id=token.entity_id, ticket_code=rating.code))
        rating = rating_check(s, dossier_id=token.entity_id)
        if rating.outcome == "unknown":
            return Identified(NOT_RATEABLE)
        if rating.outcome == ALREADY_RATED:
            return Identified(ALREADY_RATED, code=rating.code)
        return Identified(OK, Target(dossier_id=token.entity_id, dossier_code=rating.code))


def submit(ctx: KioskContext, target: Target, rating: str, criteria: dict[str, Any]) -> FeedbackInfo:
    """Store the rating (criteria the citizen skipped are left out)."""
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    keys = {q[0] for q in QUESTIONS}
    answers = {k: v for k, v in criteria.items() if k in keys}
    with ctx.db.write() as s:
        return give_feedback(s, ctx.actor, rating=rating, ticket_id=target.ticket_id, dossier_id=target.dossier_id,
                             counter_number=target.counter_number if target.ticket_id is None and
                             target.dossier_id is None else None, criteria=answers, now=ctx.now())


def identify_words(result: Identified) -> str:
    if result.outcome == REFUSED:
        base = result.messages.get(current_language()) or result.messages.get("vi") or ""
        return (base + " " if base else "") + _("You can still rate us by choosing the counter that served you.")
    if result.outcome == NOT_SERVED:
        return _("Number {code} has not been served yet. Please rate us after your visit at the counter.").format(
            code=result.code)
    if result.outcome == ALREADY_RATED:
        return _("{code} has already been rated. Thank you!").format(code=result.code)
    if result.outcome == NOT_RATEABLE:
        return _("Please scan your queue ticket or your dossier receipt, or choose the counter that served you.")
    return ""


def submit_error_words(exc: Exception) -> str:
    if isinstance(exc, MotcuaError) and exc.code == "already_rated":
        return _("This has already been rated. Thank you!")
    return failure_words(exc, unavailable=_(
        "Sorry, your rating could not be saved. Please try again or tell a staff member."), citizen=True)


__all__ = [
    "ALREADY_RATED", "NOT_RATEABLE", "NOT_SERVED", "OK", "QUESTIONS", "RATING_WORDS", "REFUSED", "CounterChoice",
    "Identified", "Target", "counter_choices", "identify_scan", "identify_words", "submit", "submit_error_words",
]
