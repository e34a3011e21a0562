"""Building an office in its database: the office row, services, counters, catalog, staff,
devices. Used by the demo seed, the tests and (later) the admin screens and enrollment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import ValidationError
from core.keys import generate_keypair
from core.passwords import hash_password
from core.text import fold, nfc
from core.working_calendar import national_holidays, national_makeup_days
from local_db.base import utcnow
from local_db.models import Counter, Device, Holiday, Office, Procedure, Service, Staff

DEMO_CATALOG = Path(__file__).with_name("demo") / "procedures.json"
STAFF_ROLES = ("clerk", "supervisor", "admin")


def load_demo_catalog() -> list[dict[str, Any]]:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


def create_office(session: Session, *, code: str, unit_id: str, name_vi: str, name_en: str,
                  parent_name_vi: str = "", address: str = "", phone: str = "") -> Office:
    office = Office(code=code, unit_id=unit_id, name_vi=nfc(name_vi), name_en=name_en,
                    parent_name_vi=nfc(parent_name_vi), address=nfc(address), phone=phone)
    session.add(office)
    session.flush()
    return office


def add_service(session: Session, office_code: str, *, code: str, prefix: str, name_vi: str,
                name_en: str, sort_order: int = 0) -> Service:
    if not (1 <= len(prefix) <= 2 and prefix.isalpha() and prefix.isupper()):
        raise ValidationError("a ticket prefix is one or two capital letters", field="prefix")
    service = Service(office_code=office_code, code=code, prefix=prefix, name_vi=nfc(name_vi),
                      name_en=name_en, sort_order=sort_order)
    session.add(service)
    session.flush()
    return service


def add_counter(session: Session, office_code: str, *, number: int, services: list[Service],
                name: str = "", is_open: bool = True) -> Counter:
    counter = Counter(office_code=office_code, number=number, name=nfc(name) or f"Quầy {number}",
                      is_open=is_open, services=list(services))
    session.add(counter)
    session.flush()
    return counter


def add_procedure(session: Session, office_code: str, row: dict[str, Any], service: Service) -> Procedure:
    """One catalog row in the demo catalog's JSON shape (local_db/demo/procedures.json)."""
    proc = Procedure(
        office_code=office_code, code=row["code"], name_vi=nfc(row["name_vi"]), name_en=row["name_en"],
        name_folded=fold(row["name_vi"]), field_vi=nfc(row["field_vi"]), field_en=row["field_en"],
        service_id=service.id, processing=row["processing"], fee_rule=row["fee"],
        fee_note=row.get("fee_note", ""), documents=row["documents"],
        online_level=int(row.get("online_level", 2)),
    )
    session.add(proc)
    session.flush()
    return proc


def add_staff(session: Session, office_code: str, *, username: str, full_name: str, role: str,
              password: str) -> Staff:
    if role not in STAFF_ROLES:
        raise ValidationError(f"role must be one of {', '.join(STAFF_ROLES)}", field="role")
    staff = Staff(office_code=office_code, username=username, full_name=nfc(full_name), role=role,
                  password_hash=hash_password(password))
    session.add(staff)
    session.flush()
    return staff


def ensure_device(session: Session, office_code: str, name: str, kind: str) -> Device:
    """This machine's device row, with a fresh Ed25519 key pair the first time."""
    device = session.scalars(select(Device).where(Device.name == name)).first()
    if device is None:
        private, public = generate_keypair()
        device = Device(office_code=office_code, name=name, kind=kind, public_key=public, private_key=private)
        session.add(device)
        session.flush()
    return device


def seed_national_holidays(session: Session, office_code: str, years: list[int]) -> int:
    """Copy the national days off and make-up working days of these years into the office's
    editable table, where the supervisor adds each year's announcements."""
    existing = set(session.scalars(select(Holiday.day).where(Holiday.office_code == office_code)))
    added = 0
    for year in years:
        for kind, days in (("day_off", national_holidays(year)), ("working_day", national_makeup_days(year))):
            for day, name in days:
                if day not in existing:
                    session.add(Holiday(office_code=office_code, day=day, name=name, kind=kind, source="national"))
                    existing.add(day)
                    added += 1
    session.flush()
    return added


@dataclass(frozen=True)
class OfficeRefs:
    """Plain references to a small office, handy for tests and scripts."""

    office_code: str
    device_id: uuid.UUID
    services: dict[str, uuid.UUID]  # service code -> id
    counters: dict[int, uuid.UUID]  # counter number -> id
    procedures: dict[str, uuid.UUID]  # national code -> id
    staff: dict[str, uuid.UUID]  # username -> id

    def actor(self, username: str | None = None, label: str = "") -> Actor:
        staff_id = self.staff[username] if username else None
        return Actor(office_code=self.office_code, device_id=self.device_id, staff_id=staff_id,
                     label=label or username or "kiosk")


DEMO_SERVICES = [
    # code, prefix, vi, en
    ("HT", "A", "Hộ tịch", "Civil status"),
    ("CT", "B", "Chứng thực", "Attestation"),
    ("KD", "C", "Đăng ký kinh doanh", "Business registration"),
    ("XH", "D", "Bảo trợ xã hội", "Social protection"),
    ("TK", "E", "Trả kết quả", "Result return"),
]
DEMO_STAFF = [
    # username, full name, role
    ("admin", "Trần Quốc Minh", "admin"),
    ("giamsat", "Lê Thị Thu Hà", "supervisor"),
    ("canbo1", "Nguyễn Văn Hoà", "clerk"),
    ("canbo2", "Phạm Thị Thuỷ", "clerk"),
]
# counter number -> services it serves
DEMO_COUNTERS = {1: ["HT", "TK"], 2: ["HT", "CT"], 3: ["CT", "KD", "TK"], 4: ["XH", "KD", "HT"]}


def build_office(session: Session, *, code: str = "00004", unit_id: str = "000.00.04.H26",
                 name_vi: str = "UBND Phường Ba Đình", name_en: str = "Ba Dinh Ward People's Committee",
                 device_name: str = "test-device", staff_password: str = "matkhau123",
                 staff_passwords: dict[str, str] | None = None, now: datetime | None = None) -> OfficeRefs:
    """A complete office (services, counters, catalog, staff, a device) in one call."""
    now = now or utcnow()
    create_office(session, code=code, unit_id=unit_id, name_vi=name_vi, name_en=name_en,
                  parent_name_vi="UBND Thành phố Hà Nội", address="Số 1 Đội Cấn, Phường Ba Đình, Hà Nội",
                  phone="02438234567")
    services = {}
    for order, (scode, prefix, vi, en) in enumerate(DEMO_SERVICES):
        services[scode] = add_service(session, code, code=scode, prefix=prefix, name_vi=vi, name_en=en,
                                      sort_order=order)
    counters = {n: add_counter(session, code, number=n, services=[services[s] for s in codes])
                for n, codes in DEMO_COUNTERS.items()}
    procedures = {row["code"]: add_procedure(session, code, row, services[row["service_code"]])
                  for row in load_demo_catalog()}
    passwords = staff_passwords or {}
    staff = {
        username: add_staff(session, code, username=username, full_name=full_name, role=role,
                            password=passwords.get(username, staff_password))
        for username, full_name, role in DEMO_STAFF
    }
    device = ensure_device(session, code, device_name, "counter")
    seed_national_holidays(session, code, [now.year - 1, now.year, now.year + 1])
    return OfficeRefs(
        office_code=code, device_id=device.id,
        services={k: v.id for k, v in services.items()},
        counters={k: v.id for k, v in counters.items()},
        procedures={k: v.id for k, v in procedures.items()},
        staff={k: v.id for k, v in staff.items()},
    )
