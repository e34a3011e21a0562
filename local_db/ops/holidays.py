"""The office's own calendar table (announced days off and make-up working days, and the
national holidays seeded into it), as the admin's calendar tab lists it, and the
administrator's changes to it while the office is not enrolled (after enrollment the centre
owns the holidays, docs/ARCHITECTURE.md §5). The table is the office's own until then: a
change writes an audit row and no outbox row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import lazy_gettext
from core.text import collapse_spaces, nfc
from local_db import journal
from local_db.models import Holiday, Office
from local_db.office_setup import seed_national_holidays
from local_db.ops.authority import requires_role

MAX_HOLIDAY_NAME = 200  # Holiday.name
HOLIDAY_KINDS = ("day_off", "working_day")


@dataclass(frozen=True)
class HolidayEntry:
    id: uuid.UUID
    day: date
    name: str
    kind: str  # day_off / working_day
    source: str  # national / announced


def holidays_in_year(session: Session, office_code: str, year: int) -> list[HolidayEntry]:
    """The table's days of one calendar year, by date."""
    rows = session.scalars(select(Holiday).where(Holiday.office_code == office_code,
                                                 Holiday.day >= date(year, 1, 1),
                                                 Holiday.day <= date(year, 12, 31)).order_by(Holiday.day))
    return [HolidayEntry(h.id, h.day, h.name, h.kind, h.source) for h in rows]


def _refuse_if_enrolled(session: Session, office_code: str) -> None:
    if session.scalar(select(Office.enrolled).where(Office.code == office_code)):
        raise DomainError(lazy_gettext("This office is enrolled: the holiday calendar is managed by the centre and "
                                       "cannot be changed here."), code="centre_owned")


def _entry(h: Holiday) -> HolidayEntry:
    return HolidayEntry(h.id, h.day, h.name, h.kind, h.source)


@requires_role("admin")
def add_holiday(session: Session, actor: Actor, day: date, *, name: str, kind: str,
                now: datetime | None = None) -> HolidayEntry:
    """An announced day off, or a make-up working day (one row per date: to change a day,
    remove it first). Administrators only, and only before enrollment."""
    now = now or datetime.now(timezone.utc)
    _refuse_if_enrolled(session, actor.office_code)
    if kind not in HOLIDAY_KINDS:
        raise ValidationError(lazy_gettext("Unknown kind of day: {kind}.", kind=kind), field="kind", code="bad_kind")
    text = collapse_spaces(nfc(name or ""))
    if not text:
        raise ValidationError(lazy_gettext("Write what the day is (e.g. the announcement's name)."), field="name",
                              code="name_required")
    if len(text) > MAX_HOLIDAY_NAME:
        raise ValidationError(lazy_gettext("The name is too long (at most {n} characters).", n=MAX_HOLIDAY_NAME),
                              field="name", code="name_too_long")
    there = session.scalars(select(Holiday).where(Holiday.office_code == actor.office_code,
                                                  Holiday.day == day)).first()
    if there is not None:
        raise ValidationError(lazy_gettext("{date} is in the table already ({name}). Remove it first to change it.",
                                           date=day.strftime("%d/%m/%Y"), name=there.name),
                              field="day", code="day_taken")
    row = Holiday(office_code=actor.office_code, day=day, name=text, kind=kind, source="announced")
    session.add(row)
    session.flush()
    journal.audit(session, actor, action="holiday_add", entity="holiday", entity_id=row.id, now=now,
                  detail={"day": day, "name": text, "kind": kind})
    session.flush()
    return _entry(row)


@requires_role("admin")
def remove_holiday(session: Session, actor: Actor, day: date, *, now: datetime | None = None) -> HolidayEntry:
    """Take ``day`` out of the table (whatever its source); answers what it was."""
    now = now or datetime.now(timezone.utc)
    _refuse_if_enrolled(session, actor.office_code)
    row = session.scalars(select(Holiday).where(Holiday.office_code == actor.office_code,
                                                Holiday.day == day)).first()
    if row is None:
        raise NotFound(lazy_gettext("{date} is not in the table.", date=day.strftime("%d/%m/%Y")),
                       code="holiday_not_found")
    gone = _entry(row)
    journal.audit(session, actor, action="holiday_remove", entity="holiday", entity_id=row.id, now=now,
                  detail={"day": day, "name": row.name, "kind": row.kind, "source": row.source})
    session.delete(row)
    session.flush()
    return gone


@requires_role("admin")
def add_national_holidays(session: Session, actor: Actor, year: int, *, now: datetime | None = None) -> int:
    """Copy ``year``'s national holidays and make-up days into the table (days already in it
    are kept as they are); answers how many were added."""
    now = now or datetime.now(timezone.utc)
    _refuse_if_enrolled(session, actor.office_code)
    added = seed_national_holidays(session, actor.office_code, [year])
    journal.audit(session, actor, action="holiday_seed", entity="holiday", now=now,
                  detail={"year": year, "added": added})
    session.flush()
    return added


__all__ = ["HOLIDAY_KINDS", "MAX_HOLIDAY_NAME", "HolidayEntry", "add_holiday", "add_national_holidays",
           "holidays_in_year", "remove_holiday"]
