"""What the administration page shows, as plain data: the office's services, counters,
holidays and accounts in one :class:`AdminView`, and what the last change did (:class:`Done`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from core.i18n import localized
from core.working_calendar import WorkingHours
from local_db.office_settings import OfficeRules
from local_db.ops.print_jobs import DevicePrinter
from local_db.ops.staff import StaffInfo


def _pick(vi: str, en: str) -> str:
    return localized(vi, en)


@dataclass(frozen=True)
class ServiceRow:
    code: str
    prefix: str
    name_vi: str
    name_en: str
    active: bool

    @property
    def name(self) -> str:
        return _pick(self.name_vi, self.name_en)


@dataclass(frozen=True)
class CounterRow:
    id: uuid.UUID
    number: int
    name: str
    active: bool
    is_open: bool
    service_codes: tuple[str, ...]  # in the services' order


@dataclass(frozen=True)
class HolidayRow:
    day: date
    name: str
    kind: str  # day_off / working_day
    source: str  # national / announced


@dataclass(frozen=True)
class Done:
    kind: str
    subject: str = ""  # the username, counter number, date... the message names
    count: int = 0


@dataclass(frozen=True)
class AdminView:
    office_code: str
    enrolled: bool
    today: date
    staff: tuple[StaffInfo, ...]
    services: tuple[ServiceRow, ...]
    counters: tuple[CounterRow, ...]
    year: int
    holidays: tuple[HolidayRow, ...]  # of ``year``, by date
    rules: OfficeRules
    notices: tuple[str, ...]
    read_at: datetime
    desk_printer: str = ""  # this machine's printer setting
    printers: tuple[DevicePrinter, ...] = ()  # every machine of the office that prints
    done: Done | None = field(default=None)

    @property
    def hours(self) -> WorkingHours:
        return self.rules.hours

    @property
    def pin_set(self) -> bool:
        return bool(self.rules.kiosk_pin_hash)

    def service_name(self, code: str) -> str:
        return next((s.name for s in self.services if s.code == code), code)

    def counter(self, number: int) -> CounterRow | None:
        return next((c for c in self.counters if c.number == number), None)

    def account(self, staff_id: uuid.UUID) -> StaffInfo | None:
        return next((s for s in self.staff if s.id == staff_id), None)


__all__ = ["AdminView", "CounterRow", "Done", "HolidayRow", "ServiceRow"]
