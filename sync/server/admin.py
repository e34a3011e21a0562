"""What the city's IT does, as functions (``motcua server`` is a thin shell over these):
create an office, make an enrollment code, revoke a device, and see each office's state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.text import nfc
from sync.server import auth
from sync.server.models import CentreDevice, CentreOffice, CentreOp, utcnow


def create_office(session: Session, code: str, *, name_vi: str, name_en: str, unit_id: str = "",
                  now: datetime | None = None) -> CentreOffice:
    code = code.strip()
    if not code or len(code) > 16:
        raise ValidationError("an office code is 1 to 16 characters", field="code")
    if session.get(CentreOffice, code) is not None:
        raise ValidationError(f"office {code} already exists", field="code", code="exists")
    office = CentreOffice(code=code, name_vi=nfc(name_vi), name_en=name_en, unit_id=unit_id,
                          created_at=now or utcnow())
    session.add(office)
    session.flush()
    return office


def enrollment_code(session: Session, office_code: str, *, valid_days: float = 7.0,
                    now: datetime | None = None) -> str:
    return auth.make_enrollment_code(session, office_code, valid_days=valid_days, now=now)


def revoke_device(session: Session, device_id: uuid.UUID, now: datetime | None = None) -> CentreDevice:
    return auth.revoke(session, device_id, now=now)


@dataclass(frozen=True)
class DeviceSummary:
    id: uuid.UUID
    name: str
    kind: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class OfficeSummary:
    code: str
    name_vi: str
    enrolled_at: datetime | None
    last_contact_at: datetime | None
    ops_applied: int
    ops_rejected: int
    ops_conflict: int
    devices: tuple[DeviceSummary, ...]

    @property
    def ops_received(self) -> int:
        return self.ops_applied + self.ops_rejected + self.ops_conflict


def offices(session: Session) -> list[OfficeSummary]:
    """Each office: last contact, ops received by verdict, devices."""
    counts: dict[tuple[str, str], int] = {
        (office, status): n for office, status, n in session.execute(
            select(CentreOp.office_code, CentreOp.status, func.count()).group_by(CentreOp.office_code, CentreOp.status))}
    devices: dict[str, list[DeviceSummary]] = {}
    for d in session.scalars(select(CentreDevice).order_by(CentreDevice.enrolled_at)):
        devices.setdefault(d.office_code, []).append(DeviceSummary(
            id=d.id, name=d.name, kind=d.kind, enrolled_at=d.enrolled_at, last_seen_at=d.last_seen_at,
            revoked=d.revoked_at is not None))
    return [OfficeSummary(code=o.code, name_vi=o.name_vi, enrolled_at=o.enrolled_at, last_contact_at=o.last_contact_at,
                          ops_applied=counts.get((o.code, "applied"), 0),
                          ops_rejected=counts.get((o.code, "rejected"), 0),
                          ops_conflict=counts.get((o.code, "conflict"), 0),
                          devices=tuple(devices.get(o.code, ())))
            for o in session.scalars(select(CentreOffice).order_by(CentreOffice.code))]


__all__ = ["DeviceSummary", "OfficeSummary", "create_office", "enrollment_code", "offices", "revoke_device"]
