"""The office's own calendar table (announced days off and make-up working days, and the
national holidays seeded into it), as the admin's calendar tab lists it. Read-only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.models import Holiday


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


__all__ = ["HolidayEntry", "holidays_in_year"]
