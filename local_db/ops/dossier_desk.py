"""What the counter's dossier list shows beside the dossiers themselves, read-only: the
numbers on its filter chips and who took each dossier in (counter and clerk).

Kept apart from dossier_info.py because the chips count dossiers still missing a scan, a
rule of attachments.py, which itself builds on dossier_info.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from local_db.models import Counter, Dossier, Staff
from local_db.ops.attachments import scans_missing_clause
from local_db.ops.dossier_info import OPEN_STATES, due_today_window


@dataclass(frozen=True)
class DeskCounts:
    """Office-wide, whatever filter the clerk chose: overdue and due today (open dossiers
    only), received by this clerk, per status, and with a checklist item missing its scan."""

    overdue: int = 0
    due_today: int = 0
    mine: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    scans_missing: int = 0


@dataclass(frozen=True)
class ReceivedBy:
    counter_number: int | None
    clerk_name: str
    staff_id: uuid.UUID | None


def desk_counts(session: Session, office_code: str, *, now: datetime,
                staff_id: uuid.UUID | None = None) -> DeskCounts:
    start, end = due_today_window(now)
    office = Dossier.office_code == office_code
    open_ = Dossier.status.in_(OPEN_STATES)

    def count(*where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(Dossier).where(office, *where)) or 0)

    by_status = {status: int(n) for status, n in session.execute(
        select(Dossier.status, func.count()).where(office).group_by(Dossier.status))}
    return DeskCounts(overdue=count(open_, Dossier.due_at < now),
                      due_today=count(open_, Dossier.due_at >= start, Dossier.due_at < end),
                      mine=count(Dossier.received_by == staff_id) if staff_id is not None else 0,
                      by_status=by_status, scans_missing=count(scans_missing_clause(Dossier.id)))


def received_by(session: Session, dossier_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ReceivedBy]:
    """The counter and clerk that received each of these dossiers (one query for a page)."""
    ids = list(dossier_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Dossier.id, Counter.number, Staff.full_name, Dossier.received_by)
        .outerjoin(Counter, Counter.id == Dossier.counter_id)
        .outerjoin(Staff, Staff.id == Dossier.received_by)
        .where(Dossier.id.in_(ids)))
    return {d_id: ReceivedBy(number, name or "", by) for d_id, number, name, by in rows}


__all__ = ["DeskCounts", "ReceivedBy", "desk_counts", "received_by"]
