"""Real office operations refused on a real database: the clerk reads why in the counter's
language. The error is raised where the operation runs (a worker, in Vietnamese, the
default) and read by the screen in its own language."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta, timezone

import pytest

from core.errors import MotcuaError, NotFound, QuotaExceeded, TransitionError, ValidationError
from core.i18n import language
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import book, check_in
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import DocumentLine, receive_dossier, return_result
from local_db.ops.queue import issue_ticket
from local_db.ops.slots import create_slots

VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội
EARLIER = NOW - timedelta(hours=2)  # 07:00
MARITAL_STATUS = "1.004873"
DOCS = [DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
        DocumentLine("Giấy tờ tùy thân", certified=1)]
HOA = CitizenInput(full_name="Nguyễn Văn Hoà", cccd="001090012345", phone="0912345678")


def refused(db: Database, operation: Callable[[], object]) -> MotcuaError:
    """Run ``operation`` in a worker thread, as the apps do (ui/tasks.py), and return its error."""
    def run() -> MotcuaError:
        with pytest.raises(MotcuaError) as caught:
            operation()
        return caught.value

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def read_in_both(error: MotcuaError) -> tuple[str, str]:
    """What an English screen and a Vietnamese one show."""
    with language("en"):
        english = error.message
    return english, error.message


def test_a_wrong_cccd_at_intake(db: Database, office: OfficeRefs) -> None:
    def receive() -> object:
        with db.write() as s:
            return receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS,
                                   applicant=CitizenInput(full_name="Nguyễn Văn Hoà", cccd="00109001234"),
                                   documents=DOCS, now=NOW)

    error = refused(db, receive)
    assert isinstance(error, ValidationError) and error.field == "cccd"
    assert read_in_both(error) == ("A CCCD number has exactly 12 digits", "Số CCCD phải gồm đúng 12 chữ số")


def test_an_illegal_dossier_move(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        dossier = receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS, applicant=HOA,
                                  documents=DOCS, now=NOW)

    def hand_back() -> object:  # the result was never ready
        with db.write() as s:
            return return_result(s, office.actor("canbo1"), dossier.id, returned_to="Hoà", now=NOW)

    error = refused(db, hand_back)
    assert isinstance(error, TransitionError) and error.details["from_state"] == "received"
    english, vietnamese = read_in_both(error)
    assert english == "cannot return_result a dossier that is received"
    assert vietnamese == "Hồ sơ đang ở trạng thái received không thể thực hiện bước return_result"


def test_a_full_slot(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(10), end=time(10, 30), minutes=30,
                             office_quota=1, online_quota=0)
        book(s, office.actor("canbo1"), slots[0].id, CitizenInput(full_name="Trần Văn An", phone="0912000001"),
             source="counter", now=EARLIER)

    def book_another() -> object:
        with db.write() as s:
            return book(s, office.actor("canbo1"), slots[0].id,
                        CitizenInput(full_name="Lê Thị Bình", phone="0912000002"), source="counter", now=EARLIER)

    error = refused(db, book_another)
    assert isinstance(error, QuotaExceeded) and error.details["side"] == "office"
    english, vietnamese = read_in_both(error)
    assert english == "The slot 10:00–10:30 on 23/11/2026 (HT) is fully booked at the office (1 places)"
    assert vietnamese == "Khung giờ 10:00–10:30 ngày 23/11/2026 (HT) đã hết chỗ đặt tại cơ quan (1 chỗ)"


def test_a_check_in_too_early(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(10), end=time(10, 30), minutes=30,
                             office_quota=1, online_quota=0)
        appt = book(s, office.actor("canbo1"), slots[0].id, CitizenInput(full_name="Trần Văn An", phone="0912000001"),
                    source="counter", now=EARLIER)

    def arrive() -> object:
        with db.write() as s:
            return check_in(s, office.actor(label="kiosk"), appt.id, now=EARLIER)

    error = refused(db, arrive)
    assert error.code == "too_early"
    english, vietnamese = read_in_both(error)
    assert english.startswith("It is not yet the appointment's time: check-in opens at ")
    assert vietnamese.startswith("Chưa đến giờ hẹn: có thể xác nhận từ ")


def test_an_unknown_service_at_the_kiosk(db: Database, office: OfficeRefs) -> None:
    def take_a_number() -> object:
        with db.write() as s:
            return issue_ticket(s, office.actor(None, "kiosk"), "ZZ", now=NOW)

    error = refused(db, take_a_number)
    assert isinstance(error, NotFound) and error.code == "service_not_found"
    assert read_in_both(error) == ("There is no service 'ZZ'", "Không có dịch vụ 'ZZ'")


def test_every_refusal_above_reads_without_a_vietnamese_letter_in_english(db: Database, office: OfficeRefs) -> None:
    """A handful more through the operations, checked only for the language."""
    def missing_documents() -> object:
        with db.write() as s:
            return receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS, applicant=HOA,
                                   documents=[], now=NOW)

    def unknown_procedure() -> object:
        with db.write() as s:
            return receive_dossier(s, office.actor("canbo1"), procedure_code="9.999999", applicant=HOA,
                                   documents=DOCS, now=NOW)

    def bad_phone() -> object:
        with db.write() as s:
            return receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS,
                                   applicant=CitizenInput(full_name="Nguyễn Văn Hoà", phone="12345"),
                                   documents=DOCS, now=NOW)

    for operation in (missing_documents, unknown_procedure, bad_phone):
        error = refused(db, operation)
        english, vietnamese = read_in_both(error)
        assert VIETNAMESE.search(vietnamese), vietnamese
        if error.code == "documents_missing":  # the names of the papers are the catalogue's, in Vietnamese
            english = english.split(":")[0]
        assert not VIETNAMESE.search(english), english
