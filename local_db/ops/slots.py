"""The office's appointment slots: creating a day's slots, setting their capacity, listing them with free places.

Split out of :mod:`local_db.ops.appointments`, which books, cancels, reschedules and checks in
appointments on these slots and keeps the helpers both halves share (this module imports
them from there; appointments never imports this one).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound, ValidationError
from core.i18n import lazy_gettext
from core.working_calendar import national_holidays
from local_db import journal
from local_db.database import rowcount
from local_db.models import Appointment, Citizen, Procedure, Service, Slot, Ticket
from local_db.office_settings import calendar_for, load_rules
from local_db.ops.appointments import SlotInfo, _now, load_slot, slot_info
from local_db.ops.authority import requires_role

SIDES = ("office", "online")

#: A Saturday-morning opening covers slots that end by noon.
SATURDAY_MORNING_END = time(12, 0)


def _service(session: Session, office_code: str, service_code: str) -> Service:
    service = session.scalars(select(Service).where(
        Service.office_code == office_code, Service.code == service_code)).first()
    if service is None:
        raise NotFound(lazy_gettext("There is no service {service}", service=service_code), code="service_not_found",
                       service_code=service_code)
    return service


def _check_bookable_day(session: Session, office_code: str, day: date, end: time) -> None:
    """Slots only on working days, or on a Saturday morning when the office opens then."""
    rules = load_rules(session, office_code)
    cal = calendar_for(session, office_code, rules)
    if cal.is_working_day(day):
        return
    if rules.saturday_morning_open and day.weekday() == 5 and end <= SATURDAY_MORNING_END:
        national = {d for d, _ in national_holidays(day.year)}
        if day not in cal.days_off and day not in national:
            return
    raise ValidationError(lazy_gettext("{day} is not a working day", day=day.strftime("%d/%m/%Y")), field="day",
                          code="not_working_day",
                          day=day.isoformat())


@requires_role("supervisor")
def create_slots(session: Session, actor: Actor, service_code: str, day: date, *, start: time, end: time,
                 minutes: int, office_quota: int, online_quota: int, now: datetime | None = None) -> list[SlotInfo]:
    """Slots of ``minutes`` from ``start`` up to ``end`` (a last, shorter rest is not made).

    Idempotent per (service, day, start): a slot that already exists is returned as it is,
    with its quotas and bookings untouched. Each new slot writes a ``slot`` outbox row
    (``create``): the centre offers its online quota for booking on the portal.
    """
    now = _now(now)
    office_code = actor.office_code
    if minutes <= 0:
        raise ValidationError(lazy_gettext("A slot must last more than 0 minutes"), field="minutes")
    if office_quota < 0 or online_quota < 0:
        raise ValidationError(lazy_gettext("The number of places cannot be negative"), field="quota")
    if not start < end:
        raise ValidationError(lazy_gettext("The start time must be before the end time"), field="start")
    _check_bookable_day(session, office_code, day, end)
    service = _service(session, office_code, service_code)
    existing = {s.start_time: s for s in session.scalars(select(Slot).where(
        Slot.office_code == office_code, Slot.service_id == service.id, Slot.day == day))}
    step = timedelta(minutes=minutes)
    t = datetime.combine(day, start)
    limit = datetime.combine(day, end)
    slots = []
    while t + step <= limit:
        slot = existing.get(t.time())
        if slot is None:
            slot = Slot(office_code=office_code, service_id=service.id, day=day, start_time=t.time(),
                        end_time=(t + step).time(), office_quota=office_quota, online_quota=online_quota,
                        office_booked=0, online_booked=0)
            session.add(slot)
            session.flush()
            journal.record(session, actor, entity="slot", entity_id=slot.id, op_type="create", now=now, payload={
                "service_id": service.id, "service_code": service_code, "day": day, "start_time": slot.start_time,
                "end_time": slot.end_time, "office_quota": office_quota, "online_quota": online_quota})
        slots.append(slot)
        t += step
    session.flush()
    return [slot_info(s, service_code) for s in slots]


@requires_role("supervisor")
def set_slot_capacity(session: Session, actor: Actor, slot_id: uuid.UUID, *, office_quota: int, online_quota: int,
                      now: datetime | None = None) -> SlotInfo:
    """Change a slot's two quotas; never below the places already booked on either side."""
    now = _now(now)
    if office_quota < 0 or online_quota < 0:
        raise ValidationError(lazy_gettext("The number of places cannot be negative"), field="quota")
    slot, service_code = load_slot(session, slot_id, actor.office_code)
    before = (slot.office_quota, slot.online_quota)
    result = session.execute(
        update(Slot).where(Slot.id == slot.id, Slot.office_booked <= office_quota, Slot.online_booked <= online_quota)
        .values(office_quota=office_quota, online_quota=online_quota, updated_at=now)
        .execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        slot, _ = load_slot(session, slot.id)
        raise ValidationError(
            lazy_gettext("Places cannot go below those booked ({office} at the office, {online} online)",
                         office=slot.office_booked, online=slot.online_booked),
            field="quota", code="below_booked", office_booked=slot.office_booked, online_booked=slot.online_booked)
    journal.record(session, actor, entity="slot", entity_id=slot.id, op_type="set_capacity",
                   payload={"office_quota": office_quota, "online_quota": online_quota,
                            "previous": {"office_quota": before[0], "online_quota": before[1]}}, now=now)
    slot, _ = load_slot(session, slot.id)
    return slot_info(slot, service_code)


def list_slots(session: Session, office_code: str, service_code: str, day: date, *,
               side: str = "office") -> list[SlotInfo]:
    """The day's slots of a service that offer places on ``side`` (full ones included), by time."""
    if side not in SIDES:
        raise ValidationError(f"side must be one of {', '.join(SIDES)}", field="side")
    service = _service(session, office_code, service_code)
    quota = Slot.office_quota if side == "office" else Slot.online_quota
    rows = session.scalars(select(Slot).where(
        Slot.office_code == office_code, Slot.service_id == service.id, Slot.day == day, quota > 0)
        .order_by(Slot.start_time).execution_options(populate_existing=True))
    return [slot_info(s, service_code) for s in rows]


@dataclass(frozen=True)
class BookedPlace:
    """An appointment as the counter's day view lists it under its slot (the clerk sees the
    whole phone number and the ticket its check-in issued)."""

    id: uuid.UUID
    slot_id: uuid.UUID
    code: str
    citizen_name: str
    phone: str
    status: str
    source: str
    ticket_code: str | None
    procedure_code: str | None
    procedure_name_vi: str
    procedure_name_en: str
    booked_at: datetime
    checked_in_at: datetime | None


@dataclass(frozen=True)
class DaySlot:
    slot: SlotInfo
    appointments: tuple[BookedPlace, ...]


def slots_of_days(session: Session, office_code: str, days: list[date], *,
                  with_appointments: bool = True) -> list[DaySlot]:
    """Every slot of these days in the office's active services (by day, time, then service
    order), each with its appointments by booking time when asked for."""
    rows = session.execute(
        select(Slot, Service.code).join(Service, Service.id == Slot.service_id)
        .where(Slot.office_code == office_code, Slot.day.in_(days), Service.active.is_(True))
        .order_by(Slot.day, Slot.start_time, Service.sort_order, Service.code)
        .execution_options(populate_existing=True)).all()
    appts: dict[uuid.UUID, list[BookedPlace]] = {}
    if with_appointments and rows:
        ticket = (select(Ticket.code).where(Ticket.appointment_id == Appointment.id)
                  .order_by(Ticket.issued_at.desc()).limit(1).scalar_subquery())
        found = session.execute(
            select(Appointment, Citizen.full_name, Citizen.phone, Procedure.code, Procedure.name_vi,
                   Procedure.name_en, ticket)
            .join(Citizen, Citizen.id == Appointment.citizen_id)
            .outerjoin(Procedure, Procedure.id == Appointment.procedure_id)
            .where(Appointment.slot_id.in_([slot.id for slot, _c in rows]))
            .order_by(Appointment.booked_at, Appointment.code)
            .execution_options(populate_existing=True))
        for a, name, phone, pcode, pvi, pen, tcode in found:
            appts.setdefault(a.slot_id, []).append(BookedPlace(
                id=a.id, slot_id=a.slot_id, code=a.code, citizen_name=name, phone=phone or "", status=a.status,
                source=a.source, ticket_code=tcode, procedure_code=pcode, procedure_name_vi=pvi or "",
                procedure_name_en=pen or "", booked_at=a.booked_at, checked_in_at=a.checked_in_at))
    return [DaySlot(slot_info(slot, code), tuple(appts.get(slot.id, ()))) for slot, code in rows]


def slot_ids_of_day(session: Session, office_code: str, service_code: str, day: date) -> set[uuid.UUID]:
    """The ids of a service's slots on one day (to tell new slots from those already there)."""
    return set(session.scalars(select(Slot.id).join(Service, Service.id == Slot.service_id).where(
        Slot.office_code == office_code, Service.code == service_code, Slot.day == day)))


__all__ = [
    "BookedPlace",
    "DaySlot",
    "create_slots",
    "list_slots",
    "set_slot_capacity",
    "slot_ids_of_day",
    "slots_of_days",
]
