"""Checking in an online booking from its QR alone, before the office has pulled it.

An online booking's QR (an AppointmentToken signed by the centre's key, which every office
pulls as a "centre" Device row) carries the office, the service, the slot's window and the
citizen's masked name. That is enough to serve the citizen while the office is offline:
:func:`check_in_online_token` proves the token against the office's key ring, insists it
was signed by the CENTRE (an office device never signs a booking the office does not
have), applies the same window rules as :func:`local_db.ops.appointments.check_in`, and
then creates the appointment locally under the booking's own id and checks it in (a
priority ticket, like any appointment).

What is written, and why:

* the appointment (id = the token's entity id, source "online", status "booked") in the
  slot of the token's service, day and start time; when the office has no such slot (the
  centre made it and it has not been pulled either) a slot is made from the token's window
  with no office places, exactly as a pulled one would be (no outbox row: slots the
  centre sends have none). The slot's online count includes the booking, its online quota
  never below that (``motcua db check`` counts places held);
* a placeholder citizen named by the masked name, and a placeholder code
  ``LT-`` + 8 hex digits of the id (the real ``LT…`` code is not in the token; a real
  code never has a dash, so the two cannot collide): both are replaced by the centre's when
  the booking is pulled (local_db.ops.sync_apply merges it, keeping the check-in);
* the creation as an outbox trail row ``book`` in the ``central`` state (never pushed: the
  booking is the centre's, the office only learned of it), so the entity has its creation
  row, then the office's own ``check_in`` op (``from_state`` "booked", payload with
  ``source``/``side`` "online" and ``offline_token`` true, without the placeholder code),
  which the centre applies to its booking — or answers with a conflict when the booking
  was cancelled online meanwhile.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.appointment_states import HOLDING, AppointmentStatus
from core.errors import DomainError
from core.i18n import LazyText, lazy_gettext
from core.text import fold
from core.tokens import AppointmentToken, Result, key_id_of
from core.working_calendar import OFFICE_TZ, to_office_time
from local_db import journal
from local_db.models import (
    Appointment,
    AppointmentEvent,
    Citizen,
    Device,
    Outbox,
    Service,
    Slot,
)
from local_db.office_settings import load_rules
from local_db.ops.appointments import CheckIn, _now, check_in, issue_check_in
from local_db.ops.scan_check import check_scan
from local_db.ops.signing import CENTRE_KIND
from local_db.ops.sync_outbox import CENTRAL_STATE

#: The code an online booking checked in from its QR has until the centre's is pulled.
PLACEHOLDER_PREFIX = "LT-"


def placeholder_code(appointment_id: uuid.UUID) -> str:
    return PLACEHOLDER_PREFIX + appointment_id.hex[-8:].upper()


def is_placeholder(code: str | None) -> bool:
    """An online booking checked in from its QR whose details have not been pulled yet."""
    return bool(code) and str(code).startswith(PLACEHOLDER_PREFIX)


def centre_signed(session: Session, key_id: bytes | None) -> bool:
    """Whether ``key_id`` names one of the centre's keys this office trusts (not revoked)."""
    if not key_id:
        return False
    keys = session.scalars(select(Device.public_key).where(Device.kind == CENTRE_KIND, Device.revoked.is_(False)))
    return any(key_id_of(bytes(k)) == key_id for k in keys)


def _refuse(code: str, message: LazyText, **details: str) -> DomainError:
    return DomainError(message, code=code, **details)


def check_in_online_token(session: Session, actor: Actor, text: str, *, now: datetime | None = None) -> CheckIn:
    """Check in the online booking of a scanned QR ``text`` (bare token or the text a
    scanner read), whether or not the office has it yet.

    Refuses with DomainError (nothing written) and a stable code: ``forged``,
    ``unknown_key``, ``not_appointment``, ``wrong_office``, ``not_centre_signed`` (a valid
    token of an office device for a booking this office does not have), ``unknown_service``,
    and, as :func:`check_in` does, ``wrong_day`` / ``too_early`` / ``too_late`` /
    ``cancelled`` / ``no_show`` / ``already_checked_in``. A booking the office already has
    is simply checked in by :func:`check_in`.
    """
    now = _now(now)
    office_code = actor.office_code
    verification = check_scan(session, office_code, text, now=now, expect_kind=AppointmentToken)
    result, token = verification.result, verification.token
    if result is Result.TAMPERED:
        raise _refuse("forged", lazy_gettext("The appointment QR code has been altered or is damaged"))
    if result is Result.UNKNOWN_KEY:
        raise _refuse("unknown_key", lazy_gettext("The appointment QR code is signed with an unknown key"))
    if result is Result.NOT_OURS or not isinstance(token, AppointmentToken):
        raise _refuse("not_appointment", lazy_gettext("This is not an appointment code"))
    if result is Result.WRONG_OFFICE:
        raise _refuse("wrong_office", lazy_gettext("An appointment at another office"), office_code=token.office_code)
    existing = session.get(Appointment, token.entity_id)
    if existing is not None and existing.office_code == office_code:
        return check_in(session, actor, existing.id, now=now)  # the office has it: the usual way
    if existing is not None or not centre_signed(session, verification.key_id):
        raise _refuse("not_centre_signed", lazy_gettext("This appointment is not at the office yet"))
    # Proven, ours, signed by the centre, not here yet: VALID or EXPIRED (the office's own
    # window decides, with its late minutes, not the token's end).
    service = session.scalars(select(Service).where(Service.office_code == office_code,
                                                    Service.code == token.service_code)).first()
    if service is None:
        raise _refuse("unknown_service", lazy_gettext("The office has no service {service}", service=token.service_code),
                      service_code=token.service_code)
    start = token.window_start.astimezone(OFFICE_TZ)
    end = token.window_end.astimezone(OFFICE_TZ)
    rules = load_rules(session, office_code)
    opens = start - timedelta(minutes=rules.appointment_early_minutes)
    closes = end + timedelta(minutes=rules.appointment_late_minutes)
    local = to_office_time(now)
    window = {"day": start.date().isoformat(), "window_start": opens.isoformat(), "window_end": closes.isoformat()}
    if not opens <= local <= closes:
        if local.date() != start.date():
            raise _refuse("wrong_day", lazy_gettext("The appointment is on {day}, not today", day=start.strftime("%d/%m/%Y")),
                          **window)
        if local < opens:
            raise _refuse("too_early", lazy_gettext("It is not yet the appointment's time: check-in opens at {time}",
                                                       time=opens.strftime("%H:%M")), **window)
        raise _refuse("too_late", lazy_gettext("The appointment's time is over (until {time}); please take an ordinary queue number",
                                               time=closes.strftime("%H:%M")), **window)

    slot = _slot_for(session, office_code, service, start, end)
    citizen = Citizen(office_code=office_code, full_name=token.masked_name or "—",
                      name_folded=fold(token.masked_name or ""), cccd=None, phone=None)
    session.add(citizen)
    session.flush()
    appt = Appointment(id=token.entity_id, office_code=office_code, code=placeholder_code(token.entity_id),
                       slot_id=slot.id, procedure_id=None, citizen_id=citizen.id, source="online",
                       status=AppointmentStatus.BOOKED.value,
                       booked_at=token.issued_at, checked_in_at=None, cancelled_at=None, note="")
    session.add(appt)
    session.flush()
    hold_online_places(session, slot.id)
    session.add(AppointmentEvent(office_code=office_code, appointment_id=appt.id, at=now, action="book",
                                 staff_id=actor.staff_id,
                                 detail=journal.jsonable({"slot_id": slot.id, "source": "online", "side": "online",
                                                          "from": "token"})))
    op_id = journal.record(session, actor, entity="appointment", entity_id=appt.id, op_type="book", now=now,
                           from_state=None, to_state=AppointmentStatus.BOOKED,
                           payload={"source": "centre", "from": "token", "slot_id": slot.id, "side": "online",
                                    "service_code": token.service_code, "day": slot.day,
                                    "start_time": slot.start_time, "end_time": slot.end_time})
    session.execute(update(Outbox).where(Outbox.op_id == op_id).values(state=CENTRAL_STATE)
                    .execution_options(synchronize_session=False))
    return issue_check_in(session, actor, appt, service.code, now=now, payload={
        "source": "online", "side": "online", "offline_token": True, "service_code": token.service_code,
        "day": slot.day, "start_time": slot.start_time, "end_time": slot.end_time})


def _slot_for(session: Session, office_code: str, service: Service, start: datetime, end: datetime) -> Slot:
    """The office's slot of the service starting at the token's window, else a new one like
    the centre's (online only)."""
    slot = session.scalars(select(Slot).where(Slot.office_code == office_code, Slot.service_id == service.id,
                                              Slot.day == start.date(), Slot.start_time == start.time())
                           .limit(1)).first()
    if slot is not None:
        return slot
    slot = Slot(office_code=office_code, service_id=service.id, day=start.date(), start_time=start.time(),
                end_time=end.time(), office_quota=0, online_quota=0, office_booked=0, online_booked=0)
    session.add(slot)
    session.flush()
    return slot


def hold_online_places(session: Session, slot_id: uuid.UUID) -> None:
    """The slot's online count is what its online bookings here hold; its online quota never
    below that (the centre sold those places, whatever the office last heard of the quota)."""
    held = session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.slot_id == slot_id, Appointment.source == "online", Appointment.status.in_(HOLDING))) or 0
    slot = session.scalars(select(Slot).where(Slot.id == slot_id).execution_options(populate_existing=True)).one()
    slot.online_quota = max(slot.online_quota, held)  # one UPDATE: the CHECK sees both
    slot.online_booked = held
    session.flush()


__all__ = ["PLACEHOLDER_PREFIX", "centre_signed", "check_in_online_token", "hold_online_places", "is_placeholder",
           "placeholder_code"]
