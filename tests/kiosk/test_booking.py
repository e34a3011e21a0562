"""A citizen books an appointment at the kiosk: types the procedure on the on-screen
keyboard, picks a day and a time, types name and phone, confirms; the DB and the slip."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from sqlalchemy import select

from core.i18n import set_language
from core.tokens import AppointmentToken, Result, verify
from kiosk.booking.model import BookingError, book, bookable_days, search_procedures
from kiosk.booking.view import booking_screens
from kiosk.context import KioskContext
from local_db.models import Appointment, Citizen, PrintJob, Slot
from local_db.office_setup import OfficeRefs
from local_db.ops.signing import office_key_ring
from local_db.ops.slots import create_slots
from printing.spool import PrintWorker
from tests.kiosk.conftest import KIOSK_NOW
from tests.kiosk.stack import screen_stack
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import MIN_TOUCH_PX

MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)  # 24/11 is a holiday (Ngày Văn hoá Việt Nam)
BIRTH = "1.001193"  # Đăng ký khai sinh


@pytest.fixture
def slots(kiosk_ctx: KioskContext, office: OfficeRefs) -> list:
    with kiosk_ctx.db.write() as s:  # a supervisor makes the day's slots (the counter's appointments page)
        return create_slots(s, office.actor("giamsat"), "HT", WEDNESDAY, start=time(8), end=time(9), minutes=30,
                            office_quota=1, online_quota=1)


class Flow:
    def __init__(self, qtbot, nav: Navigator, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.nav, self.tasks = qtbot, nav, tasks

    def tap(self, name: str) -> None:
        [widget] = [w for w in self.nav.current.findChildren(QPushButton, name) if w.isVisible()]
        assert widget.height() >= MIN_TOUCH_PX
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.tasks.wait_idle()

    def type(self, text: str) -> None:
        kb = self.nav.current.keyboard
        kb.type_text(text, lambda b: (self.qtbot.mouseClick(b, Qt.MouseButton.LeftButton), self.tasks.wait_idle()))

    def shown(self, name: str) -> str:
        return self.nav.current.findChild(QLabel, name).text()


@pytest.fixture
def flow(qtbot, kiosk_ctx: KioskContext) -> Iterator[Flow]:  # type: ignore[no-untyped-def]
    nav = screen_stack(qtbot, lambda tasks: booking_screens(kiosk_ctx, tasks), "booking", size=(1080, 1920))
    yield Flow(qtbot, nav, nav.tasks)
    nav.tasks.wait_idle()
    set_language("vi")


def _to_details(flow: Flow) -> None:
    flow.type("khai sinh")
    assert flow.nav.current.findChild(QLineEdit, "procedure-search").text() == "khai sinh"
    flow.tap(f"procedure-{BIRTH}")
    assert flow.nav.current.name == "booking_day"
    flow.tap(f"day-{WEDNESDAY.isoformat()}")
    assert flow.nav.current.name == "booking_slot"
    flow.tap("slot-0800")
    assert flow.nav.current.name == "booking_details"


def test_a_citizen_books_by_taps_and_the_slip_prints_with_a_valid_qr(flow: Flow, slots, kiosk_ctx: KioskContext,
                                                                    tmp_path: Path) -> None:
    search = flow.nav.current
    flow.type("khai sinh")
    assert search.results[0].name == "Đăng ký khai sinh"  # typed without diacritics
    flow.tap(f"procedure-{BIRTH}")
    day = flow.nav.current
    assert "Thứ Tư, 25/11/2026" in day.buttons[WEDNESDAY.isoformat()].text()
    assert "2 chỗ trống" in day.buttons[WEDNESDAY.isoformat()].text()
    assert not day.buttons[MONDAY.isoformat()].isEnabled()  # no slots made for Monday
    flow.tap(f"day-{WEDNESDAY.isoformat()}")
    flow.tap("slot-0800")

    details = flow.nav.current
    flow.type("Nguyễn Thị Mai")
    assert details.name_edit.text() == "Nguyễn Thị Mai"
    flow.tap("key-ok")
    flow.type("0912345678")
    flow.tap("key-ok")
    summary = flow.shown("booking-summary")
    assert "N. T. Mai" in summary and "091****678" in summary and "Nguyễn" not in summary
    assert "08:00–08:30" in summary and "Đăng ký khai sinh" in summary
    flow.tap("confirm")

    assert flow.nav.current.name == "booking_done"
    code = flow.shown("appointment-code")
    assert code.startswith("LH")
    assert flow.shown("print-status") == "Đang in phiếu hẹn..."
    with kiosk_ctx.db.read() as s:
        appt = s.scalars(select(Appointment)).one()
        person = s.get(Citizen, appt.citizen_id)
        slot = s.get(Slot, appt.slot_id)
        job = s.scalars(select(PrintJob)).one()
        ring = office_key_ring(s, kiosk_ctx.office_code)
    assert (appt.code, appt.source, appt.status) == (code, "kiosk", "booked")
    assert (person.full_name, person.phone) == ("Nguyễn Thị Mai", "0912345678")
    assert (slot.office_booked, slot.online_booked) == (1, 0)  # the office quota is used
    assert (job.document, job.ref_id, job.state) == ("appointment_slip", appt.id, "queued")

    events = []
    worker = PrintWorker(kiosk_ctx.db, kiosk_ctx.device_id, kiosk_ctx.printer, tmp_path / "kept",
                         on_change=events.append)
    assert worker.run_once(KIOSK_NOW) == 1
    for event in events:
        flow.nav.current.on_print_event(event)
    assert flow.shown("print-status") == "Mời quý khách nhận phiếu hẹn ở khe bên dưới."
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    text = pdf_text(pdf.read_bytes())
    assert code in text and "Mai" in text
    [qr] = qr_texts(rasterise(pdf.read_bytes(), dpi=203))
    check = verify(qr, ring, office_code=kiosk_ctx.office_code, now=KIOSK_NOW)
    assert check.result is Result.VALID and isinstance(check.token, AppointmentToken)
    assert check.token.entity_id == appt.id

    flow.tap("done")
    assert flow.nav.current.name == "start"
    assert details.name_edit.text() == "" and flow.nav.screen("booking_done").code.text() == ""


def test_a_full_slot_shows_in_words_and_cannot_be_booked(flow: Flow, slots, kiosk_ctx: KioskContext) -> None:
    book(kiosk_ctx, slots[0].id, BIRTH, "Trần Văn Bình", "0987654321")  # the only office place
    _to_details_blocked = flow
    flow.type("khai sinh")
    flow.tap(f"procedure-{BIRTH}")
    flow.tap(f"day-{WEDNESDAY.isoformat()}")
    slot_screen = flow.nav.current
    full = slot_screen.buttons["08:00"]
    assert "Hết chỗ" in full.text() and not full.isEnabled()
    assert "1 chỗ trống" in slot_screen.buttons["08:30"].text()
    with pytest.raises(BookingError) as refused:  # and the model refuses it too
        book(kiosk_ctx, slots[0].id, BIRTH, "Lê Thị Hoa", "0912345678")
    assert refused.value.field == "slot" and "hết chỗ" in refused.value.message


def test_a_slot_taken_meanwhile_is_refused_with_a_message(flow: Flow, slots, kiosk_ctx: KioskContext) -> None:
    _to_details(flow)
    flow.type("Lê Hoa")
    flow.tap("key-ok")
    flow.type("0912345678")
    flow.tap("key-ok")
    book(kiosk_ctx, slots[0].id, BIRTH, "Trần Văn Bình", "0987654321")  # someone else at the counter
    flow.tap("confirm")
    assert flow.nav.current.name == "booking_details"
    assert "vừa hết chỗ" in flow.shown("booking-error")
    with kiosk_ctx.db.read() as s:
        assert len(s.scalars(select(Appointment)).all()) == 1


def test_a_bad_phone_is_refused_with_a_message_and_leaving_forgets_the_name(flow: Flow, slots,
                                                                            kiosk_ctx: KioskContext) -> None:
    _to_details(flow)
    details = flow.nav.current
    flow.tap("key-ok")  # no name yet
    assert flow.shown("booking-error") == "Vui lòng nhập họ và tên."
    flow.type("Nguyễn Thị Mai")
    flow.tap("key-ok")
    flow.type("0123")
    flow.tap("key-ok")
    assert details.step == "phone"
    assert "không hợp lệ" in flow.shown("booking-error")
    with pytest.raises(BookingError) as refused:
        book(kiosk_ctx, slots[0].id, BIRTH, "Nguyễn Thị Mai", "0123")
    assert refused.value.field == "phone"
    flow.tap("back")   # back to the name step, then out to the slots
    flow.tap("back")
    assert flow.nav.current.name == "booking_slot"
    assert details.name_edit.text() == "" and details.phone_edit.text() == ""
    with kiosk_ctx.db.read() as s:
        assert s.scalars(select(Appointment)).all() == []


def test_search_and_days_in_english(kiosk_ctx: KioskContext, slots) -> None:
    [hit, *_rest] = search_procedures(kiosk_ctx, "dang ky khai sinh", "en")
    assert hit.code == BIRTH and hit.service_code == "HT"
    assert search_procedures(kiosk_ctx, "zzzz") == []
    days = bookable_days(kiosk_ctx, "HT")
    assert [d.day for d in days[:2]] == [MONDAY, WEDNESDAY]
    assert (days[1].slots, days[1].free) == (2, 2)
