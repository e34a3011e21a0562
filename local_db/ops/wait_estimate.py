"""How long a citizen will wait: people ahead x recent service time / open counters.

The service time of a queue is the median (robust against the one dossier that took an
hour) of its last :data:`SAMPLE_SIZE` finished tickets, today first, then going back up to
:data:`LOOKBACK_DAYS` days. Each look-up is one equality seek per day on the ticket queue
index (office_code, day, status='done', queue_service_id), so it stays cheap on a table holding
years of tickets: it never scans, and it stops as soon as it has enough samples.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.ticket_states import TicketStatus
from local_db.models import Ticket

_RECENT = (select(Ticket.called_at, Ticket.serving_at, Ticket.finished_at)
           .where(Ticket.office_code == bindparam("office"), Ticket.day == bindparam("day"),
                  Ticket.status == TicketStatus.DONE, Ticket.queue_service_id == bindparam("queue"))
           .order_by(Ticket.finished_at.desc()).limit(bindparam("n")))
DEFAULT_SERVICE_SECONDS = 6 * 60.0  # when a queue has no history yet
SAMPLE_SIZE = 30
LOOKBACK_DAYS = 7


def service_seconds(called_at: datetime | None, serving_at: datetime | None,
                    finished_at: datetime | None) -> float | None:
    """Time at the desk: serving -> finished, else (no 'serve' step recorded) called -> finished."""
    start = serving_at or called_at
    if start is None or finished_at is None:
        return None
    seconds = (finished_at - start).total_seconds()
    return seconds if seconds >= 0 else None


def recent_service_seconds(session: Session, office_code: str, service_ids: Iterable[uuid.UUID],
                           today: date) -> dict[uuid.UUID, float]:
    """Median service time (seconds) of each queue over its last finished tickets."""
    samples: dict[uuid.UUID, list[float]] = {sid: [] for sid in service_ids}
    for back in range(LOOKBACK_DAYS + 1):
        day = today - timedelta(days=back)
        short = [sid for sid, got in samples.items() if len(got) < SAMPLE_SIZE]
        if not short:
            break
        for sid in short:
            got = samples[sid]
            # the sort and the limit run in the database: only the newest rows come back
            rows = session.connection().execute(
                _RECENT, {"office": office_code, "day": day, "queue": sid, "n": SAMPLE_SIZE - len(got)}).all()
            for called_at, serving_at, finished_at in rows:
                seconds = service_seconds(called_at, serving_at, finished_at)
                if seconds is not None:
                    got.append(seconds)
    return {sid: statistics.median(got) if got else DEFAULT_SERVICE_SECONDS for sid, got in samples.items()}


def estimate_minutes(people_ahead: int, seconds_per_person: float, open_counters: int) -> int:
    """Whole minutes, rounded up; nobody ahead means no wait."""
    if people_ahead <= 0:
        return 0
    minutes = people_ahead * seconds_per_person / max(1, open_counters) / 60
    return math.ceil(round(minutes, 6))


__all__ = ["DEFAULT_SERVICE_SECONDS", "SAMPLE_SIZE", "LOOKBACK_DAYS", "service_seconds",
           "recent_service_seconds", "estimate_minutes"]
