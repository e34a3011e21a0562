"""What the web pages read from the centre database (plain frozen rows, no ORM objects).

Office scope (sync/server/scope.py): every read of an office's entity takes the office the
caller acts for — the office in the URL, the office of a booking's private link, the
office whose key signed a receipt — and another office's is simply not found.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.text import fold, search_tokens
from core.tokens import KeyRing
from core.working_calendar import OFFICE_TZ
from sync.server.keys import office_key_ring
from sync.server.scope import belongs
from sync.server.models import (
    CentreEntity,
    CentreHoliday,
    CentreOffice,
    CentreOp,
    CentreProcedure,
    CentreService,
    CentreSlot,
    CentreWebBooking,
)


@dataclass(frozen=True)
class Office:
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Procedure:
    code: str
    name_vi: str
    name_en: str
    field_vi: str
    field_en: str
    service_id: uuid.UUID
    service_code: str
    documents: tuple[tuple[str, bool], ...]  # (name, required)


class _Window:
    """A day's time window (a slot, a booking) as office-local moments."""

    day: date
    start_time: time
    end_time: time

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, self.start_time, tzinfo=OFFICE_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.day, self.end_time, tzinfo=OFFICE_TZ)


@dataclass(frozen=True)
class Slot(_Window):
    id: uuid.UUID
    day: date
    start_time: time
    end_time: time
    left: int  # online places left


def offices(session: Session) -> list[Office]:
    rows = session.scalars(select(CentreOffice).order_by(CentreOffice.name_vi, CentreOffice.code))
    return [Office(r.code, r.name_vi, r.name_en) for r in rows]


def office(session: Session, code: str) -> Office | None:
    row = session.get(CentreOffice, code)
    return Office(row.code, row.name_vi, row.name_en) if row is not None else None


def _procedure(row: CentreProcedure, service_code: str) -> Procedure:
    docs = tuple((str(d.get("name", "")), bool(d.get("required", True))) if isinstance(d, dict) else (str(d), True)
                 for d in (row.documents or []))
    return Procedure(row.code, row.name_vi, row.name_en, row.field_vi, row.field_en, row.service_id, service_code, docs)


def procedures(session: Session, office_code: str, query: str = "") -> list[Procedure]:
    """The office's active procedures whose name (either language), field or code holds
    every word of ``query``, diacritics folded ("khai sinh" finds "Đăng ký khai sinh")."""
    words = search_tokens(query)
    rows = session.execute(select(CentreProcedure, CentreService.code).join(
        CentreService, CentreService.id == CentreProcedure.service_id).where(
        CentreProcedure.office_code == office_code, CentreProcedure.active.is_(True)))
    found = []
    for row, service_code in rows:
        haystack = " ".join(search_tokens(" ".join((row.name_folded or fold(row.name_vi), row.name_en, row.field_vi,
                                                    row.field_en, row.code))))
        if all(word in haystack for word in words):
            found.append(_procedure(row, service_code))
    # Alphabetical as a Vietnamese reader expects ("Đăng ký" among the D's, not after Z).
    found.sort(key=lambda p: (fold(p.field_vi), fold(p.name_vi)))
    return found


def procedure(session: Session, office_code: str, code: str) -> Procedure | None:
    found = session.execute(select(CentreProcedure, CentreService.code).join(
        CentreService, CentreService.id == CentreProcedure.service_id).where(
        CentreProcedure.office_code == office_code, CentreProcedure.code == code)).first()
    return _procedure(found[0], found[1]) if found is not None else None


_SLOT_COLUMNS = (CentreSlot.id, CentreSlot.day, CentreSlot.start_time, CentreSlot.end_time,
                 CentreSlot.online_quota - CentreSlot.online_booked)
# What the site offers for a procedure: the office's slots of the procedure's service in the
# booking horizon, national days off left out. Built once (every booking citizen loads this page).
_OFFERED = (
    CentreSlot.office_code == bindparam("office_code"),
    (CentreSlot.service_id == bindparam("service_id")) | (CentreSlot.service_code == bindparam("service_code")),
    CentreSlot.day >= bindparam("first"), CentreSlot.day <= bindparam("last"),
    CentreSlot.day.not_in(select(CentreHoliday.day).where(CentreHoliday.kind == "day_off")),
)
_FREE_SLOTS = select(*_SLOT_COLUMNS).where(*_OFFERED, CentreSlot.online_booked < CentreSlot.online_quota).order_by(
    CentreSlot.day, CentreSlot.start_time)
_OFFERED_SLOT = select(*_SLOT_COLUMNS).where(*_OFFERED, CentreSlot.id == bindparam("slot_id"))


def _window(office_code: str, proc: Procedure, now: datetime, days: int) -> dict[str, Any]:
    today = now.astimezone(OFFICE_TZ).date()
    return {"office_code": office_code, "service_id": proc.service_id, "service_code": proc.service_code,
            "first": today, "last": today + timedelta(days=days)}


def free_slots(session: Session, office_code: str, proc: Procedure, *, now: datetime, days: int) -> list[Slot]:
    """Slots of the procedure's service with online places left, starting after ``now``
    and at most ``days`` days ahead (office-local), in time order. (Plain rows, not ORM
    objects: every booking citizen loads this page, and a month of slots is hundreds.)"""
    rows = session.execute(_FREE_SLOTS, _window(office_code, proc, now, days))
    return [slot for slot in (Slot(*row) for row in rows) if slot.start > now]


def offered_slot(session: Session, office_code: str, proc: Procedure, slot_id: uuid.UUID, *, now: datetime,
                 days: int) -> Slot | None:
    """``slot_id`` if the site offers it for ``proc`` at all — the office's, of the
    procedure's service, not on a day off, within ``days`` days — full or not, begun or not
    (the caller says "no place left" for those); None for any other id, whoever's it is."""
    row = session.execute(_OFFERED_SLOT, {**_window(office_code, proc, now, days), "slot_id": slot_id}).first()
    return Slot(*row) if row is not None else None


def bookable(slot: Slot, now: datetime) -> bool:
    """An offered slot a citizen can take now: a place left, not begun."""
    return slot.left > 0 and slot.start > now


def closed_days(session: Session, first: date, last: date) -> set[date]:
    """The national days off the centre published between two dates: no online booking then,
    whatever slots an office left open."""
    return set(session.scalars(select(CentreHoliday.day).where(
        CentreHoliday.kind == "day_off", CentreHoliday.day >= first, CentreHoliday.day <= last)))


# --- bookings made on the site --------------------------------------------------------------


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Booking(_Window):
    """An online booking as its manage page shows it."""

    web_id: uuid.UUID
    id: uuid.UUID
    office_code: str
    code: str
    status: str
    slot_id: uuid.UUID
    day: date
    start_time: time
    end_time: time
    procedure_code: str | None
    full_name: str
    phone: str
    token: str


def _booking(web: CentreWebBooking, row: CentreEntity) -> Booking:
    d = row.data
    citizen = d.get("citizen") or {}
    return Booking(web.id, row.entity_id, row.office_code, row.code or "", row.status or "",
                   uuid.UUID(str(d["slot_id"])), date.fromisoformat(d["day"]), time.fromisoformat(d["start_time"]),
                   time.fromisoformat(d["end_time"]), d.get("procedure_code"), citizen.get("full_name", ""),
                   citizen.get("phone", ""), d.get("token") or "")


def booking_by_secret(session: Session, secret: str) -> Booking | None:
    """The booking a private link names (only ever one of the link's office)."""
    web = session.scalars(select(CentreWebBooking).where(CentreWebBooking.secret_hash == secret_hash(secret))).first()
    if web is None:
        return None
    row = session.get(CentreEntity, (web.appointment_id, "appointment"))
    return _booking(web, row) if row is not None and belongs(web.office_code, row.office_code) else None


def active_bookings(session: Session, phone: str, *, now: datetime) -> int:
    """Bookings made on the site for ``phone`` that are still booked and not over."""
    count = 0
    for web in session.scalars(select(CentreWebBooking).where(CentreWebBooking.phone == phone)):
        row = session.get(CentreEntity, (web.appointment_id, "appointment"))
        if row is not None and row.status == "booked" and _booking(web, row).end > now:
            count += 1
    return count


# --- dossiers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    at: datetime
    to_state: str
    central: bool
    note: str


@dataclass(frozen=True)
class Dossier:
    id: uuid.UUID
    office_code: str
    code: str
    status: str
    procedure_code: str | None
    received_at: datetime | None
    due_at: datetime | None
    phone: str
    full_name: str
    steps: tuple[Step, ...]


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=OFFICE_TZ)


def _dossier(session: Session, row: CentreEntity) -> Dossier:
    d = row.data
    applicant = d.get("applicant") or {}
    steps = []
    for op in session.scalars(select(CentreOp).where(CentreOp.entity == "dossier", CentreOp.entity_id == row.entity_id,
                                                     CentreOp.status.in_(("applied", "resolved")))):
        if op.to_state:
            steps.append(Step(op.device_time, op.to_state, False, str(op.payload.get("note") or "")))
    for event in d.get("central_events") or []:
        at = _when(event.get("at"))
        if at is not None and event.get("to_state"):
            steps.append(Step(at, str(event["to_state"]), True, str(event.get("note") or "")))
    steps.sort(key=lambda s: s.at)
    return Dossier(row.entity_id, row.office_code, row.code or str(d.get("code") or ""), row.status or "",
                   d.get("procedure_code"), _when(d.get("received_at")), _when(d.get("due_at")),
                   str(applicant.get("phone") or ""), str(applicant.get("full_name") or ""), tuple(steps))


def dossier_by_id(session: Session, office_code: str, dossier_id: uuid.UUID) -> Dossier | None:
    """The office's dossier (a receipt opens only a dossier of the office whose key signed
    it); None for another office's, exactly as for an unknown id."""
    row = session.get(CentreEntity, (dossier_id, "dossier"))
    if row is None or not belongs(office_code, row.office_code) or not row.status:
        return None
    return _dossier(session, row)


def dossiers_by_code(session: Session, code: str) -> list[Dossier]:
    rows = session.scalars(select(CentreEntity).where(CentreEntity.entity == "dossier", CentreEntity.code == code))
    return [_dossier(session, r) for r in rows if r.status]


# --- keys -------------------------------------------------------------------------------------


def _device_keys(session: Session, office_code: str | None) -> list[bytes]:
    query = select(CentreEntity).where(CentreEntity.entity == "device")
    if office_code is not None:
        query = query.where(CentreEntity.office_code == office_code)
    keys = []
    for row in session.scalars(query):
        data = row.data or {}
        if data.get("revoked") or row.status == "revoked" or not data.get("public_key"):
            continue
        try:
            raw = base64.b64decode(str(data["public_key"]))
        except ValueError:
            continue
        if len(raw) == 32:
            keys.append(raw)
    return keys


def any_office_ring(session: Session) -> KeyRing:
    """Every office device key the centre holds (to learn which office a receipt names)."""
    return KeyRing.from_public_keys(_device_keys(session, None))


def office_ring(session: Session, office_code: str) -> KeyRing:
    """The office's key ring: the keys of its devices that are not revoked (keys.office_key_ring)."""
    return office_key_ring(session, office_code)
