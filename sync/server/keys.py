"""The centre's own Ed25519 key: it signs online bookings' QR tokens (docs/ARCHITECTURE.md §6).

Made on first use and published as a "device" change of kind "centre" for every office, so
a kiosk can verify an online booking's QR offline, even one it has not pulled yet.

And each office's key ring (:func:`office_key_ring`): the public keys of its devices
(counters, kiosks), which reach the centre as office-owned "device" ops (sync/server/apply.py),
so the central tracking page can verify a receipt QR a counter signed.
"""

from __future__ import annotations

import base64
import binascii
import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ids import new_id
from core.keys import generate_keypair
from core.tokens import KeyRing, Signer, key_id_of
from sync.server import changelog
from sync.server.models import CentreEntity, CentreKey, utcnow

log = logging.getLogger(__name__)

CENTRE_DEVICE_NAME = "centre"


def _active(session: Session) -> CentreKey | None:
    return session.scalars(select(CentreKey).where(CentreKey.retired_at.is_(None))
                           .order_by(CentreKey.created_at.desc()).limit(1)).first()


def ensure_centre_key(session: Session, now: datetime | None = None) -> CentreKey:
    """The active key, made (and published) the first time it is needed."""
    key = _active(session)
    if key is not None:
        return key
    now = now or utcnow()
    changelog.lock(session)  # two first requests at once must not make two keys
    key = _active(session)
    if key is not None:
        return key
    private, public = generate_keypair()
    key = CentreKey(id=new_id(), private_key=private, public_key=public, created_at=now)
    session.add(key)
    session.flush()
    changelog.append(session, None, "device", key.id, device_data(key.id, None, CENTRE_DEVICE_NAME, "centre",
                                                                  public, revoked=False), now=now)
    return key


def centre_signer(session: Session) -> Signer:
    return Signer(ensure_centre_key(session).private_key)


def centre_public_keys(session: Session) -> dict[str, str]:
    """Key id (hex) -> base64 public key, for every centre key not retired."""
    ensure_centre_key(session)
    keys = session.scalars(select(CentreKey).where(CentreKey.retired_at.is_(None)))
    return {key_id_of(k.public_key).hex(): base64.b64encode(k.public_key).decode() for k in keys}


def device_data(device_id: uuid.UUID, office_code: str | None, name: str, kind: str, public_key: bytes,
                *, revoked: bool) -> dict[str, object]:
    """A "device" change: one key of an office's key ring (or the centre's own)."""
    return {"id": str(device_id), "office_code": office_code, "name": name, "kind": kind,
            "public_key": base64.b64encode(public_key).decode(), "revoked": revoked}


def office_key_ring(session: Session, office_code: str) -> KeyRing:
    """The public keys of ``office_code``'s devices that are not revoked, as the office
    registered them ("device" ops, kept in ``centre_entity``). A key that does not decode is
    left out (logged): one bad row never stops a receipt from being checked."""
    keys: list[bytes] = []
    rows = session.scalars(select(CentreEntity.data).where(CentreEntity.office_code == office_code,
                                                         CentreEntity.entity == "device"))
    for data in rows:
        data = data or {}
        if data.get("revoked") or data.get("kind") in ("centre", "agent") or not data.get("public_key"):
            continue
        try:
            key = base64.b64decode(str(data["public_key"]), validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            log.warning("office %s: a device key that is not a raw Ed25519 key is left out", office_code)
            continue
        keys.append(key)
    return KeyRing.from_public_keys(keys)


__all__ = ["CENTRE_DEVICE_NAME", "centre_public_keys", "centre_signer", "device_data", "ensure_centre_key",
           "office_key_ring"]
