"""Reading the queue: a ticket's place and wait, each queue's length, a counter's state.

Read-only: what the kiosk shows after issuing, what the counter's queue panel and the
display board poll."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ticket_states import AT_COUNTER, TicketStatus
from local_db.models import Ticket, TicketEvent
from local_db.office_settings import office_today
from local_db.ops.wait_estimate import estimate_minutes, recent_service_seconds
from local_db.ops.queue_common import (
    TicketInfo, OfficeSnapshot, estimate_wait, ticket_info, load_ticket, now_or, waiting_today,
)


@dataclass(frozen=True)
class ServiceQueue:
    service_id: uuid.UUID
    code: str
    prefix: str
    name_vi: str
    name_en: str
    waiting: int  # everyone waiting in this queue, including those sent to one counter
    priority_waiting: int
    estimated_wait_min: int  # for a ticket taken now (normal, no priority)
    counters_open: tuple[int, ...]  # numbers of the open counters serving it; len() = how many


@dataclass(frozen=True)
class CounterState:
    counter_id: uuid.UUID
    number: int
    name: str
    is_open: bool
    service_codes: tuple[str, ...]
    current: TicketInfo | None  # today's 'called' or 'serving' ticket at this counter
    waiting: int  # tickets this counter may call now
    priority_waiting: int
    transferred_here: int  # of which sent to this counter in particular
    waiting_by_service: dict[str, int]  # service code -> tickets this counter may call



def get_ticket(session: Session, ticket_id: uuid.UUID) -> TicketInfo:
    t = load_ticket(session, None, ticket_id)
    office = OfficeSnapshot.of(session, t.office_code)
    return ticket_info(t, office)


def position(session: Session, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    """The ticket with the people ahead of it and the estimated wait in minutes.

    Waiting tickets get the estimate; a called or serving ticket has nobody ahead and no
    wait (0, 0); a finished or no-show ticket has no position (None, None). A waiting ticket
    of an earlier day is stale: nobody calls it any more, so it has no position either.
    """
    now = now_or(now)
    t = load_ticket(session, None, ticket_id)
    office = OfficeSnapshot.of(session, t.office_code)
    if t.status in AT_COUNTER:
        return ticket_info(t, office, people_ahead=0, estimated_wait_min=0)
    day = office_today(now)
    if t.status != TicketStatus.WAITING or t.day != day:
        return ticket_info(t, office)
    ahead, minutes = estimate_wait(session, office, t, day)
    return ticket_info(t, office, people_ahead=ahead, estimated_wait_min=minutes)


def queue_overview(session: Session, office_code: str, *, now: datetime | None = None) -> list[ServiceQueue]:
    """Each active queue: who waits, how long a ticket taken now would wait, open counters."""
    now = now_or(now)
    day = office_today(now)
    office = OfficeSnapshot.of(session, office_code)
    services = sorted((s for s in office.services.values() if s.active), key=lambda s: (s.sort_order, s.code))
    waiting = waiting_today(session, office_code, day)
    seconds = recent_service_seconds(session, office_code, [s.id for s in services], day)
    out = []
    for s in services:
        mine = [w for w in waiting if w.queue_service_id == s.id]
        untargeted = sum(1 for w in mine if w.target_counter_id is None)
        open_ = tuple(c.number for c in office.serving(s.id) if c.is_open)
        out.append(ServiceQueue(
            service_id=s.id, code=s.code, prefix=s.prefix, name_vi=s.name_vi, name_en=s.name_en,
            waiting=len(mine), priority_waiting=sum(1 for w in mine if w.priority_reason),
            estimated_wait_min=estimate_minutes(untargeted, seconds[s.id], len(open_)), counters_open=open_))
    return out


def counter_state(session: Session, office_code: str, counter_number: int, *,
                  now: datetime | None = None) -> CounterState:
    """What a counter's screen shows: its current ticket and who it may call next."""
    now = now_or(now)
    day = office_today(now)
    office = OfficeSnapshot.of(session, office_code)
    ctr = office.counter(counter_number)
    current_id = session.connection().scalars(
        select(Ticket.id)
        .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(AT_COUNTER),
               Ticket.counter_id == ctr.id).order_by(Ticket.called_at.desc()).limit(1)).first()
    current = None
    if current_id is not None:
        t = load_ticket(session, None, current_id)
        current = ticket_info(t, office)
    mine = [w for w in waiting_today(session, office_code, day, ctr.service_ids, ctr.id) if w.takeable_by(ctr)]
    by_service: dict[str, int] = {office.services[sid].code: 0 for sid in ctr.service_ids
                                  if sid in office.services}
    for w in mine:
        code = office.services[w.queue_service_id].code
        by_service[code] = by_service.get(code, 0) + 1
    codes = tuple(s.code for s in sorted((office.services[sid] for sid in ctr.service_ids if sid in office.services),
                                         key=lambda s: (s.sort_order, s.code)))
    return CounterState(
        counter_id=ctr.id, number=ctr.number, name=ctr.name, is_open=ctr.is_open, service_codes=codes,
        current=current, waiting=len(mine), priority_waiting=sum(1 for w in mine if w.priority_reason),
        transferred_here=sum(1 for w in mine if w.target_counter_id == ctr.id), waiting_by_service=by_service)


@dataclass(frozen=True)
class LastTransfer:
    """Where a ticket came from in its latest transfer, and the note the sender wrote."""

    from_counter: int | None
    from_service_code: str
    note: str


def last_transfer(session: Session, ticket_id: uuid.UUID) -> LastTransfer | None:
    """The ticket's latest transfer (None if it was never transferred). The note is the one
    written with that transfer, else the ticket's own."""
    row = session.execute(select(TicketEvent.detail).where(TicketEvent.ticket_id == ticket_id,
                                                           TicketEvent.action == "transfer")
                          .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).limit(1)).first()
    if row is None:
        return None
    detail = row.detail or {}
    note = detail.get("note") or session.scalar(select(Ticket.note).where(Ticket.id == ticket_id)) or ""
    return LastTransfer(from_counter=detail.get("from_counter"), from_service_code=detail.get("from_service") or "",
                        note=note)
