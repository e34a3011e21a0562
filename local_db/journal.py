"""The outbox and audit rows every operation writes in its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from core.actor import Actor
from core.ids import new_id
from local_db.models import AuditLog, Outbox, Serial
from local_db.ops.authority import Forbidden, require_active_staff

CHANGE_SERIAL = "change"
OUTBOX_SCHEMA_VERSION = 1


def _upsert_serial(dialect: str) -> ReturningInsert[int]:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Serial).values(key=bindparam("key"), value=1)
    return stmt.on_conflict_do_update(index_elements=[Serial.key], set_={"value": Serial.value + 1}) \
        .returning(Serial.value)


_UPSERT_SERIAL = {d: _upsert_serial(d) for d in ("sqlite", "postgresql")}
_OUTBOX_INSERT = insert(Outbox.__table__)
_AUDIT_INSERT = insert(AuditLog.__table__)
_ACTOR_MAX = 200  # AuditLog.actor is String(200): a longer label is cut here, nowhere else


def next_serial(session: Session, key: str) -> int:
    """Bump and return the named counter (1 for a new key) inside the caller's transaction.

    Hot paths (every operation calls this and :func:`record`) run Core statements on the
    session's connection: the same transaction, without the ORM's per-statement overhead.
    """
    conn = session.connection()
    return int(conn.execute(_UPSERT_SERIAL[conn.dialect.name], {"key": key}).scalar_one())


def peek_serial(session: Session, key: str) -> int:
    return int(session.scalar(select(Serial.value).where(Serial.key == key)) or 0)


def change_marker(session: Session) -> int:
    """A number that grows with every committed operation: what the apps poll."""
    return peek_serial(session, CHANGE_SERIAL)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_id: uuid.UUID,
    op_type: str,
    payload: dict[str, Any],
    now: datetime,
    from_state: str | None = None,
    to_state: str | None = None,
    audit_detail: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Write the outbox row and the audit row of one change; returns the op id."""
    op_id = new_id()
    seq = next_serial(session, CHANGE_SERIAL)
    conn = session.connection()
    conn.execute(_OUTBOX_INSERT, {
        "op_id": op_id, "seq": seq, "office_code": actor.office_code, "device_id": actor.device_id,
        "entity": entity, "entity_id": entity_id, "op_type": op_type, "from_state": from_state,
        "to_state": to_state, "payload": jsonable(payload), "schema_version": OUTBOX_SCHEMA_VERSION,
        "device_time": now, "state": "pending", "attempts": 0, "last_error": "",
    })
    audit(session, actor, action=op_type, entity=entity, entity_id=entity_id, now=now, op_id=op_id,
          detail=audit_detail)
    return op_id


def audit(
    session: Session,
    actor: Actor | None,
    *,
    action: str,
    entity: str,
    now: datetime,
    entity_id: uuid.UUID | None = None,
    op_id: uuid.UUID | None = None,
    detail: Mapping[str, Any] | None = None,
    office_code: str = "",
    label: str = "",
    inactive_may: bool = False,
) -> None:
    """Write one audit row in the caller's transaction: the one place that shapes it.

    :func:`record` calls it for every operation; a staff action that sends nothing to the
    centre (a login, a printout on request, a counter opening) calls it alone. ``detail``
    goes through :func:`jsonable` and the actor's label is cut to the column's size here, so
    no caller has to remember either. ``actor`` None is the office's own machinery (the sync
    agent): then ``office_code`` and ``label`` say which office and what acted.

    A staff actor must be an active account of its office as the row is written (read in
    this session: local_db/ops/authority.py), else :class:`Forbidden` — so a deactivated
    member can do nothing, even through an operation that needs no particular role and
    from a counter window that stayed open. The row comes after the operation's own writes,
    so the refusal rolls the session's transaction back before raising: nothing of it is
    kept even by a caller that catches the error and goes on. Two exceptions: a change to the actor's own account (its role check ran
    first, and an administrator may change their own role), and ``inactive_may`` for what
    only takes power away (a counter closing as its clerk signs out).
    """
    if actor is not None and actor.staff_id is not None and not inactive_may \
            and not (entity == "staff" and entity_id == actor.staff_id):
        try:
            require_active_staff(session, actor)
        except Forbidden:
            session.rollback()
            raise
    who = label or (actor.label if actor is not None else "")
    session.connection().execute(_AUDIT_INSERT, {
        "id": new_id(), "office_code": actor.office_code if actor is not None else office_code, "at": now,
        "device_id": actor.device_id if actor is not None else None,
        "staff_id": actor.staff_id if actor is not None else None, "actor": who[:_ACTOR_MAX],
        "action": action, "entity": entity, "entity_id": entity_id, "op_id": op_id,
        "detail": jsonable(dict(detail or {})),
    })


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending")) or 0)


__all__ = ["record", "audit", "next_serial", "peek_serial", "change_marker", "jsonable", "pending_count"]
