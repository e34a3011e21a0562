"""Office settings kept in the database (docs/ARCHITECTURE.md §1), typed, with defaults.

Whatever belongs to the office rather than to a machine: working hours, Saturday opening,
the priority rule, the kiosk PIN. Every machine of the office reads the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.working_calendar import OFFICE_TZ, WorkingCalendar, WorkingHours
from local_db.base import utcnow
from local_db.models import Holiday, Office, OfficeSetting


@dataclass(frozen=True)
class OfficeRules:
    working_hours: dict[str, Any] | None = None  # WorkingHours.to_dict(); None = the default
    saturday_morning_open: bool = False
    priority_max_in_row: int = 2  # at most this many priority calls in a row at one counter
    appointment_early_minutes: int = 15  # check-in opens this long before the slot
    appointment_late_minutes: int = 0  # and closes this long after the slot ends
    kiosk_pin_hash: str = ""
    announce_style: str = "words"  # words / digits, for the display board
    announce_english: bool = False  # the display board repeats each call in English
    dossier_retention_days: int = 30
    print_keep_days: int = 30  # the PDF of every printed document is kept this many days
    counter_idle_lock_minutes: int = 10  # a counter locks (password to resume) after this long untouched
    notices: tuple[str, ...] = ()  # lines the display board scrolls (edited on the counter's admin page)
    attachment_limit_mb: int = 100  # scanned files of one dossier, in MiB, all checklist items together
    attachment_keep_days: int = 30  # a scan stays on this machine this long after the centre has it

    @property
    def hours(self) -> WorkingHours:
        return WorkingHours.from_dict(self.working_hours) if self.working_hours else WorkingHours()


_FIELDS = {f.name for f in fields(OfficeRules)}

KIOSK_PIN_RULE = "kiosk_pin_hash"
KIOSK_PIN_DIGITS = (4, 6)  # shortest, longest
_KIOSK_PIN = re.compile(r"[0-9]{%d,%d}" % KIOSK_PIN_DIGITS)  # ASCII only: \d also matches other scripts' digits


def valid_kiosk_pin(pin: str) -> bool:
    """A kiosk PIN as the kiosk's pad can type it (kiosk/pin) and the admin page sets it."""
    return bool(_KIOSK_PIN.fullmatch(pin))
_SETTINGS = select(OfficeSetting.key, OfficeSetting.value).where(OfficeSetting.office_code == bindparam("office"))


def load_rules(session: Session, office_code: str) -> OfficeRules:
    rows = session.connection().execute(_SETTINGS, {"office": office_code}).all()
    values = {k: v for k, v in rows if k in _FIELDS}
    if "notices" in values:
        values["notices"] = tuple(str(line) for line in values["notices"] or ())
    return OfficeRules(**values)


def set_rule(session: Session, office_code: str, key: str, value: Any) -> None:
    if key not in _FIELDS:
        raise KeyError(f"unknown office setting {key!r}")
    row = session.get(OfficeSetting, (office_code, key))
    if row is None:
        session.add(OfficeSetting(office_code=office_code, key=key, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()


def get_office(session: Session, office_code: str | None = None) -> Office:
    """The office of this database (the only one, unless a code is given)."""
    stmt = select(Office)
    if office_code:
        stmt = stmt.where(Office.code == office_code)
    office = session.scalars(stmt.limit(1)).first()
    if office is None:
        raise NotFound("no office in this database: run `motcua db seed-demo` or enrol the office")
    return office


def calendar_for(session: Session, office_code: str, rules: OfficeRules | None = None) -> WorkingCalendar:
    """The office's working calendar: national holidays plus its editable announcements."""
    rules = rules or load_rules(session, office_code)
    rows = session.execute(select(Holiday.day, Holiday.kind).where(Holiday.office_code == office_code)).all()
    days_off = [d for d, kind in rows if kind == "day_off"]
    working = [d for d, kind in rows if kind == "working_day"]
    return WorkingCalendar(hours=rules.hours, days_off=days_off, working_days=working)


def office_today(now: datetime) -> date:
    return now.astimezone(OFFICE_TZ).date()
