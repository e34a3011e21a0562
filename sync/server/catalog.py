"""What the centre owns and publishes: the procedure catalog (with its services), staff
accounts and the holiday table (docs/ARCHITECTURE.md §5 "Ownership").

Each publication upserts the centre's row and appends a change only when the row really
changed, so publishing the same catalog twice sends offices nothing new. Ids are derived
from natural keys (uuid5 of office + code, of the day), so the same procedure keeps its id
however often it is published, in every environment. The shapes of ``Change.data`` are
the columns of the office's tables (local_db/models/office.py), plus ``service_code`` on a
procedure so an office can match services it already had under its own ids.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationError
from core.passwords import hash_password
from core.text import fold, nfc
from core.working_calendar import national_holidays, national_makeup_days
from sync.server import changelog
from sync.server.database import lock_office
from sync.server.models import (
    CentreHoliday,
    CentreOffice,
    CentreProcedure,
    CentreService,
    CentreStaff,
    utcnow,
)
from sync.server.projection import jsonable

# The demo catalog shipped with the office app (read as a file: the centre never imports local_db).
DEMO_CATALOG = Path(__file__).resolve().parents[2] / "local_db" / "demo" / "procedures.json"
NAMESPACE = uuid.UUID("5f0c2d7e-6a53-4c4b-9a34-7d1e6f2b9c10")
STAFF_ROLES = ("clerk", "supervisor", "admin")


def stable_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def load_catalog(path: Path | None = None) -> list[dict[str, Any]]:
    rows = json.loads((path or DEMO_CATALOG).read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValidationError("a catalog file is a JSON list of procedures", field="catalog")
    return rows


@dataclass(frozen=True)
class Published:
    rows: int  # rows in the publication
    changed: int  # rows that were new or different (one change each)


def _office(session: Session, office_code: str) -> CentreOffice:
    office = session.get(CentreOffice, office_code)
    if office is None:
        raise NotFound(f"unknown office {office_code}", code="unknown_office")
    return office


def _columns(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return jsonable({name: getattr(row, name) for name in names})


SERVICE_COLUMNS = ("id", "office_code", "code", "prefix", "name_vi", "name_en", "sort_order", "active")
PROCEDURE_COLUMNS = ("id", "office_code", "code", "name_vi", "name_en", "name_folded", "field_vi", "field_en",
                     "service_id", "processing", "fee_rule", "fee_note", "documents", "online_level", "active")


def _upsert(session: Session, model: type, key: uuid.UUID, values: dict[str, Any]) -> tuple[Any, bool]:
    row = session.get(model, key)
    if row is None:
        row = model(id=key, **values)
        session.add(row)
        session.flush()
        return row, True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    session.flush()
    return row, changed


def publish_catalog(session: Session, office_code: str, rows: list[dict[str, Any]] | None = None,
                    now: datetime | None = None) -> Published:
    """Publish the procedures (and the services they name) to one office."""
    now = now or utcnow()
    _office(session, office_code)
    lock_office(session, office_code)
    rows = load_catalog() if rows is None else rows
    services: dict[str, CentreService] = {}
    changed = 0
    for row in rows:
        svc = row.get("service") or {"code": row["service_code"], "ticket_prefix": row.get("ticket_prefix", ""),
                                     "name_vi": row.get("field_vi", ""), "name_en": row.get("field_en", "")}
        code = svc["code"]
        if code in services:
            continue
        service, was_changed = _upsert(session, CentreService, stable_id(office_code, "service", code), {
            "office_code": office_code, "code": code, "prefix": svc.get("ticket_prefix") or row.get("ticket_prefix"),
            "name_vi": nfc(svc["name_vi"]), "name_en": svc["name_en"], "sort_order": len(services), "active": True})
        services[code] = service
        if was_changed:
            changed += 1
            changelog.append(session, office_code, "service", service.id, _columns(service, SERVICE_COLUMNS), now=now)
    for row in rows:
        service = services[(row.get("service") or {}).get("code") or row["service_code"]]
        proc, was_changed = _upsert(session, CentreProcedure, stable_id(office_code, "procedure", row["code"]), {
            "office_code": office_code, "code": row["code"], "name_vi": nfc(row["name_vi"]), "name_en": row["name_en"],
            "name_folded": fold(row["name_vi"]), "field_vi": nfc(row["field_vi"]), "field_en": row["field_en"],
            "service_id": service.id, "processing": row["processing"], "fee_rule": row["fee"],
            "fee_note": row.get("fee_note", ""), "documents": row["documents"],
            "online_level": int(row.get("online_level", 2)), "active": True})
        if was_changed:
            changed += 1
            changelog.append(session, office_code, "procedure", proc.id,
                             {**_columns(proc, PROCEDURE_COLUMNS), "service_code": service.code}, now=now)
    return Published(rows=len(services) + len(rows), changed=changed)


def holiday_data(h: CentreHoliday) -> dict[str, Any]:
    return jsonable({"id": h.id, "office_code": None, "day": h.day, "name": h.name, "kind": h.kind,
                     "source": h.source})


def publish_holidays(session: Session, year: int, now: datetime | None = None) -> Published:
    """Publish Vietnam's national days off and make-up working days of ``year`` (the
    ``holidays`` package's calendar, as core/working_calendar.py reads it) to every office:
    ``office_code`` is None in the change and its data (the office files them as its own)."""
    now = now or utcnow()
    changed = total = 0
    for kind, days in (("day_off", national_holidays(year)), ("working_day", national_makeup_days(year))):
        for day, name in days:
            total += 1
            existing = session.scalars(select(CentreHoliday).where(CentreHoliday.day == day)).first()
            key = existing.id if existing is not None else stable_id("holiday", day.isoformat())
            holiday, was_changed = _upsert(session, CentreHoliday, key,
                                           {"day": day, "name": name, "kind": kind, "source": "national"})
            if was_changed:
                changed += 1
                changelog.append(session, None, "holiday", holiday.id, holiday_data(holiday), now=now)
    return Published(rows=total, changed=changed)


def staff_data(s: CentreStaff) -> dict[str, Any]:
    return jsonable({"id": s.id, "office_code": s.office_code, "username": s.username, "full_name": s.full_name,
                     "role": s.role, "active": s.active, "password_hash": s.password_hash})


def upsert_staff(session: Session, office_code: str, username: str, *, full_name: str | None = None,
                 role: str | None = None, password: str | None = None, active: bool | None = None,
                 now: datetime | None = None) -> dict[str, Any]:
    """Create or change a staff account of an office (the hash goes to the office, so the
    person can sign in there offline)."""
    now = now or utcnow()
    _office(session, office_code)
    if role is not None and role not in STAFF_ROLES:
        raise ValidationError(f"role must be one of {', '.join(STAFF_ROLES)}", field="role")
    staff = session.scalars(select(CentreStaff).where(CentreStaff.office_code == office_code,
                                                      CentreStaff.username == username)).first()
    if staff is None:
        if not (full_name and role and password):
            raise ValidationError("a new account needs a full name, a role and a password", field="staff")
        staff = CentreStaff(id=stable_id(office_code, "staff", username), office_code=office_code, username=username,
                            full_name=nfc(full_name), role=role, active=True, password_hash=hash_password(password))
        session.add(staff)
    else:
        if full_name is not None:
            staff.full_name = nfc(full_name)
        if role is not None:
            staff.role = role
        if password is not None:
            staff.password_hash = hash_password(password)
        if active is not None:
            staff.active = active
    session.flush()
    data = staff_data(staff)
    changelog.append(session, office_code, "staff", staff.id, data, now=now)
    return data


__all__ = ["DEMO_CATALOG", "Published", "holiday_data", "load_catalog", "publish_catalog", "publish_holidays",
           "stable_id", "staff_data", "upsert_staff"]
