"""The supervisor's dashboard: queue, dossiers and satisfaction over a period of office days.

Read-only. :func:`dashboard` gathers the figures of office-local days ``since``..``until``
(both included) into one frozen :class:`Dashboard`, which the counter's dashboard screen
shows, :func:`dashboard_csv` exports and ``printing.documents.dashboard_report`` prints.
It holds names in Vietnamese and English and no ids, so it round-trips through the print
queue's JSON (printing.content.to_data / from_data).

What the figures mean
---------------------
Queue (tickets of the period's office days, ``Ticket.day``):

* A service row counts the tickets that service *numbered* (A015 belongs to Hộ tịch even
  if it was transferred to Chứng thực) and what became of them, so its columns describe one
  set of tickets: issued = served + no-show + those still waiting or at a desk.
* A counter or clerk row counts the tickets it called and kept (the counter and clerk of
  record on the ticket, i.e. who served it or marked it absent); its "transferred" counts
  the transfers made away from that counter / by that clerk (transfer events).
* The totals row's "transferred" counts tickets transferred at least once.
* Waiting time: issue -> *first* call (a transfer resets the ticket's ``called_at``, so the
  first call of a transferred ticket is read from its events); over every ticket called at
  least once, no-shows included. Service time: start of service -> finish, over served
  tickets (``wait_estimate.service_seconds``).
* Median and 90th percentile interpolate linearly between ranks (PostgreSQL's
  ``percentile_cont``, Excel's PERCENTILE.INC), in minutes.

Dossiers:

* Received: received on a day of the period.
* Resolved ("đã giải quyết"): the result became ready (``ready_at``: result back from the
  processing body, or handled at the desk) on a day of the period. A result later handed
  back is still counted once, on the day it was ready. docs/ARCHITECTURE.md §4 measures on-time
  at ``ready``, so refusals and withdrawals never reach it: they are counted apart
  (``rejected``, ``withdrawn``, on the day they were closed) and stay out of the rate.
* On time: ready at or before the legal due moment, ``original_due_at`` (restarted from
  zero by a supplement, never moved by a reschedule); late otherwise. A dossier
  rescheduled with an apology (form 04) is late by definition (REFERENCE.md "Late: ... the
  citizen gets an apology with a new date"), even when it met the new date; the dossier
  screens' ``dossier_info.on_time`` measures against the current (rescheduled) date instead.
* On-time rate, the figure the city reports: on time / resolved; None when nothing was
  resolved.
* Overdue and due today are as of ``now`` over every open dossier (whatever day it was
  received), exactly what ``list_dossiers(overdue=True)`` / ``(due_today=True)`` list:
  still open (not ready, returned, rejected or withdrawn) and past due / due between
  ``now`` and the end of its office day: never both (a dossier due at 17:00 is overdue at
  23:50, not also due today).
* Per field ("lĩnh vực", the grouping of the city's reports): received, resolved, on time,
  late, refused and withdrawn by the procedure's field.

Satisfaction: ``feedback.feedback_summary`` over the same days.

Cost: the period's rows come back with only the columns needed (percentiles need the
values; office-local days are taken in Python, so SQLite and PostgreSQL give the same
figures), grouped by small keys joined in SQL (service code, counter number, username)
rather than by ids. Tickets are found by their indexed day; transfer events by one index
probe per ticket of the period, and only transferred tickets have their calls read;
dossiers received by the indexed receipt time; overdue and due today are indexed counts.
The dossiers made ready in the period are found by ``ready_at``, which has no index: that
query reads every dossier row of the office (about 10 ms per 5,000 dossiers on SQLite).
30 days of the demo office take ~45 ms in all on SQLite.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, null, select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.i18n import _, lazy_gettext, localized, pgettext
from core.text import fold
from core.ticket_states import TicketStatus
from core.working_calendar import OFFICE_TZ
from local_db.models import (
    Counter,
    Dossier,
    Procedure,
    Service,
    Staff,
    Ticket,
    TicketEvent,
)
from local_db.office_settings import get_office
from local_db.ops.dossier_info import OPEN_STATES, due_today_window, utc_now
from local_db.ops.feedback import feedback_summary
from local_db.ops.wait_estimate import service_seconds

_IN_CHUNK = 500  # ids per IN (...) list
_MOVED_IN_CASE = 500  # up to this many transferred tickets are named in the ticket query


# --- the figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """Tickets of one service, counter or clerk (or all of them: ``key`` "")."""

    key: str  # service code, counter number, staff username; "" for the totals row
    name_vi: str  # service / field name, counter name, clerk's full name
    name_en: str
    tickets: int  # service, total: tickets issued; counter, clerk: tickets called and kept
    served: int  # finished at a desk (done)
    no_show: int
    transferred: int
    waited: int  # tickets called at least once: the wait is measured over these
    wait_median_min: float | None  # issue -> first call
    wait_p90_min: float | None
    timed: int  # served tickets with a start and a finish
    service_median_min: float | None  # start of service -> finish
    service_p90_min: float | None


@dataclass(frozen=True)
class QueueFigures:
    by_service: tuple[QueueRow, ...]  # the office's services in their display order
    by_counter: tuple[QueueRow, ...]  # by counter number
    by_clerk: tuple[QueueRow, ...]  # by name
    total: QueueRow


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class FieldRow:
    """Dossiers of one field of procedures ("Hộ tịch", "Chứng thực", ...)."""

    name_vi: str
    name_en: str
    received: int
    resolved: int
    on_time: int
    late: int
    rejected: int
    withdrawn: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.resolved)


@dataclass(frozen=True)
class DossierFigures:
    received: int
    resolved: int  # result ready during the period (= on_time + late)
    on_time: int
    late: int
    rejected: int  # refused (form 03) during the period: not in the rate
    withdrawn: int  # withdrawn by the citizen during the period: not in the rate
    overdue: int  # open and past due at ``now``
    due_today: int  # open and due from ``now`` to the end of its office day (not overdue)
    by_field: tuple[FieldRow, ...]

    @property
    def on_time_rate(self) -> float | None:
        """On time / resolved (0..1), the rate the city reports; None when nothing was resolved."""
        return _rate(self.on_time, self.resolved)


@dataclass(frozen=True)
class Satisfaction:
    total: int
    very_satisfied: int
    satisfied: int
    unsatisfied: int

    @property
    def satisfied_share(self) -> float | None:
        """Very satisfied + satisfied over all ratings (0..1); None with no rating."""
        return _rate(self.very_satisfied + self.satisfied, self.total)


@dataclass(frozen=True)
class DayFigures:
    """One office day, for the charts."""

    day: date
    tickets: int  # issued
    avg_wait_min: float | None  # mean issue -> first call of that day's called tickets
    dossiers_received: int
    on_time: int  # dossiers whose result was ready that day, on time
    late: int


@dataclass(frozen=True)
class Dashboard:
    office_code: str
    office_name_vi: str
    office_name_en: str
    since: date
    until: date
    now: datetime  # overdue / due today are as of this moment
    queue: QueueFigures
    dossiers: DossierFigures
    satisfaction: Satisfaction
    days: tuple[DayFigures, ...]  # every day of the period, in order


# --- statistics -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) with linear interpolation between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


class _Tally:
    __slots__ = ("no_show", "served", "services", "tickets", "transferred", "waits")

    def __init__(self) -> None:
        self.tickets = self.served = self.no_show = self.transferred = 0
        self.waits: list[float] = []
        self.services: list[float] = []

    def row(self, key: str, name_vi: str, name_en: str) -> QueueRow:
        return QueueRow(
            key=key, name_vi=name_vi, name_en=name_en, tickets=self.tickets, served=self.served,
            no_show=self.no_show, transferred=self.transferred, waited=len(self.waits),
            wait_median_min=_minutes(percentile(self.waits, 0.5)), wait_p90_min=_minutes(percentile(self.waits, 0.9)),
            timed=len(self.services), service_median_min=_minutes(percentile(self.services, 0.5)),
            service_p90_min=_minutes(percentile(self.services, 0.9)))


# --- reading ------------------------------------------------------------------------------------------


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """UTC start of ``since`` and end of ``until`` (office-local days)."""
    start = datetime.combine(since, time(0), tzinfo=OFFICE_TZ).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=OFFICE_TZ).astimezone(UTC)
    return start, end


def _local_day(moment: datetime) -> date:
    return moment.astimezone(OFFICE_TZ).date()


def _queue(session: Session, office_code: str, since: date, until: date,
           days: dict[date, list[Any]]) -> QueueFigures:
    conn = session.connection()
    services = conn.execute(select(Service.code, Service.name_vi, Service.name_en, Service.active,
                                   Service.sort_order).where(Service.office_code == office_code)).all()
    counters = conn.execute(select(Counter.number, Counter.name, Counter.active)
                            .where(Counter.office_code == office_code)).all()
    staff = conn.execute(select(Staff.username, Staff.full_name).where(Staff.office_code == office_code)).all()
    in_period = (Ticket.office_code == office_code, Ticket.day >= since, Ticket.day <= until)

    # Transfers are rare. Their events are found through the period's tickets (the event
    # table has no day: one index probe per ticket, the one pass over events), and only the
    # transferred tickets have their call events read.
    transfers = conn.execute(
        select(TicketEvent.ticket_id, Counter.number, Staff.username)
        .select_from(TicketEvent).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .outerjoin(Counter, Counter.id == TicketEvent.counter_id)
        .outerjoin(Staff, Staff.id == TicketEvent.staff_id)
        .where(*in_period, TicketEvent.action == "transfer")).all()
    moved_ids = sorted({t.ticket_id for t in transfers})
    first_call: dict[uuid.UUID, datetime] = {}
    for i in range(0, len(moved_ids), _IN_CHUNK):
        for ticket_id, at in conn.execute(
                select(TicketEvent.ticket_id, func.min(TicketEvent.at))
                .where(TicketEvent.ticket_id.in_(moved_ids[i:i + _IN_CHUNK]), TicketEvent.action == "call")
                .group_by(TicketEvent.ticket_id)):
            first_call[ticket_id] = at if at.tzinfo else at.replace(tzinfo=UTC)  # min() over SQLite text
    # Small keys (code, number, username) come back instead of ids, and a ticket's id only
    # when it was transferred: parsing thousands of UUIDs would cost more than the rest.
    moved_id: ColumnElement[Any]
    if not moved_ids:
        moved_id = null().label("moved")
    elif len(moved_ids) <= _MOVED_IN_CASE:
        moved_id = case((Ticket.id.in_(moved_ids), Ticket.id), else_=None)
    else:  # a most unusual period: every id, sorted out below
        moved_id = Ticket.id.expression
    moved_set = set(moved_ids)
    tickets = conn.execute(
        select(Service.code, Counter.number, Staff.username, Ticket.status, Ticket.day, Ticket.issued_at,
               Ticket.called_at, Ticket.serving_at, Ticket.finished_at, moved_id)
        .join(Service, Service.id == Ticket.service_id)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .outerjoin(Staff, Staff.id == Ticket.staff_id)
        .where(*in_period)).all()

    by_service: dict[str, _Tally] = {}
    by_counter: dict[int, _Tally] = {}
    by_staff: dict[str, _Tally] = {}
    total = _Tally()
    for code, number, username, status, day, issued_at, called_at, serving_at, finished_at, moved in tickets:
        if moved is not None and moved not in moved_set:
            moved = None
        service = by_service.setdefault(code, _Tally())
        groups = [total, service]
        if number is not None:
            groups.append(by_counter.setdefault(number, _Tally()))
        if username is not None:
            groups.append(by_staff.setdefault(username, _Tally()))
        called = first_call.get(moved, called_at) if moved is not None else called_at
        wait = max(0.0, (called - issued_at).total_seconds()) if called is not None else None
        serve = service_seconds(called_at, serving_at, finished_at) if status == TicketStatus.DONE else None
        for g in groups:
            g.tickets += 1
            g.served += status == TicketStatus.DONE
            g.no_show += status == TicketStatus.NO_SHOW
            if wait is not None:
                g.waits.append(wait)
            if serve is not None:
                g.services.append(serve)
        if moved is not None:
            total.transferred += 1
            service.transferred += 1
        bucket = days[day]
        bucket[0] += 1
        if wait is not None:
            bucket[1].append(wait)
    for _ticket, number, username in transfers:
        if number is not None:
            by_counter.setdefault(number, _Tally()).transferred += 1
        if username is not None:
            by_staff.setdefault(username, _Tally()).transferred += 1

    service_rows = tuple(
        by_service.get(s.code, _Tally()).row(s.code, s.name_vi, s.name_en)
        for s in sorted(services, key=lambda s: (s.sort_order, s.code)) if s.active or s.code in by_service)
    counter_rows = tuple(
        by_counter.get(c.number, _Tally()).row(str(c.number), c.name, c.name)
        for c in sorted(counters, key=lambda c: c.number) if c.active or c.number in by_counter)
    clerk_rows = tuple(
        by_staff[p.username].row(p.username, p.full_name, p.full_name)
        for p in sorted(staff, key=lambda p: (fold(p.full_name), p.username)) if p.username in by_staff)
    return QueueFigures(by_service=service_rows, by_counter=counter_rows, by_clerk=clerk_rows,
                        total=total.row("", "", ""))


class _FieldTally:
    __slots__ = ("late", "on_time", "received", "rejected", "withdrawn")

    def __init__(self) -> None:
        self.received = self.on_time = self.late = self.rejected = self.withdrawn = 0


def _dossiers(session: Session, office_code: str, start: datetime, end: datetime, now: datetime,
              days: dict[date, list[Any]]) -> DossierFigures:
    conn = session.connection()
    # The catalog is small: read whole, for the fields' names and display order.
    catalog = conn.execute(
        select(Procedure.field_vi, Procedure.field_en, Procedure.active, Service.sort_order)
        .join(Service, Service.id == Procedure.service_id).where(Procedure.office_code == office_code)).all()
    names: dict[str, str] = {}
    order: dict[str, tuple[int, str]] = {}
    shown: set[str] = set()
    for p in catalog:
        names.setdefault(p.field_vi, p.field_en or p.field_vi)
        key = (p.sort_order, fold(p.field_vi))
        order[p.field_vi] = min(order.get(p.field_vi, key), key)
        if p.active:
            shown.add(p.field_vi)
    tallies: dict[str, _FieldTally] = {}

    def tally(field: str) -> _FieldTally:
        return tallies.setdefault(field, _FieldTally())

    with_field = (select(Procedure.field_vi).select_from(Dossier)
                  .join(Procedure, Procedure.id == Dossier.procedure_id)
                  .where(Dossier.office_code == office_code))
    for field, received_at in conn.execute(
            with_field.add_columns(Dossier.received_at)
            .where(Dossier.received_at >= start, Dossier.received_at < end)):
        tally(field).received += 1
        day = days.get(_local_day(received_at))
        if day is not None:
            day[2] += 1
    for field, ready_at, due in conn.execute(
            with_field.add_columns(Dossier.ready_at, Dossier.original_due_at)
            .where(Dossier.ready_at >= start, Dossier.ready_at < end)):
        in_time = ready_at <= due
        t = tally(field)
        t.on_time += in_time
        t.late += not in_time
        day = days.get(_local_day(ready_at))
        if day is not None:
            day[3 if in_time else 4] += 1
    for field, status, n in conn.execute(
            with_field.add_columns(Dossier.status, func.count())
            .where(Dossier.status.in_(("rejected", "withdrawn")), Dossier.closed_at >= start,
                   Dossier.closed_at < end)
            .group_by(Procedure.field_vi, Dossier.status)):
        t = tally(field)
        if status == "rejected":
            t.rejected += n
        else:
            t.withdrawn += n

    open_ = (Dossier.office_code == office_code, Dossier.status.in_(OPEN_STATES))
    overdue = conn.execute(select(func.count()).select_from(Dossier).where(*open_, Dossier.due_at < now)).scalar_one()
    today_start, today_end = due_today_window(now)
    due_today = conn.execute(select(func.count()).select_from(Dossier).where(
        *open_, Dossier.due_at >= today_start, Dossier.due_at < today_end)).scalar_one()

    fields = sorted(shown | set(tallies), key=lambda f: order.get(f, (1 << 30, fold(f))))
    rows = tuple(
        FieldRow(name_vi=f, name_en=names.get(f, f), received=t.received, resolved=t.on_time + t.late,
                 on_time=t.on_time, late=t.late, rejected=t.rejected, withdrawn=t.withdrawn)
        for f in fields for t in [tallies.get(f, _FieldTally())])
    return DossierFigures(
        received=sum(r.received for r in rows), resolved=sum(r.resolved for r in rows),
        on_time=sum(r.on_time for r in rows), late=sum(r.late for r in rows),
        rejected=sum(r.rejected for r in rows), withdrawn=sum(r.withdrawn for r in rows),
        overdue=int(overdue), due_today=int(due_today), by_field=rows)


def dashboard(session: Session, office_code: str, *, since: date, until: date, now: datetime) -> Dashboard:
    """The figures of office-local days ``since``..``until`` (both included); see the module
    docstring for what each one counts. ``now`` (aware) dates "overdue" and "due today"."""
    now = utc_now(now)
    if until < since:
        raise ValidationError(lazy_gettext("The end day must be after the start day"), field="until", code="bad_period")
    office = get_office(session, office_code)
    start, end = _bounds(since, until)
    # day -> [tickets, waits (s), dossiers received, on time, late]
    days: dict[date, list[Any]] = {since + timedelta(days=i): [0, [], 0, 0, 0]
                              for i in range((until - since).days + 1)}
    queue = _queue(session, office_code, since, until, days)
    dossiers = _dossiers(session, office_code, start, end, now, days)
    summary = feedback_summary(session, office_code, since=since, until=until)
    counts = summary.by_rating
    satisfaction = Satisfaction(total=summary.total, very_satisfied=counts.get("very_satisfied", 0),
                                satisfied=counts.get("satisfied", 0), unsatisfied=counts.get("unsatisfied", 0))
    series = tuple(
        DayFigures(day=d, tickets=v[0], avg_wait_min=_minutes(sum(v[1]) / len(v[1])) if v[1] else None,
                   dossiers_received=v[2], on_time=v[3], late=v[4])
        for d, v in days.items())
    return Dashboard(office_code=office_code, office_name_vi=office.name_vi,
                     office_name_en=office.name_en or office.name_vi, since=since, until=until, now=now,
                     queue=queue, dossiers=dossiers, satisfaction=satisfaction, days=series)


# --- labels shared by the CSV and the printed report ---------------------------------------------------
# Short words take the "dashboard" context: "Late" here is "Trễ hạn" (resolved after the
# due moment), not the "Quá hạn" of other papers, and "Service" is a queue.


def counter_label(row: QueueRow) -> str:
    """"Quầy 2" / "Counter 2", with the counter's own name when it has one of its own."""
    label = pgettext("dashboard", "Counter {number}").format(number=row.key)
    default = f"Quầy {row.key}"
    return label if not row.name_vi or row.name_vi == default else f"{label} – {row.name_vi}"


def row_name(row: QueueRow | FieldRow, lang: str) -> str:
    """The service's or field's name in ``lang`` (a clerk's name is the same in both)."""
    return localized(row.name_vi, row.name_en, lang)


def rating_label(rating: str) -> str:
    return {"very_satisfied": pgettext("dashboard", "Very satisfied"),
            "satisfied": pgettext("dashboard", "Satisfied"),
            "unsatisfied": pgettext("dashboard", "Unsatisfied")}[rating]


def tickets_heading(group: str) -> str:
    """Services number the tickets; counters and clerks call them."""
    if group == "service":
        return pgettext("dashboard", "Tickets issued")
    return pgettext("dashboard", "Tickets called")


def group_heading(group: str) -> str:
    return {"service": pgettext("dashboard", "Service"), "counter": pgettext("dashboard", "Counter"),
            "clerk": pgettext("dashboard", "Officer")}[group]


def field_headings(*, with_units: bool = True) -> list[str]:
    """Columns of the dossiers-by-field table; the CSV names the rate's unit, the paper prints "%"."""
    rate = _("On-time rate (%)") if with_units else _("On-time rate")
    return [pgettext("dashboard", "Field"), pgettext("dashboard", "Received"), pgettext("dashboard", "Resolved"),
            pgettext("dashboard", "On time"), pgettext("dashboard", "Late"), rate,
            pgettext("dashboard", "Refused"), pgettext("dashboard", "Withdrawn")]


def percent(share: float | None) -> float | None:
    """A 0..1 share as a percentage with one decimal."""
    return None if share is None else round(share * 100, 1)


__all__ = [
    "Dashboard", "DayFigures", "DossierFigures", "FieldRow", "QueueFigures", "QueueRow", "Satisfaction",
    "counter_label", "dashboard", "field_headings", "group_heading", "percent", "percentile",
    "rating_label", "row_name", "tickets_heading",
]
