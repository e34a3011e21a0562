"""The office queue: issuing tickets, calling them to counters, serving, transfers, positions.

Lifecycle (DESIGN.md §4): waiting -> called -> serving -> done | no_show. A transfer puts a
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
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, TransitionError, ValidationError
from core.ids import new_id
from core.working_calendar import OFFICE_TZ
from local_db import journal
from local_db.models import Appointment, Counter, Service, Slot, Ticket, TicketEvent, counter_service
from local_db.office_settings import OfficeRules, load_rules, office_today
from local_db.ops.wait_estimate import estimate_minutes, recent_service_seconds

PRIORITY_REASONS = ("elderly", "disabled", "pregnant", "small_child", "merit")
TICKET_SOURCES = ("walk_in", "appointment", "counter")
TICKET_STATUSES = ("waiting", "called", "serving", "done", "no_show")
AT_COUNTER = ("called", "serving")  # the counter's current ticket
WAS_CALLED = ("called", "serving", "done", "no_show")
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


# -- office snapshot (small tables, read whole) -------------------------------------------

class _Svc(NamedTuple):
    id: uuid.UUID
    code: str
    prefix: str
    name_vi: str
    name_en: str
    active: bool
    sort_order: int


class _Ctr(NamedTuple):
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
                      Ticket.status == "waiting", Ticket.queue_service_id == bindparam("queue"),
                      Ticket.target_counter_id.is_(None)))
_TICKET_INSERT = insert(Ticket.__table__)
_EVENT_INSERT = insert(TicketEvent.__table__)


class _Office:
    """Services and counters of one office: a few dozen rows, read once per operation."""

    def __init__(self, session: Session, office_code: str) -> None:
        self.code = office_code
        conn = session.connection()
        svcs = conn.execute(_SERVICES, {"office": office_code}).all()
        self.services = {r.id: _Svc(*r) for r in svcs}
        self.service_by_code = {s.code: s for s in self.services.values()}
        links: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        rows: dict[uuid.UUID, Any] = {}
        for r in conn.execute(_COUNTERS, {"office": office_code}).all():
            rows[r.id] = r
            if r.service_id is not None:
                links[r.id].add(r.service_id)
        self.counters = {cid: _Ctr(r.id, r.number, r.name, r.is_open, r.active, frozenset(links.get(cid, ())))
                         for cid, r in rows.items()}
        self.counter_by_number = {c.number: c for c in self.counters.values()}

    @classmethod
    def of(cls, session: Session, office_code: str) -> "_Office":
        """The snapshot, read once per session: a user action reads it once, and a batch
        (the demo seed runs a whole day in one transaction) does not read it per ticket."""
        cache = session.info.setdefault("queue_office", {})
        if office_code not in cache:
            cache[office_code] = cls(session, office_code)
        return cache[office_code]

    def service(self, code: str) -> _Svc:
        svc = self.service_by_code.get(code)
        if svc is None:
            raise NotFound(f"Không có dịch vụ {code!r}", code="service_not_found", service=code)
        if not svc.active:
            raise DomainError(f"Dịch vụ {code} đang tạm ngừng", code="service_inactive", service=code)
        return svc

    def counter(self, number: int) -> _Ctr:
        ctr = self.counter_by_number.get(number)
        if ctr is None or not ctr.active:
            raise NotFound(f"Không có quầy số {number}", code="counter_not_found", counter=number)
        return ctr

    def counter_number(self, counter_id: uuid.UUID | None) -> int | None:
        return self.counters[counter_id].number if counter_id in self.counters else None

    def serving(self, service_id: uuid.UUID) -> list[_Ctr]:
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

def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware time (UTC)")
    return now.astimezone(timezone.utc)


def _chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[i:i + _IN_CHUNK] for i in range(0, len(ids), _IN_CHUNK)]


class _Waiting(NamedTuple):
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

    def takeable_by(self, ctr: _Ctr) -> bool:
        if self.target_counter_id is not None:
            return self.target_counter_id == ctr.id
        return self.queue_service_id in ctr.service_ids


def _waiting_today(session: Session, office_code: str, day: date,
                   queue_service_ids: frozenset[uuid.UUID] | None = None,
                   counter_id: uuid.UUID | None = None) -> list[_Waiting]:
    """Today's waiting tickets (of some queues, plus those sent to one counter): range reads
    on ix_ticket_queue."""
    stmt = (select(Ticket.id, Ticket.number, Ticket.service_id, Ticket.queue_service_id, Ticket.priority_reason,
                   Ticket.source, Ticket.queued_at, Ticket.issued_at, Ticket.target_counter_id,
                   Ticket.appointment_id)
            .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status == "waiting"))
    if queue_service_ids is not None:
        wanted = Ticket.queue_service_id.in_(list(queue_service_ids))
        stmt = stmt.where(wanted if counter_id is None else (wanted | (Ticket.target_counter_id == counter_id)))
    return [_Waiting(*r) for r in session.connection().execute(stmt).all()]


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


def _ahead(me: _Waiting, waiting: list[_Waiting], office: _Office) -> int:
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


def _estimate(session: Session, office: _Office, t: Ticket, day: date) -> tuple[int, int]:
    if t.target_counter_id is None:
        ahead = _ahead_in_queue(session, t)
    else:  # sent to one counter: it competes with everything that counter may call
        ctr = office.counters[t.target_counter_id]
        waiting = _waiting_today(session, t.office_code, day, ctr.service_ids, ctr.id)
        ahead = _ahead(next(w for w in waiting if w.id == t.id), waiting, office)
    seconds = recent_service_seconds(session, office.code, [t.queue_service_id], day)[t.queue_service_id]
    counters = 1 if t.target_counter_id is not None else office.open_count(t.queue_service_id)
    return ahead, estimate_minutes(ahead, seconds, counters)


def _info(t: Ticket, office: _Office, *, people_ahead: int | None = None,
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


def _payload(t: Ticket, office: _Office) -> dict[str, Any]:
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


def _log(session: Session, actor: Actor, t: Ticket, office: _Office, *,
         action: str, from_state: str | None, now: datetime, counter_id: uuid.UUID | None,
         detail: dict[str, Any] | None = None) -> None:
    """The event row and the outbox/audit rows of one change (exactly one journal.record)."""
    session.connection().execute(_EVENT_INSERT, {
        "id": new_id(), "office_code": t.office_code, "ticket_id": t.id, "at": now, "action": action,
        "counter_id": counter_id, "staff_id": actor.staff_id, "detail": journal.jsonable(detail or {})})
    journal.record(session, actor, entity=ENTITY, entity_id=t.id, op_type=action,
                   payload=_payload(t, office), now=now, from_state=from_state,
                   to_state=t.status, audit_detail={"code": t.code, **(detail or {})})


def _load(session: Session, actor: Actor | None, ticket_id: uuid.UUID) -> Ticket:
    t = session.get(Ticket, ticket_id, populate_existing=True)
    if t is None or (actor is not None and t.office_code != actor.office_code):
        raise NotFound("Không tìm thấy số thứ tự này", code="ticket_not_found", ticket_id=str(ticket_id))
    return t


def _move(session: Session, t: Ticket, allowed: tuple[str, ...], to_status: str, action: str,
          **values: Any) -> str:
    """Move the ticket with a guarded UPDATE (WHERE status = the state we saw); returns the old state."""
    old = t.status
    if old not in allowed:
        raise TransitionError(f"Số {t.code} đang ở trạng thái '{old}', không thể {action}",
                              code="illegal_transition", ticket=t.code, status=old, action=action)
    done = session.connection().execute(
        update(Ticket).where(Ticket.id == t.id, Ticket.status == old)
        .values(status=to_status, **values).execution_options(synchronize_session=False))
    if done.rowcount != 1:  # cannot happen while writes are serialised; never act on a stale read
        raise TransitionError(f"Số {t.code} vừa được thay đổi ở nơi khác", code="ticket_changed", ticket=t.code)
    session.refresh(t)
    return old


# -- operations -----------------------------------------------------------------------------

def issue_ticket(session: Session, actor: Actor, service_code: str, *, priority_reason: str | None = None,
                 source: str = "walk_in", appointment_id: uuid.UUID | None = None,
                 now: datetime | None = None) -> TicketInfo:
    """A new waiting ticket (the next number of the service today), with its place and wait."""
    now = _now(now)
    if priority_reason is not None and priority_reason not in PRIORITY_REASONS:
        raise ValidationError(f"Lý do ưu tiên không hợp lệ: {priority_reason!r}", field="priority_reason")
    if source not in TICKET_SOURCES:
        raise ValidationError(f"Nguồn không hợp lệ: {source!r}", field="source")
    if (source == "appointment") != (appointment_id is not None):
        raise ValidationError("Số theo lịch hẹn phải kèm mã lịch hẹn (và chỉ số theo lịch hẹn)",
                              field="appointment_id")
    office_code = actor.office_code
    office = _Office.of(session, office_code)
    svc = office.service(service_code)
    if appointment_id is not None:
        appt = session.get(Appointment, appointment_id)
        if appt is None or appt.office_code != office_code:
            raise NotFound("Không tìm thấy lịch hẹn", code="appointment_not_found",
                           appointment_id=str(appointment_id))

    day = office_today(now)
    number = journal.next_serial(session, f"ticket:{office_code}:{svc.code}:{day.isoformat()}")
    values = dict(id=new_id(), office_code=office_code, service_id=svc.id, queue_service_id=svc.id, day=day,
                  number=number, code=f"{svc.prefix}{number:03d}", priority_reason=priority_reason, source=source,
                  status="waiting", counter_id=None, target_counter_id=None, staff_id=None,
                  appointment_id=appointment_id, issued_at=now, queued_at=now, called_at=None, serving_at=None,
                  finished_at=None, call_count=0, note="")
    session.connection().execute(_TICKET_INSERT, values)
    t = Ticket(**values)  # transient: the row is written; this only carries its values back
    _log(session, actor, t, office, action="issue", from_state=None, now=now, counter_id=None,
         detail={"service": svc.code, "priority_reason": priority_reason, "source": source,
                 "appointment_id": appointment_id})

    ahead, minutes = _estimate(session, office, t, day)
    return _info(t, office, people_ahead=ahead, estimated_wait_min=minutes)


def _windows(session: Session, waiting: list[_Waiting], rules: OfficeRules) -> dict[uuid.UUID, tuple[datetime, datetime, datetime]]:
    """Appointment id -> (window opens, window closes, slot start), as aware datetimes."""
    ids = [w.appointment_id for w in waiting if w.source == "appointment" and w.appointment_id is not None]
    out: dict[uuid.UUID, tuple[datetime, datetime, datetime]] = {}
    for chunk in _chunks(ids):
        for aid, day, start, end in session.connection().execute(
                select(Appointment.id, Slot.day, Slot.start_time, Slot.end_time)
                .join(Slot, Slot.id == Appointment.slot_id).where(Appointment.id.in_(chunk))).all():
            begins = datetime.combine(day, start, OFFICE_TZ)
            ends = datetime.combine(day, end, OFFICE_TZ)
            out[aid] = (begins - timedelta(minutes=rules.appointment_early_minutes),
                        ends + timedelta(minutes=rules.appointment_late_minutes), begins)
    return out


def _privileged_streak_full(session: Session, office_code: str, day: date, ctr: _Ctr, limit: int) -> bool:
    """True when this counter's last `limit` calls today were all priority or appointment tickets."""
    if limit <= 0:
        return True
    last = session.connection().execute(
        select(Ticket.priority_reason, Ticket.source)
        .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(WAS_CALLED),
               Ticket.counter_id == ctr.id)
        .order_by(Ticket.called_at.desc()).limit(limit)).all()
    return len(last) >= limit and all(r.priority_reason or r.source == "appointment" for r in last)


def _in_window(w: _Waiting, windows: dict[uuid.UUID, tuple[datetime, datetime, datetime]], now: datetime) -> bool:
    win = windows.get(w.appointment_id) if w.source == "appointment" and w.appointment_id else None
    return win is not None and win[0] <= now <= win[1]


def _pick(cands: list[_Waiting], windows: dict[uuid.UUID, tuple[datetime, datetime, datetime]], now: datetime,
          streak_full: bool) -> tuple[_Waiting, str] | None:
    """The ticket to call and the lane it was called from (appointment / priority / normal)."""
    in_window = [w for w in cands if _in_window(w, windows, now)]
    if in_window:
        return min(in_window, key=lambda w: (windows[w.appointment_id][2], w.arrival())), "appointment"  # type: ignore[index]
    priority = [w for w in cands if w.priority_reason]
    normal = [w for w in cands if not w.priority_reason]
    if priority and not (streak_full and normal):
        return min(priority, key=_Waiting.arrival), "priority"
    return (min(normal, key=_Waiting.arrival), "normal") if normal else None


def call_next(session: Session, actor: Actor, counter_number: int, *, now: datetime | None = None) -> TicketInfo | None:
    """Call the next ticket to this counter; None when nobody is waiting for it."""
    now = _now(now)
    office_code = actor.office_code
    office = _Office.of(session, office_code)
    ctr = office.counter(counter_number)
    day = office_today(now)
    busy = session.connection().execute(
        select(Ticket.code, Ticket.status)
        .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(AT_COUNTER),
               Ticket.counter_id == ctr.id).limit(1)).first()
    if busy is not None:
        raise DomainError(f"Quầy {counter_number} còn số {busy.code} ({busy.status}): hãy kết thúc, "
                          f"báo vắng hoặc chuyển số đó trước", code="counter_busy",
                          counter=counter_number, ticket=busy.code, status=busy.status)

    cands = [w for w in _waiting_today(session, office_code, day, ctr.service_ids, ctr.id) if w.takeable_by(ctr)]
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
            update(Ticket).where(Ticket.id == pick.id, Ticket.status == "waiting")
            .values(status="called", counter_id=ctr.id, staff_id=actor.staff_id, called_at=now,
                    call_count=Ticket.call_count + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            t = _load(session, None, pick.id)
            _log(session, actor, t, office, action="call", from_state="waiting", now=now,
                 counter_id=ctr.id, detail={"counter": ctr.number, "lane": lane})
            return _info(t, office)
        cands = [w for w in cands if w.id != pick.id]  # taken meanwhile: try the next one
    return None


def recall(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    """Announce a called ticket again (the display board polls the 'recall' events)."""
    now = _now(now)
    t = _load(session, actor, ticket_id)
    office = _Office.of(session, t.office_code)
    old = _move(session, t, ("called",), "called", "recall", call_count=Ticket.call_count + 1)
    _log(session, actor, t, office, action="recall", from_state=old, now=now, counter_id=t.counter_id,
         detail={"counter": office.counter_number(t.counter_id), "call_count": t.call_count})
    return _info(t, office)


def start_serving(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    now = _now(now)
    t = _load(session, actor, ticket_id)
    office = _Office.of(session, t.office_code)
    values: dict[str, Any] = {"serving_at": now}
    if actor.staff_id is not None:
        values["staff_id"] = actor.staff_id
    old = _move(session, t, ("called",), "serving", "serve", **values)
    _log(session, actor, t, office, action="serve", from_state=old, now=now, counter_id=t.counter_id,
         detail={"counter": office.counter_number(t.counter_id)})
    return _info(t, office)


def finish_serving(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    now = _now(now)
    t = _load(session, actor, ticket_id)
    office = _Office.of(session, t.office_code)
    old = _move(session, t, ("serving",), "done", "finish", finished_at=now)
    _log(session, actor, t, office, action="finish", from_state=old, now=now, counter_id=t.counter_id,
         detail={"counter": office.counter_number(t.counter_id)})
    return _info(t, office)


def mark_no_show(session: Session, actor: Actor, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    """The citizen did not come to the desk after being called."""
    now = _now(now)
    t = _load(session, actor, ticket_id)
    office = _Office.of(session, t.office_code)
    old = _move(session, t, ("called",), "no_show", "no_show", finished_at=now)
    _log(session, actor, t, office, action="no_show", from_state=old, now=now, counter_id=t.counter_id,
         detail={"counter": office.counter_number(t.counter_id), "call_count": t.call_count})
    return _info(t, office)


def transfer(session: Session, actor: Actor, ticket_id: uuid.UUID, *, to_service_code: str | None = None,
             to_counter_number: int | None = None, note: str = "", now: datetime | None = None) -> TicketInfo:
    """Send a ticket to another queue and/or one counter; it waits again with its number and place.

    The ticket keeps ``queued_at`` (its place in arrival order), so it is not sent to the back.
    Its call history restarts (counter, called/serving times, call count): the events keep the
    old ones. A transfer without a counter clears an earlier counter target.
    """
    now = _now(now)
    if to_service_code is None and to_counter_number is None:
        raise ValidationError("Chọn dịch vụ hoặc quầy để chuyển đến", field="to_service_code")
    t = _load(session, actor, ticket_id)
    office = _Office.of(session, t.office_code)
    from_service = t.queue_service_id
    to_service = office.service(to_service_code).id if to_service_code is not None else from_service
    to_counter = office.counter(to_counter_number) if to_counter_number is not None else None
    if (t.status == "waiting" and to_service == from_service and to_counter is None
            and t.target_counter_id is None):
        raise ValidationError("Số này đã ở đúng hàng chờ đó", field="to_service_code", code="transfer_noop")
    left_counter = t.counter_id
    old = _move(session, t, ("waiting", "called", "serving"), "waiting", "transfer",
                queue_service_id=to_service, target_counter_id=to_counter.id if to_counter else None,
                counter_id=None, staff_id=None, called_at=None, serving_at=None, call_count=0,
                note=note.strip()[:500] if note.strip() else t.note)
    detail = {
        "from_service": office.services[from_service].code, "to_service": office.services[to_service].code,
        "to_service_id": to_service, "from_counter": office.counter_number(left_counter),
        "to_counter": to_counter.number if to_counter else None,
        "from_status": old, "note": note.strip(),
    }
    _log(session, actor, t, office, action="transfer", from_state=old, now=now,
         counter_id=left_counter, detail=detail)
    return _info(t, office)


def get_ticket(session: Session, ticket_id: uuid.UUID) -> TicketInfo:
    t = _load(session, None, ticket_id)
    office = _Office.of(session, t.office_code)
    return _info(t, office)


def position(session: Session, ticket_id: uuid.UUID, *, now: datetime | None = None) -> TicketInfo:
    """The ticket with the people ahead of it and the estimated wait in minutes.

    Waiting tickets get the estimate; a called or serving ticket has nobody ahead and no
    wait (0, 0); a finished or no-show ticket has no position (None, None). A waiting ticket
    of an earlier day is stale: nobody calls it any more, so it has no position either.
    """
    now = _now(now)
    t = _load(session, None, ticket_id)
    office = _Office.of(session, t.office_code)
    if t.status in AT_COUNTER:
        return _info(t, office, people_ahead=0, estimated_wait_min=0)
    day = office_today(now)
    if t.status != "waiting" or t.day != day:
        return _info(t, office)
    ahead, minutes = _estimate(session, office, t, day)
    return _info(t, office, people_ahead=ahead, estimated_wait_min=minutes)


def queue_overview(session: Session, office_code: str, *, now: datetime | None = None) -> list[ServiceQueue]:
    """Each active queue: who waits, how long a ticket taken now would wait, open counters."""
    now = _now(now)
    day = office_today(now)
    office = _Office.of(session, office_code)
    services = sorted((s for s in office.services.values() if s.active), key=lambda s: (s.sort_order, s.code))
    waiting = _waiting_today(session, office_code, day)
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
    now = _now(now)
    day = office_today(now)
    office = _Office.of(session, office_code)
    ctr = office.counter(counter_number)
    current_id = session.connection().scalars(
        select(Ticket.id)
        .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(AT_COUNTER),
               Ticket.counter_id == ctr.id).order_by(Ticket.called_at.desc()).limit(1)).first()
    current = None
    if current_id is not None:
        t = _load(session, None, current_id)
        current = _info(t, office)
    mine = [w for w in _waiting_today(session, office_code, day, ctr.service_ids, ctr.id) if w.takeable_by(ctr)]
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


__all__ = [
    "PRIORITY_REASONS", "TICKET_SOURCES", "TICKET_STATUSES", "TicketInfo", "ServiceQueue", "CounterState",
    "issue_ticket", "call_next", "recall", "start_serving", "finish_serving", "mark_no_show", "transfer",
    "get_ticket", "position", "queue_overview", "counter_state",
]
