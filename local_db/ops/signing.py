"""The keys behind QR tokens: this device's signer and the office's key ring.

Every device signs the tokens it prints with its own Ed25519 key; a device verifies
offline against the public keys of its office's devices and of the centre (whose key signs
online bookings). A revoked device's key leaves the ring, so what it printed after a theft
no longer verifies.

Each office device's public key also reaches the centre (so the central tracking page can
verify a receipt a counter signed): as an office-owned op of entity "device" (entity_id =
the Device id), op_type "register" when the key is made and "revoke" when it is revoked,
payload {office_code, name, kind, public_key (base64), revoked}. Keys made by
``office_setup.ensure_device`` are journalled by :func:`register_missing_keys`, which the
enrollment and every sync round call (cheap: one query when nothing is missing). The
centre's own keys and the agent's (registered at enrollment) never go this way.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound
from core.i18n import lazy_gettext
from core.tokens import KeyRing, Signer
from local_db import journal
from local_db.models import Device, Outbox
from local_db.ops.authority import requires_role

CENTRE_KIND = "centre"
AGENT_KIND = "agent"
NOT_REGISTERED_KINDS = (CENTRE_KIND, AGENT_KIND)  # the centre's keys; the agent's goes with its enrollment
ENTITY = "device"
KEY_ACTOR = "system"


@dataclass(frozen=True)
class DeviceKeyInfo:
    device_id: uuid.UUID
    name: str
    kind: str
    public_key: str  # base64
    revoked: bool
    op_id: uuid.UUID | None  # the op journalled now (None: nothing new to tell the centre)


def _payload(device: Device) -> dict[str, object]:
    return {"office_code": device.office_code, "name": device.name, "kind": device.kind,
            "public_key": base64.b64encode(device.public_key).decode("ascii"), "revoked": bool(device.revoked)}


def _info(device: Device, op_id: uuid.UUID | None) -> DeviceKeyInfo:
    payload = _payload(device)
    return DeviceKeyInfo(device_id=device.id, name=device.name, kind=device.kind, public_key=str(payload["public_key"]),
                         revoked=device.revoked, op_id=op_id)


def _key_actor(device: Device) -> Actor:
    return Actor(office_code=device.office_code, device_id=device.id, staff_id=None, label=KEY_ACTOR)


def _journal(session: Session, actor: Actor, device: Device, op_type: str, now: datetime) -> uuid.UUID:
    return journal.record(session, actor, entity=ENTITY, entity_id=device.id, op_type=op_type,
                          payload=_payload(device), now=now, to_state="revoked" if device.revoked else "active")


def _own(session: Session, device_id: uuid.UUID, office_code: str) -> Device:
    device = session.get(Device, device_id)
    if device is None or device.office_code != office_code or device.private_key is None:
        raise NotFound(lazy_gettext("No such device of this office."), code="unknown_device", device_id=str(device_id))
    return device


def register_device_key(session: Session, actor: Actor, device_id: uuid.UUID,
                        now: datetime | None = None) -> DeviceKeyInfo:
    """Journal a device's public key for the centre ("register"), once: a key already
    journalled (or a device the centre knows otherwise) records nothing new."""
    now = now or datetime.now(timezone.utc)
    device = _own(session, device_id, actor.office_code)
    if device.kind in NOT_REGISTERED_KINDS or _journalled(session, device.id):
        return _info(device, None)
    return _info(device, _journal(session, actor, device, "register", now))


@requires_role("admin")
def revoke_device_key(session: Session, actor: Actor, device_id: uuid.UUID,
                      now: datetime | None = None) -> DeviceKeyInfo:
    """Revoke a device of this office (admin): its key leaves the key ring here and, once
    synced, at the centre; what it signs from now on no longer verifies."""
    now = now or datetime.now(timezone.utc)
    device = _own(session, device_id, actor.office_code)
    if device.revoked:
        return _info(device, None)
    device.revoked = True
    session.flush()
    if device.kind in NOT_REGISTERED_KINDS:
        return _info(device, None)
    if not _journalled(session, device.id):  # the centre must know the key before it can drop it
        device.revoked = False
        _journal(session, _key_actor(device), device, "register", now)
        device.revoked = True
    return _info(device, _journal(session, actor, device, "revoke", now))


def _journalled(session: Session, device_id: uuid.UUID) -> bool:
    return session.scalar(select(Outbox.op_id).where(Outbox.entity == ENTITY, Outbox.entity_id == device_id)
                          .limit(1)) is not None


def _unjournalled(office_code: str) -> tuple[ColumnElement[bool], ...]:
    journalled = exists().where(Outbox.entity == ENTITY, Outbox.entity_id == Device.id)
    return (Device.office_code == office_code, Device.private_key.is_not(None),
            Device.kind.not_in(NOT_REGISTERED_KINDS), ~journalled)


def unregistered_keys(session: Session, office_code: str) -> int:
    """How many of this office's own device keys the outbox has never carried."""
    return int(session.scalar(select(func.count()).select_from(Device).where(*_unjournalled(office_code))) or 0)


def register_missing_keys(session: Session, office_code: str, now: datetime | None = None) -> list[DeviceKeyInfo]:
    """Journal every key of this office's own devices (those whose private key lives here,
    but the agent) that the outbox has never carried: a "register" op each (and a "revoke"
    after it for one already revoked). Called at enrollment and at every sync round."""
    now = now or datetime.now(timezone.utc)
    devices = session.scalars(select(Device).where(*_unjournalled(office_code))
                              .order_by(Device.created_at, Device.name)).all()
    done = []
    for device in devices:
        actor = _key_actor(device)
        if device.revoked:
            device.revoked = False
            _journal(session, actor, device, "register", now)
            device.revoked = True
            done.append(_info(device, _journal(session, actor, device, "revoke", now)))
        else:
            done.append(_info(device, _journal(session, actor, device, "register", now)))
    return done


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


__all__ = ["AGENT_KIND", "CENTRE_KIND", "DeviceKeyInfo", "device_signer", "office_key_ring", "register_device_key",
           "register_missing_keys", "revoke_device_key", "unregistered_keys"]
