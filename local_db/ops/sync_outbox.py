"""The outbox as the sync agent and the apps see it (docs/ARCHITECTURE.md §5), Qt-free.

The agent takes the office's operations in ``seq`` order, a bounded batch at a time
(:func:`next_batch`), and writes back what the centre answered (:func:`record_results`).
The apps show :func:`sync_summary`: what is still waiting, what the centre refused and why,
and whether the link and the clock are healthy.

States of an outbox row:

* ``pending`` (or ``sent``, an older spelling of the same): waiting to be pushed;
* ``acked``: the centre holds it (``applied``, or ``duplicate``: it already had it);
* ``rejected``: it can never apply; the reason is kept in ``last_error``;
* ``conflict``: the centre's copy moved meanwhile (e.g. a dossier moved centrally); the
  reason is in ``last_error`` and the centre's state in an audit row (``sync_conflict``);
* ``held``: the centre did not judge it, because an earlier op on the same entity was
  rejected or is in conflict. It is sent again once nothing blocks its entity any more;
* ``settling``: a supervisor kept the centre's version of a rejected or conflicting op
  (local_db/ops/sync_settle.py); the agent tells the centre at the start of its next round.
  It still blocks its entity until the centre knows;
* ``settled``: the centre knows: the op is discarded (the centre's version stands), no longer
  a problem, and the ops behind it on its entity are pushed again;
* ``central``: not an office operation at all: the trail row of a change that came from
  the centre (sync_apply.py), so every entity keeps its outbox trail. Never pushed.

A rejected or conflicting op never blocks other entities; the later ops on its own entity
wait behind it (they would only be judged against a state the centre does not have).
"""

from __future__ import annotations

import collections
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from core.i18n import N_, _
from local_db import journal
from local_db.models import AuditLog, Office, Outbox, SyncStatus
from local_db.ops.link_state import KEY as LINK_KEY
from local_db.ops.link_state import link_state

WAITING_STATES = ("pending", "sent", "held")  # not yet held by the centre: pushed (again)
SETTLING_STATE = "settling"  # a person kept the centre's version; the agent tells the centre
SETTLED_STATE = "settled"  # the centre knows; the op is discarded, its entity unblocked
PROBLEM_STATES = ("rejected", "conflict")  # a person must look
BLOCKING_STATES = (*PROBLEM_STATES, SETTLING_STATE)  # later ops on the entity wait
CENTRAL_STATE = "central"
CLOCK_WARNING_AFTER = timedelta(minutes=5)
MAX_PROBLEMS_SHOWN = 20
NOTICE_PREFIX = "notice:"
SYNC_ACTOR = "sync"


@dataclass(frozen=True)
class OutboxOp:
    """One row of the outbox, as it goes over the wire."""

    op_id: uuid.UUID
    seq: int
    office_code: str
    device_id: uuid.UUID
    entity: str
    entity_id: uuid.UUID
    op_type: str
    from_state: str | None
    to_state: str | None
    payload: dict[str, Any]
    schema_version: int
    device_time: datetime
    attempts: int


class OpResultLike(Protocol):
    """What :func:`record_results` reads of each answer (sync.protocol.OpResult has it).
    Read-only members, so a narrower type there (``status`` a Literal) still fits."""

    @property
    def op_id(self) -> uuid.UUID: ...
    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def server_state(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class RecordedResults:
    acked: int = 0
    rejected: int = 0
    conflict: int = 0
    held: int = 0
    unknown: int = 0  # answers about ops this office does not have (ignored)


@dataclass(frozen=True)
class SyncProblem:
    """An op the centre refused (rejected) or could not apply as it stood (conflict)."""

    op_id: uuid.UUID
    seq: int
    entity: str
    entity_id: uuid.UUID
    op_type: str
    state: str  # rejected / conflict
    reason: str
    at: datetime  # when the office made it


@dataclass(frozen=True)
class SyncNotice:
    """Something the centre changed that staff must know about (e.g. an online booking
    cancelled centrally after the citizen checked in here)."""

    key: str
    kind: str
    message: str
    entity: str
    entity_id: str
    at: datetime


@dataclass(frozen=True)
class SyncSummary:
    enrolled: bool
    online: bool
    last_contact_at: datetime | None
    last_push_at: datetime | None
    last_pull_at: datetime | None
    pending: int  # ops the centre does not hold yet (held ones included)
    held: int
    oldest_pending_at: datetime | None
    oldest_pending_age: timedelta | None
    problems: tuple[SyncProblem, ...]  # newest first, at most MAX_PROBLEMS_SHOWN
    problem_count: int
    notices: tuple[SyncNotice, ...]
    clock_skew_seconds: float | None  # this machine's clock minus the centre's
    clock_warning: bool
    credential_refused: bool  # the centre answered 401: the device must enrol again
    last_error: str
    settling: tuple[SyncProblem, ...] = ()  # kept the centre's version; the centre is told next round


# --- the agent's side ------------------------------------------------------------------------

_O = Outbox.__table__.c
_COLUMNS = (_O.op_id, _O.seq, _O.office_code, _O.device_id, _O.entity, _O.entity_id, _O.op_type, _O.from_state,
            _O.to_state, _O.payload, _O.schema_version, _O.device_time, _O.attempts)


def next_batch(session: Session, office_code: str, limit: int, *, after_seq: int = 0) -> list[OutboxOp]:
    """At most ``limit`` ops still to push, in ``seq`` order, after ``after_seq``.

    An op whose entity has an earlier op rejected or in conflict is left out: it waits for a
    person to settle the earlier one. Only one batch is ever in memory.
    """
    earlier = aliased(Outbox)
    blocked = exists().where(earlier.entity == Outbox.entity, earlier.entity_id == Outbox.entity_id,
                             earlier.state.in_(BLOCKING_STATES), earlier.seq < Outbox.seq)
    stmt = (select(*_COLUMNS)
            .where(Outbox.office_code == office_code, Outbox.state.in_(WAITING_STATES), Outbox.seq > after_seq,
                   ~blocked)
            .order_by(Outbox.seq).limit(limit))
    return [OutboxOp(*tuple(row)) for row in session.execute(stmt)]


_ACK = (update(Outbox.__table__).where(_O.op_id.in_(bindparam("ids", expanding=True)),
                                       _O.state.in_(WAITING_STATES))
        .values(state="acked", acked_at=bindparam("now"), sent_at=func.coalesce(_O.sent_at, bindparam("now")),
                attempts=_O.attempts + 1, last_error=""))
_STILL_WAITING = or_(*(_O.state == state for state in WAITING_STATES))  # no IN list: executemany takes no expanding
_JUDGED = (update(Outbox.__table__).where(_O.op_id == bindparam("b_op_id"), _STILL_WAITING)
           .values(state=bindparam("b_state"), last_error=bindparam("b_error"), sent_at=bindparam("b_now"),
                   attempts=_O.attempts + 1))
_ACK_CHUNK = 500


def record_results(session: Session, results: Iterable[OpResultLike], now: datetime) -> RecordedResults:
    """Write what the centre answered for each op, in the caller's transaction.

    ``applied`` and ``duplicate`` -> acked; ``rejected`` keeps its reason; ``conflict`` keeps
    its reason and, in an audit row, the centre's state; ``held`` waits. Only ops still
    waiting change: a late or replayed answer never undoes a newer one.
    """
    acked: list[uuid.UUID] = []
    judged: list[tuple[OpResultLike, str]] = []
    for r in results:
        if r.status in ("applied", "duplicate"):
            acked.append(r.op_id)
        elif r.status in ("rejected", "conflict", "held"):
            judged.append((r, r.status))
    conn = session.connection()
    n_acked = 0
    for i in range(0, len(acked), _ACK_CHUNK):
        n_acked += conn.execute(_ACK, {"ids": acked[i:i + _ACK_CHUNK], "now": now}).rowcount
    counts = {"rejected": 0, "conflict": 0, "held": 0}
    if judged:
        rows = {r.op_id: r for r in conn.execute(
            select(_O.op_id, _O.office_code, _O.entity, _O.entity_id, _O.state)
            .where(_O.op_id.in_([r.op_id for r, _ in judged])))}
        params, audits = [], []
        for r, state in judged:
            row = rows.get(r.op_id)
            if row is None or row.state not in WAITING_STATES:
                continue
            reason = (r.reason or r.code or state)[:2000]
            params.append({"b_op_id": r.op_id, "b_state": state, "b_error": reason, "b_now": now})
            counts[state] += 1
            if state != "held":  # the record of what the centre said, kept after a person resolves it
                audits.append((row, r))
        if params:
            conn.execute(_JUDGED, params)
        for row, r in audits:
            journal.audit(session, None, office_code=row.office_code, label=SYNC_ACTOR, action=f"sync_{r.status}",
                          entity=row.entity, entity_id=row.entity_id, now=now, op_id=r.op_id,
                          detail={"reason": r.reason, "code": r.code, "server_state": r.server_state})
    known = n_acked + sum(counts.values())
    total = len(acked) + len(judged)
    return RecordedResults(acked=n_acked, unknown=max(0, total - known), **counts)


def conflict_detail(session: Session, op_id: uuid.UUID) -> dict[str, Any] | None:
    """What the centre said about a refused op: {reason, code, server_state}, or None."""
    return session.scalar(select(AuditLog.detail).where(AuditLog.op_id == op_id,
                                                        AuditLog.action.in_(("sync_rejected", "sync_conflict")))
                          .order_by(AuditLog.at.desc()).limit(1))


# --- the agent's state, for the apps ---------------------------------------------------------

def record_round(session: Session, *, now: datetime, online: bool, pushed: bool = False, pulled: bool = False,
                 server_time: datetime | None = None, error: str = "", credential_refused: bool = False) -> None:
    """What the agent's last exchange with the centre was like (the ``link`` status row that
    local_db/ops/link_state.py reads, with the agent's own fields beside it)."""
    row = session.get(SyncStatus, LINK_KEY)
    value = dict(row.value) if row is not None else {}
    value["online"] = online
    if online:
        value["last_contact_at"] = now.isoformat()
    if pushed:
        value["last_push_at"] = now.isoformat()
    if pulled:
        value["last_pull_at"] = now.isoformat()
    if server_time is not None:
        value["skew_seconds"] = round((now - server_time).total_seconds(), 3)
    value["last_error"] = error[:500]
    value["credential_refused"] = credential_refused
    if row is None:
        session.add(SyncStatus(key=LINK_KEY, value=value, updated_at=now))
    else:
        row.value = value
        row.updated_at = now


NOTICE_TEXTS = {
    "cancelled_after_check_in": N_("Online booking {code} was cancelled on the portal after the citizen had checked "
                                   "in here (ticket {ticket}). The check-in stands; please tell the centre."),
    "cancelled_before_check_in": N_("Online booking {code} had been cancelled on the portal, but the citizen came and "
                                    "checked in here before this office heard of it (ticket {ticket}). The check-in "
                                    "stands; please tell the centre."),
    "dossier_moved_centrally": N_("Dossier {code} was moved by the centre to \"{status}\" while this office had it "
                                  "as \"{local}\". Please check the dossier."),
    "unapplied": N_("A change from the centre ({entity}) could not be applied here: {error}"),
}


def add_notice(session: Session, *, kind: str, entity: str, entity_id: uuid.UUID | str, now: datetime,
               **params: Any) -> str:
    """A notice for staff about one entity (one per entity and kind: writing it again keeps
    it as it is). ``params`` fill the kind's text, in the reader's language. Returns its key."""
    key = NOTICE_PREFIX + uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{entity}:{entity_id}").hex
    value = journal.jsonable({"kind": kind, "entity": entity, "entity_id": str(entity_id), "at": now,
                              "params": params})
    row = session.get(SyncStatus, key)
    if row is None:
        session.add(SyncStatus(key=key, value=value, updated_at=now))
        session.flush()
    elif row.value.get("params") != value["params"]:
        row.value = {**value, "at": row.value.get("at", value["at"])}
    return key


def dismiss_notice(session: Session, key: str) -> bool:
    """Staff have read a notice: it is no longer shown."""
    row = session.get(SyncStatus, key) if key.startswith(NOTICE_PREFIX) else None
    if row is None:
        return False
    session.delete(row)
    return True


def _notice_text(value: dict[str, Any]) -> str:
    params = {"entity": value.get("entity", ""), **dict(value.get("params") or {})}
    template = NOTICE_TEXTS.get(str(value.get("kind")))
    if template is None:
        return str(params)
    try:
        return _(template).format(**params)
    except (KeyError, IndexError, ValueError):
        return template.format_map(collections.defaultdict(str, params))


def list_notices(session: Session) -> list[SyncNotice]:
    """Every notice not yet dismissed, newest first, in the current language."""
    rows = session.scalars(select(SyncStatus).where(SyncStatus.key.like(NOTICE_PREFIX + "%"))).all()
    notices = [SyncNotice(key=r.key, kind=str(r.value.get("kind", "")), message=_notice_text(r.value),
                          entity=str(r.value.get("entity", "")), entity_id=str(r.value.get("entity_id", "")),
                          at=_parse_time(r.value.get("at")) or r.updated_at) for r in rows]
    return sorted(notices, key=lambda n: n.at, reverse=True)


def _parse_time(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None


def sync_summary(session: Session, office_code: str, now: datetime) -> SyncSummary:
    """Everything ``motcua sync status`` prints and the apps' sync line shows."""
    # Held: answered "held" by the centre, or never sent because an earlier op on its entity
    # is refused (next_batch leaves those out) -- either way it waits for a person, not the link.
    earlier = aliased(Outbox)
    blocked = exists().where(earlier.entity == Outbox.entity, earlier.entity_id == Outbox.entity_id,
                             earlier.state.in_(BLOCKING_STATES), earlier.seq < Outbox.seq)
    pending, held, oldest = session.execute(
        select(func.count(), func.sum(case((or_(Outbox.state == "held", blocked), 1), else_=0)),
               func.min(Outbox.device_time))
        .where(Outbox.office_code == office_code, Outbox.state.in_(WAITING_STATES))).one()
    problem_count = session.scalar(select(func.count()).select_from(Outbox).where(
        Outbox.office_code == office_code, Outbox.state.in_(PROBLEM_STATES))) or 0
    rows = session.execute(
        select(Outbox.op_id, Outbox.seq, Outbox.entity, Outbox.entity_id, Outbox.op_type, Outbox.state,
               Outbox.last_error, Outbox.device_time)
        .where(Outbox.office_code == office_code, Outbox.state.in_(PROBLEM_STATES))
        .order_by(Outbox.seq.desc()).limit(MAX_PROBLEMS_SHOWN)).all()
    settling = session.execute(
        select(Outbox.op_id, Outbox.seq, Outbox.entity, Outbox.entity_id, Outbox.op_type, Outbox.state,
               Outbox.last_error, Outbox.device_time)
        .where(Outbox.office_code == office_code, Outbox.state == SETTLING_STATE)
        .order_by(Outbox.seq.desc()).limit(MAX_PROBLEMS_SHOWN)).all()
    row = session.get(SyncStatus, LINK_KEY)
    value = row.value if row is not None else {}
    skew = value.get("skew_seconds")
    enrolled = bool(session.scalar(select(Office.enrolled).where(Office.code == office_code)))
    return SyncSummary(
        enrolled=enrolled, online=link_state(session, now).online,
        last_contact_at=_parse_time(value.get("last_contact_at")),
        last_push_at=_parse_time(value.get("last_push_at")), last_pull_at=_parse_time(value.get("last_pull_at")),
        pending=int(pending or 0), held=int(held or 0), oldest_pending_at=oldest,
        oldest_pending_age=(now - oldest) if oldest is not None else None,
        problems=tuple(SyncProblem(op_id=r.op_id, seq=r.seq, entity=r.entity, entity_id=r.entity_id,
                                   op_type=r.op_type, state=r.state, reason=r.last_error or "", at=r.device_time)
                       for r in rows),
        problem_count=int(problem_count), notices=tuple(list_notices(session)),
        clock_skew_seconds=float(skew) if skew is not None else None,
        clock_warning=skew is not None and abs(float(skew)) > CLOCK_WARNING_AFTER.total_seconds(),
        credential_refused=bool(value.get("credential_refused")), last_error=str(value.get("last_error") or ""),
        settling=tuple(SyncProblem(op_id=r.op_id, seq=r.seq, entity=r.entity, entity_id=r.entity_id,
                                   op_type=r.op_type, state=r.state, reason=r.last_error or "", at=r.device_time)
                       for r in settling),
    )


__all__ = [
    "BLOCKING_STATES",
    "CENTRAL_STATE",
    "CLOCK_WARNING_AFTER",
    "NOTICE_TEXTS",
    "PROBLEM_STATES",
    "SETTLED_STATE",
    "SETTLING_STATE",
    "WAITING_STATES",
    "OutboxOp",
    "RecordedResults",
    "SyncNotice",
    "SyncProblem",
    "SyncSummary",
    "add_notice",
    "conflict_detail",
    "dismiss_notice",
    "list_notices",
    "next_batch",
    "record_results",
    "record_round",
    "sync_summary",
]
