"""Citizens: stored once, found again by CCCD or phone, and by folded name words."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.citizen import normalize_phone, validate_cccd
from core.errors import ValidationError
from core.i18n import lazy_gettext
from core.text import fold, nfc, search_tokens
from local_db.models import Citizen, CitizenNameToken

MAX_TOKEN = 60


@dataclass(frozen=True)
class CitizenInput:
    full_name: str
    cccd: str | None = None
    phone: str | None = None
    address: str = ""
    email: str = ""
    birth_date: date | None = None
    gender: str = ""


@dataclass(frozen=True)
class CitizenInfo:
    id: uuid.UUID
    full_name: str
    cccd: str | None
    phone: str | None
    address: str
    email: str
    birth_date: date | None
    gender: str


def citizen_info(c: Citizen) -> CitizenInfo:
    return CitizenInfo(id=c.id, full_name=c.full_name, cccd=c.cccd, phone=c.phone, address=c.address,
                       email=c.email, birth_date=c.birth_date, gender=c.gender)


GENDERS = {"male": "male", "nam": "male", "female": "female", "nu": "female", "": ""}


def clean(data: CitizenInput, *, today: date | None = None) -> CitizenInput:
    """Validate and normalise what a clerk or a citizen typed (NFC, CCCD, phone)."""
    name = " ".join(nfc(data.full_name).split())
    if not name:
        raise ValidationError(lazy_gettext("The full name cannot be empty"), field="full_name")
    cccd = validate_cccd(data.cccd, today=today) if data.cccd else None
    phone = normalize_phone(data.phone) if data.phone else None
    gender = GENDERS.get(fold(data.gender or ""))  # "Nam"/"Nữ" as printed on the ID card, or the code
    if gender is None:
        raise ValidationError(lazy_gettext("The gender must be male or female"), field="gender")
    return CitizenInput(full_name=name, cccd=cccd, phone=phone, address=" ".join(nfc(data.address).split()),
                        email=data.email.strip(), birth_date=data.birth_date, gender=gender)


def find_citizens(session: Session, office_code: str, *, cccd: str = "", phone: str = "", today: date | None = None,
                  limit: int = 5) -> list[CitizenInfo]:
    """Known citizens with this CCCD, or else this phone, newest first (several people may
    share a family phone). Nothing for a value that is not a valid number: the clerk is
    still typing it."""
    q = select(Citizen).where(Citizen.office_code == office_code)
    try:
        if cccd.strip():
            q = q.where(Citizen.cccd == validate_cccd(cccd, today=today))
        elif phone.strip():
            q = q.where(Citizen.phone == normalize_phone(phone))
        else:
            return []
    except ValidationError:
        return []
    return [citizen_info(c) for c in session.scalars(q.order_by(Citizen.updated_at.desc()).limit(limit))]


def upsert_citizen(session: Session, office_code: str, data: CitizenInput, *, today: date | None = None) -> Citizen:
    """The citizen with this CCCD (or, without one, this name and phone), created or updated.

    The person's data is stored once: a returning citizen's latest details replace the old
    ones, and their earlier dossiers point at the same row.
    """
    data = clean(data, today=today)
    citizen = None
    if data.cccd:
        citizen = session.scalars(select(Citizen).where(
            Citizen.office_code == office_code, Citizen.cccd == data.cccd)).first()
    elif data.phone:
        citizen = session.scalars(select(Citizen).where(
            Citizen.office_code == office_code, Citizen.phone == data.phone,
            Citizen.name_folded == fold(data.full_name))).first()
    if citizen is None:
        citizen = Citizen(office_code=office_code, full_name=data.full_name, name_folded=fold(data.full_name),
                          cccd=data.cccd, phone=data.phone, address=data.address, email=data.email,
                          birth_date=data.birth_date, gender=data.gender)
        session.add(citizen)
        session.flush()
        _write_tokens(session, citizen)
        return citizen
    renamed = citizen.full_name != data.full_name
    citizen.full_name = data.full_name
    citizen.name_folded = fold(data.full_name)
    citizen.phone = data.phone or citizen.phone
    citizen.address = data.address or citizen.address
    citizen.email = data.email or citizen.email
    citizen.birth_date = data.birth_date or citizen.birth_date
    citizen.gender = data.gender or citizen.gender
    if renamed:
        session.execute(delete(CitizenNameToken).where(CitizenNameToken.citizen_id == citizen.id))
        _write_tokens(session, citizen)
    session.flush()
    return citizen


def _write_tokens(session: Session, citizen: Citizen) -> None:
    for token in search_tokens(citizen.full_name):
        session.add(CitizenNameToken(token=token[:MAX_TOKEN], citizen_id=citizen.id))
