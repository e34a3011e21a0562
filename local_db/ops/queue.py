"""The office queue: issuing tickets, calling them to counters, serving, transfers, positions.

Lifecycle (docs/ARCHITECTURE.md §4): waiting -> called -> serving -> done | no_show. A transfer puts a
waiting, called or serving ticket back to waiting, in another queue (service) or for one
counter, keeping its number and its place in arrival order (``queued_at``). A recall
re-announces a called ticket. Anything else raises :class:`TransitionError`.

Numbers: the service prefix and at least three digits (A001 ... A999, A1000), counted per
service and office-local day by a gap-free serial taken inside the issuing transaction.

Where a ticket waits after a transfer to another service: ``Ticket.service_id`` stays the
service that *issued* the number (A015 must stay A015, unique for that service all day),
and ``Ticket.queue_service_id`` is the queue it waits in now; the outbox payload carries both.

Calling order at a counter (:func:`call_next`), among today's waiting tickets of the
services it serves plus those transferred to it (never those transferred to another counter):

1. appointment tickets whose slot window is open now, earliest slot first;
2. priority tickets (elderly, disabled, pregnant, small child, merit) by arrival, unless the
   counter's last ``priority_max_in_row`` calls were all priority or appointment tickets and
   a normal ticket is waiting: then that normal ticket goes first (nobody starves);
3. everyone else by arrival (``queued_at``).

A counter calls its next ticket only once its current one is settled: if it still has a
'called' or 'serving' ticket today, :func:`call_next` raises ``DomainError(code="counter_busy")``
and changes nothing. Finishing or dropping a ticket silently would lose the record of
what happened; the clerk decides (start/finish serving, mark no-show, or transfer).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import lazy_gettext
from core.ids import new_id
from core.ticket_states import AT_COUNTER, WAS_CALLED, TicketStatus
from core.working_calendar import OFFICE_TZ
from local_db import journal
from local_db.models import Appointment, Slot, Ticket
from local_db.office_settings import OfficeRules, load_rules, office_today
from local_db.ops.queue_common import (
    CounterRow, OfficeSnapshot, TICKET_INSERT, WaitingTicket, chunks, estimate_wait,
    load_ticket, log_change, move_ticket, now_or, ticket_info, waiting_today,
)
from local_db.ops.queue_common import (  # noqa: F401  (the queue's public names live here too)
    PRIORITY_REASONS, TICKET_SOURCES, TICKET_STATUSES, TicketInfo,
)
from local_db.ops.queue_status import (  # noqa: F401
    CounterState, ServiceQueue, counter_state, get_ticket, position, queue_overview,
)

T = TicketStatus


# -- operations -----------------------------------------------------------------------------

def issue_ticket(session: Session, actor: Actor, service_code: str, *, priority_reason: str | None = None,
                 source: str = "walk_in", appointment_id: uuid.UUID | None = None,
                 now: datetime | None = None) -> TicketInfo:
    """A new waiting ticket (the next number of the service today), with its place and wait."""
    now = now_or(now)
    if priority_reason is not None and priority_reason not in PRIORITY_REASONS:
        raise ValidationError(lazy_gettext("Invalid priority reason: {reason}", reason=repr(priority_reason)),
                              field="priority_reason")
    if source not in TICKET_SOURCES:
        raise ValidationError(lazy_gettext("Invalid source: {source}", source=repr(source)), field="source")
    if (source == "appointment") != (appointment_id is not None):
        raise ValidationError(lazy_gettext("A number for an appointment needs the appointment (and only such a number has one)"),
                              field="appointment_id")
    office_code = actor.office_code
    office = OfficeSnapshot.of(session, office_code)
    svc = office.service(service_code)
    if appointment_id is not None:
        appt = session.get(Appointment, appointment_id)
        if appt is None or appt.office_code != office_code:
            raise NotFound(lazy_gettext("Appointment not found"), code="appointment_not_found",
                           appointment_id=str(appointment_id))

    day = office_today(now)
    number = journal.next_serial(session, f"ticket:{office_code}:{svc.code}:{day.isoformat()}")
    values = dict(id=new_id(), office_code=office_code, service_id=svc.id, queue_service_id=svc.id, day=day,
                  number=number, code=f"{svc.prefix}{number:03d}", priority_reason=priority_reason, source=source,
                  status=TicketStatus.WAITING.value, counter_id=None, target_counter_id=None, staff_id=None,
                  appointment_id=appointment_id, issued_at=now, queued_at=now, called_at=None, serving_at=None,
                  finished_at=None, call_count=0, note="")
    session.connection().execute(TICKET_INSERT, values)
    t = Ticket(**values)  # transient: the row is written; this only carries its values back
    log_change(session, actor, t, office, action="issue", from_state=None, now=now, counter_id=None,
               detail={"service": svc.code, "priority_reason": priority_reason, "source": source,
                 "appointment_id": appointment_id})

    ahead, minutes = estimate_wait(session, office, t, day)
    return ticket_info(t, office, people_ahead=ahead, estimated_wait_min=minutes)


def _windows(session: Session, waiting: list[WaitingTicket], rules: OfficeRules) -> dict[uuid.UUID, tuple[datetime, datetime, datetime]]:
    """Appointment id -> (window opens, window closes, slot start), as aware datetimes."""
    ids = [w.appointment_id for w in waiting if w.source == "appointment" and w.appointment_id is not None]
    out: dict[uuid.UUID, tuple[datetime, datetime, datetime]] = {}
    for chunk in chunks(ids):
        for aid, day, start, end in session.connection().execute(
                select(Appointment.id, Slot.day, Slot.start_time, Slot.end_time)
                .join(Slot, Slot.id == Appointment.slot_id).where(Appointment.id.in_(chunk))).all():
            begins = datetime.combine(day, start, OFFICE_TZ)
            ends = datetime.combine(day, end, OFFICE_TZ)
            out[aid] = (begins - timedelta(minutes=rules.appointment_early_minutes),
                        ends + timedelta(minutes=rules.appointment_late_minutes), begins)
    return out


def _privileged_streak_full(session: Session, office_code: str, day: date, ctr: CounterRow, limit: int) -> bool:
    """True when this counter's last `limit` calls today were all priority or appointment tickets."""
    if limit <= 0:
        return True
    last = session.connection().execute(
        select(Ticket.priority_reason, Ticket.source)
        .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(WAS_CALLED),
               Ticket.counter_id == ctr.id)
        .order_by(Ticket.called_at.desc()).limit(limit)).all()
    return len(last) >= limit and all(r.priority_reason or r.source == "appointment" for r in last)


def _window(w: WaitingTicket, windows: dict[uuid.UUID, tuple[datetime, datetime, datetime]]
            ) -> tuple[datetime, datetime, datetime] | None:
    return windows.get(w.appointment_id) if w.source == "appointment" and w.appointment_id else None


def _in_window(w: WaitingTicket, windows: dict[uuid.UUID, tuple[datetime, datetime, datetime]], now: datetime) -> bool:
    win = _window(w, windows)
    return win is not None and win[0] <= now <= win[1]


def _pick(cands: list[WaitingTicket], windows: dict[uuid.UUID, tuple[datetime, datetime, datetime]], now: datetime,
          streak_full: bool) -> tuple[WaitingTicket, str] | None:
    """The ticket to call and the lane it was called from (appointment / priority / normal)."""
    in_window = [(win, w) for w in cands if (win := _window(w, windows)) is not None and win[0] <= now <= win[1]]
    if in_window:
        return min(in_window, key=lambda pair: (pair[0][2], pair[1].arrival()))[1], "appointment"
    priority = [w for w in cands if w.priority_reason]
    normal = [w for w in cands if not w.priority_reason]
    if priority and not (streak_full and normal):
        return min(priority, key=WaitingTicket.arrival), "priority"
    return (min(normal, key=WaitingTicket.arrival), "normal") if normal else None


def call_next(session: Session, actor: Actor, counter_number: int, *, now: datetime | None = None) -> TicketInfo | None:
    """Call the next ticket to this counter; None when nobody is waiting for it."""
    now = now_or(now)
    office_code = actor.office_code
    office = OfficeSnapshot.of(session, office_code)
    ctr = office.counter(counter_number)
    day = office_today(now)
    busy = session.connection().execute(
        select(Ticket.code, Ticket.status)
        .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(AT_COUNTER),
               Ticket.counter_id == ctr.id).limit(1)).first()
    if busy is not None:
        raise DomainError(lazy_gettext("Counter {counter} still has number {ticket} ({status}): finish it, mark it as "
                                       "a no-show or transfer it first", counter=counter_number, ticket=busy.code,
                                       status=busy.status), code="counter_busy",
                          counter=counter_number, ticket=busy.code, status=busy.status)

    cands = [w for w in waiting_today(session, office_code, day, ctr.service_ids, ctr.id) if w.takeable_by(ctr)]
    if not cands:
        return None
    rules = load_rules(session, office_code)
    windows = _windows(session, cands, rules)
    streak_full = _privileged_streak_full(session, office_code, day, ctr, rules.priority_max_in_row)
    while cands:
        picked = _pick(cands, windows, now, streak_full)
        if picked is None:
            return None
        pick, lane = picked
        taken = session.connection().execute(
            update(Ticket).where(Ticket.id == pick.id, Ticket.status == TicketStatus.WAITING)
            .values(status=TicketStatus.CALLED.value, counter_id=ctr.id, staff_id=actor.staff_id, called_at=now,
                    call_count=Ticket.call_count + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            t = load_ticket(session, None, pick.id)
            log_change(session, actor, t, office, action="call", from_state=TicketStatus.WAITING, now=now,
                       counter_id=ctr.id, detail={"counter": ctr.number, "lane": lane})
            return ticket_info(t, office)
        cands = [w for w in cands if w.id != pick.id]  # taken meanwhile: try the next one
    return None


def _at_counter_move(session: Session, actor: Actor, ticket_id: uuid.UUID, now: datetime | None, *,
                     allowed: tuple[TicketStatus, ...], to_status: TicketStatus, action: str,
                     with_call_count: bool = False, **values: Any) -> TicketInfo:
    """A move of the ticket at its counter (recall, serve, finish, no-show), logged once."""
    now = now_or(now)
    t = load_ticket(session, actor, ticket_id)
    office = OfficeSnapshot.of(session, t.office_code)
    old = move_ticket(session, t, allowed, to_status, action, **values)
    detail: dict[str, Any] = {"counter": office.counter_number(t.counter_id)}
    if with_call_count:
        detail["call_count"] = t.call_count
    log_change(session, actor, t, office, action=action, from_state=old, now=now, counter_id=t.counter_id,
               detail=detail)
    return ticket_info(t, office)


def recall(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    """Announce a called ticket again (the display board polls the 'recall' events)."""
    return _at_counter_move(session, actor, ticket_id, now, allowed=(T.CALLED,), to_status=T.CALLED, action="recall",
                            with_call_count=True, call_count=Ticket.call_count + 1)


def start_serving(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    at = now_or(now)
    values: dict[str, Any] = {"serving_at": at}
    if actor.staff_id is not None:
        values["staff_id"] = actor.staff_id  # whoever serves is the clerk of record
    return _at_counter_move(session, actor, ticket_id, at, allowed=(T.CALLED,), to_status=T.SERVING,
                            action="serve", **values)


def finish_serving(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    at = now_or(now)
    return _at_counter_move(session, actor, ticket_id, at, allowed=(T.SERVING,), to_status=T.DONE,
                            action="finish", finished_at=at)


def mark_no_show(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    """The citizen did not come to the desk after being called."""
    at = now_or(now)
    return _at_counter_move(session, actor, ticket_id, at, allowed=(T.CALLED,), to_status=T.NO_SHOW,
                            action="no_show", with_call_count=True, finished_at=at)


def transfer(session: Session, actor: Actor, ticket_id: uuid.UUID, *, to_service_code: str | None = None,
             to_counter_number: int | None = None, note: str = "", now: datetime | None = None) -> TicketInfo:
    """Send a ticket to another queue and/or one counter; it waits again with its number and place.

    The ticket keeps ``queued_at`` (its place in arrival order), so it is not sent to the back.
    Its call history restarts (counter, called/serving times, call count): the events keep the
    old ones. A transfer without a counter clears an earlier counter target.
    """
    now = now_or(now)
    if to_service_code is None and to_counter_number is None:
        raise ValidationError(lazy_gettext("Choose a service or a counter to transfer to"), field="to_service_code")
    t = load_ticket(session, actor, ticket_id)
    office = OfficeSnapshot.of(session, t.office_code)
    from_service = t.queue_service_id
    to_service = office.service(to_service_code).id if to_service_code is not None else from_service
    to_counter = office.counter(to_counter_number) if to_counter_number is not None else None
    if to_counter is not None and not to_counter.is_open:
        # Nobody would call it there: the citizen would wait at a closed counter until the
        # day ends (the queue still counts it as waiting).
        raise DomainError(lazy_gettext("Counter {number} is closed: a number cannot be sent there. Choose an open "
                                       "counter or a service.", number=to_counter.number),
                          code="transfer_counter_closed", counter=to_counter.number)
    if (t.status == TicketStatus.WAITING and to_service == from_service and to_counter is None
            and t.target_counter_id is None):
        raise ValidationError(lazy_gettext("This number is already in that queue"), field="to_service_code",
                              code="transfer_noop")
    left_counter = t.counter_id
    old = move_ticket(session, t, (TicketStatus.WAITING, *AT_COUNTER), TicketStatus.WAITING, "transfer",
                      queue_service_id=to_service, target_counter_id=to_counter.id if to_counter else None,
                counter_id=None, staff_id=None, called_at=None, serving_at=None, call_count=0,
                note=note.strip()[:500] if note.strip() else t.note)
    detail = {
        "from_service": office.services[from_service].code, "to_service": office.services[to_service].code,
        "to_service_id": to_service, "from_counter": office.counter_number(left_counter),
        "to_counter": to_counter.number if to_counter else None,
        "from_status": old, "note": note.strip(),
    }
    log_change(session, actor, t, office, action="transfer", from_state=old, now=now,
               counter_id=left_counter, detail=detail)
    return ticket_info(t, office)


__all__ = [
    "PRIORITY_REASONS", "TICKET_SOURCES", "TICKET_STATUSES", "TicketInfo", "ServiceQueue", "CounterState",
    "issue_ticket", "call_next", "recall", "start_serving", "finish_serving", "mark_no_show", "transfer",
    "get_ticket", "position", "queue_overview", "counter_state",
]
