"""The foundation's figures: the queue and dossier search on a big office database.

On a fresh copy of the cached big database (1,000,000 historical tickets, 300,000 dossiers
at full scale), through the real operations, each timed as the whole user action: open a
session, run the operation, commit (``Database.write()``), or open a read session and
search (``Database.read()``).

* ``issue_ticket``: a kiosk ticket for today, services in turn. Between samples (untimed)
  a counter calls and serves one ticket, so about 50 people wait, as in a busy office;
  without that, a thousand tickets would pile up in one morning's queue.
* ``bare_insert``: the physical floor on the same file: the sqlite3 module, its own
  connection, WAL, ``synchronous=FULL``, one one-row INSERT and COMMIT into a scratch
  table. Samples are interleaved with issue_ticket's so both see the same disk.
* ``call_next``: ~50 waiting over the 5 services, 4 open counters calling in turn; after
  each call (untimed) the counter serves the ticket and a new ticket of the same service
  is issued, so the queue stays at ~50.
* ``dossier_search``: a mix of full names (with and without diacritics), partial names,
  phones (some as +84 ...), CCCD numbers and dossier codes taken from the data.
"""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, literal_column, select

from benchmarks import bigdb, harness
from benchmarks.harness import Context, Target, Timing, timing_from_ns
from core.actor import Actor
from core.text import fold
from local_db.database import Database
from local_db.models import Citizen, Dossier, Ticket
from local_db.office_settings import office_today
from local_db.office_setup import OfficeRefs
from local_db.ops.queue import call_next, finish_serving, issue_ticket, start_serving
from local_db.ops.search import search_dossiers

TARGETS = {
    "issue_ticket_p95_ms": Target(10, "<"),
    "issue_ticket_vs_bare_insert_ratio": Target(5, "<="),
    "call_next_p95_ms": Target(10, "<"),
    "dossier_search_p95_ms": Target(50, "<"),
}
SAMPLES = {  # per scale: issue_ticket (and bare_insert), call_next, dossier_search
    "full": {"issue": 1000, "call": 600, "search": 500, "warmup": 30},
    "small": {"issue": 200, "call": 150, "search": 150, "warmup": 10},
}
QUEUE_LENGTH = 50
SERVICES = ("HT", "CT", "KD", "XH", "TK")
COUNTERS = (1, 2, 3, 4)
SEARCH_KINDS = ("full_name", "partial_name", "phone", "cccd", "code")


def _clock() -> int:
    return time.perf_counter_ns()


class Office:
    """The operations a benchmark drives, with the office's actors."""

    def __init__(self, db: Database, refs: OfficeRefs) -> None:
        self.db = db
        self.refs = refs
        self.kiosk = refs.actor(None, label="kiosk")
        self.clerks: dict[int, Actor] = {
            n: refs.actor(user) for n, user in zip(COUNTERS, ("canbo1", "canbo2", "giamsat", "admin"))}
        with db.read() as s:
            from local_db.models import Counter, Service, counter_service

            rows = s.execute(select(Counter.number, Service.code)
                             .join(counter_service, counter_service.c.counter_id == Counter.id)
                             .join(Service, Service.id == counter_service.c.service_id)).all()
        self.counters_of: dict[str, list[int]] = {}
        for number, code in rows:
            self.counters_of.setdefault(code, []).append(number)
        self._turn = 0

    def issue(self, service: str) -> None:
        with self.db.write() as s:
            issue_ticket(s, self.kiosk, service)

    def call(self, counter: int) -> Any:
        with self.db.write() as s:
            return call_next(s, self.clerks[counter], counter)

    def serve(self, counter: int, ticket_id: Any) -> None:
        with self.db.write() as s:
            start_serving(s, self.clerks[counter], ticket_id)
        with self.db.write() as s:
            finish_serving(s, self.clerks[counter], ticket_id)

    def call_and_serve(self, service: str) -> str | None:
        """A counter of this service calls its next ticket and serves it; the called service."""
        counters = self.counters_of[service]
        self._turn += 1
        for k in range(len(counters)):
            counter = counters[(self._turn + k) % len(counters)]
            info = self.call(counter)
            if info is not None:
                self.serve(counter, info.id)
                return str(info.service_code)
        return None

    def waiting_today(self) -> int:
        today = office_today(datetime.now(timezone.utc))
        with self.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Ticket).where(
                Ticket.office_code == self.refs.office_code, Ticket.day == today, Ticket.status == "waiting")) or 0)


# --- issue_ticket and the bare insert ----------------------------------------------------------


class BareInsert:
    """One-row fsync'd inserts with the plain sqlite3 module into the same database file."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_bare_insert "
                          "(id INTEGER PRIMARY KEY, at TEXT NOT NULL, payload TEXT NOT NULL)")
        self.n = 0

    def once(self) -> None:
        self.n += 1
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO bench_bare_insert (at, payload) VALUES (?, ?)",
                          (datetime.now(timezone.utc).isoformat(), f"sample {self.n}"))
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def bench_issue_and_bare(office: Office, bare: BareInsert, n: int, warmup: int) -> tuple[Timing, Timing]:
    """issue_ticket and the bare insert, sample for sample, with the queue kept at ~50."""
    while office.waiting_today() < QUEUE_LENGTH:
        office.issue(SERVICES[office.waiting_today() % len(SERVICES)])
    issue_ns: list[int] = []
    bare_ns: list[int] = []
    for i in range(-warmup, n):
        service = SERVICES[i % len(SERVICES)]
        t0 = _clock()
        office.issue(service)
        t1 = _clock()
        bare.once()
        t2 = _clock()
        if i >= 0:
            issue_ns.append(t1 - t0)
            bare_ns.append(t2 - t1)
        office.call_and_serve(service)  # untimed: the office keeps working
    return timing_from_ns(issue_ns), timing_from_ns(bare_ns)


# --- call_next ------------------------------------------------------------------------------


def bench_call_next(office: Office, n: int, warmup: int) -> Timing:
    while office.waiting_today() < QUEUE_LENGTH:
        office.issue(SERVICES[office.waiting_today() % len(SERVICES)])
    samples: list[int] = []
    empty = 0
    for i in range(-warmup, n):
        counter = COUNTERS[i % len(COUNTERS)]
        t0 = _clock()
        info = office.call(counter)
        t1 = _clock()
        if info is None:
            empty += 1
            office.issue(office_service_for(office, counter))
            continue
        if i >= 0:
            samples.append(t1 - t0)
        office.serve(counter, info.id)
        office.issue(info.service_code)  # refill: the queue stays at ~50
    if empty > n // 10:
        raise RuntimeError(f"call_next found nobody waiting {empty} times: the queue set-up is wrong")
    return timing_from_ns(samples)


def office_service_for(office: Office, counter: int) -> str:
    return next(s for s, cs in office.counters_of.items() if counter in cs)


# --- dossier search ---------------------------------------------------------------------------


def search_queries(db: Database, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from random dossiers and their applicants."""
    rowid = literal_column("dossier.rowid")
    with db.read() as s:
        top = int(s.scalar(select(func.max(rowid)).select_from(Dossier)) or 0)
        if not top:
            raise RuntimeError("the benchmark database has no dossiers")
        picks = sorted({rng.randint(1, top) for _ in range(n * 2)})
        rows = []
        for chunk in range(0, len(picks), 500):
            part = picks[chunk:chunk + 500]
            rows += s.execute(select(Dossier.code, Citizen.full_name, Citizen.phone, Citizen.cccd)
                              .join(Citizen, Citizen.id == Dossier.applicant_id)
                              .where(rowid.in_(part))).all()
    rng.shuffle(rows)
    queries: list[tuple[str, str]] = []
    for i, (code, name, phone, cccd) in enumerate(rows):
        kind = SEARCH_KINDS[i % len(SEARCH_KINDS)]
        if kind == "phone" and not phone or kind == "cccd" and not cccd:
            kind = "full_name"
        queries.append((kind, _query(kind, rng, code, name, phone, cccd)))
        if len(queries) >= n:
            break
    return queries


def _query(kind: str, rng: random.Random, code: str, name: str, phone: str | None, cccd: str | None) -> str:
    words = name.split()
    if kind == "full_name":
        return name if rng.random() < 0.5 else fold(name)  # clerks often type without diacritics
    if kind == "partial_name":
        style = rng.randrange(3)
        if style == 0:
            picked = words[-2:]  # "Văn Hoà"
        elif style == 1:
            picked = [words[0], words[-1]]  # "Nguyễn Hoà"
        else:
            picked = words[:-1] + [words[-1][:2]]  # "nguyen thi th"
        text = " ".join(picked)
        return fold(text) if rng.random() < 0.5 else text
    if kind == "phone":
        assert phone
        if rng.random() < 0.3:
            return f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}"
        return phone
    if kind == "cccd":
        assert cccd
        return cccd
    return code if rng.random() < 0.85 else code.rsplit("-", 1)[0]  # a whole day: "...-261120"


def bench_search(db: Database, office_code: str, queries: list[tuple[str, str]], warmup: int) -> dict[str, Timing]:
    by_kind: dict[str, list[int]] = {k: [] for k in SEARCH_KINDS}
    every: list[int] = []
    misses = 0
    for i, (kind, query) in enumerate(queries[:warmup] + queries):
        t0 = _clock()
        with db.read() as s:
            found = search_dossiers(s, office_code, query, limit=20)
        t1 = _clock()
        if i < warmup:
            continue
        if not found:
            misses += 1
        by_kind[kind].append(t1 - t0)
        every.append(t1 - t0)
    if misses:
        raise RuntimeError(f"{misses} searches for existing dossiers found nothing")
    out = {"all": timing_from_ns(every)}
    out.update({k: timing_from_ns(v) for k, v in by_kind.items() if v})
    return out


# --- the group --------------------------------------------------------------------------------


def run_foundation(ctx: Context, *, scale: bigdb.Scale | None = None,
                   samples: dict[str, int] | None = None) -> dict[str, float]:
    counts = samples or SAMPLES.get(ctx.scale, SAMPLES["small"])
    cached = bigdb.ensure_cached(ctx.cache_dir, ctx.scale, rebuild=ctx.rebuild, log=ctx.log, scale=scale)
    info = cached.info
    ctx.log(f"big database: {cached.path.name} ({'built now' if cached.built else 'cached'}; "
            f"{info['counts']['tickets']:,} tickets, {info['counts']['dossiers']:,} dossiers, "
            f"{info['first_day']} .. {info['last_day']})")
    t0 = time.perf_counter()
    copy = bigdb.fresh_copy(cached.path, ctx.work_dir / "motcua-bench")
    ctx.log(f"fresh copy in {time.perf_counter() - t0:.1f} s")
    metrics: dict[str, float] = {
        "bigdb_build_s": float(info["build_s"]),
        "bigdb_tickets_count": float(info["counts"]["tickets"]),
        "bigdb_dossiers_count": float(info["counts"]["dossiers"]),
    }
    bare = BareInsert(copy)
    db = Database(f"sqlite:///{copy}")
    try:
        with db.read() as s:
            refs = bigdb.load_refs(s)
        office = Office(db, refs)

        ctx.log(f"issue_ticket and bare insert: {counts['issue']} samples each...")
        issue, floor = bench_issue_and_bare(office, bare, counts["issue"], counts["warmup"])
        metrics.update(issue.metrics("issue_ticket"))
        metrics["bare_insert_p95_ms"] = round(floor.p95_ms, 3)
        metrics["issue_ticket_vs_bare_insert_ratio"] = round(issue.p95_ms / floor.p95_ms, 2)

        ctx.log(f"call_next: {counts['call']} samples...")
        calls = bench_call_next(office, counts["call"], counts["warmup"])
        metrics["call_next_p95_ms"] = round(calls.p95_ms, 3)

        ctx.log(f"dossier_search: {counts['search']} queries...")
        queries = search_queries(db, counts["search"], random.Random(7))
        found = bench_search(db, refs.office_code, queries, counts["warmup"])
        metrics["dossier_search_p95_ms"] = round(found["all"].p95_ms, 3)
        for kind in SEARCH_KINDS:
            if kind in found:
                metrics[f"dossier_search_{kind}_p95_ms"] = round(found[kind].p95_ms, 3)
    finally:
        bare.close()
        db.dispose()
        bigdb.remove_database(copy)
    return metrics


@harness.group("foundation", targets=TARGETS)
def foundation(ctx: Context) -> dict[str, float]:
    """Queue operations and dossier search on the big office database."""
    return run_foundation(ctx)


__all__ = ["TARGETS", "SAMPLES", "run_foundation", "foundation", "search_queries"]
