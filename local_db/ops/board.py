"""What the waiting-room display board shows, read in one go (read-only, Qt-free).

The board polls :func:`journal.change_marker` a few times a second and reads
:func:`board_state` when it moved (and every few seconds anyway, for the clock and for what
changes without an operation: a counter opened at sign-in, notices edited). It announces
calls from :func:`calls_since`: each call and recall is a :class:`Call` with the id of its
TicketEvent, so the board says each exactly once. It asks for a window of recent calls and
keeps the ids it has seen, rather than a strict "after this time" cursor: two counters'
commits can land out of ``at`` order (each stamps its own ``now`` before it waits for the
write lock), and a strict cursor would skip the one that committed second.

Only today's tickets (the office's local day) count: a number called yesterday is not on
today's board.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.i18n import localized
from core.ticket_states import AT_COUNTER
from local_db import journal
from local_db.models import Ticket, TicketEvent
from local_db.office_settings import get_office, load_rules, office_today
from local_db.ops.queue_common import OfficeSnapshot, now_or
from local_db.ops.queue_status import queue_overview

CALL_ACTIONS = ("call", "recall")  # the TicketEvent actions the board announces (local_db/ops/queue.py)
FRESH_SECONDS = 10  # a call this recent is highlighted (and blinks) on the board
ANNOUNCE_STYLES = {"words": "number", "number": "number", "digits": "digits"}  # office setting -> core style


@dataclass(frozen=True)
class Call:
    """One call or recall of a ticket to a counter: the board announces each once."""

    id: uuid.UUID  # the TicketEvent's id
    ticket_id: uuid.UUID
    code: str
    counter_number: int | None
    at: datetime
    action: str  # "call" / "recall"


@dataclass(frozen=True)
class CounterOnBoard:
    number: int
    name: str
    ticket_code: str | None  # the ticket it calls or serves now; None: nobody at the desk
    status: str | None  # "called" / "serving"
    called_at: datetime | None  # the latest call or recall of that ticket
    fresh: bool  # called within FRESH_SECONDS of now


@dataclass(frozen=True)
class WaitingLine:
    service_code: str
    prefix: str
    name_vi: str
    name_en: str
    waiting: int
    counters_open: tuple[int, ...]

    def name(self, lang: str) -> str:
        return localized(self.name_vi, self.name_en, lang)


@dataclass(frozen=True)
class BoardState:
    office_code: str
    office_name_vi: str
    office_name_en: str
    day: date
    now: datetime
    counters: tuple[CounterOnBoard, ...]  # the open counters, by number
    last_calls: tuple[Call, ...]  # newest first, each number once (at its latest call or recall)
    waiting: tuple[WaitingLine, ...]  # every active queue, in the office's order
    notices: tuple[str, ...]
    change_marker: int
    announce_style: str = "number"  # "number" / "digits" (core.spoken_numbers styles)
    announce_english: bool = False  # repeat each call in English

    def office_name(self, lang: str) -> str:
        return localized(self.office_name_vi, self.office_name_en, lang)

    @property
    def latest(self) -> Call | None:
        return self.last_calls[0] if self.last_calls else None

    def counter(self, number: int) -> CounterOnBoard | None:
        return next((c for c in self.counters if c.number == number), None)


def _today_ids(office_code: str, day: date) -> Select[uuid.UUID]:
    # Driving the event look-up from today's tickets (ix_ticket_queue) and the events' ticket
    # index keeps it as cheap on years of history as on an empty table.
    return select(Ticket.id).where(Ticket.office_code == office_code, Ticket.day == day)


def _calls(session: Session, office: OfficeSnapshot, day: date, *, since: datetime | None = None,
           newest: int | None = None) -> list[Call]:
    stmt = (select(TicketEvent.id, TicketEvent.ticket_id, Ticket.code, TicketEvent.counter_id, TicketEvent.at,
                   TicketEvent.action)
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(TicketEvent.ticket_id.in_(_today_ids(office.code, day)),
                   TicketEvent.action.in_(CALL_ACTIONS)))
    if since is not None:
        stmt = stmt.where(TicketEvent.at >= since)
    if newest is not None:
        stmt = stmt.order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).limit(newest)
    else:
        stmt = stmt.order_by(TicketEvent.at, TicketEvent.id)
    return [Call(id=r.id, ticket_id=r.ticket_id, code=r.code, counter_number=office.counter_number(r.counter_id),
                 at=r.at, action=r.action) for r in session.connection().execute(stmt).all()]


def _latest_per_ticket(session: Session, office: OfficeSnapshot, day: date, newest: int) -> tuple[Call, ...]:
    """The last ``newest`` numbers called, each once, at its latest call: a recall moves the
    number to the top of the board's "just called" list instead of listing it twice (a
    citizen reading the list twice would think two people hold the number). A few numbers
    called again and again may fill the rows read: read more then, up to today's calls."""
    limit = newest * 3
    while True:
        calls = _calls(session, office, day, newest=limit)
        seen: set[uuid.UUID] = set()
        latest = []
        for c in calls:  # newest first
            if c.ticket_id not in seen:
                seen.add(c.ticket_id)
                latest.append(c)
        if len(latest) >= newest or len(calls) < limit:
            return tuple(latest[:newest])
        limit *= 4


def calls_since(session: Session, office_code: str, since: datetime, *, now: datetime | None = None) -> list[Call]:
    """Today's calls and recalls stamped at or after ``since``, oldest first (ties by id).

    The caller keeps the ids it has announced and asks again with a ``since`` some way back
    (a window), so a call that committed late with an earlier stamp is still found.
    """
    now = now_or(now)
    if since.tzinfo is None:
        raise ValueError("naive datetime: pass an aware time (UTC)")
    office = OfficeSnapshot.of(session, office_code)
    return _calls(session, office, office_today(now), since=since)


def _fresh(at: datetime | None, now: datetime) -> bool:
    return at is not None and abs((now - at).total_seconds()) <= FRESH_SECONDS


def board_state(session: Session, office_code: str, *, now: datetime | None = None,
                last_calls: int = 8) -> BoardState:
    """Everything the board shows, from one session."""
    now = now_or(now)
    day = office_today(now)
    # First: a change committed while the rest is read moves the marker past this value,
    # so the board reads again next time instead of missing it.
    marker = journal.change_marker(session)
    office_row = get_office(session, office_code)
    office = OfficeSnapshot.of(session, office_code)
    rules = load_rules(session, office_code)
    conn = session.connection()

    current: dict[uuid.UUID, tuple[uuid.UUID, str, str, datetime | None]] = {}  # counter id -> its ticket
    for r in conn.execute(
            select(Ticket.id, Ticket.code, Ticket.status, Ticket.counter_id, Ticket.called_at)
            .where(Ticket.office_code == office_code, Ticket.day == day, Ticket.status.in_(AT_COUNTER),
                   Ticket.counter_id.is_not(None))).all():
        seen = current.get(r.counter_id)
        if seen is None or (r.called_at or now) > (seen[3] or now):
            current[r.counter_id] = (r.id, r.code, r.status, r.called_at)
    last_call_at: dict[uuid.UUID, datetime] = {}
    if current:
        ids = [t[0] for t in current.values()]
        last_call_at = dict(conn.execute(
            select(TicketEvent.ticket_id, func.max(TicketEvent.at))
            .where(TicketEvent.ticket_id.in_(ids), TicketEvent.action.in_(CALL_ACTIONS))
            .group_by(TicketEvent.ticket_id)).all())

    counters = []
    for ctr in sorted(office.counters.values(), key=lambda c: c.number):
        if not (ctr.is_open and ctr.active):
            continue
        ticket = current.get(ctr.id)
        if ticket is None:
            counters.append(CounterOnBoard(number=ctr.number, name=ctr.name, ticket_code=None, status=None,
                                           called_at=None, fresh=False))
            continue
        stamps = [t for t in (ticket[3], last_call_at.get(ticket[0])) if t is not None]
        called_at = max(stamps) if stamps else None
        counters.append(CounterOnBoard(number=ctr.number, name=ctr.name, ticket_code=ticket[1], status=ticket[2],
                                       called_at=called_at, fresh=_fresh(called_at, now)))

    waiting = tuple(WaitingLine(service_code=q.code, prefix=q.prefix, name_vi=q.name_vi, name_en=q.name_en,
                                waiting=q.waiting, counters_open=q.counters_open)
                    for q in queue_overview(session, office_code, now=now))
    return BoardState(
        office_code=office_code, office_name_vi=office_row.name_vi, office_name_en=office_row.name_en, day=day,
        now=now, counters=tuple(counters), last_calls=_latest_per_ticket(session, office, day, last_calls),
        waiting=waiting, notices=rules.notices, change_marker=marker,
        announce_style=ANNOUNCE_STYLES.get(str(rules.announce_style), "number"),
        # not an office setting yet (see the display brief's report): off unless the rules grow it
        announce_english=rules.announce_english,
    )


def recent_window(now: datetime, seconds: float) -> datetime:
    """The start of the window of calls the board asks for (see :func:`calls_since`)."""
    return now_or(now) - timedelta(seconds=seconds)


__all__ = ["ANNOUNCE_STYLES", "CALL_ACTIONS", "FRESH_SECONDS", "BoardState", "Call", "CounterOnBoard", "WaitingLine",
           "board_state", "calls_since", "recent_window"]
