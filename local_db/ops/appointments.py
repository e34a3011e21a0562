"""Appointments: slots with two quotas, booking, cancelling, rescheduling, check-in.

Each slot has an office quota (bookings made at the kiosk, the counter or on the phone)
and an online quota (bookings made on the central portal). Each side books only its own,
so bookings taken offline in the office can never collide with those taken online.

A place is taken and given back with one conditional UPDATE on the slot row
(``office_booked = office_booked + 1 WHERE office_booked < office_quota``) and its row
count, so no quota is exceeded even if two machines book the last place at the same
moment; the office write lock serialises writes anyway, and the slot's CHECK constraints
are the last line of defence.

Lifecycle: booked -> checked_in (a queue ticket is issued) | no_show | cancelled.
Slot days and times are office-local wall-clock values (OFFICE_TZ).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.appointment_states import AppointmentStatus
from core.citizen import mask_phone
from core.errors import (
    DomainError,
    NotFound,
    QuotaExceeded,
    TransitionError,
    ValidationError,
)
from core.i18n import LazyText, lazy_gettext, lazy_pgettext
from core.text import collapse_spaces, mask_name, nfc
from core.working_calendar import OFFICE_TZ, to_office_time
from local_db import journal
from local_db.database import rowcount
from local_db.models import (
    Appointment,
    AppointmentEvent,
    Citizen,
    Procedure,
    Service,
    Slot,
    Ticket,
)
from local_db.office_settings import load_rules, office_today
from local_db.ops.citizens import CitizenInput, upsert_citizen
from local_db.ops.citizens import clean as clean_citizen
from local_db.ops.queue import TicketInfo, issue_ticket

BOOKING_SOURCES = ("kiosk", "counter", "phone", "online")
STATUSES = tuple(AppointmentStatus)

#: Appointment codes are read out on the phone and typed at a kiosk: no 0/O, no 1/I.
CODE_PREFIX = "LH"  # "lịch hẹn"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE_ATTEMPTS = 20

MAX_NOTE = 500


@dataclass(frozen=True)
class SlotInfo:
    id: uuid.UUID
    service_code: str
    day: date
    start_time: time
    end_time: time
    office_quota: int
    online_quota: int
    office_booked: int
    online_booked: int
    office_free: int
    online_free: int

    def free(self, side: str) -> int:
        return self.office_free if side == "office" else self.online_free


@dataclass(frozen=True)
class AppointmentInfo:
    id: uuid.UUID
    code: str
    slot: SlotInfo
    procedure_code: str | None
    procedure_name_vi: str | None
    citizen_name: str
    citizen_name_masked: str
    phone_masked: str
    source: str
    status: str
    booked_at: datetime
    checked_in_at: datetime | None
    ticket_code: str | None


@dataclass(frozen=True)
class CheckIn:
    appointment: AppointmentInfo
    ticket: TicketInfo


# --- helpers ---------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    to_office_time(now)  # refuses naive datetimes
    return now


def side_of(source: str) -> str:
    """Which quota a booking source uses: online bookings the online one, all others the office one."""
    return "online" if source == "online" else "office"


def slot_info(slot: Slot, service_code: str) -> SlotInfo:
    """What a slot's row says, with its free places per side (shared with ops/slots.py)."""
    return SlotInfo(
        id=slot.id, service_code=service_code, day=slot.day, start_time=slot.start_time,
        end_time=slot.end_time, office_quota=slot.office_quota, online_quota=slot.online_quota,
        office_booked=slot.office_booked, online_booked=slot.online_booked,
        office_free=slot.office_quota - slot.office_booked, online_free=slot.online_quota - slot.online_booked,
    )


def load_slot(session: Session, slot_id: uuid.UUID | str, office_code: str | None = None) -> tuple[Slot, str]:
    """The slot (fresh from the database, not a stale identity-map copy) and its service code."""
    sid = slot_id if isinstance(slot_id, uuid.UUID) else _parse_uuid(slot_id)
    row = session.execute(
        select(Slot, Service.code).join(Service, Service.id == Slot.service_id).where(Slot.id == sid)
        .execution_options(populate_existing=True)
    ).first() if sid is not None else None
    if row is None or (office_code is not None and row[0].office_code != office_code):
        raise NotFound(lazy_gettext("Appointment time slot not found"), code="slot_not_found", slot_id=str(slot_id))
    return row[0], row[1]


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None


def slot_start(slot: Slot | SlotInfo) -> datetime:
    return datetime.combine(slot.day, slot.start_time, tzinfo=OFFICE_TZ)


def slot_end(slot: Slot | SlotInfo) -> datetime:
    return datetime.combine(slot.day, slot.end_time, tzinfo=OFFICE_TZ)


def check_in_window(session: Session, office_code: str, slot: Slot | SlotInfo) -> tuple[datetime, datetime]:
    """[start - early minutes, end + late minutes] of a slot, as aware office-local datetimes."""
    rules = load_rules(session, office_code)
    return (slot_start(slot) - timedelta(minutes=rules.appointment_early_minutes),
            slot_end(slot) + timedelta(minutes=rules.appointment_late_minutes))


def _event(session: Session, actor: Actor, appt: Appointment, action: str, now: datetime,
           detail: dict[str, Any]) -> None:
    session.add(AppointmentEvent(office_code=appt.office_code, appointment_id=appt.id, at=now, action=action,
                                 staff_id=actor.staff_id, detail=journal.jsonable(detail)))


def _record(session: Session, actor: Actor, appt: Appointment, op_type: str, now: datetime,
            from_state: str | None, payload: dict[str, Any]) -> None:
    journal.record(session, actor, entity="appointment", entity_id=appt.id, op_type=op_type,
                   payload={"code": appt.code, **payload}, now=now, from_state=from_state,
                   to_state=appt.status)


def _take_place(session: Session, slot_id: uuid.UUID, side: str) -> bool:
    """One place of a quota, taken with a single conditional UPDATE; False when it is full."""
    if side == "office":
        stmt = (update(Slot).where(Slot.id == slot_id, Slot.office_booked < Slot.office_quota)
                .values(office_booked=Slot.office_booked + 1))
    else:
        stmt = (update(Slot).where(Slot.id == slot_id, Slot.online_booked < Slot.online_quota)
                .values(online_booked=Slot.online_booked + 1))
    result = session.execute(stmt.execution_options(synchronize_session=False))
    return rowcount(result) == 1


def _give_back_place(session: Session, slot_id: uuid.UUID, side: str) -> None:
    if side == "office":
        stmt = (update(Slot).where(Slot.id == slot_id, Slot.office_booked > 0)
                .values(office_booked=Slot.office_booked - 1))
    else:
        stmt = (update(Slot).where(Slot.id == slot_id, Slot.online_booked > 0)
                .values(online_booked=Slot.online_booked - 1))
    result = session.execute(stmt.execution_options(synchronize_session=False))
    if rowcount(result) != 1:
        # A booked appointment always holds one place: a zero count means the table was edited.
        raise DomainError(lazy_gettext("The places booked in the slot do not match its appointments"),
                          code="slot_count_mismatch",
                          slot_id=str(slot_id), side=side)


def _quota_full(slot: Slot, service_code: str, side: str) -> QuotaExceeded:
    quota = slot.office_quota if side == "office" else slot.online_quota
    which = (lazy_pgettext("booking side", "at the office") if side == "office"
             else lazy_pgettext("booking side", "online"))
    return QuotaExceeded(
        lazy_gettext("The slot {start}–{end} on {day} ({service}) is fully booked {side} ({quota} places)",
                     start=slot.start_time.strftime("%H:%M"), end=slot.end_time.strftime("%H:%M"),
                     day=slot.day.strftime("%d/%m/%Y"), service=service_code, side=which, quota=quota),
        slot_id=str(slot.id), side=side, quota=quota,
    )


def _refuse_past(slot: Slot, now: datetime) -> None:
    local = to_office_time(now)
    if slot.day < local.date():
        raise ValidationError(lazy_gettext("The day {day} is over", day=slot.day.strftime("%d/%m/%Y")), field="slot",
                              code="slot_past", day=slot.day.isoformat())
    if slot_end(slot) <= local:
        raise ValidationError(lazy_gettext("The slot {start}–{end} is over", start=slot.start_time.strftime("%H:%M"),
                                           end=slot.end_time.strftime("%H:%M")),
                              field="slot", code="slot_past", day=slot.day.isoformat())


def _new_code(session: Session) -> str:
    for _ in range(_CODE_ATTEMPTS):
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Appointment.id).where(Appointment.code == code)) is None:
            return code
    raise DomainError("could not find a free appointment code", code="code_exhausted")


def normalise_code(code: str) -> str:
    """What a person typed or a scanner read: ``lh-x7k2 mp`` -> ``LHX7K2MP``."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def _find(session: Session, appointment: uuid.UUID | str, office_code: str | None = None) -> Appointment:
    appt: Appointment | None
    if isinstance(appointment, uuid.UUID):
        appt = session.get(Appointment, appointment)
    else:
        as_id = _parse_uuid(appointment)
        if as_id is not None:
            appt = session.get(Appointment, as_id)
        else:
            appt = session.scalars(select(Appointment).where(Appointment.code == normalise_code(appointment))).first()
    if appt is None or (office_code is not None and appt.office_code != office_code):
        raise NotFound(lazy_gettext("Appointment not found"), code="appointment_not_found", appointment=str(appointment))
    return appt


def _ticket_code_subquery() -> Any:
    return (select(Ticket.code).where(Ticket.appointment_id == Appointment.id)
            .order_by(Ticket.issued_at.desc()).limit(1).scalar_subquery())


def _info_rows(session: Session, *conditions: Any) -> list[AppointmentInfo]:
    stmt = (
        select(Appointment, Slot, Service.code, Citizen.full_name, Citizen.phone, Procedure.code,
               Procedure.name_vi, _ticket_code_subquery())
        .join(Slot, Slot.id == Appointment.slot_id)
        .join(Service, Service.id == Slot.service_id)
        .join(Citizen, Citizen.id == Appointment.citizen_id)
        .outerjoin(Procedure, Procedure.id == Appointment.procedure_id)
        .where(*conditions)
        .order_by(Slot.day, Slot.start_time, Appointment.booked_at, Appointment.code)
        .execution_options(populate_existing=True)
    )
    out = []
    for appt, slot, service_code, name, phone, proc_code, proc_name, ticket_code in session.execute(stmt):
        out.append(AppointmentInfo(
            id=appt.id, code=appt.code, slot=slot_info(slot, service_code), procedure_code=proc_code,
            procedure_name_vi=proc_name, citizen_name=name, citizen_name_masked=mask_name(name),
            phone_masked=mask_phone(phone) if phone else "", source=appt.source, status=appt.status,
            booked_at=appt.booked_at, checked_in_at=appt.checked_in_at, ticket_code=ticket_code,
        ))
    return out


def _info(session: Session, appointment_id: uuid.UUID) -> AppointmentInfo:
    session.flush()
    rows = _info_rows(session, Appointment.id == appointment_id)
    if not rows:
        raise NotFound(lazy_gettext("Appointment not found"), code="appointment_not_found", appointment=str(appointment_id))
    return rows[0]


# --- appointments ----------------------------------------------------------------------


def book(session: Session, actor: Actor, slot_id: uuid.UUID, citizen: CitizenInput, *, source: str,
         procedure_code: str | None = None, note: str = "", now: datetime | None = None) -> AppointmentInfo:
    """Book one place of the slot on the quota of ``source``'s side (QuotaExceeded when full)."""
    now = _now(now)
    if source not in BOOKING_SOURCES:
        raise ValidationError(f"source must be one of {', '.join(BOOKING_SOURCES)}", field="source")
    if not citizen.phone:
        raise ValidationError(lazy_gettext("A phone number is needed to book an appointment"), field="phone")
    note = collapse_spaces(nfc(note or ""))
    if len(note) > MAX_NOTE:
        raise ValidationError(lazy_gettext("The note is longer than {n} characters", n=MAX_NOTE), field="note")
    slot, service_code = load_slot(session, slot_id, actor.office_code)
    _refuse_past(slot, now)
    procedure = None
    if procedure_code:
        procedure = session.scalars(select(Procedure).where(
            Procedure.office_code == actor.office_code, Procedure.code == procedure_code.strip())).first()
        if procedure is None:
            raise ValidationError(lazy_gettext("There is no procedure {procedure}", procedure=procedure_code),
                                  field="procedure_code",
                                  code="procedure_not_found")
        if procedure.service_id != slot.service_id:
            raise ValidationError(lazy_gettext("The procedure {procedure} is not part of the service {service}",
                                               procedure=procedure_code, service=service_code),
                                  field="procedure_code", code="wrong_service")
    today = office_today(now)
    clean_citizen(citizen, today=today)  # refuse a bad phone or CCCD before anything is written
    side = side_of(source)
    if not _take_place(session, slot.id, side):
        raise _quota_full(slot, service_code, side)
    person = upsert_citizen(session, actor.office_code, citizen, today=today)
    appt = Appointment(office_code=actor.office_code, code=_new_code(session), slot_id=slot.id,
                       procedure_id=procedure.id if procedure else None, citizen_id=person.id, source=source,
                       status=AppointmentStatus.BOOKED.value, booked_at=now, checked_in_at=None, cancelled_at=None,
                       note=note)
    session.add(appt)
    session.flush()
    _event(session, actor, appt, "book", now, {"slot_id": slot.id, "source": source, "side": side})
    _record(session, actor, appt, "book", now, None, {
        "slot_id": slot.id, "service_code": service_code, "day": slot.day, "start_time": slot.start_time,
        "end_time": slot.end_time, "source": source, "side": side, "procedure_code": procedure_code,
        "note": note,
        "citizen": {"id": person.id, "full_name": person.full_name, "phone": person.phone, "cccd": person.cccd},
    })
    return _info(session, appt.id)


def _require_booked(appt: Appointment, doing: LazyText) -> None:
    if appt.status != AppointmentStatus.BOOKED:
        raise TransitionError(lazy_gettext("Cannot {doing} the appointment {code}: the appointment is {status}", doing=doing,
                                           code=appt.code, status=appt.status),
                              code="illegal_transition", status=appt.status, appointment_code=appt.code)


def cancel(session: Session, actor: Actor, appointment_id: uuid.UUID | str, *, reason: str = "",
           now: datetime | None = None) -> AppointmentInfo:
    """Cancel a booked appointment; its place goes back to its side's quota."""
    now = _now(now)
    appt = _find(session, appointment_id, actor.office_code)
    _require_booked(appt, lazy_pgettext("appointment move", "cancel"))
    reason = collapse_spaces(nfc(reason or ""))
    side = side_of(appt.source)
    _give_back_place(session, appt.slot_id, side)
    appt.status = AppointmentStatus.CANCELLED.value
    appt.cancelled_at = now
    _event(session, actor, appt, "cancel", now, {"reason": reason})
    _record(session, actor, appt, "cancel", now, AppointmentStatus.BOOKED,
            {"slot_id": appt.slot_id, "side": side, "reason": reason})
    return _info(session, appt.id)


def reschedule(session: Session, actor: Actor, appointment_id: uuid.UUID | str, new_slot_id: uuid.UUID, *,
               now: datetime | None = None) -> AppointmentInfo:
    """Move a booked appointment to another slot of the same service, keeping its code.

    The new place is taken before the old one is given back, so a full new slot leaves
    the appointment where it was.
    """
    now = _now(now)
    appt = _find(session, appointment_id, actor.office_code)
    _require_booked(appt, lazy_pgettext("appointment move", "move"))
    old_slot, service_code = load_slot(session, appt.slot_id)
    new_slot, new_service_code = load_slot(session, new_slot_id, actor.office_code)
    if new_slot.id == old_slot.id:
        raise ValidationError(lazy_gettext("The appointment is already in this slot"), field="slot", code="same_slot")
    if new_slot.service_id != old_slot.service_id:
        raise ValidationError(lazy_gettext("Move only to a slot of the same service {service}", service=service_code),
                              field="slot",
                              code="wrong_service", service_code=new_service_code)
    _refuse_past(new_slot, now)
    side = side_of(appt.source)
    if not _take_place(session, new_slot.id, side):
        raise _quota_full(new_slot, new_service_code, side)
    _give_back_place(session, old_slot.id, side)
    appt.slot_id = new_slot.id
    detail = {"from_slot_id": old_slot.id, "to_slot_id": new_slot.id, "side": side}
    _event(session, actor, appt, "reschedule", now, detail)
    _record(session, actor, appt, "reschedule", now, AppointmentStatus.BOOKED, {
        **detail, "day": new_slot.day, "start_time": new_slot.start_time, "end_time": new_slot.end_time})
    return _info(session, appt.id)


def check_in(session: Session, actor: Actor, appointment: uuid.UUID | str, *,
             now: datetime | None = None) -> CheckIn:
    """The citizen has arrived: inside the slot's window the appointment becomes a queue ticket.

    The ticket goes to the slot's service with source "appointment", which the queue calls
    ahead of walk-ins inside its window.
    """
    now = _now(now)
    appt = _find(session, appointment, actor.office_code)
    if appt.status == AppointmentStatus.CANCELLED:
        raise DomainError(lazy_gettext("The appointment {code} has been cancelled", code=appt.code), code="cancelled",
                          appointment_code=appt.code)
    if appt.status == AppointmentStatus.NO_SHOW:
        raise DomainError(lazy_gettext("The appointment {code} is past its time and was marked as a no-show", code=appt.code),
                          code="no_show",
                          appointment_code=appt.code)
    if appt.status == AppointmentStatus.CHECKED_IN:
        ticket_code = session.scalar(select(Ticket.code).where(Ticket.appointment_id == appt.id)
                                     .order_by(Ticket.issued_at.desc()).limit(1))
        raise DomainError(lazy_gettext("The appointment {code} is already checked in, queue number {ticket}", code=appt.code,
                                       ticket=ticket_code),
                          code="already_checked_in", appointment_code=appt.code, ticket_code=ticket_code)
    _require_booked(appt, lazy_pgettext("appointment move", "check in"))
    slot, service_code = load_slot(session, appt.slot_id)
    opens, closes = check_in_window(session, appt.office_code, slot)
    local = to_office_time(now)
    window = {"appointment_code": appt.code, "day": slot.day.isoformat(),
              "window_start": opens.isoformat(), "window_end": closes.isoformat()}
    if not opens <= local <= closes:
        if local.date() != slot.day:
            raise DomainError(lazy_gettext("The appointment {code} is on {day}, not today", code=appt.code,
                                           day=slot.day.strftime("%d/%m/%Y")),
                              code="wrong_day", **window)
        if local < opens:
            raise DomainError(lazy_gettext("It is not yet the appointment's time: check-in opens at {time}",
                                           time=opens.strftime("%H:%M")), code="too_early", **window)
        raise DomainError(lazy_gettext("The appointment's time is over (until {time}); please take an ordinary queue number",
                                       time=closes.strftime("%H:%M")),
                          code="too_late", **window)
    return issue_check_in(session, actor, appt, service_code, now=now)


def issue_check_in(session: Session, actor: Actor, appt: Appointment, service_code: str, *, now: datetime,
                   payload: dict[str, Any] | None = None) -> CheckIn:
    """The check-in itself, once the window has been checked: the priority ticket, the
    event and the ``check_in`` op (from "booked"). ``payload`` replaces the op's default
    ``{"code"}`` part (an online booking checked in from its QR has no real code yet)."""
    ticket = issue_ticket(session, actor, service_code, source="appointment", appointment_id=appt.id, now=now)
    appt.status = AppointmentStatus.CHECKED_IN.value
    appt.checked_in_at = now
    detail = {"ticket_id": ticket.id, "ticket_code": ticket.code}
    _event(session, actor, appt, "check_in", now, detail)
    if payload is None:
        _record(session, actor, appt, "check_in", now, AppointmentStatus.BOOKED, detail)
    else:
        journal.record(session, actor, entity="appointment", entity_id=appt.id, op_type="check_in",
                       payload={**payload, **detail}, now=now, from_state=AppointmentStatus.BOOKED,
                       to_state=appt.status)
    return CheckIn(appointment=_info(session, appt.id), ticket=ticket)


def mark_no_shows(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Booked appointments of the actor's office whose check-in window has closed -> no_show."""
    now = _now(now)
    local = to_office_time(now)
    rules = load_rules(session, actor.office_code)
    late = timedelta(minutes=rules.appointment_late_minutes)
    rows = session.execute(
        select(Appointment, Slot).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.office_code == actor.office_code, Appointment.status == AppointmentStatus.BOOKED,
               Slot.day <= local.date())
        .order_by(Slot.day, Slot.start_time, Appointment.booked_at)).all()
    count = 0
    for appt, slot in rows:
        if slot_end(slot) + late >= local:
            continue
        appt.status = AppointmentStatus.NO_SHOW.value
        _event(session, actor, appt, "no_show", now, {"slot_id": slot.id})
        _record(session, actor, appt, "no_show", now, AppointmentStatus.BOOKED,
                {"slot_id": slot.id, "day": slot.day, "end_time": slot.end_time})
        count += 1
    session.flush()
    return count


def appointment_status(session: Session, office_code: str, appointment_id: uuid.UUID) -> str | None:
    """The status of this office's appointment, or None when the office does not have it (an
    online booking not pulled yet, or a code of another office)."""
    return session.scalar(select(Appointment.status).where(Appointment.id == appointment_id,
                                                           Appointment.office_code == office_code))


def get_appointment(session: Session, appointment: uuid.UUID | str) -> AppointmentInfo:
    """An appointment by id or by code (``LHX7K2MP``, case and dashes ignored)."""
    return _info(session, _find(session, appointment).id)


def appointments_for_day(session: Session, office_code: str, day: date, *,
                         service_code: str | None = None) -> list[AppointmentInfo]:
    """The day's appointments (all statuses), by slot time then booking time."""
    conditions = [Appointment.office_code == office_code, Slot.day == day]
    if service_code is not None:
        conditions.append(Service.code == service_code)
    return _info_rows(session, *conditions)


__all__ = [
    "BOOKING_SOURCES",
    "AppointmentInfo",
    "CheckIn",
    "SlotInfo",
    "appointments_for_day",
    "book",
    "cancel",
    "check_in",
    "check_in_window",
    "get_appointment",
    "issue_check_in",
    "load_slot",
    "mark_no_shows",
    "reschedule",
    "side_of",
    "slot_info",
]
