"""The outbox and audit rows every operation writes in its own transaction."""

from __future__ import annotations

import uuid
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
    conn.execute(_AUDIT_INSERT, {
        "id": new_id(), "office_code": actor.office_code, "at": now, "device_id": actor.device_id,
        "staff_id": actor.staff_id, "actor": actor.label or "", "action": op_type, "entity": entity,
        "entity_id": entity_id, "op_id": op_id, "detail": jsonable(audit_detail or {}),
    })
    return op_id


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending")) or 0)


__all__ = ["record", "next_serial", "peek_serial", "change_marker", "jsonable", "pending_count"]
