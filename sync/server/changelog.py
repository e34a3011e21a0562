"""The change log offices pull: a sequence in commit order, compacted, never rewritten.

Commit order: on PostgreSQL, a sequence number is taken at INSERT but the row becomes
visible at COMMIT, so two writers could commit 12 before 11 and a reader at cursor 12 would
never see 11. Everyone who appends takes one transaction-level advisory lock first
(:func:`lock`), so appends — and commits — happen one after the other and seq order is
commit order. SQLite serialises writers anyway. The centre's own actions append (catalog,
staff, holidays, keys, online bookings, central dossier moves); an office push appends only
when it moves the online side of a slot or booking, and then all at the end of the batch
(``projection.Batch`` with ``defer_changes``), so the lock is held from there to the commit,
never while a batch is judged.

Retention (CouchDB-style compaction): a change older than the retention period is deleted
when a later change of the same entity exists. So the log from 0 is still a full snapshot
(the latest change of every entity), and a cursor below the highest deleted seq — the
*floor* — could have missed a change: such a pull answers ``refetch``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, text
from sqlalchemy.orm import Session, aliased

from sync.server.database import rowcount
from sync.server.models import CentreChange, CentreMeta, utcnow

CHANGELOG_LOCK_KEY = 0x4D434C47  # "MCLG"
FLOOR_KEY = "change_floor"
MAX_SEQ = 2**63 - 1  # a seq is a 64-bit integer: a cursor beyond it was never given out (HTTP 400)
_INSERT = insert(CentreChange.__table__)


def lock(session: Session) -> None:
    """Serialise appends (PostgreSQL); a no-op on SQLite, whose write lock is already held."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHANGELOG_LOCK_KEY})


def append(session: Session, office_code: str | None, entity: str, entity_id: uuid.UUID,
           data: dict[str, Any], *, op: str = "upsert", now: datetime | None = None) -> int:
    """Append one change inside the caller's transaction; returns its seq."""
    lock(session)
    row = session.connection().execute(_INSERT.returning(CentreChange.seq), {
        "office_code": office_code, "entity": entity, "entity_id": entity_id, "op": op,
        "data": data if op == "upsert" else {}, "created_at": now or utcnow()})
    return int(row.scalar_one())


def append_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append changes (``office_code, entity, entity_id, op, data, created_at`` each) in order."""
    if rows:
        lock(session)
        session.connection().execute(_INSERT, rows)


def floor(session: Session) -> int:
    value = session.scalar(select(CentreMeta.value).where(CentreMeta.key == FLOOR_KEY))
    return int(value or 0)


def parse_cursor(cursor: str | None) -> int | None:
    """The seq a cursor names; None for one we never gave out (the agent refetches)."""
    read = read_cursor(cursor)
    return None if read is None else read[0]


def read_cursor(cursor: str | None) -> tuple[int, int] | None:
    """(seq, the floor when the cursor was given out) of a cursor; None for one we never gave out.

    A plain ``"SEQ"`` was given out at or above the floor of its time; ``"SEQ.FLOOR"`` is a
    page of a snapshot (a pull from 0 after a compaction walks below the floor).
    """
    if cursor in (None, ""):
        return 0, 0
    seq_text, _dot, floor_text = str(cursor).partition(".")
    try:
        value, issued = int(seq_text), int(floor_text or 0)
    except ValueError:
        return None
    return (value, issued) if value >= 0 and issued >= 0 else None


def make_cursor(seq: int, current_floor: int) -> str:
    """The cursor of a page ending at ``seq``, read while the floor is ``current_floor``."""
    return str(seq) if seq >= current_floor else f"{seq}.{current_floor}"


def too_old(cursor: tuple[int, int], current_floor: int) -> bool:
    """Could a pull from this cursor have missed a change compaction deleted? Only when it is
    below the floor and the floor rose since it was given out: a snapshot's own pages (taken
    from 0, below a floor that has not moved) missed nothing."""
    seq, issued = cursor
    return 0 < seq < current_floor and issued < current_floor


def page(session: Session, office_code: str, after: int, limit: int) -> tuple[list[CentreChange], bool]:
    """Changes after ``after`` visible to ``office_code`` (its own and the city-wide ones),
    in seq order, at most ``limit``; and whether more are waiting."""
    rows = list(session.scalars(
        select(CentreChange)
        .where(CentreChange.seq > after,
               or_(CentreChange.office_code == office_code, CentreChange.office_code.is_(None)))
        .order_by(CentreChange.seq).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def compact(session: Session, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete superseded changes older than ``older_than``; raise the floor. Returns rows deleted."""
    now = now or utcnow()
    lock(session)
    later = aliased(CentreChange)
    superseded = and_(
        CentreChange.created_at < now - older_than,
        exists().where(later.entity == CentreChange.entity, later.entity_id == CentreChange.entity_id,
                       later.seq > CentreChange.seq))
    top = session.scalar(select(func.max(CentreChange.seq)).where(superseded))
    if top is None:
        return 0
    deleted = session.execute(delete(CentreChange).where(superseded).execution_options(synchronize_session=False))
    _set_floor(session, max(floor(session), int(top)))
    return rowcount(deleted)


def _set_floor(session: Session, value: int) -> None:
    row = session.get(CentreMeta, FLOOR_KEY)
    if row is None:
        session.add(CentreMeta(key=FLOOR_KEY, value=value))
    else:
        row.value = value
    session.flush()


def last_seq(session: Session) -> int:
    return int(session.scalar(select(func.max(CentreChange.seq))) or 0)


__all__ = ["MAX_SEQ", "append", "append_many", "compact", "floor", "last_seq", "lock", "make_cursor", "page", "parse_cursor", "read_cursor",
           "too_old"]
