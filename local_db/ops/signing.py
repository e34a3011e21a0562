"""The keys behind QR tokens: this device's signer and the office's key ring.

Every device signs the tokens it prints with its own Ed25519 key; a device verifies
offline against the public keys of its office's devices and of the centre (whose key signs
online bookings). A revoked device's key leaves the ring, so what it printed after a theft
no longer verifies.
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.tokens import KeyRing, Signer
from local_db.models import Device

CENTRE_KIND = "centre"


def device_signer(session: Session, device_id: uuid.UUID) -> Signer:
    """The signer of a device of this machine (one that holds its private key)."""
    device = session.get(Device, device_id)
    if device is None or device.private_key is None:
        raise NotFound("This device has no signing key on this machine.", code="no_signing_key")
    if device.revoked:
        raise NotFound("This device has been revoked and may not sign.", code="device_revoked")
    return Signer(device.private_key)


def office_key_ring(session: Session, office_code: str) -> KeyRing:
    """Public keys that may sign tokens valid in this office: its devices and the centre."""
    keys = session.scalars(
        select(Device.public_key).where(
            Device.revoked.is_(False),
            or_(Device.office_code == office_code, Device.kind == CENTRE_KIND),
        )
    )
    return KeyRing.from_public_keys(keys)
