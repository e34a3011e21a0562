"""A person at the office settles an op the centre refused or found in conflict, Qt-free.

Until now only the city's IT could unblock such an op (``motcua server resolve``); the
entity's later ops waited behind it. Here a supervisor (or the admin) keeps the centre's
version: :func:`settle_problem` moves the outbox row from ``rejected`` / ``conflict`` to
``settling`` (audit-logged with who). At the start of its next round the agent tells the
centre (``POST /resolve``: the centre discards the op and unblocks the entity) and marks
the row ``settled`` (:func:`mark_settled`); the ops waiting behind it are pushed in that
same round. A dead link keeps ``settling``: the next round tries again.

Forcing the office's version over the centre's stays with the city's IT
(``motcua server resolve --apply``); when it did, the centre answers "applied" and the row
is simply acked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound
from core.i18n import N_, _, lazy_gettext
from local_db import journal
from local_db.models import (
    Appointment,
    Citizen,
    Device,
    Dossier,
    Outbox,
    Staff,
    Ticket,
)
from local_db.ops.authority import requires_role
from local_db.ops.sync_outbox import (
    PROBLEM_STATES,
    SETTLED_STATE,
    SETTLING_STATE,
    SYNC_ACTOR,
)

SETTLE_ROLE = "supervisor"  # supervisors and the admin
SETTLE_ACTION = "sync_settle"
SETTLED_ACTION = "sync_settled"

_WORDS = {
    "dossier": N_("Dossier {name}"),
    "appointment": N_("Appointment {name}"),
    "ticket": N_("Queue number {name}"),
    "citizen": N_("Citizen {name}"),
    "device": N_("Device {name}"),
    "staff": N_("Staff account {name}"),
    "feedback": N_("Rating {name}"),
    "slot": N_("Appointment slot {name}"),
}
_NAMES: dict[str, tuple[Any, Any]] = {
    "dossier": (Dossier, Dossier.code), "appointment": (Appointment, Appointment.code),
    "ticket": (Ticket, Ticket.code), "citizen": (Citizen, Citizen.full_name), "device": (Device, Device.name),
    "staff": (Staff, Staff.username),
}


@dataclass(frozen=True)
class SettleInfo:
    op_id: uuid.UUID
    entity: str
    entity_id: uuid.UUID
    op_type: str
    state: str  # settling (or settled / acked when it was already done)
    was: str  # the state before: rejected / conflict (or the same as ``state``)
    subject: str  # the entity in words ("Dossier 000.00.04.H12-261123-0001")


def entity_name(session: Session, entity: str, entity_id: uuid.UUID) -> str:
    """What staff call the entity: a dossier's or appointment's code, a ticket's number, a
    citizen's name, a device's or account's name (else the id's first characters)."""
    found = _NAMES.get(entity)
    name = session.scalar(select(found[1]).where(found[0].id == entity_id)) if found is not None else None
    return str(name) if name else str(entity_id)[:8]


def subject_words(entity: str, name: str) -> str:
    """"Dossier 000.00.04.H12-..." in the current language (call it where the text is shown:
    the language is per thread)."""
    template = _WORDS.get(entity)
    return _(template).format(name=name) if template else f"{entity} {name}"


def describe_entity(session: Session, entity: str, entity_id: uuid.UUID) -> str:
    """The entity an op is about, in words staff recognise (current language)."""
    return subject_words(entity, entity_name(session, entity, entity_id))


@requires_role(SETTLE_ROLE)
def settle_problem(session: Session, actor: Actor, op_id: uuid.UUID | str, now: datetime | None = None) -> SettleInfo:
    """Keep the centre's version of a refused or conflicting op (supervisor or admin).

    The row becomes ``settling``; the agent tells the centre at its next round. Settling an
    op already settling or settled changes nothing and answers the same.
    """
    now = now or datetime.now(timezone.utc)
    staff = session.get(Staff, actor.staff_id)  # read and checked by requires_role just now
    assert staff is not None
    op_id = uuid.UUID(str(op_id))
    row = session.get(Outbox, op_id)
    if row is None or row.office_code != actor.office_code:
        raise NotFound(lazy_gettext("No such operation in this office's outbox."), code="unknown_op", op_id=str(op_id))
    subject = describe_entity(session, row.entity, row.entity_id)
    if row.state in (SETTLING_STATE, SETTLED_STATE):
        return SettleInfo(op_id=op_id, entity=row.entity, entity_id=row.entity_id, op_type=row.op_type,
                          state=row.state, was=row.state, subject=subject)
    if row.state not in PROBLEM_STATES:
        raise DomainError(lazy_gettext("The centre did not refuse this operation: there is nothing to settle."),
                          code="not_a_problem", state=row.state)
    was = row.state
    row.state = SETTLING_STATE
    journal.audit(session, actor, action=SETTLE_ACTION, entity=row.entity, entity_id=row.entity_id, now=now,
                  op_id=op_id, label=actor.label or staff.full_name,
                  detail={"from_state": was, "by": staff.username, "keep": "centre", "reason": row.last_error})
    session.flush()
    return SettleInfo(op_id=op_id, entity=row.entity, entity_id=row.entity_id, op_type=row.op_type,
                      state=SETTLING_STATE, was=was, subject=subject)


def settling_ops(session: Session, office_code: str) -> list[uuid.UUID]:
    """The ops a person settled that the centre has not been told of yet, in ``seq`` order."""
    return list(session.scalars(select(Outbox.op_id).where(Outbox.office_code == office_code,
                                                           Outbox.state == SETTLING_STATE).order_by(Outbox.seq)))


def mark_settled(session: Session, op_id: uuid.UUID, *, status: str, code: str = "",
                 now: datetime | None = None) -> str | None:
    """The centre answered for a settling op: ``status`` "applied" (the city's IT had forced
    the office's version) -> acked; anything else (discarded, or unknown to the centre: it
    never kept it) -> settled. Returns the new state, or None when the row was not settling
    (an answer that came twice)."""
    now = now or datetime.now(timezone.utc)
    row = session.get(Outbox, op_id)
    if row is None or row.state != SETTLING_STATE:
        return None
    if status == "applied":
        row.state, row.acked_at = "acked", now
    else:
        row.state = SETTLED_STATE
    row.attempts += 1
    journal.audit(session, None, office_code=row.office_code, label=SYNC_ACTOR, action=SETTLED_ACTION,
                  entity=row.entity, entity_id=row.entity_id, now=now, op_id=op_id,
                  detail={"status": status, "code": code, "state": row.state})
    session.flush()
    return row.state


__all__ = ["SETTLE_ROLE", "SettleInfo", "describe_entity", "entity_name", "mark_settled", "settle_problem",
           "settling_ops", "subject_words"]
