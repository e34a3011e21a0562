"""Abuse limits kept in the database, so every server worker counts the same hits.

A hit is one atomic ``INSERT ... ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits``
on the (kind, key, fixed window) row — no read-then-write race between workers. Call
:func:`hit` in its OWN transaction when the hit must count even if the work after it fails
(a refused booking attempt is still an attempt).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.server.models import CentreWebLimit

BOOK_IP = "book_ip"
LOOKUP_IP = "lookup_ip"
KEEP = timedelta(days=2)  # windows older than this are deleted now and then

_TABLE = CentreWebLimit.__table__


def window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=timezone.utc)


def hit(session: Session, kind: str, key: str, *, limit: int, window: timedelta = timedelta(hours=1),
        now: datetime) -> bool:
    """Count one hit; True while the window's count is within ``limit``."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(_TABLE).values(kind=kind, key=key[:80], window_start=window_start(now, window), hits=1)
    counted = stmt.on_conflict_do_update(index_elements=["kind", "key", "window_start"],
                                         set_={"hits": _TABLE.c.hits + 1}).returning(_TABLE.c.hits)
    hits = int(session.execute(counted).scalar_one())
    if secrets.randbelow(500) == 0:
        session.execute(delete(_TABLE).where(_TABLE.c.window_start < now - KEEP))
    return hits <= limit


__all__ = ["BOOK_IP", "LOOKUP_IP", "hit", "window_start"]
