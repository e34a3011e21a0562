"""Enrollment and device credentials (docs/ARCHITECTURE.md §5 "Device identity").

The city's IT makes a one-time code for an office (``motcua server enroll-code``); a device
trades it for a credential once. The centre keeps only SHA-256 hashes of codes and
credentials — they are long random strings, so a plain hash is enough (a slow password hash
would only slow every request) and a stolen backup holds nothing that opens the API.
Revoking a device, or its credential expiring, makes every request of it a 401: the agent
keeps its ops and waits for a new enrollment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import DomainError, NotFound, ValidationError
from core.ids import new_id
from sync.protocol import EnrollRequest, EnrollResponse
from sync.server import changelog
from sync.server.keys import centre_public_keys, device_data
from sync.server.models import CentreDevice, CentreEnrollment, CentreOffice, utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I: read out on the phone
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
DEVICE_KINDS = ("counter", "kiosk", "display", "agent")


class Unauthorized(DomainError):
    """No valid credential (unknown, revoked, expired) or enrollment code: HTTP 401."""

    code = "unauthorized"


@dataclass(frozen=True)
class DeviceRef:
    """The authenticated caller of a request."""

    id: uuid.UUID
    office_code: str
    kind: str
    name: str


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def make_enrollment_code(session: Session, office_code: str, *, valid_days: float = 7.0,
                         now: datetime | None = None) -> str:
    """A new one-time code for ``office_code`` (shown once: only its hash is kept)."""
    now = now or utcnow()
    if session.get(CentreOffice, office_code) is None:
        raise NotFound(f"unknown office {office_code}", code="unknown_office", office_code=office_code)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    session.add(CentreEnrollment(code_hash=sha256_hex(raw), office_code=office_code, created_at=now,
                                 expires_at=now + timedelta(days=valid_days)))
    session.flush()
    return "-".join(raw[i:i + CODE_GROUP_LENGTH] for i in range(0, len(raw), CODE_GROUP_LENGTH))


def _public_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("public_key is not base64", field="public_key") from exc
    if len(key) != 32:
        raise ValidationError("public_key must be a raw 32-byte Ed25519 key", field="public_key")
    return key


def enroll(session: Session, request: EnrollRequest, *, credential_days: float | None = None,
           now: datetime | None = None) -> EnrollResponse:
    """Trade a one-time code for a credential; register the device and publish its key."""
    now = now or utcnow()
    if request.device_kind not in DEVICE_KINDS:
        raise ValidationError(f"device_kind must be one of {', '.join(DEVICE_KINDS)}", field="device_kind")
    public_key = _public_key(request.public_key)
    code_hash = sha256_hex(normalise_code(request.code))
    device_id = new_id()
    # One conditional UPDATE takes the code: two devices racing with it cannot both win.
    taken = session.execute(
        update(CentreEnrollment)
        .where(CentreEnrollment.code_hash == code_hash, CentreEnrollment.used_at.is_(None),
               CentreEnrollment.expires_at > now)
        .values(used_at=now, device_id=device_id)
        .returning(CentreEnrollment.office_code)).first()
    if taken is None:
        raise Unauthorized("enrollment code unknown, already used or expired", code="bad_enrollment_code")
    office = session.get(CentreOffice, taken[0])
    assert office is not None
    credential = secrets.token_urlsafe(32)
    expires = now + timedelta(days=credential_days) if credential_days else None
    session.add(CentreDevice(id=device_id, office_code=office.code, name=request.device_name,
                             kind=request.device_kind, public_key=public_key,
                             credential_hash=sha256_hex(credential), enrolled_at=now, expires_at=expires))
    if office.enrolled_at is None:
        office.enrolled_at = now
    session.flush()
    changelog.append(session, office.code, "device", device_id,
                     device_data(device_id, office.code, request.device_name, request.device_kind, public_key,
                                 revoked=False), now=now)
    return EnrollResponse(device_id=device_id, office_code=office.code, credential=credential,
                          centre_public_keys=centre_public_keys(session))


def authenticate(session: Session, authorization: str | None, now: datetime | None = None) -> DeviceRef:
    """The device a ``Bearer`` credential belongs to, or :class:`Unauthorized`."""
    now = now or utcnow()
    scheme, _, credential = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Unauthorized("a Bearer credential is required", code="no_credential")
    device = session.scalars(select(CentreDevice).where(
        CentreDevice.credential_hash == sha256_hex(credential.strip()))).first()
    if device is None:
        raise Unauthorized("unknown credential", code="unknown_credential")
    if device.revoked_at is not None:
        raise Unauthorized("this device has been revoked", code="revoked")
    if device.expires_at is not None and device.expires_at <= now:
        raise Unauthorized("this device's credential has expired", code="expired")
    return DeviceRef(id=device.id, office_code=device.office_code, kind=device.kind, name=device.name)


def touch(session: Session, device: DeviceRef, now: datetime | None = None) -> None:
    """Record the contact (for ``motcua server offices``)."""
    now = now or utcnow()
    session.execute(update(CentreDevice).where(CentreDevice.id == device.id).values(last_seen_at=now)
                    .execution_options(synchronize_session=False))
    session.execute(update(CentreOffice).where(CentreOffice.code == device.office_code)
                    .values(last_contact_at=now).execution_options(synchronize_session=False))


def revoke(session: Session, device_id: uuid.UUID, now: datetime | None = None) -> CentreDevice:
    """Revoke a device: its credential stops working, and its key leaves the key ring."""
    now = now or utcnow()
    device = session.get(CentreDevice, device_id)
    if device is None:
        raise NotFound(f"unknown device {device_id}", code="unknown_device")
    if device.revoked_at is None:
        device.revoked_at = now
        session.flush()
        changelog.append(session, device.office_code, "device", device.id,
                         device_data(device.id, device.office_code, device.name, device.kind, device.public_key,
                                     revoked=True), now=now)
    return device


__all__ = ["DeviceRef", "Unauthorized", "authenticate", "enroll", "make_enrollment_code", "normalise_code",
           "revoke", "sha256_hex", "touch"]
