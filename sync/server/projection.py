"""The centre's copy of each office entity, as the push rules read and change it.

A push of 500 ops must not cost 500 round trips per table: the rows a batch touches are read
in one query, judged and changed in memory (:class:`Projection`), and written back in bulk
at the end of the batch (:meth:`Batch.flush`). Central actions (an online booking, a
central dossier move) use the same objects through a one-op :class:`Batch`.

A batch is one office's (sync/server/scope.py): :meth:`Batch.get` and :meth:`Batch.find`
refuse another office's entity with :class:`~sync.server.scope.OutOfScope`, and its
:class:`~sync.server.slots.SlotStore` is asked for slots with the batch's office.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from sync.server import changelog
from sync.server.auth import DeviceRef
from sync.server.database import bulk_insert
from sync.server.models import CentreEntity, CentreOffice
from sync.server.scope import require
from sync.server.slots import SlotRow, SlotStore

_TABLE = CentreEntity.__table__
_UPDATED = ("status", "data", "code", "ops", "last_op_id", "blocked_by", "updated_at")
# Bind names differ from column names: SQLAlchemy reserves a column's own name for its SET value.
_UPDATE = (update(_TABLE)
           .where(_TABLE.c.entity_id == bindparam("k_entity_id"), _TABLE.c.entity == bindparam("k_entity"))
           .values({name: bindparam(f"v_{name}") for name in _UPDATED}))


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


@dataclass
class Projection:
    """One entity as the centre holds it (a new one has ``status`` None and no data)."""

    entity: str
    entity_id: uuid.UUID
    office_code: str
    status: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    code: str | None = None
    ops: int = 0
    last_op_id: uuid.UUID | None = None
    blocked_by: uuid.UUID | None = None
    is_new: bool = True
    dirty: bool = False

    @property
    def exists(self) -> bool:
        """Whether an op ever created it (a placeholder only holds a block)."""
        return self.status is not None or bool(self.data)

    def state(self) -> dict[str, Any]:
        """The entity as the server has it, for a conflict answer."""
        return {"entity": self.entity, "id": str(self.entity_id), "status": self.status, **self.data}

    def to_row(self, now: datetime) -> dict[str, Any]:
        return {"entity": self.entity, "entity_id": self.entity_id, "office_code": self.office_code,
                "status": self.status, "data": self.data, "code": self.code, "ops": self.ops,
                "last_op_id": self.last_op_id, "blocked_by": self.blocked_by, "updated_at": now}


def _from_row(row: CentreEntity) -> Projection:
    return Projection(entity=row.entity, entity_id=row.entity_id, office_code=row.office_code, status=row.status,
                      data=dict(row.data or {}), code=row.code, ops=row.ops, last_op_id=row.last_op_id,
                      blocked_by=row.blocked_by, is_new=False)


@dataclass(frozen=True)
class Verdict:
    """The judgement of one op: ``applied`` / ``rejected`` / ``conflict`` / ``held``."""

    status: str
    code: str = ""
    reason: str = ""
    server_state: dict[str, Any] | None = None


APPLIED = Verdict("applied")


class Malformed(Exception):
    """An op whose payload lacks what its kind needs (rejected with code "malformed")."""


def need(payload: dict[str, Any], key: str) -> Any:
    if key not in payload or payload[key] is None:
        raise Malformed(key)
    return payload[key]


class Batch:
    """What the rules see while judging ops for one office: projections, slots and the moment.

    ``defer_changes``: the changes the rules publish for offices to pull are kept and
    appended at :meth:`flush` (a push: the change log's global lock is then held only from
    the end of the batch to its commit, not while 200 ops are judged); otherwise each is
    appended at once and :meth:`publish` returns its seq (a central action answers with it).
    """

    def __init__(self, session: Session, office_code: str, *, now: datetime, device: DeviceRef | None = None,
                 defer_changes: bool = False) -> None:
        self.session = session
        self.office_code = office_code
        self.now = now
        self.device = device
        office = session.get(CentreOffice, office_code)
        self.enrolled_at = office.enrolled_at if office is not None else None
        self._rows: dict[tuple[str, uuid.UUID], Projection] = {}
        self._loaded: set[uuid.UUID] = set()
        self.slots = SlotStore(session)
        self.defer_changes = defer_changes
        self._changes: list[dict[str, Any]] = []
        self._changes_mark: int | None = None

    def publish(self, office_code: str | None, entity: str, entity_id: uuid.UUID, data: dict[str, Any]) -> int | None:
        """A change for offices to pull; its seq, or None while deferred."""
        if not self.defer_changes:
            return changelog.append(self.session, office_code, entity, entity_id, data, now=self.now)
        self._changes.append({"office_code": office_code, "entity": entity, "entity_id": entity_id, "op": "upsert",
                              "data": data, "created_at": self.now})
        return None

    def undo_point(self) -> None:
        """Before a rule that changes slots or publishes: :meth:`rollback` undoes what it did."""
        self.slots.undo_point()
        self._changes_mark = len(self._changes)

    def rollback(self) -> None:
        self.slots.rollback()
        if self._changes_mark is not None:
            del self._changes[self._changes_mark:]
        self._changes_mark = None

    def preload(self, ids: set[uuid.UUID]) -> None:
        ids = ids - self._loaded
        if not ids:
            return
        for row in self.session.scalars(select(CentreEntity).where(CentreEntity.entity_id.in_(ids))):
            self._rows[(row.entity, row.entity_id)] = _from_row(row)
        self._loaded |= ids

    def get(self, entity: str, entity_id: uuid.UUID) -> Projection:
        """The office's projection (a new, empty one if the centre has none yet);
        OutOfScope if it is another office's."""
        self.preload({entity_id})
        key = (entity, entity_id)
        proj = self._rows.get(key)
        if proj is None:
            proj = Projection(entity=entity, entity_id=entity_id, office_code=self.office_code)
            self._rows[key] = proj
        require(self.office_code, proj.office_code, entity, entity_id)
        return proj

    def find(self, entity: str, entity_id: uuid.UUID) -> Projection | None:
        """The office's existing projection, or None (nothing is created); OutOfScope if it
        is another office's."""
        self.preload({entity_id})
        proj = self._rows.get((entity, entity_id))
        if proj is None or not (proj.exists or not proj.is_new):
            return None
        require(self.office_code, proj.office_code, entity, entity_id)
        return proj

    def slot(self, slot_id: uuid.UUID) -> SlotRow | None:
        """The office's slot (None if the centre has none); OutOfScope if another office's."""
        return self.slots.get(self.office_code, slot_id)

    def count(self, slot_id: uuid.UUID, side: str, delta: int) -> bool:
        """Move one side's booked count of the office's slot (see SlotStore.count)."""
        return self.slots.count(self.office_code, slot_id, side, delta, self.now)

    def flush(self) -> None:
        """Write back every projection and slot changed in this batch (new rows, then
        updates), then the deferred changes."""
        self.slots.flush()
        new = [p.to_row(self.now) for p in self._rows.values() if p.dirty and p.is_new]
        changed = [p for p in self._rows.values() if p.dirty and not p.is_new]
        conn = self.session.connection()
        bulk_insert(self.session, _TABLE, new)
        if changed:
            params = []
            for p in changed:
                row = p.to_row(self.now)
                params.append({"k_entity": p.entity, "k_entity_id": p.entity_id,
                               **{f"v_{name}": row[name] for name in _UPDATED}})
            conn.execute(_UPDATE, params)
        for p in self._rows.values():
            if p.dirty:
                p.is_new = False
                p.dirty = False
        if self._changes:
            changelog.append_many(self.session, self._changes)
            self._changes = []
        self._changes_mark = None


__all__ = ["APPLIED", "Batch", "Malformed", "Projection", "Verdict", "jsonable", "need"]
