"""Office scope at the centre: whatever a caller names, it reaches only its own office's.

Every caller of the centre acts for one office: a device for the office it enrolled in, a
citizen's private link for the office of its booking, a receipt for the office whose key
signed it. Ids are no secret (slot ids are on the public booking pages, dossier ids in the
receipts' QR codes), so every lookup of an office's entity — slot, booking, dossier,
device, blob, change — takes the caller's office and refuses an entity of another with
:class:`OutOfScope`. It is a :class:`~core.errors.NotFound`: a central action or a page
answers "not found", exactly as for an id that does not exist, and the push turns it into
a ``rejected`` op with code ``wrong_office`` and a reason the office's staff can read.

The stores call :func:`require` (sync/server/slots.py, projection.py); the push asks
:func:`device_offices` who owns the devices its ops name (apply.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.i18n import N_, _
from sync.server.models import CentreDevice, CentreEntity

WRONG_OFFICE = "wrong_office"

# What a refused op named, as its reason says it (entity kinds and the slot store).
KIND_WORDS = {
    "slot": N_("an appointment slot"),
    "appointment": N_("an appointment"),
    "dossier": N_("a dossier"),
    "device": N_("a device"),
}


class OutOfScope(NotFound):
    """An entity of another office named by a caller: refused exactly like one that does not exist."""

    code = WRONG_OFFICE

    def __init__(self, kind: str, entity_id: uuid.UUID | str) -> None:
        super().__init__(f"no such {kind} {entity_id}", code=WRONG_OFFICE, kind=kind, entity_id=str(entity_id))
        self.kind = kind

    def reason(self) -> str:
        """Why the office's op was refused (rendered where it is stored, like every reason)."""
        words = KIND_WORDS.get(self.kind)
        if words is None:
            return _("This operation belongs to another office.")
        return _("This operation names {what} of another office; it was not applied.").format(what=_(words))


def belongs(office_code: str, owner: str | None) -> bool:
    """Whether an entity owned by ``owner`` is the caller's office's (for reads that answer
    None, "not found", rather than raise)."""
    return owner == office_code


def require(office_code: str, owner: str | None, kind: str, entity_id: uuid.UUID | str) -> None:
    """Refuse (:class:`OutOfScope`) an entity owned by another office than the caller's."""
    if owner is not None and owner != office_code:
        raise OutOfScope(kind, entity_id)


def device_offices(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The office of each device id the centre knows: enrolled devices (agents) first, then
    the office devices (kiosks, counters) offices registered by push."""
    wanted = set(ids)
    if not wanted:
        return {}
    owners = {row.entity_id: row.office_code for row in session.execute(
        select(CentreEntity.entity_id, CentreEntity.office_code).where(
            CentreEntity.entity == "device", CentreEntity.entity_id.in_(wanted)))}
    owners.update({row.id: row.office_code for row in session.execute(
        select(CentreDevice.id, CentreDevice.office_code).where(CentreDevice.id.in_(wanted)))})
    return owners


__all__ = ["KIND_WORDS", "WRONG_OFFICE", "OutOfScope", "belongs", "device_offices", "require"]
