"""Pulled slots and online bookings (local_db/ops/sync_apply.py applies the page).

* ``slot``: the online side only (the office owns its own quota and bookings).
* ``appointment``: online bookings. Check-in is the office's: a booking cancelled on the
  portal after the citizen checked in here stays checked in, and staff get a notice. A
  booking the kiosk checked in from its QR before it was pulled (a placeholder code
  ``LT-…`` and a masked-name citizen, local_db.ops.appointments_online) gets the centre's
  code, citizen, procedure and slot, its check-in and ticket untouched.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.appointment_states import HOLDING, AppointmentStatus
from core.errors import MotcuaError
from local_db import journal
from local_db.models import (
    Appointment,
    AppointmentEvent,
    Citizen,
    CitizenNameToken,
    Dossier,
    Slot,
    Ticket,
)
from local_db.ops.appointments_online import is_placeholder
from local_db.ops.citizens import CitizenInput, upsert_citizen
from local_db.ops.sync_outbox import add_notice
from local_db.ops.sync_pull_page import (
    CENTRE_LABEL,
    ChangeLike,
    PulledPage,
    Skip,
    day_of,
    moment_of,
    set_changed,
    time_of,
    trail,
    uuid_of,
)



def pulled_slot(page: PulledPage, change: ChangeLike) -> bool:
    """The online side of a slot. A slot the office has keeps its own quota and bookings."""
    d = change.data
    session = page.session
    local = page.local_id(Slot, change.entity_id)
    if change.op == "delete":
        row = session.get(Slot, local) if local is not None else None
        if row is None:
            return False
        page.touched_slots.add(row.id)
        return set_changed(row, {"online_quota": row.online_booked})  # no new online places; bookings keep theirs
    row = session.get(Slot, local) if local is not None else None
    online_quota = max(0, int(d.get("online_quota", 0)))
    if row is not None:  # the office's own slot (or one seen before): only its online side moves
        page.touched_slots.add(row.id)
        return set_changed(row, {"online_quota": max(online_quota, row.online_booked)})
    service_id = page.service_id(d.get("service_id"), d.get("service_code"))
    if service_id is None:
        raise Skip(f"slot {d.get('day')} {d.get('start_time')}: service "
                    f"{d.get('service_code') or d.get('service_id')} is not known here")
    day, start = day_of(d["day"]), time_of(d["start_time"])
    row = session.scalars(select(Slot).where(Slot.office_code == page.office_code, Slot.service_id == service_id,
                                             Slot.day == day, Slot.start_time == start).limit(1)).first()
    if row is not None:
        page.alias(uuid_of(change.entity_id), row.id)
        page.touched_slots.add(row.id)
        return set_changed(row, {"online_quota": max(online_quota, row.online_booked)})
    row = Slot(id=uuid_of(change.entity_id), office_code=page.office_code, service_id=service_id, day=day,
               start_time=start, end_time=time_of(d["end_time"]), office_quota=max(0, int(d.get("office_quota", 0))),
               online_quota=online_quota, office_booked=0, online_booked=0)
    session.add(row)
    session.flush()
    page.touched_slots.add(row.id)
    return True


def recount_online(session: Session, slot_id: uuid.UUID) -> None:
    """The slot's online count is what the online bookings here hold (what ``db check``
    verifies); its quota never below that."""
    held = session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.slot_id == slot_id, Appointment.source == "online", Appointment.status.in_(HOLDING))) or 0
    slot = session.get(Slot, slot_id)
    if slot is not None:
        set_changed(slot, {"online_booked": held, "online_quota": max(slot.online_quota, held)})
        session.flush()


def _citizen(page: PulledPage, data: dict[str, Any]) -> uuid.UUID:
    """The booking's citizen, stored once (by CCCD, or name and phone). A CCCD or phone that
    does not validate is left out rather than losing the booking."""
    name = str(data.get("full_name") or "").strip()
    cccd = data.get("id_number") or data.get("cccd") or None
    phone = data.get("phone") or None
    tries = [(cccd, phone), (None, phone), (None, None)]
    error: MotcuaError | None = None
    for id_number, tel in tries:
        try:
            with page.session.begin_nested():
                return upsert_citizen(page.session, page.office_code,
                                      CitizenInput(full_name=name, cccd=id_number, phone=tel)).id
        except MotcuaError as exc:
            error = exc
    assert error is not None
    raise error


def pulled_appointment(page: PulledPage, change: ChangeLike) -> bool:
    d = change.data
    session = page.session
    appt_id = uuid_of(change.entity_id)
    local = page.local_id(Appointment, appt_id)
    appt = session.get(Appointment, local) if local is not None else None
    if appt is None and d.get("code"):
        appt = session.scalars(select(Appointment).where(Appointment.code == d["code"]).limit(1)).first()
        if appt is not None and appt.source != "online":
            raise Skip(f"appointment code {d['code']} is already used here by an office booking")
    status = AppointmentStatus.CANCELLED if change.op == "delete" else str(d.get("status", AppointmentStatus.BOOKED))
    merged = appt is not None and _merge_checked_in_from_token(page, appt, d)
    if page.own_echo(d):
        return merged
    if appt is None:
        if change.op == "delete":
            return False
        return _new_online_booking(page, appt_id, d, status)
    if appt.source != "online":
        return False  # the office's own booking, as the centre echoes it: the office owns it
    if merged:
        session.flush()
    slot_id = page.local_id(Slot, d["slot_id"]) if d.get("slot_id") else appt.slot_id
    if status == AppointmentStatus.CANCELLED and appt.status != AppointmentStatus.CANCELLED:
        if appt.status == AppointmentStatus.CHECKED_IN:
            ticket = session.scalar(select(Ticket.code).where(Ticket.appointment_id == appt.id)
                                    .order_by(Ticket.issued_at.desc()).limit(1))
            cancelled_at = moment_of(d.get("cancelled_at"))
            first = (cancelled_at is not None and appt.checked_in_at is not None
                     and cancelled_at <= appt.checked_in_at)  # cancelled online, checked in here before we knew
            add_notice(session, kind="cancelled_before_check_in" if first else "cancelled_after_check_in",
                       entity="appointment", entity_id=appt.id, now=page.now, code=appt.code, ticket=ticket or "")
            return merged
        before = appt.status
        appt.status = AppointmentStatus.CANCELLED.value
        appt.cancelled_at = moment_of(d.get("cancelled_at")) or page.now
        session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=appt.cancelled_at,
                                     action="cancel", staff_id=None, detail={"source": CENTRE_LABEL}))
        trail(page, "appointment", appt.id, "cancel", before, AppointmentStatus.CANCELLED,
               {"code": appt.code, "slot_id": appt.slot_id, "side": "online"})
        page.touched_slots.add(appt.slot_id)
        return True
    if (status == AppointmentStatus.BOOKED and appt.status == AppointmentStatus.BOOKED and slot_id is not None
            and slot_id != appt.slot_id):
        old = appt.slot_id
        appt.slot_id = slot_id
        detail = {"from_slot_id": old, "to_slot_id": slot_id, "side": "online"}
        session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=page.now,
                                     action="reschedule", staff_id=None,
                                     detail=journal.jsonable({**detail, "source": CENTRE_LABEL})))
        trail(page, "appointment", appt.id, "reschedule", AppointmentStatus.BOOKED, AppointmentStatus.BOOKED,
              {"code": appt.code, **detail})
        page.touched_slots.update((old, slot_id))
        return True
    return merged  # check-in and no-show are the office's: the centre's older view never reverts them


def _merge_checked_in_from_token(page: PulledPage, appt: Appointment, d: dict[str, Any]) -> bool:
    """An online booking the kiosk checked in from its QR before it was pulled
    (local_db.ops.appointments_online) gets the centre's code, citizen, procedure and slot;
    its status, check-in and ticket stay as they are. True when it changed."""
    if appt.source != "online" or not is_placeholder(appt.code) or not d.get("code"):
        return False
    session = page.session
    code = str(d["code"])
    if session.scalar(select(Appointment.id).where(Appointment.code == code, Appointment.id != appt.id)) is not None:
        raise Skip(f"appointment code {code} is already used here by another booking")
    before = appt.code
    placeholder_citizen = appt.citizen_id
    appt.code = code
    if d.get("citizen"):
        appt.citizen_id = _citizen(page, dict(d["citizen"]))
    procedure_id = page.procedure_id(d.get("procedure_id"), d.get("procedure_code"))
    if procedure_id is not None:
        appt.procedure_id = procedure_id
    if d.get("booked_at"):
        appt.booked_at = moment_of(d["booked_at"]) or appt.booked_at
    slot_id = page.local_id(Slot, d["slot_id"]) if d.get("slot_id") else None
    if slot_id is not None and slot_id != appt.slot_id:
        page.touched_slots.update((appt.slot_id, slot_id))
        appt.slot_id = slot_id
    session.flush()
    if appt.citizen_id != placeholder_citizen:
        _drop_placeholder_citizen(session, placeholder_citizen)
    session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=page.now, action="pulled",
                                 staff_id=None, detail=journal.jsonable({"source": CENTRE_LABEL, "placeholder": before,
                                                                         "code": code})))
    trail(page, "appointment", appt.id, "merge", appt.status, appt.status,
           {"code": code, "placeholder": before, "slot_id": appt.slot_id})
    return True


def _drop_placeholder_citizen(session: Session, citizen_id: uuid.UUID) -> None:
    """The masked-name citizen a QR check-in made, once nothing refers to it any more."""
    used = session.scalar(select(Appointment.id).where(Appointment.citizen_id == citizen_id).limit(1))
    used = used or session.scalar(select(Dossier.id).where(Dossier.applicant_id == citizen_id).limit(1))
    citizen = session.get(Citizen, citizen_id)
    if used is None and citizen is not None and citizen.phone is None and citizen.cccd is None:
        session.execute(delete(CitizenNameToken).where(CitizenNameToken.citizen_id == citizen_id))
        session.delete(citizen)
        session.flush()


def _new_online_booking(page: PulledPage, appt_id: uuid.UUID, d: dict[str, Any], status: str) -> bool:
    session = page.session
    slot_id = page.local_id(Slot, d["slot_id"])
    if slot_id is None:
        raise Skip(f"online booking {d.get('code')}: slot {d['slot_id']} is not known here")
    procedure_id = page.procedure_id(d.get("procedure_id"), d.get("procedure_code"))
    citizen_id = _citizen(page, dict(d.get("citizen") or {}))
    booked_at = moment_of(d.get("booked_at")) or page.now
    appt = Appointment(id=appt_id, office_code=page.office_code, code=str(d["code"]), slot_id=slot_id,
                       procedure_id=procedure_id, citizen_id=citizen_id, source="online",
                       status=AppointmentStatus.BOOKED.value,
                       booked_at=booked_at, checked_in_at=None, cancelled_at=None, note=str(d.get("note") or ""))
    session.add(appt)
    session.flush()
    session.add(AppointmentEvent(office_code=page.office_code, appointment_id=appt.id, at=booked_at, action="book",
                                 staff_id=None, detail=journal.jsonable({"slot_id": slot_id, "source": "online",
                                                                         "side": "online", "from": CENTRE_LABEL})))
    trail(page, "appointment", appt.id, "book", None, AppointmentStatus.BOOKED,
           {"code": appt.code, "slot_id": slot_id, "source": "online", "side": "online"})
    if status == AppointmentStatus.CANCELLED:
        appt.status = AppointmentStatus.CANCELLED.value
        appt.cancelled_at = moment_of(d.get("cancelled_at")) or page.now
        session.add(AppointmentEvent(office_code=page.office_code, appointment_id=appt.id, at=appt.cancelled_at,
                                     action="cancel", staff_id=None, detail={"source": CENTRE_LABEL}))
        trail(page, "appointment", appt.id, "cancel", AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED,
              {"code": appt.code, "side": "online"})
    page.touched_slots.add(slot_id)
    return True
