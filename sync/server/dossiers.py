"""Dossiers at the centre: the office's moves judged against the centre's state, and the
centre's own moves (docs/ARCHITECTURE.md §4-§5).

A dossier moves by state-machine commands (core/dossier_states.py). An office move carries
``from_state``; when the centre's state is not that any more — a central move happened
while the office was offline — the move is a ``conflict`` answered with the centre's state,
and a person decides (scenario 8: one legal final state, the losing move reported). A move
that is illegal by the table itself is ``rejected``.

A central move (:func:`move_dossier`) writes a "dossier" change the office pulls:
``{id, office_code, code, status, due_at, event {action, at, note, by, from_state, to_state}}``.
Once a dossier has been moved centrally, the office's later moves on it are published too
(with ``origin_op_id``, so the office recognises its own move coming back), so the change
log always ends with the dossier's current state — a refetch never brings back an old one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dossier_states import DossierAction, DossierStatus, next_state
from core.due_date import ProcessingTime, due_moment
from core.errors import NotFound, TransitionError, ValidationError
from core.i18n import N_, _
from core.working_calendar import WorkingCalendar
from sync.protocol import Op
from sync.server.database import lock_office
from sync.server.models import CentreEntity, CentreHoliday, CentreProcedure, utcnow
from sync.server.projection import (
    APPLIED,
    Batch,
    Malformed,
    Projection,
    Verdict,
    jsonable,
)

ENTITY = "dossier"
CLOSING = {"returned", "rejected", "withdrawn"}
STATUS_WORDS = {
    "received": N_("received"),
    "in_processing": N_("in processing"),
    "needs_supplement": N_("waiting for more documents"),
    "ready": N_("ready to hand back"),
    "returned": N_("handed back"),
    "rejected": N_("refused"),
    "withdrawn": N_("withdrawn"),
}
# Per-move fields of an office payload: they describe the move, not the dossier.
_MOVE_ONLY = ("note", "detail", "counter_number", "staff_id")


def status_words(status: str | None) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else str(status)


def public_state(proj: Projection) -> dict[str, Any]:
    """The dossier as a conflict answer and a change show it."""
    data = proj.data
    return {"id": str(proj.entity_id), "office_code": proj.office_code, "code": proj.code or data.get("code"),
            "status": proj.status, "due_at": data.get("due_at"), "clock_started_at": data.get("clock_started_at")}


def apply_dossier_op(batch: Batch, op: Op, proj: Projection) -> Verdict:
    if op.op_type == DossierAction.RECEIVE.value:
        if proj.exists:
            return Verdict("rejected", "already_exists", _("This dossier was already received."))
        code = op.payload.get("code")
        if not code:
            raise Malformed("code")
        proj.data = dict(op.payload)
        proj.status = op.to_state or DossierStatus.RECEIVED.value
        proj.code = str(code)
        return APPLIED
    try:
        action = DossierAction(op.op_type)
    except ValueError:
        return Verdict("rejected", "unknown_op", _("Unknown operation {op_type} on a dossier.")
                       .format(op_type=op.op_type))
    if op.from_state is None or op.to_state is None:
        raise Malformed("from_state / to_state")
    try:
        legal = next_state(op.from_state, action).value == op.to_state
    except (TransitionError, ValueError):
        legal = False
    if not legal:
        return Verdict("rejected", "illegal_transition", _("A dossier that is {state} cannot be moved that way ({action}).")
                       .format(state=status_words(op.from_state), action=op.op_type))
    if proj.exists and proj.status != op.from_state:
        return Verdict("conflict", "state_changed", _(
            "The dossier was changed at the centre meanwhile: it is now {state}. A person must decide which move "
            "stands.").format(state=status_words(proj.status)), server_state=public_state(proj))
    moved = {k: v for k, v in op.payload.items() if k not in _MOVE_ONLY}
    proj.data = {**proj.data, **moved, "last_office_move": {"action": op.op_type, "note": op.payload.get("note", ""),
                                                           "at": jsonable(op.device_time)}}
    proj.status = op.to_state
    proj.code = proj.code or (str(op.payload["code"]) if op.payload.get("code") else None)
    if proj.data.get("central_events"):
        _publish(batch, proj, {"action": op.op_type, "at": jsonable(op.device_time), "note": op.payload.get("note", ""),
                               "by": "office", "from_state": op.from_state, "to_state": op.to_state},
                 origin_op_id=op.op_id)
    return APPLIED


def _publish(batch: Batch, proj: Projection, event: dict[str, Any], origin_op_id: uuid.UUID | None = None) -> int | None:
    data = {**public_state(proj), "event": event}
    if origin_op_id is not None:
        data["origin_op_id"] = str(origin_op_id)
    return batch.publish(proj.office_code, ENTITY, proj.entity_id, data)


# --- central moves ------------------------------------------------------------------------


@dataclass(frozen=True)
class CentralMove:
    dossier_id: uuid.UUID
    office_code: str
    code: str | None
    action: str
    from_state: str
    to_state: str
    due_at: str | None
    change_seq: int


def _calendar(session: Session) -> WorkingCalendar:
    rows = list(session.execute(select(CentreHoliday.day, CentreHoliday.kind)))
    return WorkingCalendar(days_off=[d for d, k in rows if k == "day_off"],
                           working_days=[d for d, k in rows if k == "working_day"])


def _restarted_due(session: Session, proj: Projection, now: datetime) -> str | None:
    """The due moment of a dossier whose clock restarts now (a supplement arrived), when
    the centre knows its procedure; None otherwise (the office's own move will tell)."""
    code = proj.data.get("procedure_code")
    proc = session.scalars(select(CentreProcedure).where(CentreProcedure.office_code == proj.office_code,
                                                         CentreProcedure.code == code)).first() if code else None
    if proc is None:
        return None
    try:
        processing = ProcessingTime(**proc.processing)
    except (TypeError, ValidationError):
        return None
    due = due_moment(now, processing, _calendar(session), with_verification=bool(proj.data.get("with_verification")))
    return jsonable(due)


def move_dossier(session: Session, dossier_id: uuid.UUID | str, action: DossierAction | str, *, by: str, note: str = "",
                 due_at: datetime | None = None, now: datetime | None = None) -> CentralMove:
    """Move a dossier at the centre (the processing body's decision); the office pulls it.

    ``due_at`` is the new deadline of a ``reschedule`` (required there, ignored otherwise).
    Raises NotFound for a dossier the centre does not hold, TransitionError for an illegal move.
    """
    now = now or utcnow()
    dossier_id = uuid.UUID(str(dossier_id))
    action = DossierAction(action)
    if action is DossierAction.RECEIVE:
        raise TransitionError("a dossier is received by an office, not at the centre", action=action.value)
    office = _office_of(session, dossier_id)
    lock_office(session, office)
    batch = Batch(session, office, now=now)
    proj = batch.find(ENTITY, dossier_id)
    if proj is None or not proj.exists:
        raise NotFound(f"the centre holds no dossier {dossier_id}", code="unknown_dossier")
    from_state = proj.status or ""
    to_state = next_state(from_state, action).value
    data = dict(proj.data)
    when = jsonable(now)
    if action is DossierAction.REQUEST_SUPPLEMENT:
        data["stopped_due_at"], data["due_at"] = data.get("due_at"), None
    elif action is DossierAction.SUPPLEMENT_RECEIVED:
        data["clock_started_at"] = when
        data["due_at"] = _restarted_due(session, proj, now)
    elif action is DossierAction.RESCHEDULE:
        if due_at is None:
            raise ValidationError("a new due moment is needed to reschedule", field="due_at")
        data["due_at"] = jsonable(due_at)
        data["reschedule_count"] = int(data.get("reschedule_count") or 0) + 1
    if to_state == "ready":
        data["ready_at"] = when
    if to_state == "returned":
        data["returned_at"] = when
    if to_state in CLOSING:
        data["closed_at"] = when
    event = {"action": action.value, "at": when, "note": " ".join(note.split()), "by": by,
             "from_state": from_state, "to_state": to_state}
    data["central_events"] = [*data.get("central_events", []), event]
    proj.data, proj.status, proj.dirty = data, to_state, True
    seq = _publish(batch, proj, event)
    assert seq is not None  # this batch does not defer its changes: each is appended at once
    batch.flush()
    return CentralMove(dossier_id=dossier_id, office_code=office, code=proj.code, action=action.value,
                       from_state=from_state, to_state=to_state, due_at=data.get("due_at"), change_seq=seq)


def _office_of(session: Session, dossier_id: uuid.UUID) -> str:
    office = session.scalar(select(CentreEntity.office_code).where(CentreEntity.entity_id == dossier_id,
                                                                   CentreEntity.entity == ENTITY))
    if office is None:
        raise NotFound(f"the centre holds no dossier {dossier_id}", code="unknown_dossier")
    return office


__all__ = ["CentralMove", "apply_dossier_op", "move_dossier", "public_state", "status_words"]

