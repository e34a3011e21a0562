"""The office's enrollment with the centre, as the database keeps it (docs/ARCHITECTURE.md §5, §6).

``motcua sync enroll`` trades a one-time code for a credential (sync/agent side); this
module stores what came back: the credential on the agent's own device row, the centre's
public keys as devices of kind ``centre`` (so kiosks and counters verify online-booking QR
codes offline, local_db/ops/signing.py), a "register" op for each key of the office's own
devices the outbox has not carried yet (so the centre learns the key ring of a ward that
ran on its own first), and ``Office.enrolled`` — from then on staff,
catalog and holidays belong to the centre (local_db/ops/staff.py refuses to edit them).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import DomainError, ValidationError
from core.i18n import lazy_gettext
from local_db.models import Device, Office, SyncStatus
from local_db.office_settings import get_office
from local_db.office_setup import ensure_device
from local_db.ops.signing import CENTRE_KIND, register_missing_keys

AGENT_KIND = "agent"
ENROLLMENT_KEY = "enrollment"


@dataclass(frozen=True)
class AgentDevice:
    """This machine's agent device: who the agent is, and the key it registers."""

    office_code: str
    device_id: uuid.UUID
    name: str
    public_key: str  # base64 of the raw Ed25519 public key


@dataclass(frozen=True)
class Enrollment:
    office_code: str
    device_id: uuid.UUID  # the local device row holding the credential
    credential: str
    server_url: str
    centre_device_id: str  # the id the centre gave this device (for the record)
    enrolled_at: datetime | None


def agent_device(session: Session, name: str) -> AgentDevice:
    """The agent's device row on this machine, made (with its key pair) on first use."""
    office = get_office(session)
    device = ensure_device(session, office.code, name, AGENT_KIND)
    return AgentDevice(office_code=office.code, device_id=device.id, name=device.name,
                       public_key=base64.b64encode(device.public_key).decode("ascii"))


def store_enrollment(session: Session, *, device_id: uuid.UUID, office_code: str, credential: str,
                     centre_public_keys: dict[str, str], server_url: str, centre_device_id: str,
                     now: datetime) -> Enrollment:
    """Keep the credential and the centre's keys, and mark the office enrolled.

    Refused when the centre enrolled the device into another office than this database's:
    the code was meant for another ward.
    """
    office = get_office(session)
    if office_code != office.code:
        raise DomainError(lazy_gettext("This enrollment code belongs to office {other}, but this database is office "
                                       "{ours}.", other=office_code, ours=office.code),
                          code="wrong_office", office_code=office_code)
    if not credential:
        raise ValidationError(lazy_gettext("The centre gave no credential."), code="no_credential")
    device = session.get(Device, device_id)
    if device is None or device.office_code != office.code:
        raise DomainError(lazy_gettext("This machine's device is not registered in the office database."),
                          code="no_device", device_id=str(device_id))
    device.credential = credential
    device.enrolled_at = now
    device.revoked = False
    for key_id, text in sorted(centre_public_keys.items()):
        store_centre_key(session, office.code, key_id, text)
    office_row = session.get(Office, office.id)
    assert office_row is not None
    office_row.enrolled = True
    value = {"server_url": server_url, "device_id": str(device_id), "centre_device_id": centre_device_id,
             "enrolled_at": now.isoformat()}
    row = session.get(SyncStatus, ENROLLMENT_KEY)
    if row is None:
        session.add(SyncStatus(key=ENROLLMENT_KEY, value=value, updated_at=now))
    else:
        row.value = value
        row.updated_at = now
    session.flush()
    register_missing_keys(session, office.code, now)
    return Enrollment(office_code=office.code, device_id=device_id, credential=credential, server_url=server_url,
                      centre_device_id=centre_device_id, enrolled_at=now)


def decode_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(lazy_gettext("A public key from the centre is not valid base64."), code="bad_key") from exc
    if len(raw) != 32:
        raise ValidationError(lazy_gettext("A public key from the centre is not an Ed25519 key."), code="bad_key")
    return raw


def store_centre_key(session: Session, office_code: str, key_id: str, text: str) -> None:
    """One of the centre's signing keys, kept once (by its key)."""
    raw = decode_key(text)
    if session.scalar(select(Device.id).where(Device.public_key == raw).limit(1)) is not None:
        return
    session.add(Device(office_code=office_code, name=f"centre-{key_id}"[:120], kind=CENTRE_KIND,
                       public_key=raw, private_key=None))
    session.flush()


def current_enrollment(session: Session) -> Enrollment | None:
    """The credential the agent uses, or None before enrollment (or after a revocation)."""
    office = get_office(session)
    device = session.scalars(select(Device).where(Device.office_code == office.code, Device.credential != "",
                                                  Device.private_key.is_not(None))
                             .order_by(Device.enrolled_at.desc()).limit(1)).first()
    if device is None:
        return None
    row = session.get(SyncStatus, ENROLLMENT_KEY)
    value = row.value if row is not None else {}
    return Enrollment(office_code=office.code, device_id=device.id, credential=device.credential,
                      server_url=str(value.get("server_url", "")),
                      centre_device_id=str(value.get("centre_device_id", "")), enrolled_at=device.enrolled_at)


__all__ = ["AGENT_KIND", "AgentDevice", "Enrollment", "agent_device", "current_enrollment", "decode_key",
           "store_centre_key", "store_enrollment"]
