"""What applying a pulled page needs in every part: the page being applied (its session,
the centre's actor, the id aliases of rows the office had before enrolling, the slots whose
online count must be recounted) and small converters (local_db/ops/sync_apply.py applies
the page; sync_apply_bookings.py holds the slot and appointment rules)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from local_db import journal
from local_db.models import Outbox, Procedure, Service
from local_db.ops.sync_outbox import CENTRAL_STATE

CENTRE_LABEL = "centre"


class ChangeLike(Protocol):
    """One change of the centre's log (sync.protocol.Change has these fields). Read-only
    members, so a narrower type there (``op`` a Literal) still fits."""

    @property
    def seq(self) -> int: ...
    @property
    def office_code(self) -> str | None: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> uuid.UUID: ...
    @property
    def op(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


class Skip(Exception):
    """This change cannot apply here; the message says why (for the notice)."""


@dataclass
class PulledPage:
    session: Session
    office_code: str
    actor: Actor
    now: datetime
    aliases: dict[str, str]
    aliases_changed: bool = False
    touched_slots: set[uuid.UUID] = field(default_factory=set)

    def local_id(self, model: Any, centre_id: Any) -> uuid.UUID | None:
        """The local id of the row the centre calls ``centre_id`` (None: the office has none)."""
        if centre_id in (None, ""):
            return None
        cid = uuid_of(centre_id)
        if self.session.get(model, cid) is not None:
            return cid
        alias = self.aliases.get(str(cid))
        if alias and self.session.get(model, uuid.UUID(alias)) is not None:
            return uuid.UUID(alias)
        return None

    def service_id(self, centre_id: Any, code: Any) -> uuid.UUID | None:
        """A service by the centre's id, else by its code (the centre names both)."""
        found = self.local_id(Service, centre_id)
        if found is None and code:
            found = self.session.scalar(select(Service.id).where(Service.office_code == self.office_code,
                                                                 Service.code == str(code)))
        return found

    def procedure_id(self, centre_id: Any, code: Any) -> uuid.UUID | None:
        found = self.local_id(Procedure, centre_id)
        if found is None and code:
            found = self.session.scalar(select(Procedure.id).where(Procedure.office_code == self.office_code,
                                                                   Procedure.code == str(code)))
        return found

    def own_echo(self, data: dict[str, Any]) -> bool:
        """The centre sends back a change the office itself made (``origin_op_id`` names
        one of this office's ops): the office already has it."""
        origin = data.get("origin_op_id")
        if not origin:
            return False
        return self.session.scalar(select(Outbox.op_id).where(Outbox.op_id == uuid_of(origin))) is not None

    def alias(self, centre_id: uuid.UUID, local_id: uuid.UUID) -> None:
        if centre_id != local_id and self.aliases.get(str(centre_id)) != str(local_id):
            self.aliases[str(centre_id)] = str(local_id)
            self.aliases_changed = True


def uuid_of(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def day_of(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def time_of(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def moment_of(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def set_changed(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when anything did."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def upsert_row(page: PulledPage, model: Any, centre_id: uuid.UUID, natural: Any, values: dict[str, Any],
            on_create: dict[str, Any] | None = None) -> tuple[Any, bool]:
    """The row for ``centre_id`` (by id, alias, then natural key) updated with ``values``,
    or a new one; returns (row, changed)."""
    session = page.session
    local = page.local_id(model, centre_id)
    row = session.get(model, local) if local is not None else None
    if row is None and natural is not None:
        row = session.scalars(select(model).where(*natural).limit(1)).first()
        if row is not None:
            page.alias(centre_id, row.id)
    if row is None:
        row = model(id=centre_id, office_code=page.office_code, **values, **(on_create or {}))
        session.add(row)
        session.flush()
        return row, True
    changed = set_changed(row, values)
    if changed:
        session.flush()
    return row, changed


def trail(page: PulledPage, entity: str, entity_id: uuid.UUID, op_type: str, from_state: str | None,
           to_state: str | None, payload: dict[str, Any]) -> None:
    """The outbox trail row (never pushed) and audit row of a change made by the centre."""
    op_id = journal.record(page.session, page.actor, entity=entity, entity_id=entity_id, op_type=op_type,
                           payload={"source": CENTRE_LABEL, **payload}, now=page.now, from_state=from_state,
                           to_state=to_state)
    page.session.execute(update(Outbox).where(Outbox.op_id == op_id).values(state=CENTRAL_STATE)
                         .execution_options(synchronize_session=False))
