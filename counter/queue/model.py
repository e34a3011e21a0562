"""The counter's queue panel, Qt-free: what the clerk sees of the queue and the moves of
the ticket at the desk.

Every function is one user action on its own session (``ctx.db.read()`` for a look,
``ctx.db.write()`` for a move) and returns the whole :class:`PanelState` as it is after
it, read in the same transaction, so the screen redraws from one object and never shows
a count from before the move next to a ticket from after it.

Calling the next number while this counter still has a called or serving ticket is
REFUSED (``DomainError(code="counter_busy")``, with the ticket's number in the message):
finishing it silently would record a service that may not have happened, and dropping it
would lose the citizen. The clerk settles it first — start/finish, absent, or transfer —
and each of those is one key away. The operation (local_db/ops/queue.py) makes the same
check inside the transaction; this module only words it for the clerk.

Texts from the database (service names) are kept in both languages and picked when
read (``.name``), so a language switch redraws without asking the database again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.errors import DomainError, MotcuaError
from core.i18n import _, current_language, localized
from core.ticket_states import AT_COUNTER, TicketStatus
from counter.context import CounterContext
from local_db.office_settings import office_today
from local_db.ops import queue as queue_ops
from local_db.ops.queue_common import OfficeSnapshot, TicketInfo, waiting_today
from local_db.ops.queue_status import counter_state, get_ticket, last_transfer
from printing.roll_source import priority_label

# Notices: what the last action wants said on the status line (the view words them).
NOBODY_WAITING = "nobody_waiting"
FINISHED = "finished"
NO_SHOW = "no_show"
TRANSFERRED = "transferred"


def _pick(vi: str, en: str) -> str:
    return localized(vi, en)


@dataclass(frozen=True)
class ServiceLine:
    """One queue: how many this counter may call (``waiting``/``priority_waiting``), or, in
    the transfer list, how many wait in it office-wide."""

    code: str
    prefix: str
    name_vi: str
    name_en: str
    waiting: int
    priority_waiting: int

    @property
    def name(self) -> str:
        return _pick(self.name_vi, self.name_en)


@dataclass(frozen=True)
class CounterTarget:
    number: int
    service_codes: tuple[str, ...]
    waiting: int  # tickets that counter may call now
    is_open: bool = True  # a closed counter is listed, marked, and cannot be chosen (queue.transfer refuses it)


@dataclass(frozen=True)
class Transferred:
    """Where the ticket at the desk came from, when another counter sent it here."""

    from_counter: int | None
    from_service_vi: str
    from_service_en: str
    note: str

    @property
    def from_service(self) -> str:
        return _pick(self.from_service_vi, self.from_service_en)


@dataclass(frozen=True)
class CurrentTicket:
    id: uuid.UUID
    code: str
    service_code: str
    service_name_vi: str
    service_name_en: str
    priority_reason: str | None
    source: str  # walk_in / appointment / counter
    status: str  # called / serving
    called_at: datetime | None
    serving_at: datetime | None
    call_count: int
    transferred: Transferred | None

    @property
    def service_name(self) -> str:
        return _pick(self.service_name_vi, self.service_name_en)

    @property
    def priority_words(self) -> str:
        """The priority reason in the current language ("" for none)."""
        return priority_label(self.priority_reason, current_language())

    @property
    def clock_from(self) -> datetime | None:
        """What the desk's timer counts from: the start of service, else the call."""
        return self.serving_at or self.called_at

    def elapsed(self, now: datetime) -> timedelta:
        start = self.clock_from
        return max(now - start, timedelta(0)) if start is not None else timedelta(0)


@dataclass(frozen=True)
class Notice:
    kind: str  # NOBODY_WAITING, FINISHED, NO_SHOW, TRANSFERRED
    code: str = ""  # the ticket it is about
    to_service_vi: str = ""
    to_service_en: str = ""
    to_counter: int | None = None

    @property
    def to_service(self) -> str:
        return _pick(self.to_service_vi, self.to_service_en)


@dataclass(frozen=True)
class PanelState:
    counter_number: int
    counter_open: bool
    current: CurrentTicket | None  # today's called or serving ticket at this counter
    services: tuple[ServiceLine, ...]  # the queues this counter calls (and those sent to it)
    waiting: int  # tickets this counter may call now
    priority_waiting: int
    transferred_here: int  # of which sent to this counter in particular
    transfer_services: tuple[ServiceLine, ...]  # every active service, office-wide counts
    transfer_counters: tuple[CounterTarget, ...]  # the office's other counters, the open ones first
    read_at: datetime
    notice: Notice | None = field(default=None)

    @property
    def can_call(self) -> bool:
        return self.current is None

    @property
    def can_recall(self) -> bool:
        return self.current is not None and self.current.status == TicketStatus.CALLED

    can_start = can_recall  # a called citizen came to the desk
    can_no_show = can_recall  # ... or did not

    @property
    def can_finish(self) -> bool:
        return self.current is not None and self.current.status == TicketStatus.SERVING

    @property
    def can_transfer(self) -> bool:
        return self.current is not None


# -- reading ------------------------------------------------------------------------------

def _transferred(session: Session, office: OfficeSnapshot, ticket_id: uuid.UUID) -> Transferred | None:
    last = last_transfer(session, ticket_id)
    if last is None:
        return None
    svc = office.service_by_code.get(last.from_service_code)
    return Transferred(from_counter=last.from_counter, from_service_vi=svc.name_vi if svc else "",
                       from_service_en=svc.name_en if svc else "", note=last.note)


def _current(session: Session, office: OfficeSnapshot, info: TicketInfo) -> CurrentTicket:
    return CurrentTicket(
        id=info.id, code=info.code, service_code=info.service_code, service_name_vi=info.service_name_vi,
        service_name_en=info.service_name_en, priority_reason=info.priority_reason, source=info.source,
        status=info.status, called_at=info.called_at, serving_at=info.serving_at, call_count=info.call_count,
        transferred=_transferred(session, office, info.id))


def _line(svc, waiting: list) -> ServiceLine:  # type: ignore[no-untyped-def]
    return ServiceLine(code=svc.code, prefix=svc.prefix, name_vi=svc.name_vi, name_en=svc.name_en,
                       waiting=len(waiting), priority_waiting=sum(1 for w in waiting if w.priority_reason))


def _state(session: Session, ctx: CounterContext, now: datetime, notice: Notice | None = None) -> PanelState:
    number = _counter_number(ctx)
    office = OfficeSnapshot.of(session, ctx.office_code)
    state = counter_state(session, ctx.office_code, number, now=now)  # NotFound: no such counter
    ctr = office.counter(number)
    everyone = waiting_today(session, ctx.office_code, office_today(now))
    mine = [w for w in everyone if w.takeable_by(ctr)]
    active = sorted((s for s in office.services.values() if s.active), key=lambda s: (s.sort_order, s.code))
    # This counter's queues, then any other queue a ticket sent to this counter waits in.
    shown = [s for s in active if s.id in ctr.service_ids]
    shown += [s for s in active if s.id not in ctr.service_ids and any(w.queue_service_id == s.id for w in mine)]
    services = tuple(_line(s, [w for w in mine if w.queue_service_id == s.id]) for s in shown)
    transfer_services = tuple(_line(s, [w for w in everyone if w.queue_service_id == s.id]) for s in active)
    others = sorted((c for c in office.counters.values() if c.active and c.id != ctr.id),
                    key=lambda c: (not c.is_open, c.number))  # the open ones first
    by_id = office.services
    targets = tuple(CounterTarget(
        number=c.number,
        service_codes=tuple(s.code for s in sorted((by_id[i] for i in c.service_ids if i in by_id),
                                                   key=lambda s: (s.sort_order, s.code))),
        waiting=sum(1 for w in everyone if w.takeable_by(c)), is_open=c.is_open) for c in others)
    return PanelState(
        counter_number=number, counter_open=state.is_open,
        current=_current(session, office, state.current) if state.current is not None else None,
        services=services, waiting=state.waiting, priority_waiting=state.priority_waiting,
        transferred_here=state.transferred_here, transfer_services=transfer_services,
        transfer_counters=targets, read_at=now, notice=notice)


def _counter_number(ctx: CounterContext) -> int:
    if ctx.counter_number is None:
        raise DomainError(_("No counter is chosen for this desk. Sign in again and choose one."),
                          code="no_counter")
    return ctx.counter_number


def panel(ctx: CounterContext) -> PanelState:
    """The panel as it is now (the periodic refresh)."""
    now = ctx.now()
    with ctx.db.read() as s:
        return _state(s, ctx, now)


# -- the clerk's moves ----------------------------------------------------------------------

def clerk_words(exc: MotcuaError, code: str = "") -> MotcuaError:
    """An operation's refusal in the clerk's language for the cases a stale panel or a
    habit meets; any other error keeps the operation's own message."""
    if exc.code == "counter_busy":
        return DomainError(
            _("Ticket {code} is still open at this counter. Finish it, mark it absent or transfer it "
              "before calling the next one.").format(code=exc.details.get("ticket", code)),
            code=exc.code, **exc.details)
    if exc.code in ("illegal_transition", "ticket_changed", "ticket_elsewhere"):
        return DomainError(
            _("Ticket {code} has changed meanwhile (at another desk or by the supervisor). "
              "The panel now shows it as it is.").format(code=exc.details.get("ticket", code)),
            code=exc.code, **exc.details)
    return exc


def _at_this_counter(session: Session, ctx: CounterContext, ticket_id: uuid.UUID) -> TicketInfo:
    """The ticket, if it is the one this counter called or serves (the panel may be stale)."""
    info = get_ticket(session, ticket_id)
    if info.status not in AT_COUNTER or info.counter_number != _counter_number(ctx):
        raise DomainError(f"ticket {info.code} is not at counter {ctx.counter_number}", code="ticket_elsewhere",
                          ticket=info.code)
    return info


def call_next(ctx: CounterContext) -> PanelState:
    """Call the next citizen (the operation decides who: appointments in their window,
    then priority, with no starvation). Refused while this counter has a ticket open."""
    now = ctx.now()
    try:
        with ctx.db.write() as s:
            called = queue_ops.call_next(s, ctx.actor, _counter_number(ctx), now=now)
            return _state(s, ctx, now, None if called is not None else Notice(NOBODY_WAITING))
    except MotcuaError as exc:
        raise clerk_words(exc) from exc


def _move(ctx: CounterContext, ticket_id: uuid.UUID, op, notice_kind: str | None = None) -> PanelState:  # type: ignore[no-untyped-def]
    now = ctx.now()
    code = ""
    try:
        with ctx.db.write() as s:
            code = _at_this_counter(s, ctx, ticket_id).code
            info = op(s, ctx.actor, ticket_id, now=now)
            return _state(s, ctx, now, Notice(notice_kind, info.code) if notice_kind else None)
    except MotcuaError as exc:
        raise clerk_words(exc, code) from exc


def recall(ctx: CounterContext, ticket_id: uuid.UUID) -> PanelState:
    """Announce the called number again (the display board and the speaker repeat it)."""
    return _move(ctx, ticket_id, queue_ops.recall)


def start(ctx: CounterContext, ticket_id: uuid.UUID) -> PanelState:
    """The called citizen is at the desk: the service time starts."""
    return _move(ctx, ticket_id, queue_ops.start_serving)


def finish(ctx: CounterContext, ticket_id: uuid.UUID) -> PanelState:
    return _move(ctx, ticket_id, queue_ops.finish_serving, FINISHED)


def no_show(ctx: CounterContext, ticket_id: uuid.UUID) -> PanelState:
    """The called citizen did not come to the desk."""
    return _move(ctx, ticket_id, queue_ops.mark_no_show, NO_SHOW)


def transfer(ctx: CounterContext, ticket_id: uuid.UUID, to_service_code: str | None = None,
             to_counter_number: int | None = None, note: str = "") -> PanelState:
    """Send the ticket at the desk to another queue or another counter; it waits there with
    its number and its place in arrival order, and this counter is free again."""
    now = ctx.now()
    code = ""
    try:
        with ctx.db.write() as s:
            code = _at_this_counter(s, ctx, ticket_id).code
            if to_counter_number is not None and to_counter_number == ctx.counter_number:
                raise DomainError(_("The ticket is already at this counter. Choose another counter or a service."),
                                  code="transfer_same_counter")
            info = queue_ops.transfer(s, ctx.actor, ticket_id, to_service_code=to_service_code,
                                      to_counter_number=to_counter_number, note=note, now=now)
            notice = Notice(TRANSFERRED, info.code,
                            to_service_vi=info.service_name_vi if to_service_code else "",
                            to_service_en=info.service_name_en if to_service_code else "",
                            to_counter=to_counter_number)
            return _state(s, ctx, now, notice)
    except MotcuaError as exc:
        raise clerk_words(exc, code) from exc


__all__ = [
    "FINISHED",
    "NOBODY_WAITING",
    "NO_SHOW",
    "TRANSFERRED",
    "CounterTarget",
    "CurrentTicket",
    "Notice",
    "PanelState",
    "ServiceLine",
    "Transferred",
    "call_next",
    "finish",
    "no_show",
    "panel",
    "recall",
    "start",
    "transfer",
]
