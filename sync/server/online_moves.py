"""Moving an online booking to another slot: book the new place, then give the old one back,
in the caller's one transaction — if the new slot is full nothing changes at all.

Kept apart from bookings.py: a move is two of its operations, nothing more (the office
pulls a cancelled booking and a new one, each with its own code and signed QR).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from core.errors import NotFound, TransitionError, ValidationError
from sync.server.bookings import (
    ENTITY,
    OnlineBooking,
    book_online,
    cancel_online,
    find_online,
)
from sync.server.models import utcnow
from sync.server.projection import Batch


def move_online(session: Session, office_code: str, appointment: uuid.UUID | str, new_slot_id: uuid.UUID | str, *,
                now: datetime | None = None) -> OnlineBooking:
    """Book ``new_slot_id`` for the same citizen and procedure, then cancel ``appointment``.

    Raises QuotaExceeded (new slot full), NotFound (also for another office's booking or
    slot), TransitionError (not booked any more), ValidationError (same slot, a slot of
    another service, or the new one is over) — the caller's transaction then rolls back,
    so the citizen keeps the old place. Which slots a citizen may choose (days off, the
    booking horizon) is the site's rule: sync/server/web/booking.py."""
    now = now or utcnow()
    appointment_id = find_online(session, office_code, appointment)
    row = Batch(session, office_code, now=now).find(ENTITY, appointment_id)  # OutOfScope: another office's
    if row is None or row.data.get("source") != "online":
        raise NotFound("no such online appointment", code="appointment_not_found")
    if row.status != "booked":
        raise TransitionError(f"the appointment is {row.status}, it cannot be moved", code="illegal_transition",
                              status=row.status)
    if str(row.data.get("slot_id")) == str(new_slot_id):
        raise ValidationError("the booking is already in this slot", field="slot", code="same_slot")
    citizen = row.data.get("citizen") or {}
    new = book_online(session, office_code, new_slot_id, full_name=citizen.get("full_name") or "",
                      phone=citizen.get("phone") or "", id_number=citizen.get("id_number") or None,
                      procedure_code=row.data.get("procedure_code"), now=now)
    cancel_online(session, office_code, appointment_id, reason=f"moved to {new.code}", now=now)
    return new


__all__ = ["move_online"]
