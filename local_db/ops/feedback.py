"""Citizens' ratings of the service, attributed to the counter and the clerk who served them.

Kiosks and counter pads collect the three-level rating offices use in practice (RẤT HÀI
LÒNG / HÀI LÒNG / KHÔNG HÀI LÒNG) per ticket or per dossier, plus, optionally, the
citizen-facing criteria of the evaluation (Circular 01/2018 arts. 12-14, Decree 61 art. 31)
asked in plain words: was it on time, how many times did you have to come or make
contact, was the procedure posted, how did the staff behave, were you asked to pay
anything beyond the official fee.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import LazyText, lazy_gettext
from core.text import nfc
from core.ticket_states import TicketStatus
from core.working_calendar import OFFICE_TZ, to_office_time
from local_db import journal
from local_db.models import Counter, Dossier, Feedback, Staff, Ticket

RATINGS = ("very_satisfied", "satisfied", "unsatisfied")
RATING_LABELS_VI = {
    "very_satisfied": "Rất hài lòng",
    "satisfied": "Hài lòng",
    "unsatisfied": "Không hài lòng",
}

#: The citizen-facing criteria and what each answer may be.
CRITERIA_QUESTIONS_VI = {
    "on_time": "Hồ sơ có được giải quyết đúng hẹn không?",
    "times_contacted": "Ông/bà đã phải đến hoặc liên hệ bao nhiêu lần?",
    "info_posted": "Thủ tục có được niêm yết công khai không?",
    "staff_conduct": "Thái độ của cán bộ tiếp nhận?",
    "extra_costs": "Ông/bà có bị yêu cầu nộp thêm khoản nào ngoài phí, lệ phí quy định không?",
}
CRITERIA = tuple(CRITERIA_QUESTIONS_VI)
MAX_TIMES_CONTACTED = 99
MAX_COMMENT = 2000

#: Tickets a citizen can rate: they have been served (or are being served) at a counter.
RATEABLE_TICKET_STATUSES = (TicketStatus.SERVING, TicketStatus.DONE)


@dataclass(frozen=True)
class FeedbackInfo:
    id: uuid.UUID
    rating: str
    rating_label_vi: str
    ticket_id: uuid.UUID | None
    ticket_code: str | None
    dossier_id: uuid.UUID | None
    dossier_code: str | None
    counter_number: int | None
    staff_id: uuid.UUID | None
    staff_name: str | None
    criteria: dict[str, Any]
    comment: str
    given_at: datetime


@dataclass(frozen=True)
class FeedbackSummary:
    """Counts of ratings over office-local days ``since``..``until`` (both included).

    Every count dict has all three ratings as keys. ``by_counter`` is keyed by counter
    number and ``by_staff`` by username (None: feedback not attributed to one).
    ``criteria`` counts the answers per criterion (booleans as "yes"/"no"/"unknown",
    staff_conduct by rating, times_contacted by number).
    """

    office_code: str
    since: date
    until: date
    total: int
    by_rating: dict[str, int]
    by_counter: dict[int | None, dict[str, int]]
    by_staff: dict[str | None, dict[str, int]]
    staff_names: dict[str, str] = field(default_factory=dict)
    criteria: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def satisfied_share(self) -> float | None:
        """Share of very satisfied + satisfied, the figure reports quote; None with no feedback."""
        if not self.total:
            return None
        return (self.by_rating["very_satisfied"] + self.by_rating["satisfied"]) / self.total


def _check_rating(value: Any, field_name: str) -> str:
    if value not in RATINGS:
        raise ValidationError(lazy_gettext("The rating must be one of: {choices}", choices=", ".join(RATINGS)),
                              field=field_name,
                              code="invalid_rating", value=str(value))
    return str(value)


def validate_criteria(criteria: dict[str, Any] | None) -> dict[str, Any]:
    """The answered criteria, checked key by key; unanswered ones may be left out."""
    if criteria is None:
        return {}
    if not isinstance(criteria, dict):
        raise ValidationError(lazy_gettext("Invalid rating criteria"), field="criteria", code="invalid_criteria")
    unknown = sorted(set(map(str, criteria)) - set(CRITERIA))
    if unknown:
        raise ValidationError(lazy_gettext("No such criteria: {keys}", keys=", ".join(unknown)), field="criteria",
                              code="unknown_criterion", keys=unknown)
    out: dict[str, Any] = {}
    for key, value in criteria.items():
        if key == "on_time":
            if value is not None and not isinstance(value, bool):
                raise _bad(key, value, lazy_gettext("yes / no / not sure"))
        elif key in ("info_posted", "extra_costs"):
            if not isinstance(value, bool):
                raise _bad(key, value, lazy_gettext("yes / no"))
        elif key == "times_contacted":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIMES_CONTACTED:
                raise _bad(key, value, lazy_gettext("a number from 0 to {n}", n=MAX_TIMES_CONTACTED))
        elif key == "staff_conduct":
            if value not in RATINGS:
                raise _bad(key, value, ", ".join(RATINGS))
        out[key] = value
    return out


def _bad(key: str, value: Any, expected: LazyText | str) -> ValidationError:
    return ValidationError(lazy_gettext("Invalid answer for the criterion {key} ({expected} is needed)", key=key,
                                        expected=expected), field=f"criteria.{key}",
                           code="invalid_criterion", key=key, value=repr(value))


def give_feedback(session: Session, actor: Actor, *, rating: str, ticket_id: uuid.UUID | None = None,
                  dossier_id: uuid.UUID | None = None, counter_number: int | None = None,
                  criteria: dict[str, Any] | None = None, comment: str = "",
                  now: datetime | None = None) -> FeedbackInfo:
    """Record one rating. The counter and clerk come from the ticket (who served it) or the
    dossier (who received it) when given, else the counter from ``counter_number``.

    A ticket and a dossier are each rated at most once ("already_rated").
    """
    now = now or datetime.now(timezone.utc)
    to_office_time(now)  # refuses naive datetimes
    rating = _check_rating(rating, "rating")
    answers = validate_criteria(criteria)
    comment = nfc(comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(lazy_gettext("The comment is longer than {n} characters", n=MAX_COMMENT), field="comment")

    counter_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    ticket = dossier = None
    if ticket_id is not None:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.office_code != actor.office_code:
            raise NotFound(lazy_gettext("Queue number not found"), code="ticket_not_found", ticket_id=str(ticket_id))
        if ticket.status not in RATEABLE_TICKET_STATUSES:
            raise DomainError(lazy_gettext("Number {ticket} has not been served yet, so it cannot be rated yet",
                                           ticket=ticket.code), code="not_served",
                              ticket_code=ticket.code, status=ticket.status)
        _refuse_second(session, Feedback.ticket_id == ticket.id,
                       lazy_gettext("Number {ticket} has already been rated", ticket=ticket.code))
        counter_id, staff_id = ticket.counter_id, ticket.staff_id
    if dossier_id is not None:
        dossier = session.get(Dossier, dossier_id)
        if dossier is None or dossier.office_code != actor.office_code:
            raise NotFound(lazy_gettext("Dossier not found"), code="dossier_not_found", dossier_id=str(dossier_id))
        _refuse_second(session, Feedback.dossier_id == dossier.id,
                       lazy_gettext("Dossier {dossier} has already been rated", dossier=dossier.code))
        counter_id = counter_id or dossier.counter_id
        staff_id = staff_id or dossier.received_by
    if counter_id is None and counter_number is not None:
        counter_id = session.scalar(select(Counter.id).where(
            Counter.office_code == actor.office_code, Counter.number == counter_number))
        if counter_id is None:
            raise ValidationError(lazy_gettext("There is no counter number {number}", number=counter_number),
                                  field="counter_number",
                                  code="counter_not_found")

    fb = Feedback(office_code=actor.office_code, ticket_id=ticket.id if ticket else None,
                  dossier_id=dossier.id if dossier else None, counter_id=counter_id, staff_id=staff_id,
                  rating=rating, criteria=answers, comment=comment, given_at=now)
    session.add(fb)
    session.flush()
    journal.record(session, actor, entity="feedback", entity_id=fb.id, op_type="give", now=now, to_state="given",
                   payload={"rating": rating, "ticket_id": fb.ticket_id, "dossier_id": fb.dossier_id,
                            "counter_id": counter_id, "staff_id": staff_id, "criteria": answers,
                            "comment": comment, "given_at": now})
    return _info(session, fb)


@dataclass(frozen=True)
class RatingCheck:
    """Can this ticket or dossier be rated now? ``outcome`` is ``ok``, ``not_served`` (a
    ticket not served yet, or unknown here), ``already_rated`` or ``unknown`` (no such
    dossier); ``code`` is the ticket's or dossier's code when it is known."""

    outcome: str
    code: str = ""


def rating_check(session: Session, *, ticket_id: uuid.UUID | None = None,
                 dossier_id: uuid.UUID | None = None) -> RatingCheck:
    """What :func:`give_feedback` would say about rating this ticket (or else this dossier),
    asked before the citizen fills the form: the kiosk says so at once rather than after."""
    if ticket_id is not None:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.status not in RATEABLE_TICKET_STATUSES:
            return RatingCheck("not_served", ticket.code if ticket is not None else "")
        rated = session.scalar(select(Feedback.id).where(Feedback.ticket_id == ticket.id).limit(1))
        return RatingCheck("already_rated" if rated is not None else "ok", ticket.code)
    dossier = session.get(Dossier, dossier_id) if dossier_id is not None else None
    if dossier is None:
        return RatingCheck("unknown")
    rated = session.scalar(select(Feedback.id).where(Feedback.dossier_id == dossier.id).limit(1))
    return RatingCheck("already_rated" if rated is not None else "ok", dossier.code)


def _refuse_second(session: Session, condition: Any, message: LazyText) -> None:
    existing = session.scalar(select(Feedback.id).where(condition).limit(1))
    if existing is not None:
        raise DomainError(message, code="already_rated", feedback_id=str(existing))


def _info(session: Session, fb: Feedback) -> FeedbackInfo:
    ticket_code = session.scalar(select(Ticket.code).where(Ticket.id == fb.ticket_id)) if fb.ticket_id else None
    dossier_code = session.scalar(select(Dossier.code).where(Dossier.id == fb.dossier_id)) if fb.dossier_id else None
    counter_number = session.scalar(select(Counter.number).where(Counter.id == fb.counter_id)) if fb.counter_id else None
    staff_name = session.scalar(select(Staff.full_name).where(Staff.id == fb.staff_id)) if fb.staff_id else None
    return FeedbackInfo(
        id=fb.id, rating=fb.rating, rating_label_vi=RATING_LABELS_VI[fb.rating], ticket_id=fb.ticket_id,
        ticket_code=ticket_code, dossier_id=fb.dossier_id, dossier_code=dossier_code,
        counter_number=counter_number, staff_id=fb.staff_id, staff_name=staff_name,
        criteria=dict(fb.criteria or {}), comment=fb.comment, given_at=fb.given_at,
    )


def get_feedback(session: Session, feedback_id: uuid.UUID) -> FeedbackInfo:
    fb = session.get(Feedback, feedback_id)
    if fb is None:
        raise NotFound(lazy_gettext("Rating not found"), code="feedback_not_found")
    return _info(session, fb)


def _zero() -> dict[str, int]:
    return {r: 0 for r in RATINGS}


def _answer_key(key: str, value: Any) -> str:
    if key == "staff_conduct":
        return str(value)
    if key == "times_contacted":
        return str(int(value))
    return "unknown" if value is None else ("yes" if value else "no")


def feedback_summary(session: Session, office_code: str, *, since: date, until: date) -> FeedbackSummary:
    """Ratings given on office-local days since..until (both included), per counter and per clerk."""
    if until < since:
        raise ValidationError(lazy_gettext("The end day must be after the start day"), field="until")
    start = datetime.combine(since, time(0), tzinfo=OFFICE_TZ)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=OFFICE_TZ)
    rows = session.execute(
        select(Feedback.rating, Feedback.criteria, Counter.number, Staff.username, Staff.full_name)
        .outerjoin(Counter, Counter.id == Feedback.counter_id)
        .outerjoin(Staff, Staff.id == Feedback.staff_id)
        .where(Feedback.office_code == office_code, Feedback.given_at >= start, Feedback.given_at < end)).all()
    by_rating = _zero()
    by_counter: dict[int | None, dict[str, int]] = {}
    by_staff: dict[str | None, dict[str, int]] = {}
    names: dict[str, str] = {}
    answers: dict[str, dict[str, int]] = {key: {} for key in CRITERIA}
    for rating, criteria, counter_number, username, full_name in rows:
        by_rating[rating] = by_rating.get(rating, 0) + 1
        per_counter = by_counter.setdefault(counter_number, _zero())
        per_counter[rating] = per_counter.get(rating, 0) + 1
        per_staff = by_staff.setdefault(username, _zero())
        per_staff[rating] = per_staff.get(rating, 0) + 1
        if username:
            names[username] = full_name
        for key, value in (criteria or {}).items():
            if key in answers:
                bucket = answers[key]
                k = _answer_key(key, value)
                bucket[k] = bucket.get(k, 0) + 1
    return FeedbackSummary(office_code=office_code, since=since, until=until, total=len(rows), by_rating=by_rating,
                           by_counter=by_counter, by_staff=by_staff, staff_names=names, criteria=answers)


__all__ = [
    "CRITERIA", "CRITERIA_QUESTIONS_VI", "RATINGS", "RATING_LABELS_VI", "FeedbackInfo", "FeedbackSummary",
    "RatingCheck", "feedback_summary", "get_feedback", "give_feedback", "rating_check", "validate_criteria",
]
