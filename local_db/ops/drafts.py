"""Intake drafts: the counter's wizard saves what the clerk typed at every step, in its
own small transaction, so an accidental close, a crash or a SIGKILL loses nothing. The
next time the clerk opens the intake, the draft is offered back. Drafts stay in the
office (no outbox row): they are work in progress, not records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound
from core.i18n import lazy_gettext
from local_db.database import rowcount
from local_db.journal import jsonable
from local_db.models import IntakeDraft


@dataclass(frozen=True)
class DraftInfo:
    id: uuid.UUID
    step: str
    data: dict[str, Any]
    staff_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


def _info(d: IntakeDraft) -> DraftInfo:
    return DraftInfo(id=d.id, step=d.step, data=dict(d.data), staff_id=d.staff_id, created_at=d.created_at,
                     updated_at=d.updated_at)


def save_draft(session: Session, actor: Actor, draft_id: uuid.UUID | None, *, step: str, data: dict[str, Any],
               now: datetime | None = None) -> DraftInfo:
    """Create (``draft_id`` None) or overwrite the draft with the wizard's whole state."""
    now = now or datetime.now(timezone.utc)
    draft = session.get(IntakeDraft, draft_id) if draft_id is not None else None
    if draft is None:
        draft = IntakeDraft(id=draft_id or uuid.uuid4(), office_code=actor.office_code, device_id=actor.device_id,
                            staff_id=actor.staff_id, created_at=now)
        session.add(draft)
    draft.step = step
    draft.data = jsonable(data)
    draft.updated_at = now
    session.flush()
    return _info(draft)


def open_drafts(session: Session, device_id: uuid.UUID, staff_id: uuid.UUID | None = None) -> list[DraftInfo]:
    """This desk's drafts (of one clerk, when given), the most recent first."""
    q = select(IntakeDraft).where(IntakeDraft.device_id == device_id)
    if staff_id is not None:
        q = q.where(IntakeDraft.staff_id == staff_id)
    return [_info(d) for d in session.scalars(q.order_by(IntakeDraft.updated_at.desc()))]


def get_draft(session: Session, draft_id: uuid.UUID) -> DraftInfo:
    draft = session.get(IntakeDraft, draft_id)
    if draft is None:
        raise NotFound(lazy_gettext("Dossier draft not found"), code="draft_not_found", draft_id=str(draft_id))
    return _info(draft)


def discard_draft(session: Session, draft_id: uuid.UUID) -> bool:
    """Drop a draft (its dossier was saved, or the clerk threw it away)."""
    return bool(rowcount(session.execute(delete(IntakeDraft).where(IntakeDraft.id == draft_id))))
