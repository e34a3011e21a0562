"""The office as the big-database generator sees it: its references, days and working time.

The generator works on plain values (hex ids, codes) read once from the office that
``build_office`` made, and on a working-time axis that turns "two working hours later"
into a real moment without walking the calendar each time.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from benchmarks.bigdb_writer import US, to_us
from core.working_calendar import OFFICE_TZ, WorkingCalendar
from local_db.office_setup import OfficeRefs

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


def office_data(session: Any, refs: OfficeRefs) -> OfficeData:
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


class MemoCalendar(WorkingCalendar):
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
