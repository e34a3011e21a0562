"""The big office database the benchmarks run on, built once and cached.

Contents (at full scale): the test office (``build_office``), 1,000,000 historical queue
tickets over ~400 office days and 300,000 dossiers over the same days, with their
citizens, documents, event histories, outbox rows (already acked) and audit rows.

Going through the operations would take hours, so rows are written in bulk with plain SQL
(big transactions, ``synchronous=OFF`` and no journal while building, a writer thread doing
the inserts while the next day is generated), but in exactly the shape the operations write
them: the same columns, the same event actions, one outbox row and one audit row per
change with the op types, states and payloads of ``local_db/ops``, and the serial counters
(ticket numbers per service and day, dossier sequences, the change sequence) where the
next operation expects them. ``local_db.check.run_check`` must pass on the result; a cache that fails it is
never used.

Timed runs never touch the cache: :func:`fresh_copy` copies it (after a WAL checkpoint)
to a scratch file first.

This module builds and caches; the generator's parts live next to it: ``bigdb_office``
(the office's references, days and working time), ``bigdb_people`` (citizens),
``bigdb_queue`` (a simulated queue day), ``bigdb_history`` (tickets, dossiers and their
journal as rows) and ``bigdb_writer`` (row formats and the bulk writer thread).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchmarks.bigdb_history import Generator
from benchmarks.bigdb_office import Axis, MemoCalendar, load_refs, office_data, office_days
from benchmarks.bigdb_people import People
from benchmarks.bigdb_queue import WEEKDAY_LOAD, simulate_queue, split_counts
from benchmarks.bigdb_writer import BULK_TABLES
from local_db import migrate
from local_db.database import Database
from local_db.demo import people as demo_people
from local_db.office_setup import build_office, seed_national_holidays

# Bump when the generated contents change: a new version builds a new cache file.
GENERATOR_VERSION = "3"


@dataclass(frozen=True)
class Scale:
    tickets: int
    dossiers: int
    days: int


SCALES: dict[str, Scale] = {
    "full": Scale(tickets=1_000_000, dossiers=300_000, days=400),
    "small": Scale(tickets=40_000, dossiers=12_000, days=40),
}

Log = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


@dataclass(frozen=True)
class BuildResult:
    path: Path
    seconds: float
    counts: dict[str, int]
    first_day: date
    last_day: date


def _secondary_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    marks = ", ".join("?" * len(BULK_TABLES))
    return conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({marks}) ORDER BY name", BULK_TABLES).fetchall()


def remove_database(path: Path) -> None:
    """Delete a database file with its WAL, shared-memory and journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def build(path: Path, scale: Scale, *, seed: int = 2024, today: date | None = None, log: Log = _quiet,
          drop_indexes: bool = False) -> BuildResult:
    """Build the big office database at ``path`` (replacing any file there).

    The history covers ``scale.days`` office working days ending the working day before
    ``today`` (the office's local date), so a benchmark taking tickets today starts a
    fresh day, as an office does every morning.

    ``drop_indexes``: drop the secondary indexes while loading and make them again at the
    end. Off by default: the keys mostly grow with time (UUIDv7, days, seq), so keeping the
    indexes costs little, and the writer thread maintains them while the generator works,
    instead of one long single-threaded index build at the end.
    """
    from local_db.office_settings import calendar_for, office_today

    started = time.perf_counter()
    remove_database(path)
    now = datetime.now(timezone.utc)
    today = today or office_today(now)
    db = Database(f"sqlite:///{path}")
    try:
        migrate.upgrade(db)
        with db.write() as s:
            refs = build_office(s, now=now)
            seed_national_holidays(s, refs.office_code, [today.year - 3, today.year - 2])
            office = office_data(s, refs)
            calendar = MemoCalendar(calendar_for(s, refs.office_code))
    finally:
        db.dispose()

    history = office_days(calendar, today - timedelta(days=1), scale.days)
    future = []
    d = history[-1]
    while len(future) < 250:  # room for due moments and reschedules past the history
        d = calendar.next_working_day(d)
        future.append(d)
    axis = Axis(history + future, calendar)
    rng = random.Random(seed)
    people = People(rng, newest_birth_year=today.year - 16)

    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # a failed build is thrown away whole
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("PRAGMA temp_store=MEMORY")
        indexes = _secondary_indexes(conn) if drop_indexes else []
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        gen = Generator(conn, office, calendar, axis, len(history), rng, people)
        writer = gen.w
        load = [WEEKDAY_LOAD[d.weekday()] * rng.uniform(0.85, 1.15) for d in history]
        ticket_counts = split_counts(scale.tickets, load)
        dossier_counts = split_counts(scale.dossiers, [x * rng.uniform(0.9, 1.1) for x in load])
        writer.execute("BEGIN")
        try:
            for i, d in enumerate(history):
                sims = simulate_queue(rng, d, ticket_counts[i], office, axis)
                gen.tickets(d, sims)
                gen.dossiers(d, dossier_counts[i], sims)
                gen.close_day(i)
                if i % 25 == 24 or i == len(history) - 1:
                    writer.execute("COMMIT")
                    writer.execute("BEGIN")
                    log(f"  day {i + 1}/{len(history)} ({d}): {gen.stats['tickets']:,} tickets, "
                        f"{gen.stats['dossiers']:,} dossiers, {gen.seq:,} changes, "
                        f"{time.perf_counter() - started:.0f} s (waited for the writer {writer.waited_s:.0f} s)")
            assert not gen.pending, "changes left past the last day"
            writer.execute("COMMIT")
        finally:
            writer.close()
        gen.write_serials(conn)
        t0 = time.perf_counter()
        for _, sql in indexes:
            conn.execute(sql)
        log(f"  indexes made again in {time.perf_counter() - t0:.0f} s")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    counts = {**gen.stats, "changes": gen.seq, "rows": sum(gen.w.counts.values())}
    return BuildResult(path=path, seconds=time.perf_counter() - started, counts=counts,
                       first_day=history[0], last_day=history[-1])


def checkpoint(path: Path) -> None:
    """Fold the WAL back into the main file, so the file alone is the whole database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def cache_path(cache_dir: Path, scale_name: str) -> Path:
    return cache_dir / f"office-{GENERATOR_VERSION}-{scale_name}.db"


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".ok.json")


_schema_sha: str | None = None


def schema_fingerprint() -> str:
    """A hash of the schema the migrations make today (the revision alone misses in-place edits)."""
    global _schema_sha
    if _schema_sha is None:
        with tempfile.TemporaryDirectory(prefix="motcua-schema-") as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'schema.db'}")
            try:
                migrate.upgrade(db)
                with db.engine.connect() as conn:
                    rows = conn.exec_driver_sql("SELECT type, name, coalesce(sql, '') FROM sqlite_master "
                                                "ORDER BY type, name").all()
            finally:
                db.dispose()
        text = "\n".join("|".join(r) for r in rows) + "\n" + migrate.head_revision()
        _schema_sha = hashlib.sha256(text.encode()).hexdigest()[:16]
    return _schema_sha


def generator_sources() -> list[Path]:
    """The files the generator is made of: this module, its ``bigdb_*`` parts and the name lists."""
    return sorted(Path(__file__).parent.glob("bigdb*.py")) + [Path(demo_people.__file__)]


def _source_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in generator_sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _fingerprint(path: Path) -> dict[str, Any]:
    """What a cached database must match to be reused: the very file, schema and generator."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "schema": schema_fingerprint(),
            "generator": GENERATOR_VERSION, "generator_source": _source_fingerprint()}


@dataclass(frozen=True)
class Cached:
    path: Path
    built: bool  # False: an earlier build was reused
    info: dict[str, Any]  # what the marker says: counts, build and check times, days


def ensure_cached(cache_dir: Path, scale_name: str, *, rebuild: bool = False, log: Log = _quiet,
                  scale: Scale | None = None) -> Cached:
    """The cached big database of this scale, built (and checked) first when needed.

    A cache is reused only if its marker says it passed ``run_check`` and the file is the
    very file that passed (size and modification time), built by this generator (version
    and source) for the schema the migrations make now.
    """
    from local_db.check import format_report, run_check

    path = cache_path(cache_dir, scale_name)
    marker = _marker(path)
    if not rebuild and path.exists() and marker.exists():
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            info = {}
        if info.get("fingerprint") == _fingerprint(path) and not Path(str(path) + "-wal").exists():
            return Cached(path=path, built=False, info=info)
        log(f"cached database {path.name} is stale or was changed: building it again")
    cache_dir.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    for old in cache_dir.glob(f"office-*-{scale_name}.db*"):  # earlier generator versions: ~12 GB each
        if not old.name.startswith(path.name):
            old.unlink(missing_ok=True)
    scratch = path.with_name(path.name + ".building")
    log(f"building {path.name} ({scale_name} scale)...")
    result = build(scratch, scale or SCALES[scale_name], log=log)
    log(f"built in {result.seconds:.0f} s; checking it with run_check...")
    t0 = time.perf_counter()
    db = Database(f"sqlite:///{scratch}")
    try:
        report = run_check(db)
    finally:
        db.dispose()
    check_seconds = time.perf_counter() - t0
    if not report.ok:
        raise RuntimeError(f"the generated database fails `motcua db check`; not caching it:\n"
                           f"{format_report(report)}")
    log(f"check passed in {check_seconds:.0f} s")
    checkpoint(scratch)
    remove_database(path)
    scratch.replace(path)
    info = {"fingerprint": _fingerprint(path), "counts": result.counts, "build_s": round(result.seconds, 1),
            "check_s": round(check_seconds, 1), "first_day": result.first_day.isoformat(),
            "last_day": result.last_day.isoformat(), "check_counts": report.counts}
    marker.write_text(json.dumps(info, indent=2), encoding="utf-8")
    return Cached(path=path, built=True, info=info)


def fresh_copy(source: Path, dest_dir: Path) -> Path:
    """A scratch copy of a cached database for one timed run (the cache never changes)."""
    if Path(str(source) + "-wal").exists():
        checkpoint(source)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"bench-{source.stem}.db"
    remove_database(dest)
    shutil.copyfile(source, dest)
    return dest


__all__ = [
    "GENERATOR_VERSION", "SCALES", "BuildResult", "Cached", "People", "Scale", "build", "cache_path",
    "checkpoint", "ensure_cached", "fresh_copy", "load_refs", "remove_database", "simulate_queue",
]
