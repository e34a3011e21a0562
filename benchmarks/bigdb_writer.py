"""How the big database's rows look in SQLite, and the thread that writes them in bulk.

The generator writes rows with plain SQL, so it has to spell values the way SQLAlchemy
stores them (UTC datetimes as text, UUIDs as 32 hex digits, JSON as ``json.dumps``) and
the way payloads carry them (ISO datetimes, dashed UUIDs). Times are integer microseconds
since the Unix epoch throughout: much cheaper than datetime objects at a million rows.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from typing import Any

# --- time, ids and the SQLite text formats SQLAlchemy uses -----------------------------------

US = 1_000_000
_EPOCH_DAY = date(1970, 1, 1)
_day_text: dict[int, str] = {}


def to_us(dt: datetime) -> int:
    """Aware datetime -> integer microseconds since the Unix epoch."""
    delta = dt - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def from_us(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=us)


def _date_text(days: int) -> str:
    text = _day_text.get(days)
    if text is None:
        text = _day_text[days] = (_EPOCH_DAY + timedelta(days=days)).isoformat()
    return text


_TOD = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


def db_time(us: int) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite: ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    sec, micro = divmod(us, US)
    days, sod = divmod(sec, 86_400)
    return f"{_day_text.get(days) or _date_text(days)} {_TOD[sod]}.{micro:06d}"


def iso_time(us: int) -> str:
    """``datetime.isoformat()`` of the aware UTC datetime (what payloads carry)."""
    sec, micro = divmod(us, US)
    days, sod = divmod(sec, 86_400)
    if micro:
        return f"{_day_text.get(days) or _date_text(days)}T{_TOD[sod]}.{micro:06d}+00:00"
    return f"{_day_text.get(days) or _date_text(days)}T{_TOD[sod]}+00:00"


class Ids:
    """UUIDv7 made at a given moment (as core.ids.new_id makes them at the real one)."""

    _KEEP = ((1 << 80) - 1) & ~(0xF << 76) & ~(0b11 << 62)
    _SET = 0x7 << 76 | 0b10 << 62

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits

    def at(self, us: int) -> str:
        """The 32-hex-digit text SQLAlchemy stores for a UUID in SQLite."""
        return f"{(us // 1000) << 80 | (self._bits(80) & self._KEEP) | self._SET:032x}"


def dashed(hex32: str) -> str:
    """str(uuid.UUID(hex)) without building the UUID: what journal.jsonable puts in payloads."""
    h = hex32
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def json_text(value: Any) -> str:
    """How SQLAlchemy's JSON type stores a value in SQLite (json.dumps with its defaults)."""
    return json.dumps(value)


# --- bulk writing --------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "ticket": ("id", "office_code", "service_id", "queue_service_id", "day", "number", "code", "priority_reason",
               "source", "status", "counter_id", "target_counter_id", "staff_id", "appointment_id", "issued_at",
               "queued_at", "called_at", "serving_at", "finished_at", "call_count", "note", "created_at",
               "updated_at"),
    "ticket_event": ("id", "office_code", "ticket_id", "at", "action", "counter_id", "staff_id", "detail"),
    "outbox": ("op_id", "seq", "device_id", "entity", "entity_id", "op_type", "from_state", "to_state", "payload",
               "schema_version", "device_time", "state", "attempts", "last_error", "sent_at", "acked_at",
               "office_code"),
    "audit_log": ("id", "office_code", "at", "device_id", "staff_id", "actor", "action", "entity", "entity_id",
                  "op_id", "detail"),
    "citizen": ("id", "office_code", "full_name", "name_folded", "cccd", "phone", "address", "email",
                "birth_date", "gender", "created_at", "updated_at"),
    "citizen_name_token": ("token", "citizen_id"),
    "dossier": ("id", "office_code", "code", "procedure_id", "applicant_id", "request_content", "sets", "status",
                "with_verification", "received_at", "clock_started_at", "due_at", "original_due_at", "ready_at",
                "returned_at", "closed_at", "reschedule_count", "fee_vnd", "fee_detail", "fee_paid_vnd",
                "counter_id", "received_by", "ticket_id", "returned_to", "result_note", "created_at",
                "updated_at"),
    "dossier_document": ("id", "office_code", "dossier_id", "position", "name", "required", "originals",
                         "certified", "copies", "missing"),
    "dossier_event": ("id", "office_code", "dossier_id", "at", "action", "from_state", "to_state", "staff_id",
                      "counter_id", "note", "detail"),
}
BULK_TABLES = tuple(COLUMNS)


class Writer:
    """Buffers rows per table; a background thread writes them with executemany.

    The sqlite3 module lets go of the GIL while SQLite works, so on two cores the database
    writes overlap with making the next day's rows. Only the writer thread touches the
    connection until :meth:`close`.
    """

    def __init__(self, conn: sqlite3.Connection, max_pending: int = 4) -> None:
        self.conn = conn
        self.sql = {t: f"INSERT INTO {t} ({', '.join(c)}) VALUES ({', '.join('?' * len(c))})"
                    for t, c in COLUMNS.items()}
        self.buffers: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
        self.counts: dict[str, int] = {t: 0 for t in COLUMNS}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bigdb-writer")
        self._pending: deque[Future[None]] = deque()
        self._max_pending = max_pending
        self.waited_s = 0.0  # time the generator spent waiting for the writer thread

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.buffers[table].append(row)

    def _submit(self, fn: Callable[..., Any], *args: Any) -> None:
        if len(self._pending) >= self._max_pending:
            t0 = time.perf_counter()
            while len(self._pending) >= self._max_pending:
                self._pending.popleft().result()
            self.waited_s += time.perf_counter() - t0
        self._pending.append(self._pool.submit(fn, *args))

    def flush_all(self) -> None:
        """Hand every buffered row to the writer thread (in table order: parents first)."""
        batch = []
        for table, rows in self.buffers.items():
            if rows:
                batch.append((self.sql[table], rows))
                self.counts[table] += len(rows)
                self.buffers[table] = []
        if batch:
            self._submit(self._write, batch)

    def _write(self, batch: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        for sql, rows in batch:
            self.conn.executemany(sql, rows)

    def execute(self, sql: str) -> None:
        """Run a statement on the writer thread, after everything handed over before it."""
        self._submit(self.conn.execute, sql)

    def wait(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)

