"""Checking a scanned token against the office: its keys, and what the database knows.

:func:`core.tokens.verify` proves the token offline (signature, office, expiry) against
the office's key ring (its devices that are not revoked, and the centre); this module
adds "already used" from the office database. Read-only: it changes nothing, so a kiosk
can check a code as often as a citizen scans it.

When is a token used up?

* **Ticket**: once its citizen has been dealt with: ``done`` (served and finished) or
  ``no_show`` (called and did not come; the queue has no way back from that). A
  ``waiting``, ``called`` or ``serving`` ticket is *not* used: the citizen scans it to see
  their place, or to find which counter called them.
* **Appointment**: once it is no longer ``booked``: ``checked_in`` (its ticket was issued),
  ``cancelled`` or ``no_show``. A cancelled appointment must not check in through an old
  printout, and a no-show one has had its window closed. Each gets its own message,
  because "already checked in" would be untrue for a cancelled booking. An appointment
  the office database does not know (an online booking not pulled yet) is valid: the
  token itself carries the office, service and window, so the kiosk can check it in.
* **Receipt**: never; a receipt is scanned to track its dossier for as long as it exists.

A token whose entity is not in the database at all is not used (see above; for a ticket
this cannot happen in one office database unless its issuing transaction rolled back).
The ID card (CCCD) QR is not a token and is not checked here (core.scanned classifies it).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.appointment_states import AppointmentStatus
from core.i18n import LANGUAGES, _, language
from core.scanned import ScanKind, token_kind
from core.ticket_states import FINISHED, TicketStatus
from core.tokens import Result, Verification, extract_token, verify
from local_db.models import Appointment, Ticket
from local_db.ops.signing import office_key_ring

#: Ticket statuses after which its QR is used up.
TICKET_USED = FINISHED
#: Appointment statuses after which its QR is used up (everything but "booked").
APPOINTMENT_USED = frozenset(AppointmentStatus) - {AppointmentStatus.BOOKED}


def _status(session: Session, kind: ScanKind | None, entity_id: uuid.UUID) -> str | None:
    if kind is ScanKind.TICKET:
        return session.scalar(select(Ticket.status).where(Ticket.id == entity_id))
    if kind is ScanKind.APPOINTMENT:
        return session.scalar(select(Appointment.status).where(Appointment.id == entity_id))
    return None


def _used(kind: ScanKind | None, status: str | None) -> bool:
    if kind is ScanKind.TICKET:
        return status in TICKET_USED
    if kind is ScanKind.APPOINTMENT:
        return status in APPOINTMENT_USED
    return False  # a receipt is never used up


def _used_message(kind: ScanKind | None, status: str | None) -> str | None:
    """A more precise message than verify's for some used states (None: keep verify's)."""
    if kind is ScanKind.TICKET and status == TicketStatus.NO_SHOW:
        return _(
            "This queue number was called but nobody came to the counter, so it can no longer "
            "be used. Please take a new number."
        )
    if kind is ScanKind.APPOINTMENT and status == AppointmentStatus.CANCELLED:
        return _("This appointment has been cancelled. Please book again or take a queue number.")
    if kind is ScanKind.APPOINTMENT and status == AppointmentStatus.NO_SHOW:
        return _(
            "This appointment was marked as missed (nobody came in time), so it can no longer be used. "
            "Please book again or take a queue number."
        )
    return None


def check_scan(
    session: Session,
    office_code: str,
    text: str,
    *,
    now: datetime,
    expect_kind: type | None = None,
) -> Verification:
    """Verify a scanned token (bare or receipt URL) for ``office_code``; never raises for any
    ``text``. ``expect_kind`` (TicketToken, AppointmentToken, ReceiptToken) makes any other
    kind NOT_OURS, naming what was scanned. A naive ``now`` is a caller bug (ValidationError).
    """
    token = extract_token(text)
    kind = token_kind(token) if token is not None else None
    seen: dict[str, str | None] = {}

    def used(entity_id: uuid.UUID) -> bool:
        # Asked by verify only once the signature is proven, so ``kind`` (from the signed
        # header) is proven too.
        seen["status"] = status = _status(session, kind, entity_id)
        return _used(kind, status)

    ring = office_key_ring(session, office_code)
    result = verify(text, ring, office_code=office_code, now=now, used=used, expect_kind=expect_kind)
    if result.result is Result.ALREADY_USED:
        messages = {}
        for lang in LANGUAGES:
            with language(lang):
                messages[lang] = _used_message(kind, seen.get("status")) or result.messages[lang]
        result = replace(result, messages=messages)
    return result


__all__ = ["APPOINTMENT_USED", "TICKET_USED", "check_scan"]
