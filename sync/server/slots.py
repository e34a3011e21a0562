"""Appointment slots as a push batch reads and changes them: in memory, written once.

An office's week offline holds thousands of slot and booking ops. Judging each with its own
SELECT, conditional UPDATE and savepoint cost ~1.5 ms of round trips an op; instead the
slots a batch names are read in one query, counted in memory and written back in bulk at
the end of the batch (:meth:`SlotStore.flush`). That is safe because every writer of a
slot's counts — a push, an online booking or cancellation, slot creation — holds the
office's advisory lock for its whole transaction (``database.lock_office``), and the CHECK
constraint on ``centre_slot`` still refuses an online count past its quota.

:meth:`SlotStore.undo_point` / :meth:`SlotStore.rollback` replace the savepoint: a rule
that changed a slot and then failed leaves the slot as it was.

Office scope (sync/server/scope.py): every lookup names the caller's office, and a slot of
another office is refused (:class:`~sync.server.scope.OutOfScope`), never counted — slot
ids are public on the booking pages, so an id is no proof of ownership.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from sync.server.models import CentreSlot
from sync.server.scope import require

_TABLE = CentreSlot.__table__
_COLUMNS = ("id", "office_code", "service_id", "service_code", "day", "start_time", "end_time", "office_quota",
            "online_quota", "office_booked", "online_booked", "updated_at")
_CHANGING = ("office_quota", "online_quota", "office_booked", "online_booked", "updated_at")
_INSERT = insert(_TABLE)
_UPDATE = (update(_TABLE).where(_TABLE.c.id == bindparam("k_id"))
           .values({name: bindparam(f"v_{name}") for name in _CHANGING}))


@dataclass
class SlotRow:
    """One ``centre_slot`` row (the same attribute names, so ``slot_data`` reads either)."""

    id: uuid.UUID
    office_code: str
    service_id: uuid.UUID | None
    service_code: str
    day: date
    start_time: time
    end_time: time
    office_quota: int
    online_quota: int
    office_booked: int
    online_booked: int
    updated_at: datetime
    is_new: bool = False
    dirty: bool = False

    def to_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _COLUMNS}



class SlotStore:
    """The slots one transaction touches, keyed by id (None remembered for unknown ids).

    :meth:`preload` reads whatever ids a batch names (one query); :meth:`get` and
    :meth:`count` hand out only the caller's office's."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[uuid.UUID, SlotRow | None] = {}
        self._undo: dict[uuid.UUID, SlotRow | None] | None = None

    def preload(self, ids: Iterable[uuid.UUID]) -> None:
        wanted = {i for i in ids if i not in self._rows}
        if not wanted:
            return
        for row in self.session.execute(select(*[_TABLE.c[name] for name in _COLUMNS]).where(_TABLE.c.id.in_(wanted))):
            self._rows[row.id] = SlotRow(**row._mapping)
        for slot_id in wanted - self._rows.keys():
            self._rows[slot_id] = None

    def get(self, office_code: str, slot_id: uuid.UUID) -> SlotRow | None:
        """The office's slot, None if the centre has none by that id; OutOfScope if it is
        another office's."""
        self.preload((slot_id,))
        row = self._rows[slot_id]
        if row is not None:
            require(office_code, row.office_code, "slot", slot_id)
        return row

    def _before_change(self, slot_id: uuid.UUID) -> None:
        if self._undo is not None and slot_id not in self._undo:
            row = self._rows.get(slot_id)
            self._undo[slot_id] = replace(row) if row is not None else None

    def add(self, row: SlotRow) -> SlotRow:
        """A slot the centre learns of (its id must be free: :meth:`get` said None)."""
        self._before_change(row.id)
        row.is_new = row.dirty = True
        self._rows[row.id] = row
        return row

    def set_quotas(self, row: SlotRow, *, office_quota: int, online_quota: int, now: datetime) -> None:
        self._before_change(row.id)
        row.office_quota, row.online_quota, row.updated_at, row.dirty = office_quota, online_quota, now, True

    def count(self, office_code: str, slot_id: uuid.UUID, side: str, delta: int, now: datetime) -> bool:
        """Move one side's booked count by ``delta``: the online side never past its quota,
        neither below 0. False (nothing changed) when the slot is unknown or a limit stops
        it; OutOfScope when it is another office's."""
        row = self.get(office_code, slot_id)
        if row is None:
            return False
        name = "online_booked" if side == "online" else "office_booked"
        value = getattr(row, name) + delta
        if value < 0 or (side == "online" and delta > 0 and value > row.online_quota):
            return False
        self._before_change(slot_id)
        setattr(row, name, value)
        row.updated_at, row.dirty = now, True
        return True

    def undo_point(self) -> None:
        """Start remembering what the next rule changes."""
        self._undo = {}

    def rollback(self) -> None:
        """Put back every slot as it was at the undo point."""
        for slot_id, row in (self._undo or {}).items():
            self._rows[slot_id] = row
        self._undo = None

    def flush(self) -> None:
        new = [r.to_row() for r in self._rows.values() if r is not None and r.dirty and r.is_new]
        changed = [{"k_id": r.id, **{f"v_{name}": getattr(r, name) for name in _CHANGING}}
                   for r in self._rows.values() if r is not None and r.dirty and not r.is_new]
        conn = self.session.connection()
        if new:
            conn.execute(_INSERT, new)
        if changed:
            conn.execute(_UPDATE, changed)
        for r in self._rows.values():
            if r is not None:
                r.is_new = r.dirty = False
        self._undo = None


__all__ = ["SlotRow", "SlotStore"]
