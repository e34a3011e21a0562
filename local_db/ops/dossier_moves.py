"""Every move of a received dossier (docs/ARCHITECTURE.md §4's table), each one transaction.

The table itself lives in core.dossier_states: each move asks ``next_state`` first, which
raises TransitionError before anything is written, so an illegal move leaves no event and
no outbox row. A legal move writes one DossierEvent and one journal record whose payload
carries the dossier's deadline fields after the move, for the central server's copy.

The clock (Decree 61 art. 19): a request to supplement stops it (``due_at`` None); the
supplement restarts it from zero, the full processing time counted from that moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.dossier_states import DossierAction, next_state
from core.due_date import ProcessingTime, due_moment
from core.errors import DomainError, ValidationError
from core.i18n import LazyText, lazy_gettext
from core.working_calendar import to_office_time
from local_db import journal
from local_db.models import Dossier, DossierEvent, Procedure
from local_db.office_settings import calendar_for
from local_db.ops.dossier_info import DossierInfo, dossier_info, find_dossier_row, utc_now
from local_db.ops.dossier_intake import counter_id_for

A = DossierAction


def _required_text(value: str | None, field: str, message: LazyText) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError(message, field=field)
    return text


def _move(
    session: Session,
    actor: Actor,
    dossier_ref: uuid.UUID | str,
    action: DossierAction,
    now: datetime | None,
    *,
    note: str = "",
    counter_number: int | None = None,
    change: Callable[[Dossier, datetime], dict[str, Any]] | None = None,
) -> DossierInfo:
    """Check the move, let ``change`` validate and apply its own fields, then write history.

    ``change`` must raise before mutating anything; it returns the event's detail.
    """
    now = utc_now(now)
    dossier = find_dossier_row(session, dossier_ref, actor.office_code)
    from_state = dossier.status
    to_state = next_state(from_state, action).value
    counter_id = counter_id_for(session, actor.office_code, counter_number)
    detail = change(dossier, now) if change is not None else {}
    note = " ".join((note or "").split())

    dossier.status = to_state
    if to_state in ("returned", "rejected", "withdrawn"):
        dossier.closed_at = now
    steps = session.scalar(select(func.count()).select_from(DossierEvent)
                           .where(DossierEvent.dossier_id == dossier.id)) or 0
    session.add(DossierEvent(
        office_code=dossier.office_code, dossier_id=dossier.id, at=now, action=action.value,
        from_state=from_state, to_state=to_state, staff_id=actor.staff_id, counter_id=counter_id,
        note=note, detail=journal.jsonable({"step": steps + 1, **detail})))
    journal.record(
        session, actor, entity="dossier", entity_id=dossier.id, op_type=action.value,
        from_state=from_state, to_state=to_state, now=now,
        payload={
            "code": dossier.code, "status": to_state, "note": note, "detail": detail,
            "counter_number": counter_number, "staff_id": actor.staff_id,
            "clock_started_at": dossier.clock_started_at, "due_at": dossier.due_at,
            "original_due_at": dossier.original_due_at, "ready_at": dossier.ready_at,
            "returned_at": dossier.returned_at, "closed_at": dossier.closed_at,
            "reschedule_count": dossier.reschedule_count, "fee_paid_vnd": dossier.fee_paid_vnd,
            "returned_to": dossier.returned_to,
        },
        audit_detail={"code": dossier.code, "note": note},
    )
    session.flush()
    return dossier_info(session, dossier.id, now)


def send_to_processing(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, note: str = "",
                       counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """received -> in_processing: the dossier goes to the processing body."""
    return _move(session, actor, dossier_id, A.SEND_TO_PROCESSING, now, note=note, counter_number=counter_number)


def request_supplement(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, items: list[str],
                       note: str = "", counter_number: int | None = None,
                       now: datetime | None = None) -> DossierInfo:
    """received / in_processing -> needs_supplement (form 02, every item at once); the clock stops."""
    cleaned = [" ".join(str(i).split()) for i in items or []]
    cleaned = [i for i in cleaned if i]

    def change(d: Dossier, now: datetime) -> dict[str, Any]:
        if not cleaned:
            raise ValidationError(lazy_gettext("Write down which papers must be supplemented"), field="items")
        stopped_due = d.due_at
        d.due_at = None
        return {"items": cleaned, "stopped_due_at": stopped_due}

    return _move(session, actor, dossier_id, A.REQUEST_SUPPLEMENT, now, note=note,
                 counter_number=counter_number, change=change)


def supplement_received(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, note: str = "",
                        counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """needs_supplement -> received; the full processing time counts again from now."""

    def change(d: Dossier, now: datetime) -> dict[str, Any]:
        proc = session.get(Procedure, d.procedure_id)
        assert proc is not None
        due = due_moment(now, ProcessingTime.from_dict(proc.processing), calendar_for(session, d.office_code),
                         with_verification=d.with_verification).astimezone(timezone.utc)
        d.clock_started_at = now
        d.due_at = due
        # The earlier due moment is void: a reschedule is measured against this one.
        d.original_due_at = due
        return {"due_at": due}

    return _move(session, actor, dossier_id, A.SUPPLEMENT_RECEIVED, now, note=note,
                 counter_number=counter_number, change=change)


def _mark_ready(d: Dossier, now: datetime) -> dict[str, Any]:
    d.ready_at = now
    return {"on_time": d.due_at is not None and now <= d.due_at}


def result_back(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, note: str = "",
                counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """in_processing -> ready: the result came back from the processing body."""
    return _move(session, actor, dossier_id, A.RESULT_BACK, now, note=note, counter_number=counter_number,
                 change=_mark_ready)


def handle_at_desk(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, note: str = "",
                   counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """received -> ready: settled at the desk (same-day procedures)."""
    return _move(session, actor, dossier_id, A.HANDLE_AT_DESK, now, note=note, counter_number=counter_number,
                 change=_mark_ready)


def return_result(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, returned_to: str,
                  fee_paid_vnd: int | None = None, note: str = "", counter_number: int | None = None,
                  now: datetime | None = None) -> DossierInfo:
    """ready -> returned: the result handed to ``returned_to`` (the citizen or their proxy).

    ``fee_paid_vnd``, when given, records what was collected; None leaves it unchanged.
    """
    receiver = " ".join((returned_to or "").split())
    if fee_paid_vnd is not None and (isinstance(fee_paid_vnd, bool) or not isinstance(fee_paid_vnd, int)
                                     or fee_paid_vnd < 0):
        raise ValidationError(lazy_gettext("The amount collected must be a whole number, not negative"), field="fee_paid_vnd")

    def change(d: Dossier, now: datetime) -> dict[str, Any]:
        if not receiver:
            raise ValidationError(lazy_gettext("Write down the name of who receives the result"), field="returned_to")
        d.returned_at = now
        d.returned_to = receiver
        if fee_paid_vnd is not None:
            d.fee_paid_vnd = fee_paid_vnd
        return {"returned_to": receiver, "fee_paid_vnd": d.fee_paid_vnd}

    return _move(session, actor, dossier_id, A.RETURN_RESULT, now, note=note, counter_number=counter_number,
                 change=change)


def reject(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, reason: str,
           counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """received / in_processing -> rejected (form 03): the specific reason is required."""

    def change(d: Dossier, now: datetime) -> dict[str, Any]:
        text = _required_text(reason, "reason", lazy_gettext("Refusing a dossier needs its reason written down"))
        d.result_note = text
        return {"reason": text}

    return _move(session, actor, dossier_id, A.REJECT, now, note=reason, counter_number=counter_number,
                 change=change)


def withdraw(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, reason: str = "",
             counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """received / in_processing / needs_supplement -> withdrawn, at the citizen's request."""

    def change(d: Dossier, now: datetime) -> dict[str, Any]:
        text = " ".join((reason or "").split())
        if text:
            d.result_note = text
        return {"reason": text}

    return _move(session, actor, dossier_id, A.WITHDRAW, now, note=reason, counter_number=counter_number,
                 change=change)


def _inside_working_hours(moment: datetime, session: Session, office_code: str) -> bool:
    """On a working day, within a working period; a period's end (17:00) counts as inside."""
    local = to_office_time(moment)
    periods = calendar_for(session, office_code).working_periods(local.date())
    return any(start <= local <= end for start, end in periods)


def reschedule(session: Session, actor: Actor, dossier_id: uuid.UUID | str, *, new_due_at: datetime,
               reason: str, counter_number: int | None = None, now: datetime | None = None) -> DossierInfo:
    """A new due moment (form 04, apology), at most once per dossier; the state stays.

    The new moment must be later than the current due moment and than now, and fall inside
    the office's working hours on a working day.
    """
    if new_due_at.tzinfo is None or new_due_at.utcoffset() is None:
        raise ValidationError(lazy_gettext("The new due moment needs a time zone"), field="new_due_at")
    new_due = new_due_at.astimezone(timezone.utc)

    def change(d: Dossier, now: datetime) -> dict[str, Any]:
        if d.reschedule_count >= 1:
            raise DomainError(lazy_gettext("A dossier's result can be rescheduled only once"), code="already_rescheduled",
                              dossier=d.code)
        text = _required_text(reason, "reason", lazy_gettext("Rescheduling the result needs its reason written down"))
        if d.due_at is None:  # cannot happen in received / in_processing; kept as a guard
            raise DomainError(lazy_gettext("The dossier's clock is stopped"), code="clock_stopped", dossier=d.code)
        if new_due <= d.due_at or new_due <= now:
            raise ValidationError(lazy_gettext("The new due moment must be after the current one"), field="new_due_at")
        if not _inside_working_hours(new_due, session, d.office_code):
            raise ValidationError(lazy_gettext("The new due moment must be within the working hours of a working day"),
                                  field="new_due_at")
        old_due = d.due_at
        d.due_at = new_due
        d.reschedule_count += 1
        return {"old_due_at": old_due, "new_due_at": new_due, "reason": text}

    return _move(session, actor, dossier_id, A.RESCHEDULE, now, note=reason, counter_number=counter_number,
                 change=change)


__all__ = [
    "handle_at_desk", "reject", "request_supplement", "reschedule", "result_back", "return_result",
    "send_to_processing", "supplement_received", "withdraw",
]
