"""The big office database the benchmarks run on, built once and cached.

Contents (at full scale): the test office (``build_office``), 1,000,000 historical queue
tickets over ~400 office days and 300,000 dossiers over the same days, with their
citizens, documents, event histories, outbox rows (already acked) and audit rows.

Going through the operations would take hours, so rows are written in bulk with plain SQL
(big transactions, ``synchronous=OFF`` and no journal while building, a writer thread doing
the inserts while the next day is generated), but in exactly the shape the operations write
them: the same columns,
the same event actions, one outbox row and one audit row per change with the op types,
states and payloads of ``local_db/ops``, and the serial counters (ticket numbers per
service and day, dossier sequences, the change sequence) where the next operation expects
them. ``local_db.check.run_check`` must pass on the result; a cache that fails it is
never used.

Timed runs never touch the cache: :func:`fresh_copy` copies it (after a WAL checkpoint)
to a scratch file first.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import sqlite3
import tempfile
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from core.citizen import CCCD_PROVINCES
from core.text import fold, search_tokens
from core.working_calendar import OFFICE_TZ, WorkingCalendar
from local_db import migrate
from local_db.database import Database
from local_db.office_setup import OfficeRefs, build_office, seed_national_holidays

# Bump when the generated contents change: a new version builds a new cache file.
GENERATOR_VERSION = "2"


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


# --- names, identity numbers, addresses ---------------------------------------------------

# Family names with rough shares of the population (percent).
FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0), ("Huỳnh", 1.5),
    ("Phan", 4.5), ("Vũ", 2.5), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4),
    ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6),
    ("Đào", 0.6), ("Mai", 0.5), ("Lương", 0.4), ("Cao", 0.4), ("Tạ", 0.3), ("Lâm", 0.3),
    ("Hà", 0.4), ("Kiều", 0.2), ("Chu", 0.3), ("Tô", 0.2), ("Quách", 0.1), ("Thái", 0.2),
    ("Triệu", 0.2), ("La", 0.1), ("Khổng", 0.05), ("Lã", 0.05), ("Mạc", 0.05), ("Nghiêm", 0.1),
    ("Khúc", 0.05), ("Âu", 0.05), ("Doãn", 0.05), ("Văn", 0.1),
]
MIDDLE_NAMES = {
    "male": ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Ngọc",
             "Anh", "Gia", "Trung", "Tuấn", "Bá", "Đình", "Mạnh", "Hoàng", "Duy", "Tiến", "Quốc"],
    "female": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bích", "Kim", "Phương", "Mai",
               "Khánh", "Diệu", "Hồng", "Thùy", "Thuỳ", "Hoài", "Bảo", "Quỳnh", "Thảo", "Hải"],
}
GIVEN_NAMES = {
    "male": ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
             "Khang", "Khánh", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang",
             "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
             "Hoà", "Hòa", "Lâm", "Kiên", "Lộc", "Bảo", "Duy", "Hưng", "Thịnh", "Khôi", "Nhật",
             "Đông", "Giang", "Hậu", "Lợi", "Thuận", "Vũ", "Trọng"],
    "female": ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền", "Lan",
               "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương",
               "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Thuỷ", "Trang", "Trinh", "Uyên", "Vân",
               "Yến", "Giang", "Hồng", "Liên", "Nhi", "Vy", "Thư", "Hoà", "Hòa", "Diệp", "Nguyệt",
               "Xuân", "Ánh", "Huệ", "Lụa", "Thoa", "Tuyết"],
}
STREETS = ["Đội Cấn", "Kim Mã", "Liễu Giai", "Đào Tấn", "Nguyễn Thái Học", "Hoàng Hoa Thám",
           "Văn Cao", "Ngọc Hà", "Phan Đình Phùng", "Quán Thánh", "Giảng Võ", "Cống Vị",
           "Vĩnh Phúc", "Đốc Ngữ", "Linh Lang", "Nguyễn Chí Thanh", "Trần Huy Liệu", "Thành Công"]
PHONE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "070",
                  "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088",
                  "089", "090", "091", "093", "094", "096", "097", "098", "099"]
# Provinces of birth registration: mostly Hà Nội for a Hà Nội ward, the rest anywhere.
_PROVINCE_CODES = sorted(CCCD_PROVINCES)


@dataclass
class Person:
    full_name: str
    gender: str  # male / female
    birth: date
    cccd: str | None
    phone: str | None
    address: str


class People:
    """Makes citizens with plausible Vietnamese names and valid, unique CCCD numbers."""

    def __init__(self, rng: random.Random, newest_birth_year: int) -> None:
        self.rng = rng
        self.newest_birth_year = newest_birth_year
        names, weights = zip(*FAMILY_NAMES)
        self._family = list(names)
        self._family_cum = list(_cumulative(weights))
        self._cccds: set[str] = set()
        self._phones: set[str] = set()

    def family_name(self) -> str:
        return self.rng.choices(self._family, cum_weights=self._family_cum)[0]

    def person(self) -> Person:
        rng = self.rng
        gender = "male" if rng.random() < 0.48 else "female"
        words = [self.family_name(), rng.choice(MIDDLE_NAMES[gender])]
        if rng.random() < 0.15:  # two middle names: "Nguyễn Thị Thu Hà"
            words.append(rng.choice(MIDDLE_NAMES[gender]))
        given = rng.choice(GIVEN_NAMES[gender])
        while given == words[-1]:
            given = rng.choice(GIVEN_NAMES[gender])
        words.append(given)
        year = rng.randint(1940, self.newest_birth_year)
        birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
        cccd = self.cccd(gender, year) if rng.random() < 0.97 else None
        phone = self.phone() if rng.random() < 0.9 else None
        address = (f"Số {rng.randint(1, 180)}"
                   + (f" ngõ {rng.randint(1, 120)}" if rng.random() < 0.6 else "")
                   + f" phố {rng.choice(STREETS)}, Phường Ba Đình, Hà Nội")
        return Person(" ".join(words), gender, birth, cccd, phone, address)

    def cccd(self, gender: str, year: int) -> str:
        rng = self.rng
        while True:
            province = "001" if rng.random() < 0.55 else rng.choice(_PROVINCE_CODES)
            century = (year - 1900) // 100
            digit4 = 2 * century + (0 if gender == "male" else 1)
            number = f"{province}{digit4}{year % 100:02d}{rng.randrange(1_000_000):06d}"
            if number not in self._cccds:
                self._cccds.add(number)
                return number

    def phone(self) -> str:
        rng = self.rng
        while True:
            number = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"
            if number not in self._phones:
                self._phones.add(number)
                return number


def _cumulative(weights: Any) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


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


# --- office days -----------------------------------------------------------------------------


def office_days(calendar: WorkingCalendar, last: date, count: int) -> list[date]:
    """The ``count`` working days ending at ``last`` (inclusive), oldest first."""
    days: list[date] = []
    d = last
    while len(days) < count:
        if calendar.is_working_day(d):
            days.append(d)
        d -= timedelta(days=1)
    days.reverse()
    return days




class _MemoCalendar(WorkingCalendar):
    """The office's calendar with working days memoised (the generator asks millions of times)."""

    def __init__(self, base: WorkingCalendar) -> None:
        super().__init__(hours=base.hours, days_off=base.days_off, working_days=base.working_days,
                         national_holidays=base.uses_national_holidays)
        self._memo: dict[date, bool] = {}

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = d.date()
        got = self._memo.get(d)
        if got is None:
            got = self._memo[d] = super().is_working_day(d)
        return got


class Axis:
    """Working time as one line: working day i covers [i * day_s, (i + 1) * day_s) seconds.

    Lets the generator say "two working hours after this" or "a random moment on working
    day 17" without walking the calendar, and map it back to real (UTC) moments.
    """

    def __init__(self, days: list[date], calendar: WorkingCalendar) -> None:
        self.days = days
        self.periods = [(p[0].hour * 3600 + p[0].minute * 60, p[1].hour * 3600 + p[1].minute * 60)
                        for p in calendar.hours.periods]
        self.day_s = sum(e - s for s, e in self.periods)
        # Local midnight of each day in UTC microseconds (OFFICE_TZ has no DST, but ask anyway).
        self.midnight = [to_us(datetime(d.year, d.month, d.day, tzinfo=OFFICE_TZ)) for d in days]
        self._index = {d: i for i, d in enumerate(days)}

    def day_at(self, us: int) -> int:
        """Index of the day whose office-local date holds this moment (late work stays on its day)."""
        return bisect_right(self.midnight, us) - 1

    def index(self, d: date) -> int:
        return self._index[d]

    def to_real(self, w: float) -> int:
        """Working-axis seconds -> UTC microseconds."""
        i = int(w // self.day_s)
        off = w - i * self.day_s
        for start, end in self.periods:
            length = end - start
            if off < length:
                return self.midnight[i] + int((start + off) * US)
            off -= length
        start, end = self.periods[-1]
        return self.midnight[i] + int(end * US)

    def to_axis(self, us: int) -> float:
        """UTC microseconds on a working day -> working-axis seconds (clamped into periods)."""
        d = (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=us)).astimezone(OFFICE_TZ).date()
        i = self._index[d]
        sod = (us - self.midnight[i]) / US
        w = i * self.day_s
        for start, end in self.periods:
            if sod <= start:
                return w
            if sod < end:
                return w + sod - start
            w += end - start
        return w

    def day_of(self, w: float) -> int:
        return int(w // self.day_s)


# --- bulk writing --------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "ticket": ("id", "office_code", "service_id", "queue_service_id", "day", "number", "code", "priority_reason", "source", "status",
               "counter_id", "target_counter_id", "staff_id", "appointment_id", "issued_at", "queued_at",
               "called_at", "serving_at", "finished_at", "call_count", "note", "created_at", "updated_at"),
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


# --- the office as the generator sees it ----------------------------------------------------


@dataclass(frozen=True)
class Proc:
    code: str
    id: str
    service: str
    name_vi: str
    processing: Any  # core.due_date.ProcessingTime
    fee_rule: dict[str, Any]
    documents: list[dict[str, Any]]


@dataclass
class OfficeData:
    code: str
    unit_id: str
    device: str  # hex id
    services: dict[str, tuple[str, str]]  # code -> (hex id, prefix)
    counters: dict[int, tuple[str, tuple[str, ...]]]  # number -> (hex id, service codes)
    staff: dict[str, str]  # username -> hex id
    procedures: list[Proc]


def load_refs(session: Any, office_code: str | None = None) -> OfficeRefs:
    """The OfficeRefs of the office in a (cached) database."""
    from sqlalchemy import select

    from local_db.models import Counter, Device, Office, Procedure, Service, Staff

    office = session.scalars(select(Office).where(Office.code == office_code) if office_code
                             else select(Office).limit(1)).one()
    code = office.code
    device = session.scalars(select(Device).where(Device.office_code == code, Device.private_key.is_not(None))
                             .order_by(Device.created_at)).first()
    assert device is not None
    return OfficeRefs(
        office_code=code, device_id=device.id,
        services=dict(session.execute(select(Service.code, Service.id).where(Service.office_code == code)).all()),
        counters=dict(session.execute(select(Counter.number, Counter.id).where(Counter.office_code == code)).all()),
        procedures=dict(session.execute(select(Procedure.code, Procedure.id)
                                        .where(Procedure.office_code == code)).all()),
        staff=dict(session.execute(select(Staff.username, Staff.id).where(Staff.office_code == code)).all()),
    )


def _office_data(session: Any, refs: OfficeRefs) -> OfficeData:
    from sqlalchemy import select

    from core.due_date import ProcessingTime
    from local_db.models import Counter, Office, Procedure, Service

    office = session.scalars(select(Office).where(Office.code == refs.office_code)).one()
    services = {s.code: (s.id.hex, s.prefix) for s in session.scalars(
        select(Service).where(Service.office_code == refs.office_code))}
    by_id = {v[0]: k for k, v in services.items()}
    counters = {c.number: (c.id.hex, tuple(sorted(by_id[s.id.hex] for s in c.services)))
                for c in session.scalars(select(Counter).where(Counter.office_code == refs.office_code))}
    procs = [Proc(code=p.code, id=p.id.hex, service=by_id[p.service_id.hex], name_vi=p.name_vi,
                  processing=ProcessingTime.from_dict(p.processing), fee_rule=dict(p.fee_rule),
                  documents=list(p.documents))
             for p in session.scalars(select(Procedure).where(Procedure.office_code == refs.office_code,
                                                              Procedure.active.is_(True))
                                      .order_by(Procedure.code))]
    return OfficeData(code=refs.office_code, unit_id=office.unit_id, device=refs.device_id.hex, services=services,
                      counters=counters, staff={k: v.hex for k, v in refs.staff.items()}, procedures=procs)


# --- the queue ---------------------------------------------------------------------------------

# Share of tickets per service (civil status and attestation dominate a ward's desk).
SERVICE_SHARES = {"HT": 0.34, "CT": 0.30, "KD": 0.09, "XH": 0.10, "TK": 0.17}
PRIORITY_SHARE = 0.05
COUNTER_ISSUED_SHARE = 0.01
NO_SHOW_SHARE = 0.04  # called, recalled, never came
LATE_COMER_SHARE = 0.03  # came only after a recall
# Who sits at which counter in the history.
COUNTER_STAFF = {1: "canbo1", 2: "canbo2", 3: "giamsat", 4: "admin"}
# Arrival intensity per quarter hour of the working day (07:00 ... 16:45), morning and afternoon peaks.
MORNING_WEIGHTS = [3, 6, 9, 11, 12, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]  # 07:00-11:15
AFTERNOON_WEIGHTS = [5, 7, 9, 10, 10, 9, 8, 6, 5, 4, 3, 2, 1, 1]  # 13:30-16:45
WEEKDAY_LOAD = [1.25, 1.05, 1.0, 0.95, 0.9, 0.5, 0.3]  # Monday ... Sunday (make-up Saturdays are quieter)

TICKET_PAYLOAD = (
    '{"id": "%s", "office_code": "%s", "day": "%s", "number": %d, "code": "%s", "service_id": "%s", '
    '"service_code": "%s", "queue_service_id": "%s", "queue_service_code": "%s", "priority_reason": %s, '
    '"source": "%s", "status": "%s", "counter_id": %s, "counter_number": %s, "target_counter_id": null, '
    '"target_counter_number": null, "staff_id": %s, "appointment_id": null, "issued_at": "%s", '
    '"queued_at": "%s", "called_at": %s, "serving_at": %s, "finished_at": %s, "call_count": %d, "note": ""}'
)


def _q(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def _split_counts(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(r) for r in raw]
    short = total - sum(counts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[:short]:
        counts[i] += 1
    return counts


@dataclass(slots=True)
class SimTicket:
    service: str
    issue_us: int
    priority: str | None
    source: str
    number: int = 0
    counter: int = 0
    calls: list[int] = field(default_factory=list)
    serve_us: int | None = None
    finish_us: int = 0
    outcome: str = "done"
    id: str = ""


def simulate_queue(rng: random.Random, d: date, n: int, office: OfficeData, axis: Axis) -> list[SimTicket]:
    """One office day of the queue: arrivals with two peaks, four counters calling in order.

    Service times follow the load: the issue asks for 1,000,000 tickets over 400 days at the
    test office's four counters (~2,500 a day), so desks turn tickets around fast; at smaller
    scales they take the few minutes a real desk takes.
    """
    midnight = axis.midnight[axis.index(d)]
    bins = [(7 * 3600 + 900 * i, w) for i, w in enumerate(MORNING_WEIGHTS)] + \
           [(13 * 3600 + 1800 + 900 * i, w) for i, w in enumerate(AFTERNOON_WEIGHTS)]
    starts = [b[0] for b in bins]
    cum = list(_cumulative([b[1] for b in bins]))
    svc_codes = list(SERVICE_SHARES)
    svc_cum = list(_cumulative(SERVICE_SHARES.values()))
    tickets = []
    for _ in range(n):
        sod = rng.choices(starts, cum_weights=cum)[0] + rng.random() * 900
        priority = rng.choice(("elderly", "disabled", "pregnant", "small_child", "merit")) \
            if rng.random() < PRIORITY_SHARE else None
        source = "counter" if rng.random() < COUNTER_ISSUED_SHARE else "walk_in"
        tickets.append(SimTicket(rng.choices(svc_codes, cum_weights=svc_cum)[0], midnight + int(sod * US),
                                 priority, source))
    tickets.sort(key=lambda t: t.issue_us)
    numbers: dict[str, int] = {}
    for t in tickets:
        t.number = numbers[t.service] = numbers.get(t.service, 0) + 1

    # Mean desk time so the counters are ~80 % busy, 20 s at least, 6 minutes at most.
    counter_seconds = axis.day_s * len(office.counters)
    mean_desk = max(20.0, min(360.0, 0.8 * counter_seconds / max(1, n) - 30))
    sigma = 0.5
    mu = math.log(mean_desk) - sigma * sigma / 2

    queues: dict[str, tuple[deque[SimTicket], deque[SimTicket]]] = {s: (deque(), deque()) for s in office.services}
    for t in tickets:
        queues[t.service][0 if t.priority else 1].append(t)
    lunch_start = midnight + axis.periods[0][1] * US
    lunch_end = midnight + axis.periods[-1][0] * US if len(axis.periods) > 1 else lunch_start
    free_at = {c: midnight + axis.periods[0][0] * US + rng.randrange(0, 120 * US) for c in office.counters}
    streak = {c: 0 for c in office.counters}
    left = n
    while left:
        c = min(free_at, key=free_at.__getitem__)
        now = free_at[c]
        if lunch_start <= now < lunch_end:
            now = free_at[c] = lunch_end + rng.randrange(0, 300 * US)
        services = office.counters[c][1]
        heads = [(q[k][0], k) for s in services for q in (queues[s],) for k in (0, 1) if q[k]]
        if not heads:
            free_at[c] = 1 << 62  # nothing more for this counter today
            if all(v == 1 << 62 for v in free_at.values()):
                break
            continue
        ready = [(t, k) for t, k in heads if t.issue_us <= now]
        if not ready:
            free_at[c] = min(t.issue_us for t, _ in heads) + rng.randrange(3 * US, 30 * US)
            continue
        prio = [x for x in ready if x[1] == 0]
        normal = [x for x in ready if x[1] == 1]
        if prio and not (streak[c] >= 2 and normal):
            t, k = min(prio, key=lambda x: x[0].issue_us)
            streak[c] += 1
        else:
            t, k = min(normal, key=lambda x: x[0].issue_us)
            streak[c] = 0
        queues[t.service][k].popleft()
        left -= 1
        t.counter = c
        call = now
        t.calls.append(call)
        r = rng.random()
        if r < NO_SHOW_SHARE:
            for _ in range(rng.choice((1, 2))):
                call += rng.randrange(45 * US, 90 * US)
                t.calls.append(call)
            t.outcome = "no_show"
            t.finish_us = call + rng.randrange(40 * US, 90 * US)
            free_at[c] = t.finish_us + rng.randrange(2 * US, 10 * US)
            continue
        if r < NO_SHOW_SHARE + LATE_COMER_SHARE:
            call += rng.randrange(45 * US, 90 * US)
            t.calls.append(call)
        t.serve_us = call + rng.randrange(8 * US, 40 * US)
        desk = min(rng.lognormvariate(mu, sigma), 8 * mean_desk)
        t.finish_us = t.serve_us + int(desk * US)
        free_at[c] = t.finish_us + rng.randrange(2 * US, 15 * US)
    return tickets


# --- the generator -----------------------------------------------------------------------------

DOSSIER_SERVICES = ("HT", "CT", "KD", "XH")  # TK returns results: no intake there
# Procedures the desk sees most, and how much more often than the others.
POPULAR_PROCEDURES = {"1.001193": 4.0, "2.000815": 5.0, "2.000908": 3.0, "1.004873": 2.0, "2.001035": 1.5}
RETURN_COUNTERS = (1, 3)  # counters serving TK
CLERKS = ("canbo1", "canbo2", "giamsat")
REJECT_REASONS = ["Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường",
                  "Giấy tờ trong hồ sơ không hợp lệ, có dấu hiệu tẩy xóa",
                  "Người yêu cầu không đủ điều kiện theo quy định"]
WITHDRAW_REASONS = ["Công dân xin rút hồ sơ", "Công dân đã nộp hồ sơ ở nơi khác", ""]
RESCHEDULE_REASONS = ["Cơ quan chuyên môn cần thêm thời gian xác minh",
                      "Hệ thống cơ sở dữ liệu hộ tịch gián đoạn"]
SUPPLEMENT_EXTRA = "Bản sao giấy tờ tùy thân có chứng thực"


class _Stop(Exception):
    """A planned move falls after the last history day: the dossier stays where it is."""


@dataclass(slots=True)
class _DossierState:
    id: str
    code: str
    status: str
    clock_started: int
    due: int | None
    original_due: int
    ready: int | None = None
    returned: int | None = None
    closed: int | None = None
    reschedule_count: int = 0
    fee_paid: int = 0
    returned_to: str = ""
    result_note: str = ""
    steps: int = 1
    last: int = 0


def _iso_or_none(us: int | None) -> str | None:
    return None if us is None else iso_time(us)


def _db_or_none(us: int | None) -> str | None:
    return None if us is None else db_time(us)


class Generator:
    """Writes the history of one office, day by day, in time order."""

    def __init__(self, conn: sqlite3.Connection, office: OfficeData, calendar: WorkingCalendar, axis: Axis,
                 history_days: int, rng: random.Random, people: People) -> None:
        self.w = Writer(conn)
        self.office = office
        self.calendar = calendar
        self.axis = axis
        self.history_days = history_days
        self.end_w = history_days * axis.day_s
        self.rng = rng
        self.ids = Ids(rng)
        self.random = rng.random
        self.people = people
        self.seq = 0
        self.serials: dict[str, int] = {}
        self.pending: dict[int, list[tuple[Any, ...]]] = {}
        self._k = 0
        self.citizens: list[tuple[str, Person]] = []
        self.returning_share = 0.25
        self._fold: dict[str, tuple[str, list[str]]] = {}
        self._fees: dict[tuple[str, Any], tuple[int, dict[str, Any]]] = {}
        procs = office.procedures
        self.procs_by_service = {s: [p for p in procs if p.service == s] for s in DOSSIER_SERVICES}
        self.proc_weights = {s: list(_cumulative(POPULAR_PROCEDURES.get(p.code, 1.0) for p in ps))
                             for s, ps in self.procs_by_service.items()}
        self.counters_of_service = {s: [n for n, (_, svcs) in office.counters.items() if s in svcs]
                                    for s in office.services}
        self.stats = {"tickets": 0, "dossiers": 0, "citizens": 0}

    # -- journal rows ----------------------------------------------------------------------

    def actor(self, username: str | None) -> tuple[str | None, str]:
        if username is None:
            return None, "kiosk"
        return self.office.staff[username], username

    def change(self, t_us: int, entity: str, entity_id: str, op_type: str, from_state: str | None,
               to_state: str | None, payload: str, username: str | None, audit_detail: str,
               t_db: str | None = None) -> None:
        """One journal.record: an outbox row (already acked by the centre) and its audit row."""
        staff, label = self.actor(username)
        op_id = self.ids.at(t_us)
        t_db = t_db or db_time(t_us)
        sent = t_us + 1 * US + int(self.random() * 29 * US)
        office, device = self.office.code, self.office.device
        ob = (op_id, device, entity, entity_id, op_type, from_state, to_state, payload, 1, t_db, "acked",
              1, "", db_time(sent), db_time(sent + 50_000 + int(self.random() * 850_000)), office)
        au = (self.ids.at(t_us), office, t_db, device, staff, label, op_type, entity, entity_id, op_id,
              audit_detail)
        self._k += 1
        day = self.axis.day_at(t_us)
        bucket = self.pending.get(day)
        if bucket is None:
            bucket = self.pending[day] = []
        bucket.append((t_us, self._k, ob, au))

    def close_day(self, day: int) -> None:
        """Give the day's changes their seq in commit (time) order and write them."""
        rows = self.pending.pop(day, [])
        rows.sort()
        outbox = self.w.buffers["outbox"].append
        audit = self.w.buffers["audit_log"].append
        seq = self.seq
        for _, _, ob, au in rows:
            seq += 1
            outbox((ob[0], seq, *ob[1:]))
            audit(au)
        self.seq = seq
        self.w.flush_all()

    # -- tickets ---------------------------------------------------------------------------

    def tickets(self, d: date, sims: list[SimTicket]) -> None:
        office = self.office
        oc = office.code
        day = d.isoformat()
        event = self.w.buffers["ticket_event"].append
        ticket = self.w.buffers["ticket"].append
        at = self.ids.at
        change = self.change
        staff_of = {n: office.staff[COUNTER_STAFF.get(n, "canbo1")] for n in office.counters}
        svc_text = {code: (h, dashed(h), prefix) for code, (h, prefix) in office.services.items()}
        ctr_text = {n: (h, f'"{dashed(h)}"') for n, (h, _) in office.counters.items()}
        staff_text = {h: f'"{dashed(h)}"' for h in staff_of.values()}
        for t in sims:
            svc_hex, svc_d, prefix = svc_text[t.service]
            code = f"{prefix}{t.number:03d}"
            tid = t.id = at(t.issue_us)
            tid_d = dashed(tid)
            n = t.counter
            ctr_hex, ctr_d = ctr_text[n]
            clerk = COUNTER_STAFF.get(n, "canbo1")
            staff_hex = staff_of[n]
            staff_d = staff_text[staff_hex]
            issued_db = db_time(t.issue_us)
            issued = iso_time(t.issue_us)
            pr = _q(t.priority)
            head = (tid_d, oc, day, t.number, code, svc_d, t.service, svc_d, t.service, pr, t.source)
            tail = (issued, issued)
            counter_part = (ctr_d, n, staff_d)
            audit_head = f'{{"code": "{code}", '

            issuer = clerk if t.source == "counter" else None
            detail = f'"service": "{t.service}", "priority_reason": {pr}, "source": "{t.source}", "appointment_id": null'
            event((at(t.issue_us), oc, tid, issued_db, "issue", None, staff_hex if issuer else None,
                   "{" + detail + "}"))
            change(t.issue_us, "ticket", tid, "issue", None, "waiting",
                   TICKET_PAYLOAD % (*head, "waiting", "null", "null", "null", *tail, "null", "null", "null", 0),
                   issuer, audit_head + detail + "}", issued_db)

            first = t.calls[0]
            first_db, first_q = db_time(first), f'"{iso_time(first)}"'
            detail = f'"counter": {n}, "lane": "{"priority" if t.priority else "normal"}"'
            event((at(first), oc, tid, first_db, "call", ctr_hex, staff_hex, "{" + detail + "}"))
            change(first, "ticket", tid, "call", "waiting", "called",
                   TICKET_PAYLOAD % (*head, "called", *counter_part, *tail, first_q, "null", "null", 1),
                   clerk, audit_head + detail + "}", first_db)
            calls = 1
            for again in t.calls[1:]:
                calls += 1
                again_db = db_time(again)
                detail = f'"counter": {n}, "call_count": {calls}'
                event((at(again), oc, tid, again_db, "recall", ctr_hex, staff_hex, "{" + detail + "}"))
                change(again, "ticket", tid, "recall", "called", "called",
                       TICKET_PAYLOAD % (*head, "called", *counter_part, *tail, first_q, "null", "null", calls),
                       clerk, audit_head + detail + "}", again_db)
            end = t.finish_us
            end_db, end_q = db_time(end), f'"{iso_time(end)}"'
            serving = t.serve_us
            if serving is None:  # no-show
                serving_db = None
                detail = f'"counter": {n}, "call_count": {calls}'
                event((at(end), oc, tid, end_db, "no_show", ctr_hex, staff_hex, "{" + detail + "}"))
                change(end, "ticket", tid, "no_show", "called", "no_show",
                       TICKET_PAYLOAD % (*head, "no_show", *counter_part, *tail, first_q, "null", end_q, calls),
                       clerk, audit_head + detail + "}", end_db)
            else:
                serving_db, serving_q = db_time(serving), f'"{iso_time(serving)}"'
                detail = f'"counter": {n}'
                event((at(serving), oc, tid, serving_db, "serve", ctr_hex, staff_hex, "{" + detail + "}"))
                change(serving, "ticket", tid, "serve", "called", "serving",
                       TICKET_PAYLOAD % (*head, "serving", *counter_part, *tail, first_q, serving_q, "null", calls),
                       clerk, audit_head + detail + "}", serving_db)
                event((at(end), oc, tid, end_db, "finish", ctr_hex, staff_hex, "{" + detail + "}"))
                change(end, "ticket", tid, "finish", "serving", "done",
                       TICKET_PAYLOAD % (*head, "done", *counter_part, *tail, first_q, serving_q, end_q, calls),
                       clerk, audit_head + detail + "}", end_db)
            ticket((tid, oc, svc_hex, svc_hex, day, t.number, code, t.priority, t.source, t.outcome, ctr_hex, None,
                    staff_hex, None, issued_db, issued_db, first_db, serving_db, end_db, calls, "", issued_db,
                    end_db))
        numbers: dict[str, int] = {}
        for t in sims:
            numbers[t.service] = max(numbers.get(t.service, 0), t.number)
        for svc, top in numbers.items():
            self.serials[f"ticket:{office.code}:{svc}:{day}"] = top
        self.stats["tickets"] += len(sims)

    # -- citizens and dossiers ---------------------------------------------------------------

    def _folded(self, name: str) -> tuple[str, list[str]]:
        got = self._fold.get(name)
        if got is None:
            got = self._fold[name] = (fold(name), [t[:60] for t in search_tokens(name)])
        return got

    def citizen(self, t_us: int) -> tuple[str, Person]:
        """A new citizen (upsert_citizen's row and name tokens), or a returning one."""
        if self.citizens and self.rng.random() < self.returning_share:
            return self.rng.choice(self.citizens)
        p = self.people.person()
        cid = self.ids.at(t_us)
        folded, tokens = self._folded(p.full_name)
        when = db_time(t_us)
        self.w.add("citizen", (cid, self.office.code, p.full_name, folded, p.cccd, p.phone, p.address, "",
                               p.birth.isoformat(), p.gender, when, when))
        for token in tokens:
            self.w.add("citizen_name_token", (token, cid))
        if p.cccd or p.phone:  # without either, upsert_citizen can never find them again
            self.citizens.append((cid, p))
        self.stats["citizens"] += 1
        return cid, p

    def fee(self, proc: Proc) -> tuple[int, dict[str, Any]]:
        from dataclasses import asdict

        from core.fees import FeeInput, FeeRule, compute_fee

        rng, rule = self.rng, proc.fee_rule
        kw: dict[str, Any] = {}
        if rule.get("free_within_days") is not None:
            kw["days_since_event"] = rng.choice((rng.randint(0, rule["free_within_days"]), rng.randint(0, 400)))
        if rule["kind"] == "per_copy":
            kw["copies"] = rng.randint(1, 5)
        elif rule["kind"] == "per_page":
            kw["pages"], kw["copies"] = rng.randint(1, 30), rng.randint(1, 3)
        if rule.get("variants") and rng.random() < 0.15:
            kw["variant"] = rng.choice(sorted(rule["variants"]))
        if rule["kind"] != "free" and rng.random() < 0.02:
            kw["exemption_reason"] = "Hộ nghèo"
        inp = FeeInput(**kw)
        key = (proc.code, inp)
        got = self._fees.get(key)
        if got is None:
            quote = compute_fee(FeeRule.from_dict(rule), inp)
            got = self._fees[key] = (quote.amount_vnd, {
                "amount_vnd": quote.amount_vnd, "rule": rule, "input": asdict(inp), "lines": list(quote.lines),
                "exemption_reason": quote.exemption_reason})
        return got

    def due(self, start_us: int, proc: Proc, with_verification: bool) -> int:
        from core.due_date import due_moment

        return to_us(due_moment(from_us(start_us), proc.processing, self.calendar,
                                with_verification=with_verification))

    def dossiers(self, d: date, count: int, sims: list[SimTicket]) -> None:
        """The day's intakes: most at a counter while a ticket is served, numbered by receipt time."""
        rng = self.rng
        di = self.axis.index(d)
        served = [t for t in sims if t.outcome == "done" and t.service in DOSSIER_SERVICES]
        picks = rng.sample(served, min(count, len(served)))
        intakes: list[tuple[int, SimTicket | None]] = []
        for t in picks:
            assert t.serve_us is not None
            intakes.append((t.serve_us + int((t.finish_us - t.serve_us) * rng.uniform(0.5, 0.9)), t))
        for _ in range(count - len(picks)):
            intakes.append((self.axis.to_real(di * self.axis.day_s + rng.uniform(60, self.axis.day_s - 60)), None))
        intakes.sort(key=lambda x: x[0])
        for seq, (recv, t) in enumerate(intakes, start=1):
            self.dossier(d, seq, recv, t)
        if intakes:
            self.serials[f"dossier:{self.office.code}:{d.isoformat()}"] = len(intakes)

    def dossier(self, d: date, seq: int, recv: int, ticket: SimTicket | None) -> None:
        rng, office, oc, add = self.rng, self.office, self.office.code, self.w.add
        if ticket is not None:
            service = ticket.service
            counter: int | None = ticket.counter
            clerk = COUNTER_STAFF.get(ticket.counter, "canbo1")
        else:
            service = rng.choice(DOSSIER_SERVICES)
            counter = rng.choice(self.counters_of_service[service])
            clerk = COUNTER_STAFF.get(counter, "canbo1")
        proc = rng.choices(self.procs_by_service[service], cum_weights=self.proc_weights[service])[0]
        with_verification = proc.processing.has_verification and rng.random() < 0.2
        due = self.due(recv, proc, with_verification)
        fee_vnd, fee_detail = self.fee(proc)
        cid, person = self.citizen(recv)
        code = f"{office.unit_id}-{d:%y%m%d}-{seq:04d}"
        did = self.ids.at(recv)
        ctr_hex = office.counters[counter][0] if counter is not None else None
        staff_hex = office.staff[clerk]
        sets = 1 if rng.random() < 0.9 else 2
        content = proc.name_vi if rng.random() < 0.5 else ""

        lines = []
        for doc in proc.documents:
            required = bool(doc.get("required", True))
            brought = required or rng.random() < 0.5
            originals = 1 if brought and rng.random() < 0.6 else 0
            copies = 0 if not brought or originals else rng.randint(1, 2)
            lines.append({"name": doc["name"], "required": required, "originals": originals,
                          "certified": 0, "copies": copies, "missing": False})
            if brought and not originals and rng.random() < 0.5:
                lines[-1]["certified"], lines[-1]["copies"] = 1, 0
        for position, line in enumerate(lines, start=1):
            add("dossier_document", (self.ids.at(recv), oc, did, position, line["name"], int(line["required"]),
                                     line["originals"], line["certified"], line["copies"], 0))

        st = _DossierState(id=did, code=code, status="received", clock_started=recv, due=due, original_due=due,
                           last=recv)
        add("dossier_event", (self.ids.at(recv), oc, did, db_time(recv), "receive", None, "received", staff_hex,
                              ctr_hex, "", json_text({"step": 1, "due_at": iso_time(due)})))
        payload = {
            "code": code, "office_code": oc, "procedure_code": proc.code,
            "applicant": {"id": dashed(cid), "full_name": person.full_name, "cccd": person.cccd,
                          "phone": person.phone, "address": person.address, "email": "",
                          "birth_date": person.birth.isoformat(), "gender": person.gender},
            "documents": lines, "sets": sets, "request_content": content, "with_verification": with_verification,
            "fee_vnd": fee_vnd, "fee_detail": fee_detail, "received_at": iso_time(recv),
            "clock_started_at": iso_time(recv), "due_at": iso_time(due), "original_due_at": iso_time(due),
            "status": "received", "counter_number": counter, "received_by": dashed(staff_hex),
            "ticket_id": dashed(ticket.id) if ticket is not None else None,
        }
        self.change(recv, "dossier", did, "receive", None, "received", json_text(payload), clerk,
                    json_text({"code": code, "procedure_code": proc.code}))
        try:
            self.life(st, proc, with_verification, counter, clerk, person, fee_vnd)
        except _Stop:
            pass
        add("dossier", (did, oc, code, proc.id, cid, content, sets, st.status, int(with_verification),
                        db_time(recv), db_time(st.clock_started), _db_or_none(st.due), db_time(st.original_due),
                        _db_or_none(st.ready), _db_or_none(st.returned), _db_or_none(st.closed),
                        st.reschedule_count, fee_vnd, json_text(fee_detail), st.fee_paid, ctr_hex, staff_hex,
                        ticket.id if ticket is not None else None, st.returned_to, st.result_note,
                        db_time(recv), db_time(st.last)))
        self.stats["dossiers"] += 1

    def move(self, st: _DossierState, action: str, to_state: str, w: float, clerk: str, counter: int | None,
             note: str = "", change: Callable[[int], dict[str, Any]] | None = None) -> int:
        """One dossier move as dossier_moves._move writes it; raises _Stop past the history."""
        if w >= self.end_w:
            raise _Stop
        t = max(self.axis.to_real(w), st.last + self.rng.randrange(30 * US, 120 * US))
        if self.axis.day_at(t) >= self.history_days:
            raise _Stop
        detail = change(t) if change is not None else {}
        from_state = st.status
        st.status = to_state
        if to_state in ("returned", "rejected", "withdrawn"):
            st.closed = t
        st.steps += 1
        st.last = t
        oc = self.office.code
        staff_hex = self.office.staff[clerk]
        ctr_hex = self.office.counters[counter][0] if counter is not None else None
        self.w.add("dossier_event", (self.ids.at(t), oc, st.id, db_time(t), action, from_state, to_state, staff_hex,
                                     ctr_hex, note, json_text({"step": st.steps, **detail})))
        payload = {
            "code": st.code, "status": to_state, "note": note, "detail": detail, "counter_number": counter,
            "staff_id": dashed(staff_hex), "clock_started_at": iso_time(st.clock_started),
            "due_at": _iso_or_none(st.due), "original_due_at": iso_time(st.original_due),
            "ready_at": _iso_or_none(st.ready), "returned_at": _iso_or_none(st.returned),
            "closed_at": _iso_or_none(st.closed), "reschedule_count": st.reschedule_count,
            "fee_paid_vnd": st.fee_paid, "returned_to": st.returned_to,
        }
        self.change(t, "dossier", st.id, action, from_state, to_state, json_text(payload), clerk,
                    json_text({"code": st.code, "note": note}))
        return t

    def life(self, st: _DossierState, proc: Proc, with_verification: bool, counter: int | None, clerk: str,
             person: Person, fee_vnd: int) -> None:
        """What happens to a dossier after receipt, following the transition table."""
        rng, axis = self.rng, self.axis
        day = axis.day_s
        w = axis.to_axis(st.last)
        r = rng.random()
        other = lambda: rng.choice(CLERKS)  # noqa: E731

        def ready(t: int) -> dict[str, Any]:
            st.ready = t
            return {"on_time": st.due is not None and t <= st.due}

        def returned(t: int) -> dict[str, Any]:
            receiver = person.full_name if rng.random() < 0.85 else self.people.person().full_name
            st.returned, st.returned_to, st.fee_paid = t, receiver, fee_vnd
            return {"returned_to": receiver, "fee_paid_vnd": st.fee_paid}

        def reason(text: str) -> Callable[[int], dict[str, Any]]:
            def change(_t: int) -> dict[str, Any]:
                if text:
                    st.result_note = text
                return {"reason": text}
            return change

        def give_back(w: float) -> None:
            w += rng.uniform(60, 1800) if rng.random() < 0.5 else rng.uniform(0.3, 8) * day
            ret_counter = rng.choice(RETURN_COUNTERS)
            self.move(st, "return_result", "returned", w, COUNTER_STAFF[ret_counter], ret_counter, change=returned)

        if proc.processing.kind == "same_day" and not with_verification:
            if r < 0.012:
                text = rng.choice(REJECT_REASONS)
                self.move(st, "reject", "rejected", w + rng.uniform(120, 1800), clerk, counter, note=text,
                          change=reason(text))
                return
            if r < 0.018:
                text = rng.choice(WITHDRAW_REASONS)
                self.move(st, "withdraw", "withdrawn", w + rng.uniform(300, 3600), clerk, counter, note=text,
                          change=reason(text))
                return
            w += rng.uniform(300, 7200)
            t = self.move(st, "handle_at_desk", "ready", w, clerk, counter, change=ready)
            give_back(axis.to_axis(t))
            return

        w += rng.uniform(600, 6 * 3600)
        t = self.move(st, "send_to_processing", "in_processing", w, other(), None)
        w = axis.to_axis(t)
        if r < 0.06:
            items = [d["name"] for d in rng.sample(proc.documents, 1)] + [SUPPLEMENT_EXTRA]

            def stop_clock(_t: int) -> dict[str, Any]:
                stopped, st.due = st.due, None
                return {"items": items, "stopped_due_at": _iso_or_none(stopped)}

            t = self.move(st, "request_supplement", "needs_supplement", w + rng.uniform(0.3, 2.5) * day, other(),
                          None, change=stop_clock)
            w = axis.to_axis(t)
            if rng.random() < 0.8:
                def restart(t: int) -> dict[str, Any]:
                    due = self.due(t, proc, with_verification)
                    st.clock_started, st.due, st.original_due = t, due, due
                    return {"due_at": iso_time(due)}

                back = rng.choice(self.counters_of_service[proc.service])
                t = self.move(st, "supplement_received", "received", w + rng.uniform(1, 7) * day,
                              COUNTER_STAFF[back], back, change=restart)
                t = self.move(st, "send_to_processing", "in_processing", axis.to_axis(t) + rng.uniform(600, 4 * 3600),
                              other(), None)
                w = axis.to_axis(t)
            else:
                text = rng.choice(WITHDRAW_REASONS)
                back = rng.choice(self.counters_of_service[proc.service])
                self.move(st, "withdraw", "withdrawn", w + rng.uniform(3, 20) * day, COUNTER_STAFF[back], back,
                          note=text, change=reason(text))
                return
        elif r < 0.075:
            text = rng.choice(REJECT_REASONS)
            self.move(st, "reject", "rejected", w + rng.uniform(0.3, 3) * day, other(), None, note=text,
                      change=reason(text))
            return
        elif r < 0.085:
            text = rng.choice(WITHDRAW_REASONS)
            self.move(st, "withdraw", "withdrawn", w + rng.uniform(0.2, 2) * day, clerk, counter, note=text,
                      change=reason(text))
            return

        assert st.due is not None
        due_w = axis.to_axis(st.due)
        if rng.random() < 0.03 and due_w - day > w:
            due_day = axis.day_of(due_w - 1)
            new_day = due_day + rng.randint(2, 5)
            new_due = axis.midnight[new_day] + axis.periods[-1][1] * US
            text = rng.choice(RESCHEDULE_REASONS)

            def push(_t: int) -> dict[str, Any]:
                old, st.due = st.due, new_due
                st.reschedule_count += 1
                return {"old_due_at": _iso_or_none(old), "new_due_at": iso_time(new_due), "reason": text}

            t = self.move(st, "reschedule", "in_processing", due_w - rng.uniform(0.3, 1) * day, other(), None,
                          note=text, change=push)
            w = axis.to_axis(t)
            due_w = axis.to_axis(new_due)
        if rng.random() < 0.92 and due_w > w + 120:
            w_ready = rng.uniform(w + 0.3 * (due_w - w), due_w - 60)
        else:
            w_ready = max(w, due_w) + rng.uniform(0.1, 3) * day
        t = self.move(st, "result_back", "ready", w_ready, other(), None, change=ready)
        give_back(axis.to_axis(t))

    # -- serials ---------------------------------------------------------------------------

    def write_serials(self, conn: sqlite3.Connection) -> None:
        from local_db.journal import CHANGE_SERIAL

        rows = list(self.serials.items()) + [(CHANGE_SERIAL, self.seq)]
        with conn:
            conn.executemany("INSERT INTO serial (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", rows)


# --- building and caching ------------------------------------------------------------------------


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
            office = _office_data(s, refs)
            calendar = _MemoCalendar(calendar_for(s, refs.office_code))
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
        ticket_counts = _split_counts(scale.tickets, load)
        dossier_counts = _split_counts(scale.dossiers, [x * rng.uniform(0.9, 1.1) for x in load])
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


def _fingerprint(path: Path) -> dict[str, Any]:
    """What a cached database must match to be reused: the very file, schema and generator."""
    st = path.stat()
    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "schema": schema_fingerprint(),
            "generator": GENERATOR_VERSION, "generator_source": source}


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
