"""``motcua db check``: is this office database whole and telling the truth?

A ward's IT person runs it after a power cut, a crash, a restore from backup or a hand
edit. Each problem is one line that names the ticket, dossier, slot or outbox row, so it
can be looked up and fixed. It checks:

* the storage itself (SQLite ``integrity_check`` and ``foreign_key_check``) and that the
  schema is at the Alembic head;
* the outbox: every ticket, appointment, dossier and feedback has the outbox row that
  created it, its latest outbox row (highest ``seq``) ends in its current status, every
  outbox row has its audit row and points at an existing entity, and ``seq`` is unique;
* the invariants the operations keep: ticket numbers unique and gap-free per service and
  day, ticket codes that spell prefix + number, slots within quota with booked counters
  that match the appointments holding a place, dossier statuses reachable by the
  transition table from their own history, dossier codes ``<unit id>-<YYMMDD>-<NNNN>``.

Everything but the dossier replay is set-based SQL (anti-joins, GROUP BY, window
functions), so a database with a million tickets and millions of outbox rows is checked
in tens of seconds. The dossier replay streams events ordered by dossier and time and
memoises histories (most dossiers share a few shapes). All reads happen in one snapshot:
one read transaction on SQLite (WAL), REPEATABLE READ on PostgreSQL, so the check can run
while the office works.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Connection, String, and_, case, cast, distinct, exists, func, literal, or_, select, text,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from core.appointment_states import HOLDING
from core.dossier_states import DossierStatus, next_state, replay
from core.errors import TransitionError
from core.working_calendar import OFFICE_TZ
from local_db import migrate
from local_db.database import Database
from local_db.journal import CHANGE_SERIAL
from local_db.models import (
    Appointment, AuditLog, Dossier, DossierAttachment, DossierEvent, Feedback, Office, Outbox, Serial, Service, Slot,
    Ticket,
)

# At most this many lines per kind of problem; the rest are summed up in one more line.
MAX_LISTED = 20

# The op types that bring each entity into being (the first outbox row of its life).
CREATION_OPS: dict[str, tuple[str, ...]] = {
    "ticket": ("issue",),
    "appointment": ("book",),
    "dossier": ("receive",),
    "feedback": ("give",),
    "attachment": ("attach",),
}

# Appointments in these states hold their place in the slot (they count in *_booked).
HOLDING_STATUSES: tuple[str, ...] = HOLDING
ONLINE_SOURCE = "online"
CHECK_CACHE_KIB = -262_144  # SQLite page cache of the checking connections: 256 MiB
FEEDBACK_STATE = "given"


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per check
    elapsed: float = 0.0  # wall-clock seconds for the whole check (the SQLite one runs alongside)

    @property
    def ok(self) -> bool:
        return not self.problems


def run_check(db: Database, *, full: bool = False, max_listed: int = MAX_LISTED) -> CheckReport:
    """Check the whole database; never raises for what it finds, only reports it.

    On SQLite the storage check runs on its own connection in a thread beside the data
    checks (SQLite releases the GIL while it works), so the two overlap. ``full`` runs
    ``PRAGMA integrity_check`` (also compares every index with its table; about five
    times slower) instead of ``PRAGMA quick_check``.
    """
    started = time.perf_counter()
    report = CheckReport()
    checker = _Checker(db, report, max_listed)
    at_head = checker.timed("schema", checker.check_schema)
    # An in-memory database has no file to check (and a connection per thread).
    on_file = db.is_sqlite and db.engine.url.database not in (None, "", ":memory:")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="motcua-check") as pool:
        storage = pool.submit(_sqlite_storage, db, full, max_listed) if on_file else None
        with db.engine.connect() as conn:
            if not db.is_sqlite:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                cache_size = -2000  # SQLite's default; read below
                if db.is_sqlite:  # a bigger page cache for this pass only: fewer reads of index pages
                    cache_size = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
                    conn.exec_driver_sql(f"PRAGMA cache_size={CHECK_CACHE_KIB}")
                else:
                    conn.execute(text("SET TRANSACTION READ ONLY"))
                checker.conn = conn
                try:
                    if at_head:
                        for name, step in checker.data_checks():
                            checker.timed(name, step)
                    else:
                        report.problems.append("data checks skipped: they need the schema at the current revision")
                finally:
                    if db.is_sqlite:
                        conn.exec_driver_sql(f"PRAGMA cache_size={cache_size}")
        if storage is not None:
            problems, seconds = storage.result()
            report.problems[:0] = problems
            report.seconds["sqlite"] = seconds
    report.elapsed = round(time.perf_counter() - started, 3)
    return report


def _sqlite_storage(db: Database, full: bool, max_listed: int) -> tuple[list[str], float]:
    """SQLite's own checks: the file's B-trees and records, then foreign keys."""
    started = time.perf_counter()
    problems: list[str] = []
    try:
        with db.engine.connect() as conn:
            try:
                conn.exec_driver_sql(f"PRAGMA cache_size={CHECK_CACHE_KIB}")
                pragma = "integrity_check" if full else "quick_check"
                rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
                if rows != ["ok"]:
                    problems += [f"SQLite {pragma}: {r} ({_storage_hint(r)})" for r in rows[:max_listed]]
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                problems += [f"{r[0]} row {r[1]} points at a missing {r[2]} row (foreign key)"
                             for r in broken[:max_listed]]
                if len(broken) > max_listed:
                    problems.append(f"... and {len(broken) - max_listed:,} more broken foreign keys")
            finally:
                conn.invalidate()  # closed, not handed back to the pool with its big cache
    except Exception as exc:
        problems.append(f"check 'sqlite' could not run: {type(exc).__name__}: {exc}".splitlines()[0])
    return problems, round(time.perf_counter() - started, 3)


def format_report(report: CheckReport) -> str:
    """What ``motcua db check`` prints: a verdict, the problems, then the counts."""
    c = report.counts
    lines = [
        "Database check: OK" if report.ok
        else f"Database check: {len(report.problems)} problem{'s' if len(report.problems) != 1 else ''}"
    ]
    lines += [f"  - {p}" for p in report.problems]
    if c:
        lines.append(
            f"Tickets {c.get('tickets', 0):,}, appointments {c.get('appointments', 0):,}, "
            f"dossiers {c.get('dossiers', 0):,}, feedback {c.get('feedback', 0):,}; "
            f"outbox: {c.get('outbox_pending', 0):,} pending, {c.get('outbox_sent', 0):,} sent, "
            f"{c.get('outbox_acked', 0):,} acked, {c.get('outbox_rejected', 0):,} rejected"
        )
    if report.elapsed:
        lines.append(f"Checked in {report.elapsed:.1f} s")
    return "\n".join(lines)


def _storage_hint(message: str) -> str:
    if message.startswith(("CHECK constraint failed", "NULL value in")):
        return "a row breaks a rule of the schema: it was edited by hand; see the problems below"
    return "the file is damaged: restore the last backup"


class _Checker:
    def __init__(self, db: Database, report: CheckReport, max_listed: int) -> None:
        self.db = db
        self.report = report
        self.max_listed = max_listed
        self.conn: Connection = None  # type: ignore[assignment]  # set inside the snapshot, before any check

    # -- plumbing ------------------------------------------------------------------------

    def timed(self, name: str, step: Callable[[], Any]) -> Any:
        """Run one check; if it fails, say so and go on (a savepoint keeps the snapshot usable)."""
        started = time.perf_counter()
        try:
            if self.conn is None:
                return step()
            with self.conn.begin_nested():
                return step()
        except Exception as exc:  # a check that cannot run is a finding, not a crash
            self.report.problems.append(f"check '{name}' could not run: {type(exc).__name__}: {exc}".splitlines()[0])
            return False
        finally:
            self.report.seconds[name] = round(time.perf_counter() - started, 3)

    def listing(self, rows: Iterable[Any], describe: Callable[[Any], str], more: str) -> None:
        """Add one problem line per row, at most max_listed, then '... and N more <more>'."""
        extra = 0
        for row in rows:
            if extra == 0 and self._listed < self.max_listed:
                self.report.problems.append(describe(row))
                self._listed += 1
            else:
                extra += 1
        if extra:
            self.report.problems.append(f"... and {extra:,} more {more}")

    def each(self, stmt: Any, describe: Callable[[Any], str], more: str) -> None:
        self._listed = 0
        self.listing(self.conn.execute(stmt), describe, more)

    def data_checks(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("counts", self.check_counts),
            ("outbox_seq", self.check_outbox_seq),
            ("outbox_audit", self.check_outbox_audit),
            ("outbox_orphans", self.check_outbox_orphans),
            ("ticket_trail", lambda: self.check_trail("ticket")),
            ("appointment_trail", lambda: self.check_trail("appointment")),
            ("dossier_trail", lambda: self.check_trail("dossier")),
            ("feedback_trail", lambda: self.check_trail("feedback")),
            ("attachment_trail", self.check_attachment_trail),
            ("ticket_numbers", self.check_ticket_numbers),
            ("ticket_codes", self.check_ticket_codes),
            ("slots", self.check_slots),
            ("dossier_history", self.check_dossier_history),
            ("dossier_codes", self.check_dossier_codes),
        ]

    # -- storage and schema --------------------------------------------------------------

    def check_schema(self) -> bool:
        head = migrate.head_revision()
        current = migrate.current_revision(self.db)
        if current == head:
            return True
        if current is None:
            self.report.problems.append(f"the database has no schema revision (head is {head}): run motcua db upgrade")
            return False
        from alembic.script import ScriptDirectory

        known = {rev.revision for rev in ScriptDirectory(str(migrate.MIGRATIONS)).walk_revisions()}
        if current in known:
            self.report.problems.append(
                f"the database schema is at revision {current}, behind {head}: run motcua db upgrade")
        else:
            self.report.problems.append(
                f"the database schema is at revision {current}, which this MotCua does not know "
                f"(its head is {head}): the database was upgraded by a newer MotCua; update this machine")
        return False

    # -- outbox and audit ----------------------------------------------------------------

    def check_counts(self) -> None:
        counts = self.report.counts
        for name, model in (("tickets", Ticket), ("appointments", Appointment), ("dossiers", Dossier),
                            ("feedback", Feedback)):
            counts[name] = int(self.conn.scalar(select(func.count()).select_from(model)) or 0)
        by_state = dict(self.conn.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
        for state in ("pending", "sent", "held", "acked", "rejected", "conflict", "settling", "settled", "central"):
            counts[f"outbox_{state}"] = int(by_state.pop(state, 0))
        for state, n in by_state.items():
            counts[f"outbox_{state}"] = int(n)
            self.report.problems.append(f"{n:,} outbox rows are in unknown state '{state}'")

    def check_outbox_seq(self) -> None:
        self.each(select(Outbox.seq, func.count()).group_by(Outbox.seq).having(func.count() > 1),
                  lambda r: f"outbox seq {r[0]} is used by {r[1]} rows (seq must be unique)",
                  "duplicated outbox seq values")
        top = self.conn.scalar(select(func.max(Outbox.seq)))
        serial = self.conn.scalar(select(Serial.value).where(Serial.key == CHANGE_SERIAL))
        if top is not None and (serial is None or serial < top):
            self.report.problems.append(
                f"the change counter (serial '{CHANGE_SERIAL}' = {serial}) is behind the highest outbox seq "
                f"{top}: the next operation would collide; set it to {top}")

    def check_outbox_audit(self) -> None:
        # First the op ids alone (a scan of the op_id index, no table rows), then the rows to name.
        no_audit = ~exists().where(AuditLog.op_id == Outbox.op_id)
        missing = self.conn.scalars(select(Outbox.op_id).where(no_audit)).all()
        if not missing:
            return
        named = self.conn.execute(select(Outbox.seq, Outbox.entity, Outbox.op_type, Outbox.op_id)
                                  .where(Outbox.op_id.in_(missing[:self.max_listed])).order_by(Outbox.seq)).all()
        self.report.problems += [f"outbox row seq {r.seq} ({r.entity} {r.op_type}, op {r.op_id}) has no audit_log row"
                                 for r in named]
        if len(missing) > len(named):
            self.report.problems.append(f"... and {len(missing) - len(named):,} more outbox rows without an audit row")

    def check_outbox_orphans(self) -> None:
        self._listed = 0
        for name, model in _ENTITY_MODELS.items():
            gone = ~exists().where(model.id == Outbox.entity_id)

            def describe(r: Any, name: str = name) -> str:
                return (f"outbox rows of {name} {r[0]} (first seq {r[1]}, {r[2]} rows) "
                        f"point at a {name} that does not exist")
            self.listing(
                self.conn.execute(select(Outbox.entity_id, func.min(Outbox.seq), func.count())
                                  .where(Outbox.entity == name, gone).group_by(Outbox.entity_id)),
                describe, f"{name}s missing behind their outbox rows")

    def check_trail(self, name: str) -> None:
        """Every entity was created through the outbox and its last outbox row is its status."""
        model = _ENTITY_MODELS[name]
        status: ColumnElement[Any] = literal(FEEDBACK_STATE) if name == "feedback" else model.status
        o = aliased(Outbox)
        agg = (select(o.entity_id.label("entity_id"), func.max(o.seq).label("last_seq"),
                      func.sum(case((o.op_type.in_(CREATION_OPS[name]), 1), else_=0)).label("creations"))
               .where(o.entity == name).group_by(o.entity_id).subquery())
        last = aliased(Outbox)
        stmt = (select(*_labels(name), status.label("status"), agg.c.creations, last.to_state, last.seq)
                .select_from(model)
                .outerjoin(agg, agg.c.entity_id == model.id)
                .outerjoin(last, last.seq == agg.c.last_seq)
                .where(or_(agg.c.entity_id.is_(None), agg.c.creations == 0, last.to_state.is_(None),
                           last.to_state != status)))
        created = " or ".join(CREATION_OPS[name])

        def describe(r: Any) -> str:
            who = _describe(name, r)
            if r.creations is None:
                return f"{who} has no outbox row at all: it was never sent to the centre"
            if r.creations == 0:
                return f"{who} has no outbox row creating it ({created})"
            return (f"{who} is '{r.status}' but its latest outbox row (seq {r.seq}) says '{r.to_state}': "
                    f"changed without the outbox")

        self.each(stmt, describe, f"{name}s whose outbox trail does not match")

    def check_attachment_trail(self) -> None:
        """Every scanned attachment has the outbox row that attached it (it has no status)."""
        a = DossierAttachment
        attached = exists().where(Outbox.entity == "attachment", Outbox.entity_id == a.id,
                                  Outbox.op_type.in_(CREATION_OPS["attachment"]))
        self.each(select(a.id, a.sha256, a.version, Dossier.code).join(Dossier, Dossier.id == a.dossier_id)
                  .where(~attached).order_by(a.created_at),
                  lambda r: (f"attachment {r.id} (version {r.version} in dossier {r.code}, file {r.sha256[:12]}) "
                             f"has no outbox row attaching it: it was never sent to the centre"),
                  "attachments without their outbox row")

    # -- invariants ----------------------------------------------------------------------

    def check_ticket_numbers(self) -> None:
        """Numbers are unique and run 1..max per service and day (the serial is gap-free)."""
        t = Ticket
        # Group on the unique index's own columns (no sort), name the service afterwards.
        dupes = (select(t.service_id, t.day, t.number, func.count().label("n"))
                 .group_by(t.office_code, t.service_id, t.day, t.number).having(func.count() > 1).subquery())
        self.each(select(Service.code, Service.prefix, dupes.c.day, dupes.c.number, dupes.c.n)
                  .join(Service, Service.id == dupes.c.service_id).order_by(dupes.c.day, Service.code),
                  lambda r: f"ticket number {r.prefix}{r.number:03d} of service {r.code} on {r.day} "
                            f"was given {r.n} times",
                  "duplicated ticket numbers")
        broken = (select(t.office_code, t.service_id, t.day)
                  .group_by(t.office_code, t.service_id, t.day)
                  .having(or_(func.min(t.number) != 1, func.max(t.number) != func.count(distinct(t.number))))
                  .subquery())
        groups = (select(broken.c.office_code, broken.c.service_id, broken.c.day, Service.code, Service.prefix)
                  .join(Service, Service.id == broken.c.service_id).order_by(broken.c.day, Service.code))
        self._listed = 0
        self.listing(self._gaps(groups), lambda g: g, "ticket number gaps")

    def _gaps(self, groups: Any) -> Iterator[str]:
        for g in self.conn.execute(groups).all():
            prev = func.lag(Ticket.number).over(order_by=Ticket.number)
            inner = (select(Ticket.number.label("number"), prev.label("prev"))
                     .where(Ticket.office_code == g.office_code, Ticket.service_id == g.service_id,
                            Ticket.day == g.day).subquery())
            rows = self.conn.execute(select(inner.c.prev, inner.c.number)
                                     .where(inner.c.number - func.coalesce(inner.c.prev, 0) > 1)
                                     .order_by(inner.c.number))
            for prev, number in rows:
                first, last = (prev or 0) + 1, number - 1
                missing = (f"{g.prefix}{first:03d}" if first == last
                           else f"{g.prefix}{first:03d}-{g.prefix}{last:03d}")
                yield (f"ticket numbers of service {g.code} on {g.day} have a gap: {missing} missing "
                       f"before {g.prefix}{number:03d}")

    def check_ticket_codes(self) -> None:
        n = Ticket.number
        pad = case((n < 10, "00"), (n < 100, "0"), else_="")
        expected = Service.prefix + pad + cast(n, String)
        self.each(select(Ticket.code, Ticket.day, Ticket.number, Service.code.label("service"), expected.label("expected"))
                  .join(Service, Service.id == Ticket.service_id)
                  .where(or_(Ticket.code != expected, Ticket.number < 1))
                  .order_by(Ticket.day, Service.code, Ticket.number),
                  lambda r: f"ticket {r.code} of {r.day} (service {r.service}, number {r.number}) "
                            f"should be coded {r.expected}",
                  "tickets with a wrong code")

    def check_slots(self) -> None:
        a = Appointment
        online = a.source == ONLINE_SOURCE
        held = (select(a.slot_id.label("slot_id"),
                       func.sum(case((online, 0), else_=1)).label("office_n"),
                       func.sum(case((online, 1), else_=0)).label("online_n"))
                .where(a.status.in_(HOLDING_STATUSES)).group_by(a.slot_id).subquery())
        office_n = func.coalesce(held.c.office_n, 0)
        online_n = func.coalesce(held.c.online_n, 0)
        s = Slot
        stmt = (select(Service.code.label("service"), s.day, s.start_time, s.office_quota, s.online_quota,
                       s.office_booked, s.online_booked, office_n.label("office_n"), online_n.label("online_n"))
                .join(Service, Service.id == s.service_id)
                .outerjoin(held, held.c.slot_id == s.id)
                .where(or_(s.office_booked > s.office_quota, s.online_booked > s.online_quota,
                           s.office_booked < 0, s.online_booked < 0,
                           s.office_booked != office_n, s.online_booked != online_n))
                .order_by(s.day, s.start_time, Service.code))

        def describe(r: Any) -> str:
            where = f"slot {r.service} {r.day} {r.start_time:%H:%M}"
            faults = []
            if r.office_booked > r.office_quota or r.office_booked < 0:
                faults.append(f"office side booked {r.office_booked} of quota {r.office_quota}")
            if r.online_booked > r.online_quota or r.online_booked < 0:
                faults.append(f"online side booked {r.online_booked} of quota {r.online_quota}")
            if r.office_booked != r.office_n:
                faults.append(f"office_booked is {r.office_booked} but {r.office_n} office appointments hold a place")
            if r.online_booked != r.online_n:
                faults.append(f"online_booked is {r.online_booked} but {r.online_n} online appointments hold a place")
            return f"{where}: " + "; ".join(faults)

        self.each(stmt, describe, "slots over quota or miscounted")

    def check_dossier_history(self) -> None:
        """Replay each dossier's actions through the transition table; compare with its status.

        Events are put in the order of their ``step`` (1, 2, ... counted inside the writing
        transaction), then their time: device clocks may disagree, the step count cannot.
        A move the centre made that did not follow from the office's state (pulled by the
        sync agent, ``detail.follows`` false) is the centre's word: the replay goes on from
        the state it set.
        """
        d, e = Dossier, DossierEvent
        step = e.detail["step"].as_integer()
        diverged = e.detail["follows"].as_boolean()
        stmt = (select(d.code, d.status, e.action, step, e.at, diverged, e.to_state)
                .select_from(d).outerjoin(e, e.dossier_id == d.id)
                .order_by(d.id))
        if not self.db.is_sqlite:  # a server-side cursor: never the whole table in memory
            stmt = stmt.execution_options(stream_results=True, yield_per=10_000)
        memo: dict[tuple[str, ...], str] = {}
        far = datetime.max.replace(tzinfo=timezone.utc)

        Event = tuple[str, int | None, datetime | None, str | None]  # action, step, at, state the centre set

        def order(event: Event) -> tuple[bool, int, datetime]:
            return (event[1] is None, event[1] or 0, event[2] or far)

        def outcome(actions: tuple[str, ...], restart: str | None) -> str:
            key = (*actions, f"@{restart}") if restart else actions
            if key not in memo:
                try:
                    if restart is None:
                        memo[key] = str(replay(list(actions)).value)
                    else:
                        state = DossierStatus(restart)
                        for action in actions:
                            state = next_state(state, action)
                        memo[key] = str(state.value)
                except (TransitionError, ValueError) as exc:
                    memo[key] = f"!{exc.english if isinstance(exc, TransitionError) else exc}"  # the report is English
            return memo[key]

        def judge(code: str, status: str, events: list[Event]) -> Iterator[str]:
            if not events:
                yield f"dossier {code} is '{status}' but has no history (no dossier_event rows)"
                return
            if len(events) > 1:
                events.sort(key=order)
            last_reset = max((i for i, ev in enumerate(events) if ev[3] is not None), default=None)
            restart = events[last_reset][3] if last_reset is not None else None
            tail = events[last_reset + 1:] if last_reset is not None else events
            actions = tuple(ev[0] for ev in events)
            result = outcome(tuple(ev[0] for ev in tail), restart)
            if result.startswith("!"):
                yield f"dossier {code}: its history ({', '.join(actions)}) is not a legal path: {result[1:]}"
            elif result != status:
                yield f"dossier {code} is '{status}' but its history ({', '.join(actions)}) leads to '{result}'"

        def findings() -> Iterator[str]:
            code: str | None = None
            status = ""
            events: list[Event] = []
            for dcode, dstatus, action, ev_step, at, follows, to_state in self.conn.execute(stmt):
                if dcode != code:
                    if code is not None:
                        yield from judge(code, status, events)
                    code, status, events = dcode, dstatus, []
                if action is not None:
                    events.append((action, ev_step, at, to_state if follows is False else None))
            if code is not None:
                yield from judge(code, status, events)

        self._listed = 0
        self.listing(findings(), lambda line: line, "dossiers whose status does not follow from their history")

    def check_dossier_codes(self) -> None:
        d = Dossier
        prefix = Office.unit_id + "-" + self._local_yymmdd(d.received_at) + "-"
        suffix = func.substr(d.code, func.length(prefix) + 1)
        stmt = (select(d.code, d.received_at, prefix.label("prefix"))
                .join(Office, Office.code == d.office_code)
                .where(or_(func.substr(d.code, 1, func.length(prefix)) != prefix, ~self._four_digits(suffix)))
                .order_by(d.received_at))
        self.each(stmt,
                  lambda r: (f"dossier {r.code} (received {r.received_at.astimezone(OFFICE_TZ):%Y-%m-%d %H:%M}) "
                             f"should be coded {r.prefix}NNNN"),
                  "dossiers with a wrong code")

    # -- dialect helpers -----------------------------------------------------------------

    def _local_yymmdd(self, column: Any) -> ColumnElement[str]:
        if self.db.is_sqlite:  # stored as naive UTC text; the office's zone has a fixed offset
            offset = OFFICE_TZ.utcoffset(datetime(2000, 1, 1))
            assert offset is not None
            hours = int(offset.total_seconds() // 3600)
            # %y is missing from SQLite before 3.46: cut the century off %Y instead.
            return func.substr(func.strftime("%Y%m%d", column, f"{hours:+d} hours"), 3)
        return func.to_char(func.timezone(OFFICE_TZ.key, column), "YYMMDD")

    def _four_digits(self, value: Any) -> ColumnElement[bool]:
        if self.db.is_sqlite:
            return and_(value.op("GLOB")("[0-9][0-9][0-9][0-9]*"), ~value.op("GLOB")("*[^0-9]*"))
        return value.op("~")("^[0-9]{4,}$")


_ENTITY_MODELS: dict[str, Any] = {
    "ticket": Ticket, "appointment": Appointment, "dossier": Dossier, "feedback": Feedback,
    "attachment": DossierAttachment,  # no status: only orphans here; its trail is check_attachment_trail
}


def _labels(name: str) -> list[Any]:
    model = _ENTITY_MODELS[name]
    if name == "ticket":
        return [Ticket.id, Ticket.code, Ticket.day]
    if name == "feedback":
        return [Feedback.id, Feedback.given_at]
    return [model.id, model.code]


def _describe(name: str, r: Any) -> str:
    if name == "ticket":
        return f"ticket {r.code} of {r.day}"
    if name == "feedback":
        return f"feedback {r.id} (given {r.given_at.astimezone(OFFICE_TZ):%Y-%m-%d %H:%M})"
    return f"{name} {r.code}"


__all__ = ["CheckReport", "run_check", "format_report", "CREATION_OPS", "HOLDING_STATUSES"]
