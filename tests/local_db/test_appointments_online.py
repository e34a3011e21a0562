"""An online booking checked in from its centre-signed QR before the office pulled it, and
what the pull does with it later (local_db.ops.appointments_online, local_db.ops.sync_apply)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core.errors import DomainError
from core.keys import generate_keypair
from core.tokens import AppointmentToken, Signer
from local_db.check import run_check
from local_db.database import Database
from local_db.models import Appointment, Citizen, Outbox, Slot, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import get_appointment
from local_db.ops.appointments_online import (
    check_in_online_token,
    is_placeholder,
    placeholder_code,
)
from local_db.ops.signing import device_signer
from local_db.ops.slots import create_slots
from local_db.ops.sync_apply import apply_page
from local_db.ops.sync_outbox import CENTRAL_STATE, list_notices

MONDAY = date(2026, 11, 23)


def at(hh: int, mm: int = 0, day: date = MONDAY) -> datetime:
    """Office-local wall-clock time (UTC+7) as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC) - timedelta(hours=7)


def centre_key(db: Database, office: OfficeRefs) -> Signer:
    """The centre's key as the office has pulled it: a "centre" Device row, public key only."""
    from local_db.models import Device

    private, public = generate_keypair()
    with db.write() as s:
        s.add(Device(office_code=office.office_code, name="centre", kind="centre", public_key=public,
                     private_key=None))
    return Signer(private)


def online_token(signer: Signer, office_code: str = "00004", *, start: datetime | None = None,
                 service: str = "HT", name: str = "T. T. Lan", entity_id: uuid.UUID | None = None) -> tuple[str, uuid.UUID]:
    start = start or at(9)
    entity_id = entity_id or uuid.uuid4()
    text = signer.sign(AppointmentToken(entity_id=entity_id, office_code=office_code, issued_at=at(7, day=MONDAY - timedelta(days=2)),
                                        service_code=service, window_start=start,
                                        window_end=start + timedelta(minutes=30), masked_name=name))
    return text, entity_id


def make_slots(db: Database, office: OfficeRefs) -> dict[time, uuid.UUID]:
    with db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(8), end=time(11), minutes=30,
                             office_quota=3, online_quota=1, now=at(7, day=MONDAY - timedelta(days=5)))
    return {x.start_time: x.id for x in slots}


def kiosk(office: OfficeRefs):  # type: ignore[no-untyped-def]
    return office.actor(None, "kiosk")


def refused(db: Database, office: OfficeRefs, text: str, now: datetime) -> str:
    with pytest.raises(DomainError) as caught, db.write() as s:
        check_in_online_token(s, kiosk(office), text, now=now)
    return caught.value.code


def test_a_centre_signed_booking_not_pulled_yet_checks_in_offline_with_a_priority_ticket(
        db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    centre = centre_key(db, office)
    text, appt_id = online_token(centre)
    with db.write() as s:
        done = check_in_online_token(s, kiosk(office), text, now=at(8, 50))
    assert done.appointment.id == appt_id and done.appointment.status == "checked_in"
    assert done.appointment.citizen_name_masked == "T. T. Lan" and done.appointment.source == "online"
    assert done.appointment.code == placeholder_code(appt_id) and is_placeholder(done.appointment.code)
    assert done.ticket.code == "A001"
    with db.read() as s:
        appt = s.get(Appointment, appt_id)
        assert appt.slot_id == slots[time(9)]  # the office's own slot of that service and time
        slot = s.get(Slot, slots[time(9)])
        assert (slot.online_booked, slot.online_quota, slot.office_booked) == (1, 1, 0)
        ticket = s.scalars(select(Ticket)).one()
        assert (ticket.source, ticket.appointment_id) == ("appointment", appt_id)
        ops = s.execute(select(Outbox.op_type, Outbox.state, Outbox.from_state, Outbox.to_state, Outbox.payload)
                        .where(Outbox.entity == "appointment").order_by(Outbox.seq)).all()
    [(book_op, book_state, _, _, _), (op, state, from_state, to_state, payload)] = ops
    assert (book_op, book_state) == ("book", CENTRAL_STATE)  # the centre's booking: never pushed back
    assert (op, from_state, to_state) == ("check_in", "booked", "checked_in") and state != CENTRAL_STATE
    assert payload["source"] == payload["side"] == "online" and payload["offline_token"] is True
    assert "code" not in payload and payload["ticket_code"] == "A001"  # no placeholder code for the centre
    assert run_check(db).ok, run_check(db).problems


def test_a_booking_of_a_slot_the_office_has_not_got_still_checks_in(db: Database, office: OfficeRefs) -> None:
    centre = centre_key(db, office)
    text, appt_id = online_token(centre, start=at(14))
    with db.write() as s:
        done = check_in_online_token(s, kiosk(office), text, now=at(14, 5))
    assert done.ticket.code == "A001"
    with db.read() as s:
        slot = s.get(Slot, s.get(Appointment, appt_id).slot_id)
        assert (slot.day, slot.start_time, slot.end_time) == (MONDAY, time(14), time(14, 30))
        assert (slot.office_quota, slot.online_quota, slot.online_booked) == (0, 1, 1)
    assert run_check(db).ok, run_check(db).problems


def test_forged_foreign_wrong_day_and_out_of_window_tokens_are_refused_and_write_nothing(
        db: Database, office: OfficeRefs) -> None:
    make_slots(db, office)
    centre = centre_key(db, office)
    text, _ = online_token(centre)
    forged = text[:-8] + ("A" * 8 if text[-8:] != "A" * 8 else "B" * 8)
    assert refused(db, office, forged, at(8, 50)) in ("forged", "not_appointment")
    assert refused(db, office, online_token(Signer(bytes([7] * 32)))[0], at(8, 50)) == "unknown_key"
    assert refused(db, office, online_token(centre, "99999")[0], at(8, 50)) == "wrong_office"
    tomorrow = online_token(centre, start=at(9, day=MONDAY + timedelta(days=1)))[0]
    assert refused(db, office, tomorrow, at(8, 50)) == "wrong_day"
    assert refused(db, office, text, at(8, 40)) == "too_early"  # the window opens 15 minutes before 09:00
    assert refused(db, office, text, at(9, 31)) == "too_late"  # and closes when the slot ends (no late minutes)
    assert refused(db, office, online_token(centre, service="ZZ")[0], at(8, 50)) == "unknown_service"
    with db.read() as s:
        own = online_token(device_signer(s, office.device_id))[0]
    assert refused(db, office, own, at(8, 50)) == "not_centre_signed"  # an office never signs what it lacks
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 0
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
        assert s.scalar(select(func.count()).select_from(Citizen)) == 0


def test_a_second_scan_says_already_checked_in(db: Database, office: OfficeRefs) -> None:
    make_slots(db, office)
    text, _ = online_token(centre_key(db, office))
    with db.write() as s:
        check_in_online_token(s, kiosk(office), text, now=at(8, 50))
    with pytest.raises(DomainError) as caught, db.write() as s:
        check_in_online_token(s, office.actor(None, "kiosk-2"), text, now=at(8, 52))
    assert caught.value.code == "already_checked_in" and caught.value.details["ticket_code"] == "A001"


@dataclass
class Change:
    seq: int
    entity_id: uuid.UUID
    data: dict[str, Any]
    entity: str = "appointment"
    op: str = "upsert"
    office_code: str | None = "00004"
    extra: dict[str, Any] = field(default_factory=dict)


def centre_booking(appt_id: uuid.UUID, slot_id: uuid.UUID, status: str = "booked", **more: Any) -> dict[str, Any]:
    return {"id": str(appt_id), "office_code": "00004", "code": "LTX7K2MP", "slot_id": str(slot_id),
            "procedure_id": None, "procedure_code": None, "service_code": "HT",
            "citizen": {"full_name": "Trần Thị Lan", "phone": "0912345678", "id_number": None}, "source": "online",
            "status": status, "booked_at": at(7, day=MONDAY - timedelta(days=2)).isoformat(),
            "cancelled_at": None, **more}


def test_the_pulled_booking_fills_in_code_and_citizen_and_keeps_the_check_in(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    text, appt_id = online_token(centre_key(db, office))
    with db.write() as s:
        check_in_online_token(s, kiosk(office), text, now=at(8, 50))
        placeholder = s.get(Appointment, appt_id).citizen_id
    with db.write() as s:
        applied = apply_page(s, [Change(1, appt_id, centre_booking(appt_id, slots[time(9)]))], "1", now=at(9, 5))
    assert applied.applied == 1
    with db.read() as s:
        info = get_appointment(s, "LTX7K2MP")
        assert (info.id, info.status, info.ticket_code) == (appt_id, "checked_in", "A001")
        assert info.citizen_name == "Trần Thị Lan" and info.citizen_name_masked == "T. T. Lan"
        assert s.get(Citizen, placeholder) is None  # the masked-name stand-in is gone
        assert s.get(Slot, slots[time(9)]).online_booked == 1
    with db.write() as s:  # the same page again changes nothing
        assert apply_page(s, [Change(1, appt_id, centre_booking(appt_id, slots[time(9)]))], "1",
                          now=at(9, 6)).applied == 0
    assert run_check(db).ok, run_check(db).problems
    with db.read() as s:
        assert list_notices(s) == []


def test_a_booking_cancelled_online_before_the_pull_keeps_the_check_in_and_tells_staff(
        db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    text, appt_id = online_token(centre_key(db, office))
    with db.write() as s:
        check_in_online_token(s, kiosk(office), text, now=at(8, 50))
    changes = [Change(1, appt_id, centre_booking(appt_id, slots[time(9)])),
               Change(2, appt_id, centre_booking(appt_id, slots[time(9)], status="cancelled",
                                                 cancelled_at=at(8, 30).isoformat()))]
    with db.write() as s:
        apply_page(s, changes, "2", now=at(9, 5))
    with db.read() as s:
        appt = s.get(Appointment, appt_id)
        assert (appt.status, appt.code) == ("checked_in", "LTX7K2MP")
        assert s.scalars(select(Ticket.status).where(Ticket.appointment_id == appt_id)).one() == "waiting"
        [notice] = list_notices(s)
    assert notice.kind == "cancelled_before_check_in" and "LTX7K2MP" in notice.message and "A001" in notice.message
    assert run_check(db).ok, run_check(db).problems
