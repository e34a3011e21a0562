"""What the queue modules share: the ticket as screens see it, the office snapshot
(services and counters), the list of waiting tickets, and how one change of a ticket is
written (its event, outbox and audit rows).

Public (``__all__``): the names screens read with — the counter's queue panel lays the
snapshot and today's waiting tickets out itself, the kiosk lists the priority reasons.
The writing helpers (``log_change``, ``move_ticket``, ``load_ticket``, ...) are for
local_db/ops/queue*.py only: a screen changes a ticket through local_db/ops/queue.py."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, TransitionError
from core.i18n import lazy_gettext
from core.ids import new_id
from core.ticket_states import TicketStatus
from local_db import journal
from local_db.models import Counter, Service, Ticket, TicketEvent, counter_service
from local_db.ops.wait_estimate import estimate_minutes, recent_service_seconds

PRIORITY_REASONS = ("elderly", "disabled", "pregnant", "small_child", "merit")
TICKET_SOURCES = ("walk_in", "appointment", "counter")
TICKET_STATUSES = tuple(TicketStatus)
ENTITY = "ticket"
_IN_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class TicketInfo:
    id: uuid.UUID
    code: str
    number: int
    day: date
    service_id: uuid.UUID  # the queue it waits in now (after a transfer: the new one)
    service_code: str
    service_name_vi: str
    service_name_en: str
    status: str
    priority_reason: str | None
    source: str
    counter_number: int | None  # the counter that called/serves it
    target_counter_number: int | None  # after a transfer to a counter
    appointment_id: uuid.UUID | None
    issued_at: datetime
    called_at: datetime | None
    serving_at: datetime | None
    finished_at: datetime | None
    call_count: int
    people_ahead: int | None  # filled by issue_ticket and position(), None elsewhere
    estimated_wait_min: int | None
    counters_serving: tuple[int, ...]  # counter numbers that serve its queue (printed on the ticket)



# -- office snapshot (small tables, read whole) -------------------------------------------

class ServiceRow(NamedTuple):
    id: uuid.UUID
    code: str
    prefix: str
    name_vi: str
    name_en: str
    active: bool
    sort_order: int


class CounterRow(NamedTuple):
    id: uuid.UUID
    number: int
    name: str
    is_open: bool
    active: bool
    service_ids: frozenset[uuid.UUID]


# Hot statements are built once, with bind parameters, and run on the session's connection:
# issuing a ticket is the kiosk's one job and must cost little more than its inserts.
_SERVICES = select(Service.id, Service.code, Service.prefix, Service.name_vi, Service.name_en, Service.active,
                   Service.sort_order).where(Service.office_code == bindparam("office"))
_COUNTERS = (select(Counter.id, Counter.number, Counter.name, Counter.is_open, Counter.active,
                    counter_service.c.service_id)
             .outerjoin(counter_service, counter_service.c.counter_id == Counter.id)
             .where(Counter.office_code == bindparam("office")))
_QUEUE_ROWS = (select(Ticket.id, Ticket.source, Ticket.priority_reason, Ticket.queued_at)
               .where(Ticket.office_code == bindparam("office"), Ticket.day == bindparam("day"),
                      Ticket.status == TicketStatus.WAITING, Ticket.queue_service_id == bindparam("queue"),
                      Ticket.target_counter_id.is_(None)))
TICKET_INSERT = insert(Ticket.__table__)
_EVENT_INSERT = insert(TicketEvent.__table__)


class OfficeSnapshot:
    """Services and counters of one office: a few dozen rows, read once per operation."""

    def __init__(self, session: Session, office_code: str) -> None:
        self.code = office_code
        conn = session.connection()
        svcs = conn.execute(_SERVICES, {"office": office_code}).all()
        self.services = {r.id: ServiceRow(*r) for r in svcs}
        self.service_by_code = {s.code: s for s in self.services.values()}
        links: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        rows: dict[uuid.UUID, Any] = {}
        for r in conn.execute(_COUNTERS, {"office": office_code}).all():
            rows[r.id] = r
            if r.service_id is not None:
                links[r.id].add(r.service_id)
        self.counters = {cid: CounterRow(r.id, r.number, r.name, r.is_open, r.active, frozenset(links.get(cid, ())))
                         for cid, r in rows.items()}
        self.counter_by_number = {c.number: c for c in self.counters.values()}

    @classmethod
    def of(cls, session: Session, office_code: str) -> OfficeSnapshot:
        """The snapshot, read once per session: a user action reads it once, and a batch
        (the demo seed runs a whole day in one transaction) does not read it per ticket."""
        cache = session.info.setdefault("queue_office", {})
        if office_code not in cache:
            cache[office_code] = cls(session, office_code)
        return cache[office_code]

    def service(self, code: str) -> ServiceRow:
        svc = self.service_by_code.get(code)
        if svc is None:
            raise NotFound(lazy_gettext("There is no service {service}", service=repr(code)), code="service_not_found",
                           service=code)
        if not svc.active:
            raise DomainError(lazy_gettext("The service {service} is paused", service=code), code="service_inactive",
                              service=code)
        return svc

    def counter(self, number: int) -> CounterRow:
        ctr = self.counter_by_number.get(number)
        if ctr is None or not ctr.active:
            raise NotFound(lazy_gettext("There is no counter number {number}", number=number), code="counter_not_found",
                           counter=number)
        return ctr

    def counter_number(self, counter_id: uuid.UUID | None) -> int | None:
        return self.counters[counter_id].number if counter_id in self.counters else None

    def serving(self, service_id: uuid.UUID) -> list[CounterRow]:
        return sorted((c for c in self.counters.values() if c.active and service_id in c.service_ids),
                      key=lambda c: c.number)

    def counters_for(self, service_id: uuid.UUID, target_counter_id: uuid.UUID | None) -> tuple[int, ...]:
        """Where the citizen should look: the counter they were sent to, else the open counters
        of their queue (all of its counters when none is open yet)."""
        if target_counter_id is not None and target_counter_id in self.counters:
            return (self.counters[target_counter_id].number,)
        serving = self.serving(service_id)
        open_ = [c.number for c in serving if c.is_open]
        return tuple(open_ or [c.number for c in serving])

    def open_count(self, service_id: uuid.UUID) -> int:
        return sum(1 for c in self.serving(service_id) if c.is_open)


# -- helpers --------------------------------------------------------------------------------

def now_or(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware time (UTC)")
    return now.astimezone(timezone.utc)


def chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[i:i + _IN_CHUNK] for i in range(0, len(ids), _IN_CHUNK)]


class WaitingTicket(NamedTuple):
    id: uuid.UUID
    number: int
    service_id: uuid.UUID  # issuing service
    queue_service_id: uuid.UUID  # where it waits now
    priority_reason: str | None
    source: str
    queued_at: datetime
    issued_at: datetime
    target_counter_id: uuid.UUID | None
    appointment_id: uuid.UUID | None

    @property
    def lane(self) -> int:
        return _lane(self.source, self.priority_reason)

    def arrival(self) -> tuple[datetime, datetime, int, str]:
        return (self.queued_at, self.issued_at, self.number, str(self.id))

    def takeable_by(self, ctr: CounterRow) -> bool:
        if self.target_counter_id is not None:
            return self.target_counter_id == ctr.id
        return self.queue_service_id in ctr.service_ids


def waiting_today(session: Session, office_code: str, day: date,
                  queue_service_ids: frozenset[uuid.UUID] | None = None,
                   counter_id: uuid.UUID | None = None) -> list[WaitingTicket]:
    """Today's waiting tickets (of some queues, plus those sent to one counter): range reads
    on ix_ticket_queue."""
    stmt = (select(Ticket.id, Ticket.number, Ticket.service_id, Ticket.queue_service_id, Ticket.priority_reason,
                   Ticket.source, Ticket.queued_at, Ticket.issued_at, Ticket.target_counter_id,
                   Ticket.appointment_id)
            .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status == TicketStatus.WAITING))
    if queue_service_ids is not None:
        wanted = Ticket.queue_service_id.in_(list(queue_service_ids))
        stmt = stmt.where(wanted if counter_id is None else (wanted | (Ticket.target_counter_id == counter_id)))
    return [WaitingTicket._make(r) for r in session.connection().execute(stmt).all()]


def _lane(source: str, priority_reason: str | None) -> int:
    """0 appointment, 1 priority, 2 everyone else (the approximate call order)."""
    return 0 if source == "appointment" else 1 if priority_reason else 2


def _ahead_in_queue(session: Session, t: Ticket) -> int:
    """People ahead of an untargeted waiting ticket in its own queue: one index range on
    ix_ticket_queue, four narrow columns per waiting ticket, compared here."""
    mine = (_lane(t.source, t.priority_reason), t.queued_at, str(t.id))
    rows = session.connection().execute(
        _QUEUE_ROWS, {"office": t.office_code, "day": t.day, "queue": t.queue_service_id}).all()
    return sum(1 for r in rows if r.id != t.id and (_lane(r.source, r.priority_reason), r.queued_at, str(r.id)) < mine)


def _ahead(me: WaitingTicket, waiting: list[WaitingTicket], office: OfficeSnapshot) -> int:
    """People who will (approximately) be called before this ticket.

    Appointment and priority tickets count as ahead of a normal one; the no-starvation rule
    and appointment windows are ignored, so the figure errs on the long side.
    """
    if me.target_counter_id is not None and me.target_counter_id in office.counters:
        ctr = office.counters[me.target_counter_id]
        pool = [w for w in waiting if w.takeable_by(ctr)]
    else:
        pool = [w for w in waiting if w.target_counter_id is None and w.queue_service_id == me.queue_service_id]
    mine = (me.lane, me.arrival())
    return sum(1 for w in pool if w.id != me.id and (w.lane, w.arrival()) < mine)


def estimate_wait(session: Session, office: OfficeSnapshot, t: Ticket, day: date) -> tuple[int, int]:
    if t.target_counter_id is None:
        ahead = _ahead_in_queue(session, t)
    else:  # sent to one counter: it competes with everything that counter may call
        ctr = office.counters[t.target_counter_id]
        waiting = waiting_today(session, t.office_code, day, ctr.service_ids, ctr.id)
        ahead = _ahead(next(w for w in waiting if w.id == t.id), waiting, office)
    seconds = recent_service_seconds(session, office.code, [t.queue_service_id], day)[t.queue_service_id]
    counters = 1 if t.target_counter_id is not None else office.open_count(t.queue_service_id)
    return ahead, estimate_minutes(ahead, seconds, counters)


def ticket_info(t: Ticket, office: OfficeSnapshot, *, people_ahead: int | None = None,
                estimated_wait_min: int | None = None) -> TicketInfo:
    svc = office.services[t.queue_service_id]
    return TicketInfo(
        id=t.id, code=t.code, number=t.number, day=t.day, service_id=svc.id, service_code=svc.code,
        service_name_vi=svc.name_vi, service_name_en=svc.name_en, status=t.status,
        priority_reason=t.priority_reason, source=t.source, counter_number=office.counter_number(t.counter_id),
        target_counter_number=office.counter_number(t.target_counter_id), appointment_id=t.appointment_id,
        issued_at=t.issued_at, called_at=t.called_at, serving_at=t.serving_at, finished_at=t.finished_at,
        call_count=t.call_count, people_ahead=people_ahead, estimated_wait_min=estimated_wait_min,
        counters_serving=office.counters_for(svc.id, t.target_counter_id),
    )


def _payload(t: Ticket, office: OfficeSnapshot) -> dict[str, Any]:
    """What the central server needs to mirror the ticket after this change."""
    issued = office.services[t.service_id]
    queue = office.services[t.queue_service_id]
    return {
        "id": t.id, "office_code": t.office_code, "day": t.day, "number": t.number, "code": t.code,
        "service_id": t.service_id, "service_code": issued.code,
        "queue_service_id": queue.id, "queue_service_code": queue.code,
        "priority_reason": t.priority_reason, "source": t.source, "status": t.status,
        "counter_id": t.counter_id, "counter_number": office.counter_number(t.counter_id),
        "target_counter_id": t.target_counter_id, "target_counter_number": office.counter_number(t.target_counter_id),
        "staff_id": t.staff_id, "appointment_id": t.appointment_id,
        "issued_at": t.issued_at, "queued_at": t.queued_at, "called_at": t.called_at,
        "serving_at": t.serving_at, "finished_at": t.finished_at, "call_count": t.call_count, "note": t.note,
    }


def log_change(session: Session, actor: Actor, t: Ticket, office: OfficeSnapshot, *,
               action: str, from_state: str | None, now: datetime, counter_id: uuid.UUID | None,
         detail: dict[str, Any] | None = None) -> None:
    """The event row and the outbox/audit rows of one change (exactly one journal.record)."""
    session.connection().execute(_EVENT_INSERT, {
        "id": new_id(), "office_code": t.office_code, "ticket_id": t.id, "at": now, "action": action,
        "counter_id": counter_id, "staff_id": actor.staff_id, "detail": journal.jsonable(detail or {})})
    journal.record(session, actor, entity=ENTITY, entity_id=t.id, op_type=action,
                   payload=_payload(t, office), now=now, from_state=from_state,
                   to_state=t.status, audit_detail={"code": t.code, **(detail or {})})


def load_ticket(session: Session, actor: Actor | None, ticket_id: uuid.UUID) -> Ticket:
    t = session.get(Ticket, ticket_id, populate_existing=True)
    if t is None or (actor is not None and t.office_code != actor.office_code):
        raise NotFound(lazy_gettext("This queue number was not found"), code="ticket_not_found", ticket_id=str(ticket_id))
    return t


def move_ticket(session: Session, t: Ticket, allowed: tuple[TicketStatus, ...], to_status: TicketStatus, action: str,
                **values: Any) -> str:
    """Move the ticket with a guarded UPDATE (WHERE status = the state we saw); returns the old state."""
    old = t.status
    if old not in allowed:
        raise TransitionError(lazy_gettext("Number {ticket} is '{status}': it cannot {action}", ticket=t.code, status=old,
                                           action=action),
                              code="illegal_transition", ticket=t.code, status=old, action=action)
    done = session.connection().execute(
        update(Ticket).where(Ticket.id == t.id, Ticket.status == old)
        .values(status=to_status, **values).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # cannot happen while writes are serialised; never act on a stale read
        raise TransitionError(lazy_gettext("Number {ticket} was just changed elsewhere", ticket=t.code), code="ticket_changed",
                              ticket=t.code)
    session.refresh(t)
    return old


__all__ = ["PRIORITY_REASONS", "TICKET_SOURCES", "TICKET_STATUSES", "CounterRow", "OfficeSnapshot", "ServiceRow",
           "TicketInfo", "WaitingTicket", "waiting_today"]
