"""A database used on the training clock (``--now``) is a training database, for good.

What the apps make on the training clock — tickets at 09:00 on a night, dossiers with real
codes — is not real service: pushed to the centre it would count in the city's figures,
take numbers in a real dossier sequence and reach citizens' phones. So the database is
marked (a ``training`` row in ``sync_status``, written when an app starts on the training
clock) and never meets the centre:

* ``--now`` is refused on a database that is enrolled with a centre (a real office's
  database: its numbering and its outbox are real);
* enrolling a marked database is refused, and the sync agent pushes nothing from one.

And the apps do not even reach for the office's database by default: ``--now`` works in a
training data folder of its own (cli/training.py), so a clerk rehearsing on the office's
machine cannot write into the real office by accident. The mark is the second lock, for
a database named on purpose with ``--database-url``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import DomainError
from core.i18n import lazy_gettext
from local_db.models import Office, SyncStatus

TRAINING_KEY = "training"


def training_mark(session: Session) -> dict[str, Any] | None:
    """What the mark says (when, which app, the clock it started at), or None: a real database."""
    row = session.get(SyncStatus, TRAINING_KEY)
    return dict(row.value) if row is not None else None


def mark_training(session: Session, *, app: str, clock_start: datetime, real_now: datetime) -> None:
    """Make this a training database (refused when it is enrolled with a centre)."""
    if session.scalar(select(Office.id).where(Office.enrolled.is_(True)).limit(1)) is not None:
        raise DomainError(lazy_gettext("This office database is enrolled with the central server: the training clock "
                                       "(--now) would mix made-up service with the real one. Train on the training "
                                       "database instead (leave out --database-url)."), code="training_enrolled")
    row = session.get(SyncStatus, TRAINING_KEY)
    value = dict(row.value) if row is not None else {"first_used": real_now.isoformat()}
    value.update(last_app=app, last_clock_start=clock_start.isoformat(), last_used=real_now.isoformat())
    if row is None:
        session.add(SyncStatus(key=TRAINING_KEY, value=value, updated_at=real_now))
    else:
        row.value = value
        row.updated_at = real_now
    session.flush()


def refuse_if_training(session: Session) -> None:
    """For enrollment and the sync agent: a training database never reaches the centre."""
    if training_mark(session) is not None:
        raise DomainError(lazy_gettext("This is a training database (the apps ran on it with --now): what is in it is "
                                       "not real service, so it is never enrolled with nor synced to the central "
                                       "server."), code="training_database")


__all__ = ["TRAINING_KEY", "mark_training", "refuse_if_training", "training_mark"]
