"""Which counters have a clerk at them now, and so which services someone is serving.

A counter's ``is_open`` says it takes tickets; it is set when a clerk signs in there and
cleared when they sign out. But a counter can be open with nobody at it: set up open
(``office_setup.add_counter``, the demo office), or left open by a counter app that was
killed. The kiosk must not promise "you will be called very soon" for a service that only
such counters serve. Who signed in at a counter is in the audit log: each sign-in writes a
``counter_open`` row naming the clerk (ops/counters.py ``set_counter_open``) and each
sign-out a ``counter_close`` row. So a counter is *staffed* when it is in use, open, and
its latest opening or closing is an opening by a staff member whose account is active.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.models import AuditLog, Staff
from local_db.ops.queue_common import OfficeSnapshot

OPENED, CLOSED = "counter_open", "counter_close"


def staffed_counters(session: Session, office_code: str) -> frozenset[int]:
    """Numbers of the counters a clerk is signed in at now."""
    office = OfficeSnapshot.of(session, office_code)
    open_ids = [c.id for c in office.counters.values() if c.active and c.is_open]
    if not open_ids:
        return frozenset()
    last: dict[uuid.UUID, tuple[str, uuid.UUID | None]] = {}
    # In time order (UUIDv7 ids break ties): the last row read for a counter wins.
    rows = session.execute(select(AuditLog.entity_id, AuditLog.action, AuditLog.staff_id)
                           .where(AuditLog.office_code == office_code, AuditLog.entity == "counter",
                                  AuditLog.action.in_((OPENED, CLOSED)), AuditLog.entity_id.in_(open_ids))
                           .order_by(AuditLog.at, AuditLog.id))
    for counter_id, action, staff_id in rows:
        if counter_id is not None:
            last[counter_id] = (action, staff_id)
    clerks = {staff_id for action, staff_id in last.values() if action == OPENED and staff_id is not None}
    active = set(session.scalars(select(Staff.id).where(Staff.id.in_(clerks), Staff.active))) if clerks else set()
    return frozenset(office.counters[cid].number for cid, (action, staff_id) in last.items()
                     if action == OPENED and staff_id in active)


def staffed_by_service(session: Session, office_code: str) -> dict[str, tuple[int, ...]]:
    """Each active service's code and the staffed counters serving it (empty: nobody is
    serving it right now, whatever counters are marked open)."""
    office = OfficeSnapshot.of(session, office_code)
    staffed = staffed_counters(session, office_code)
    return {s.code: tuple(c.number for c in office.serving(s.id) if c.number in staffed)
            for s in office.services.values() if s.active}


__all__ = ["staffed_by_service", "staffed_counters"]
