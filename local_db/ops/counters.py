"""A counter opens when a clerk signs in at it and closes when they sign out: the kiosk
and the display board only count open counters (waits, "no counter open")."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound
from core.i18n import lazy_gettext
from local_db import journal
from local_db.models import Counter


def set_counter_open(session: Session, actor: Actor, number: int, is_open: bool, *,
                     now: datetime | None = None) -> None:
    """Open or close counter ``number``; the audit log says who and when. Counter state is
    the office's own (not synced as an entity)."""
    now = now or datetime.now(timezone.utc)
    ctr = session.scalars(select(Counter).where(Counter.office_code == actor.office_code,
                                                Counter.number == number)).first()
    if ctr is None:
        raise NotFound(lazy_gettext("There is no counter number {number}", number=number), code="counter_not_found",
                       number=number)
    if ctr.is_open == is_open:
        return
    ctr.is_open = is_open
    journal.audit(session, actor, action="counter_open" if is_open else "counter_close", entity="counter",
                  entity_id=ctr.id, now=now, detail={"number": number})
