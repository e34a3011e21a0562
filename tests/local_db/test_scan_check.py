"""Checking a scanned token against the office's keys and database (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import update

from core.errors import ValidationError
from core.tokens import (
    AppointmentToken,
    ReceiptToken,
    Result,
    Signer,
    TicketToken,
    receipt_url,
)
from local_db.database import Database
from local_db.models import Device
from local_db.office_setup import OfficeRefs, ensure_device
from local_db.ops import queue as q
from local_db.ops.appointments import (
    AppointmentInfo,
    book,
    cancel,
    check_in,
)
from local_db.ops.citizens import CitizenInput
from local_db.ops.scan_check import check_scan
from local_db.ops.signing import device_signer
from local_db.ops.slots import create_slots

MONDAY = date(2026, 11, 23)


def at(hh: int, mm: int = 0) -> datetime:
    """An office-local wall-clock moment on MONDAY as an aware UTC datetime."""
    return datetime(MONDAY.year, MONDAY.month, MONDAY.day, hh, mm, tzinfo=timezone.utc) - timedelta(hours=7)


NOW = at(9)


def ticket_token(t: q.TicketInfo, office_code: str) -> TicketToken:
    return TicketToken(entity_id=t.id, office_code=office_code, issued_at=t.issued_at, day=t.day, ticket_code=t.code)


def appointment_token(a: AppointmentInfo, office_code: str) -> AppointmentToken:
    def moment(clock: time) -> datetime:
        return at(clock.hour, clock.minute)

    return AppointmentToken(entity_id=a.id, office_code=office_code, issued_at=a.booked_at,
                            service_code=a.slot.service_code, window_start=moment(a.slot.start_time),
                            window_end=moment(a.slot.end_time), masked_name=a.citizen_name_masked)


def check(db: Database, office: OfficeRefs, text: object, now: datetime = NOW, **kw):
    with db.read() as s:
        return check_scan(s, office.office_code, text, now=now, **kw)  # type: ignore[arg-type]


def issue_signed(db: Database, office: OfficeRefs, service: str = "HT") -> tuple[q.TicketInfo, str]:
    with db.write() as s:
        ticket = q.issue_ticket(s, office.actor(None, "kiosk"), service, now=NOW)
        return ticket, device_signer(s, office.device_id).sign(ticket_token(ticket, office.office_code))


def test_a_ticket_is_valid_while_it_waits_or_is_at_the_counter_and_used_once_served(
        db: Database, office: OfficeRefs) -> None:
    ticket, text = issue_signed(db, office)
    v = check(db, office, text)
    assert v.result is Result.VALID and v.token.entity_id == ticket.id
    assert v.message_vi == f"Số thứ tự {ticket.code} hợp lệ."

    clerk = office.actor("canbo1")
    with db.write() as s:
        called = q.call_next(s, clerk, 1, now=NOW + timedelta(minutes=1))
    assert called.id == ticket.id
    assert check(db, office, text).result is Result.VALID  # called: the citizen checks which counter
    with db.write() as s:
        q.start_serving(s, clerk, ticket.id, now=NOW + timedelta(minutes=2))
    assert check(db, office, text).result is Result.VALID
    with db.write() as s:
        q.finish_serving(s, clerk, ticket.id, now=NOW + timedelta(minutes=6))

    used = check(db, office, text.lower() + "\r\n")  # as a keyboard-wedge scanner may type it
    assert used.result is Result.ALREADY_USED and used.token.ticket_code == ticket.code
    assert used.message_vi == "Số thứ tự này đã được sử dụng rồi."
    assert used.message_en == "This queue number has already been used."
    assert check(db, office, text, now=NOW + timedelta(days=1)).result is Result.EXPIRED  # expiry comes first


def test_a_no_show_ticket_is_used_and_says_why(db: Database, office: OfficeRefs) -> None:
    ticket, text = issue_signed(db, office)
    with db.write() as s:
        q.call_next(s, office.actor("canbo1"), 1, now=NOW)
        q.mark_no_show(s, office.actor("canbo1"), ticket.id, now=NOW + timedelta(minutes=3))
    v = check(db, office, text)
    assert v.result is Result.ALREADY_USED
    assert "không có người đến quầy" in v.message_vi and "nobody came" in v.message_en


def test_a_device_that_is_revoked_no_longer_vouches_for_its_tokens(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        kiosk = ensure_device(s, office.office_code, "kiosk-2", "kiosk")
        ticket = q.issue_ticket(s, office.actor(None, "kiosk"), "CT", now=NOW)
        text = device_signer(s, kiosk.id).sign(ticket_token(ticket, office.office_code))
    assert check(db, office, text).result is Result.VALID  # any device of the office
    with db.write() as s:
        s.execute(update(Device).where(Device.id == kiosk.id).values(revoked=True))
    v = check(db, office, text)
    assert v.result is Result.UNKNOWN_KEY and v.token is None
    assert v.message_vi and v.message_en


def test_a_key_nobody_registered_is_unknown(db: Database, office: OfficeRefs) -> None:
    ticket, _text = issue_signed(db, office)
    forged = Signer(bytes([9] * 32)).sign(ticket_token(ticket, office.office_code))
    assert check(db, office, forged).result is Result.UNKNOWN_KEY


def book_signed(db: Database, office: OfficeRefs, phone: str) -> tuple[AppointmentInfo, str]:
    with db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(8), end=time(11), minutes=30,
                             office_quota=2, online_quota=1)
        slot = next(x for x in slots if x.start_time == time(9))
        appt = book(s, office.actor("canbo1"), slot.id, CitizenInput(full_name="Nguyễn Thị Mai", phone=phone),
                    source="kiosk", now=at(7))
        return appt, device_signer(s, office.device_id).sign(appointment_token(appt, office.office_code))


def test_an_appointment_is_used_once_checked_in(db: Database, office: OfficeRefs) -> None:
    appt, text = book_signed(db, office, "0912300001")
    v = check(db, office, text, now=at(9, 5), expect_kind=AppointmentToken)
    assert v.result is Result.VALID and v.token.entity_id == appt.id
    assert v.message_vi == "Lịch hẹn lúc 09:00 ngày 23/11/2026 hợp lệ."
    with db.write() as s:
        check_in(s, office.actor(label="kiosk"), appt.id, now=at(9, 5))
    used = check(db, office, text, now=at(9, 6), expect_kind=AppointmentToken)
    assert used.result is Result.ALREADY_USED
    assert used.message_en == "This appointment has already been checked in."
    assert check(db, office, text, now=at(9, 30)).result is Result.EXPIRED  # its window has closed


def test_a_cancelled_appointment_is_used_and_says_it_was_cancelled(db: Database, office: OfficeRefs) -> None:
    appt, text = book_signed(db, office, "0912300002")
    with db.write() as s:
        cancel(s, office.actor("canbo1"), appt.id, now=at(8))
    v = check(db, office, text, now=at(8, 55))
    assert v.result is Result.ALREADY_USED
    assert v.message_vi == "Lịch hẹn này đã bị huỷ. Vui lòng đặt lịch mới hoặc lấy số thứ tự."
    assert "cancelled" in v.message_en


def test_an_online_booking_not_pulled_yet_is_valid_and_a_receipt_is_never_used(
        db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        signer = device_signer(s, office.device_id)
    booking = AppointmentToken(uuid.uuid4(), office.office_code, at(7), "HT", at(10), at(10, 30), "N. T. Mai")
    assert check(db, office, signer.sign(booking)).result is Result.VALID  # the office has no row for it yet
    receipt = signer.sign(ReceiptToken(uuid.uuid4(), office.office_code, at(8), "000.00.04.H26-261123-0001"))
    url = receipt_url("tracuu.motcua.vn", receipt)
    assert check(db, office, url, now=at(9) + timedelta(days=3650)).result is Result.VALID


def test_other_offices_other_kinds_and_garbage_are_refused_without_raising(db: Database, office: OfficeRefs) -> None:
    ticket, text = issue_signed(db, office)
    with db.write() as s:
        signer = device_signer(s, office.device_id)
    foreign = signer.sign(TicketToken(ticket.id, "00007", NOW, MONDAY, ticket.code))
    assert check(db, office, foreign).result is Result.WRONG_OFFICE
    assert check(db, office, text, expect_kind=AppointmentToken).result is Result.NOT_OURS
    altered = text[:40] + ("A" if text[40] != "A" else "B") + text[41:]
    assert check(db, office, altered).result in {Result.TAMPERED, Result.NOT_OURS}
    for garbage in ("", "HELLO", "001090012345|123456789|Nguyễn Văn Hoà|01021990|Nam|Hà Nội|15082021", None, 42):
        v = check(db, office, garbage)
        assert v.result is Result.NOT_OURS and v.message_vi and v.message_en
    with pytest.raises(ValidationError), db.read() as s:
        check_scan(s, office.office_code, text, now=datetime(2026, 11, 23, 9, 0))  # a naive now is a bug
