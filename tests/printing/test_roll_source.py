"""Ticket and appointment-slip content read from a real office database (SQLite and PostgreSQL),
printed, and scanned back against the office's key ring."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import update

from core.errors import NotFound
from core.tokens import AppointmentToken, Result, TicketToken, verify
from local_db.database import Database
from local_db.models import Counter
from local_db.office_setup import OfficeRefs, load_demo_catalog
from local_db.ops.appointments import book
from local_db.ops.citizens import CitizenInput
from local_db.ops.counters import set_counter_open
from local_db.ops.queue import issue_ticket, position
from local_db.ops.signing import device_signer, office_key_ring
from local_db.ops.slots import create_slots
from printing.content import AppointmentSlipContent, from_data, to_data
from printing.documents.appointment_slip import appointment_slip_pdf
from printing.documents.ticket import ticket_pdf
from printing.roll_source import appointment_slip_content, ticket_content, token_name
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise

MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội
EARLY = NOW - timedelta(hours=2)  # 07:00, before the first slot
BIRTH = "1.001193"  # Đăng ký khai sinh, service HT


def issue(db: Database, office: OfficeRefs, minutes: float, **kw: object) -> uuid.UUID:
    with db.write() as s:
        return issue_ticket(s, office.actor(None, "kiosk"), "HT", now=NOW + timedelta(minutes=minutes), **kw).id  # type: ignore[arg-type]


def scan_back(db: Database, office: OfficeRefs, pdf: bytes, dpi: int, now: datetime):
    [text] = qr_texts(rasterise(pdf, dpi=dpi))
    with db.read() as s:
        ring = office_key_ring(s, office.office_code)
    return verify(text, ring, office_code=office.office_code, now=now)


def book_birth(db: Database, office: OfficeRefs, name: str = "Nguyễn Thị Mai") -> uuid.UUID:
    with db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(10), end=time(11), minutes=30,
                             office_quota=2, online_quota=1)
        return book(s, office.actor("canbo1"), slots[0].id, CitizenInput(full_name=name, phone="0912345678"),
                    source="counter", procedure_code=BIRTH, now=EARLY).id


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_ticket_content_counts_the_queue_and_its_qr_verifies(db: Database, office: OfficeRefs, lang: str) -> None:
    for minute in (0, 1):
        issue(db, office, minute)
    mine = issue(db, office, 2)
    with db.write() as s:  # counter 2 closes: HT is now called at counters 1 and 4 only
        s.execute(update(Counter).where(Counter.id == office.counters[2]).values(is_open=False))
    with db.read() as s:
        signer = device_signer(s, office.device_id)
        content = ticket_content(s, mine, signer=signer, lang=lang, now=NOW + timedelta(minutes=3))
        where = position(s, mine, now=NOW + timedelta(minutes=3))
    assert content.ticket_code == "A003"
    assert content.ahead == 2 and content.counters == (1, 4)
    assert content.wait_minutes == where.estimated_wait_min == 6  # 2 people x 6 min default / 2 counters
    assert content.priority == ""
    if lang == "vi":
        assert (content.office_name, content.service_name) == ("UBND Phường Ba Đình", "Hộ tịch")
    else:
        assert (content.office_name, content.service_name) == ("Ba Dinh Ward People's Committee", "Civil status")

    pdf = ticket_pdf(content)
    check = scan_back(db, office, pdf, 203, NOW + timedelta(hours=3))
    assert check.result is Result.VALID, check.message_en
    assert isinstance(check.token, TicketToken) and check.token.ticket_code == "A003"
    assert check.token.entity_id == mine and check.token.day == MONDAY
    text = " ".join(pdf_text(pdf).split())
    assert ("Có 2 người đang chờ trước bạn." if lang == "vi" else "2 people are waiting ahead of you.") in text
    # Counters 1 and 4 are open but nobody is signed in at them: the paper promises no wait.
    assert not content.staffed
    assert ("Hiện chưa có quầy phục vụ" if lang == "vi" else "No counter is serving this right now") in text
    assert ("Thời gian chờ" if lang == "vi" else "Estimated wait") not in text
    with db.write() as s:  # canbo1 signs in at counter 1
        set_counter_open(s, office.actor("canbo1"), 1, True, now=NOW + timedelta(minutes=3))
    with db.read() as s:
        staffed = ticket_content(s, mine, signer=signer, lang=lang, now=NOW + timedelta(minutes=3))
    staffed_text = " ".join(pdf_text(ticket_pdf(staffed)).split())
    assert staffed.staffed and ("Estimated wait" if lang == "en" else "Thời gian chờ") in staffed_text
    assert staffed.counters == (1,)  # where someone is: not counter 4, open with nobody at it
    assert ("Hiện chưa có quầy phục vụ" if lang == "vi" else "No counter is serving this right now") not in staffed_text
    # a ticket of the day stops verifying the next day
    assert scan_back(db, office, pdf, 203, NOW + timedelta(days=1)).result is Result.EXPIRED


def test_a_priority_ticket_says_why_and_goes_ahead(db: Database, office: OfficeRefs) -> None:
    issue(db, office, 0)
    elderly = issue(db, office, 1, priority_reason="elderly")
    with db.read() as s:
        signer = device_signer(s, office.device_id)
        vi = ticket_content(s, elderly, signer=signer, now=NOW + timedelta(minutes=2))
        en = ticket_content(s, elderly, signer=signer, lang="en", now=NOW + timedelta(minutes=2))
    assert (vi.priority, en.priority) == ("Người cao tuổi", "Elderly person")
    assert vi.ahead == 0 and vi.wait_minutes == 0
    assert vi.counters == (1, 2, 4)


def test_an_unknown_ticket_is_not_found(db: Database, office: OfficeRefs) -> None:
    with db.read() as s, pytest.raises(NotFound):
        ticket_content(s, uuid.uuid4(), signer=device_signer(s, office.device_id), now=NOW)


@pytest.mark.parametrize(("lang", "paper"), [("vi", "80mm"), ("en", "A5")])
def test_slip_content_has_the_procedure_documents_and_a_verifying_qr(db: Database, office: OfficeRefs, lang: str,
                                                                     paper: str) -> None:
    appointment = book_birth(db, office)
    with db.read() as s:
        signer = device_signer(s, office.device_id)
        content = appointment_slip_content(s, appointment, signer=signer, lang=lang, paper=paper, now=EARLY)
    row = next(r for r in load_demo_catalog() if r["code"] == BIRTH)
    assert content.documents == tuple(d["name"] for d in row["documents"])
    assert content.procedure_code == BIRTH
    assert content.procedure_name == (row["name_vi"] if lang == "vi" else row["name_en"])
    assert content.service_name == ("Hộ tịch" if lang == "vi" else "Civil status")
    assert content.masked_name == "N. T. Mai"
    assert content.appointment_code.startswith("LH") and content.paper == paper
    assert content.office_address == "Số 1 Đội Cấn, Phường Ba Đình, Hà Nội" and content.office_phone == "02438234567"
    local = content.window_start.astimezone(timezone(timedelta(hours=7)))
    assert (local.date(), local.time()) == (MONDAY, time(10))
    assert content.window_end - content.window_start == timedelta(minutes=30)
    assert content.check_in_from is not None and content.check_in_until is not None
    assert content.check_in_from <= content.window_start and content.check_in_until >= content.window_end
    assert from_data(AppointmentSlipContent, to_data(content)) == content

    pdf = appointment_slip_pdf(content)
    check = scan_back(db, office, pdf, 203 if paper == "80mm" else 150, NOW)
    assert check.result is Result.VALID, check.message_en
    assert isinstance(check.token, AppointmentToken)
    assert check.token.entity_id == appointment and check.token.masked_name == "N. T. Mai"
    assert check.token.service_code == "HT" and check.token.window_start == content.window_start
    text = " ".join(pdf_text(pdf).split())
    assert content.appointment_code in text and all(d in text for d in content.documents)


def test_slip_found_by_its_code_and_a_long_name_fits_the_token(db: Database, office: OfficeRefs) -> None:
    long_name = ("Tôn Nữ Hoàng Thị Ngọc Bích Phương Thảo Uyên Nhi Khánh Linh Nguyễn Phước Bảo Trâm Ánh Hồng "
                 "Đoan Trang Dương")
    appointment = book_birth(db, office, long_name)
    with db.read() as s:
        signer = device_signer(s, office.device_id)
        by_id = appointment_slip_content(s, appointment, signer=signer, now=EARLY)
        by_code = appointment_slip_content(s, by_id.appointment_code.lower(), signer=signer, now=EARLY)
    assert by_code.appointment_code == by_id.appointment_code
    assert by_id.masked_name.endswith("Đ. T. Dương")  # printed in full on the slip ...
    assert len(by_id.masked_name.encode()) > 60  # ... though longer than a token may carry
    check = scan_back(db, office, appointment_slip_pdf(by_id), 203, NOW)
    assert check.result is Result.VALID
    assert check.token.masked_name == token_name(by_id.masked_name)
    assert check.token.masked_name.startswith("T. ") and check.token.masked_name.endswith(" Đ. T. Dương")
    assert len(check.token.masked_name.encode()) <= 60
    assert token_name("N. V. Hoà") == "N. V. Hoà"
    assert token_name("Ngô " + "Đ" * 40) == "Ngô " + "Đ" * 27  # one word too long: cut at a whole letter


def test_unknown_paper_or_language_is_refused(db: Database, office: OfficeRefs) -> None:
    appointment = book_birth(db, office)
    with db.read() as s:
        signer = device_signer(s, office.device_id)
        with pytest.raises(ValueError):
            appointment_slip_content(s, appointment, signer=signer, paper="A4", now=EARLY)
        with pytest.raises(ValueError):
            appointment_slip_content(s, appointment, signer=signer, lang="fr", now=EARLY)
