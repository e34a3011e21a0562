"""A citizen with an appointment checks in at the kiosk: by the USB scanner (keystrokes) or by
the camera (a picture of the printed slip), and every way it can go wrong says why and what next."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from sqlalchemy import select

from core.i18n import set_language
from core.tokens import AppointmentToken, ReceiptToken, Signer, TicketToken
from kiosk.checkin.model import Outcome, check_in_scan
from kiosk.checkin.view import CheckInScreen
from kiosk.context import KioskContext
from local_db.models import Appointment, PrintJob, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import (
    AppointmentInfo,
    book,
    cancel,
    check_in,
)
from local_db.ops.citizens import CitizenInput
from local_db.ops.counters import set_counter_open
from local_db.ops.signing import device_signer
from local_db.ops.slots import create_slots
from printing.documents.appointment_slip import appointment_slip_pdf
from printing.roll_source import appointment_slip_content
from printing.spool import PrintWorker
from tests.kiosk.conftest import KIOSK_NOW, Clock
from tests.kiosk.stack import screen_stack
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise
from ui.failures import database_outage
from ui.screen import Navigator, Screen
from ui.tasks import TaskRunner
from ui.widgets.scanner_input import ScannerInput

MONDAY = date(2026, 11, 23)


def at(hh: int, mm: int = 0, day: date = MONDAY) -> datetime:
    """Office-local wall-clock time (UTC+7) as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC) - timedelta(hours=7)


class Stub(Screen):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class ScannerClock:
    """Monotonic seconds for the scanner filter that move 2 ms each time they are read: keys
    arrive at a scanner's pace however busy the test machine is."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        self.t += 0.002
        return self.t


@pytest.fixture
def booth(qtbot, kiosk_ctx: KioskContext) -> Iterator[tuple[Navigator, CheckInScreen, TaskRunner]]:  # type: ignore[no-untyped-def]
    nav = screen_stack(qtbot, lambda tasks: [Stub("ticket_service"), CheckInScreen(kiosk_ctx, tasks)], "start")
    yield nav, nav.screens["checkin"], nav.tasks
    nav.tasks.wait_idle()
    set_language("vi")


def book_at(kiosk_ctx: KioskContext, office: OfficeRefs, start: time = time(9), day: date = MONDAY,
            name: str = "Nguyễn Văn Hoà", phone: str = "0912345678") -> AppointmentInfo:
    with kiosk_ctx.db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), "HT", day, start=time(8), end=time(11), minutes=30,
                             office_quota=3, online_quota=1)
        slot = next(x for x in slots if x.start_time == start)
        return book(s, office.actor("canbo1"), slot.id, CitizenInput(full_name=name, phone=phone),
                    source="counter", procedure_code=_procedure(s, office), now=at(7, day=MONDAY - timedelta(days=3)))


def _procedure(s, office: OfficeRefs) -> str:  # type: ignore[no-untyped-def]
    from local_db.models import Procedure, Service

    return s.scalar(select(Procedure.code).join(Service, Service.id == Procedure.service_id)
                    .where(Service.code == "HT", Procedure.office_code == office.office_code)
                    .order_by(Procedure.code).limit(1))


def slip_pdf(kiosk_ctx: KioskContext, appt: AppointmentInfo) -> tuple[bytes, str]:
    """The printed appointment slip, signed by this kiosk, and its token."""
    with kiosk_ctx.db.read() as s:
        content = appointment_slip_content(s, appt.id, signer=device_signer(s, kiosk_ctx.device_id),
                                           now=at(7, day=MONDAY - timedelta(days=3)))
    return appointment_slip_pdf(content), content.token


def slip_token(kiosk_ctx: KioskContext, appt: AppointmentInfo) -> str:
    return slip_pdf(kiosk_ctx, appt)[1]


def to_qimage(image: Image.Image) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    q = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return q.copy()  # own the pixels


def camera_frame(page: Image.Image, width: int = 1280, height: int = 720) -> QImage:
    """The slip held up to a 1280x720 camera: its QR part centred in the frame."""
    gray = page.convert("L")
    # The QR sits in the lower part of the roll slip: find it and centre it in the guide.
    from pyzbar.pyzbar import ZBarSymbol, decode

    [symbol] = decode(gray, symbols=[ZBarSymbol.QRCODE])
    r = symbol.rect
    cx, cy = r.left + r.width // 2, r.top + r.height // 2
    frame = Image.new("RGB", (width, height), (90, 80, 70))  # a wall behind the paper
    frame.paste(page.convert("RGB"), (width // 2 - cx, height // 2 - cy))
    return to_qimage(frame)


def scan_keys(qtbot, target, text: str) -> None:  # type: ignore[no-untyped-def]
    """What a USB scanner does: every character within a few ms, then Enter."""
    qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def label_text(screen: CheckInScreen, name: str) -> str:
    return screen.findChild(QLabel, name).text()


def tap(qtbot, screen: CheckInScreen, name: str) -> None:  # type: ignore[no-untyped-def]
    [widget] = [w for w in screen.findChildren(QPushButton, name) if w.isVisible()]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def print_jobs(kiosk_ctx: KioskContext, tmp_path: Path) -> list[bytes]:
    worker = PrintWorker(kiosk_ctx.db, kiosk_ctx.device_id, kiosk_ctx.printer, tmp_path / "kept")
    worker.run_once(kiosk_ctx.now())
    return [p.read_bytes() for p in sorted((tmp_path / "printed").glob("*.pdf"))]


# --- the two ways in ----------------------------------------------------------------------


def test_a_citizen_scans_the_slip_with_the_usb_scanner_and_gets_a_priority_number(  # type: ignore[no-untyped-def]
        qtbot, booth, kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock, tmp_path: Path):
    nav, screen, tasks = booth
    appt = book_at(kiosk_ctx, office, start=time(9))
    token = slip_token(kiosk_ctx, appt)
    clock.now = at(8, 50)  # ten minutes early: inside the 15-minute check-in window
    with kiosk_ctx.db.write() as s:  # canbo1 signs in at counter 1, which serves HT
        set_counter_open(s, office.actor("canbo1"), 1, True, now=clock.now)
    scanner = ScannerInput(clock=ScannerClock())
    scanner.scanned.connect(screen.on_scan)
    QApplication.instance().installEventFilter(scanner)
    try:
        nav.go("checkin")
        assert label_text(screen, "checkin-no-camera").startswith("Ki-ốt này không có máy ảnh")
        assert screen.findChild(QLabel, "checkin-no-camera").isVisible()
        with qtbot.waitSignal(scanner.scanned, timeout=3000) as got:
            scan_keys(qtbot, screen, token)
        assert got.args == [token]
    finally:
        QApplication.instance().removeEventFilter(scanner)
    tasks.wait_idle()

    assert screen.pages.currentWidget() is screen.welcome_page
    assert label_text(screen, "checkin-welcome") == "Kính chào N. V. Hoà"
    assert label_text(screen, "checkin-ticket-number") == "A001"
    assert label_text(screen, "checkin-procedure") == appt.procedure_name_vi
    assert label_text(screen, "checkin-print-status") == "Đang in phiếu..."
    assert screen.counters.text() == "Khi được gọi, mời đến quầy 1"  # not 2 and 4: open, nobody at them
    assert not screen.wait.isHidden() and screen.wait.text()

    with kiosk_ctx.db.read() as s:
        stored = s.get(Appointment, appt.id)
        ticket = s.scalars(select(Ticket)).one()
        job = s.scalars(select(PrintJob)).one()
    assert stored.status == "checked_in" and stored.checked_in_at == clock.now
    assert (ticket.code, ticket.source, ticket.appointment_id, ticket.status) == ("A001", "appointment", appt.id,
                                                                                 "waiting")
    assert (job.document, job.ref_id, job.state) == ("ticket", ticket.id, "queued")

    [pdf] = print_jobs(kiosk_ctx, tmp_path)
    assert "A001" in pdf_text(pdf)
    [qr] = qr_texts(rasterise(pdf, dpi=203))
    assert qr != token  # the ticket's own token, not the appointment's

    with kiosk_ctx.db.read() as s:
        assert s.scalars(select(PrintJob.state)).one() == "done"

    tap(qtbot, screen, "checkin-done")
    assert nav.current.name == "start"
    assert label_text(screen, "checkin-ticket-number") == ""  # nothing of this citizen stays


def test_a_citizen_holds_the_printed_slip_to_the_camera(  # type: ignore[no-untyped-def]
        qtbot, booth, kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock, tmp_path: Path):
    nav, screen, tasks = booth
    appt = book_at(kiosk_ctx, office, start=time(9, 30))
    pdf, token = slip_pdf(kiosk_ctx, appt)
    [page] = rasterise(pdf, dpi=150)
    frame = camera_frame(page)
    clock.now = at(9, 20)
    set_language("en")
    nav.retranslate()
    nav.go("checkin")
    with qtbot.waitSignal(screen.camera.scanned, timeout=5000) as got:
        assert screen.camera.feed_frame(frame)  # the path every QVideoSink frame takes
        tasks.wait_idle()
    assert got.args == [token]
    tasks.wait_idle()
    assert label_text(screen, "checkin-welcome") == "Welcome, N. V. Hoà"
    assert label_text(screen, "checkin-ticket-number") == "A001"
    [pdf_out] = print_jobs(kiosk_ctx, tmp_path)
    text = pdf_text(pdf_out)
    assert "A001" in text and "QUEUE NUMBER" in text  # printed in the citizen's language, English here
    with kiosk_ctx.db.read() as s:
        assert s.get(Appointment, appt.id).status == "checked_in"
        assert s.scalars(select(Ticket.source)).one() == "appointment"


def test_the_print_outcome_is_shown_for_this_citizens_ticket_only(  # type: ignore[no-untyped-def]
        qtbot, booth, kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock, tmp_path: Path):
    nav, screen, tasks = booth
    appt = book_at(kiosk_ctx, office)
    clock.now = at(9, 5)
    nav.go("checkin", scan=slip_token(kiosk_ctx, appt))
    tasks.wait_idle()
    # Nobody is signed in at a counter serving HT (they are open, unstaffed): no wait promised.
    assert screen.counters.text() == "Hiện chưa có quầy phục vụ"
    assert screen.wait.isHidden()
    events = []
    worker = PrintWorker(kiosk_ctx.db, kiosk_ctx.device_id, kiosk_ctx.printer, tmp_path / "kept",
                         on_change=events.append)
    worker.run_once(kiosk_ctx.now())
    [done] = [e for e in events if e.state == "done"]
    other = replace(done, job=replace(done.job, id=appt.id))
    screen.on_print_event(other)
    assert label_text(screen, "checkin-print-status") == "Đang in phiếu..."
    screen.on_print_event(done)
    assert label_text(screen, "checkin-print-status") == "Mời quý khách nhận phiếu ở khe bên dưới."
    screen.on_print_event(replace(done, state="failed"))
    assert "A001" in label_text(screen, "checkin-print-status")


# --- what goes wrong, and the way forward ---------------------------------------------------


def run(kiosk_ctx: KioskContext, text: str, lang: str = "vi"):  # type: ignore[no-untyped-def]
    return check_in_scan(kiosk_ctx, text, lang)


def test_too_early_says_from_when_and_changes_nothing(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    appt = book_at(kiosk_ctx, office, start=time(10))
    clock.now = at(9, 0)
    r = run(kiosk_ctx, slip_token(kiosk_ctx, appt))
    assert r.outcome is Outcome.TOO_EARLY and f"{r.check_in_from:%H:%M}" == "09:45"
    with kiosk_ctx.db.read() as s:
        assert s.get(Appointment, appt.id).status == "booked"
        assert s.scalars(select(Ticket)).first() is None and s.scalars(select(PrintJob)).first() is None


def test_too_late_within_the_day_and_a_late_grace_still_checks_in(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    appt = book_at(kiosk_ctx, office, start=time(9))
    clock.now = at(9, 45)  # the slot ended at 9:30
    r = run(kiosk_ctx, slip_token(kiosk_ctx, appt))
    assert r.outcome is Outcome.TOO_LATE and r.offers_ticket
    from local_db.models import OfficeSetting

    with kiosk_ctx.db.write() as s:
        s.merge(OfficeSetting(office_code=office.office_code, key="appointment_late_minutes", value=30,
                              updated_at=KIOSK_NOW))
    # The token "expired" at 9:30, but the office lets citizens in until 10:00: the office decides.
    assert run(kiosk_ctx, slip_token(kiosk_ctx, appt)).outcome is Outcome.WELCOMED


def test_another_day_later_or_gone_by(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    tuesday = MONDAY + timedelta(days=3)  # a Thursday (the test office has a day off on the 24th)
    later = book_at(kiosk_ctx, office, day=tuesday)
    r = run(kiosk_ctx, slip_token(kiosk_ctx, later))
    assert r.outcome is Outcome.WRONG_DAY and r.day == tuesday and not r.past
    token = slip_token(kiosk_ctx, later)
    clock.now = at(9, 0, day=tuesday + timedelta(days=1))
    r = run(kiosk_ctx, token)
    assert r.outcome is Outcome.WRONG_DAY and r.past


def test_cancelled_and_already_checked_in(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    first = book_at(kiosk_ctx, office, phone="0912000001")
    second = book_at(kiosk_ctx, office, phone="0912000002")
    t1, t2 = slip_token(kiosk_ctx, first), slip_token(kiosk_ctx, second)
    with kiosk_ctx.db.write() as s:
        cancel(s, office.actor("canbo1"), first.id, now=at(8))
        done = check_in(s, office.actor("canbo1"), second.id, now=at(8, 50))
    assert run(kiosk_ctx, t1).outcome is Outcome.CANCELLED
    r = run(kiosk_ctx, t2)
    assert r.outcome is Outcome.ALREADY_CHECKED_IN and r.ticket_code == done.ticket.code


def test_forged_unknown_and_other_codes(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    appt = book_at(kiosk_ctx, office)
    token = slip_token(kiosk_ctx, appt)
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    assert run(kiosk_ctx, flipped).outcome in (Outcome.FORGED, Outcome.NOT_OURS)
    forged_sig = token[:-8] + ("A" * 8 if token[-8:] != "A" * 8 else "B" * 8)
    assert run(kiosk_ctx, forged_sig).outcome in (Outcome.FORGED, Outcome.NOT_OURS)
    stranger = Signer(bytes([7] * 32))
    made_up = stranger.sign(AppointmentToken(appt.id, office.office_code, at(7), "HT", at(9), at(9, 30), "N. V. Hoà"))
    assert run(kiosk_ctx, made_up).outcome is Outcome.UNKNOWN_KEY
    with kiosk_ctx.db.read() as s:
        signer = device_signer(s, kiosk_ctx.device_id)
    elsewhere = signer.sign(AppointmentToken(appt.id, "99999", at(7), "HT", at(9), at(9, 30), "N. V. Hoà"))
    assert run(kiosk_ctx, elsewhere).outcome is Outcome.WRONG_OFFICE
    ticket = signer.sign(TicketToken(appt.id, office.office_code, at(7), MONDAY, "A001"))
    r = run(kiosk_ctx, ticket)
    assert r.outcome is Outcome.NOT_OURS and r.scanned.value == "ticket"
    receipt = signer.sign(ReceiptToken(appt.id, office.office_code, at(7), "000.00.00.H00-261123-0001"))
    assert run(kiosk_ctx, f"HTTPS://MOTCUA.HANOI.GOV.VN/T/{receipt}").scanned.value == "receipt"
    card = "001099012345|123456789|Nguyễn Văn Hoà|01011990|Nam|Số 1 Hàng Bạc, Hà Nội|01012021"
    assert run(kiosk_ctx, card).scanned.value in ("id_card", "bad_id_card")
    assert run(kiosk_ctx, "hello world").outcome is Outcome.NOT_OURS
    with kiosk_ctx.db.read() as s:
        assert s.get(Appointment, appt.id).status == "booked"  # nothing of that touched it


def test_a_valid_online_booking_not_pulled_yet_offers_a_normal_number(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    import uuid

    with kiosk_ctx.db.read() as s:
        signer = device_signer(s, kiosk_ctx.device_id)
    online = signer.sign(AppointmentToken(uuid.uuid4(), office.office_code, at(7), "HT", at(9), at(9, 30),
                                          "T. T. Lan"))
    r = run(kiosk_ctx, online)
    assert r.outcome is Outcome.NOT_YET_HERE and r.masked_name == "T. T. Lan" and r.offers_ticket


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_problem_is_explained_with_a_way_forward_on_screen(qtbot, booth, kiosk_ctx, office, clock, lang):  # type: ignore[no-untyped-def]
    nav, screen, tasks = booth
    set_language(lang)
    nav.retranslate()
    appt = book_at(kiosk_ctx, office, start=time(10))
    nav.go("checkin", scan=slip_token(kiosk_ctx, appt))
    tasks.wait_idle()
    assert screen.pages.currentWidget() is screen.problem_page
    headline = label_text(screen, "checkin-headline")
    body = label_text(screen, "checkin-explanation")
    if lang == "vi":
        assert headline == "Quý khách đến hơi sớm" and "09:45" in body
    else:
        assert headline == "It is a little early" and "09:45" in body
    take = screen.findChild(QPushButton, "checkin-take-ticket")
    assert take.isVisible() and take.height() >= 64
    assert take.text() == ("Lấy số thứ tự thông thường" if lang == "vi" else "Take a normal queue number")
    tap(qtbot, screen, "checkin-again")
    assert screen.pages.currentWidget() is screen.scan_page
    nav.go("checkin", scan="not a code")
    tasks.wait_idle()
    tap(qtbot, screen, "checkin-take-ticket")
    assert nav.current.name == "ticket_service"


def test_scans_are_ignored_when_the_screen_is_not_shown_or_busy(qtbot, booth, kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    nav, screen, tasks = booth
    appt = book_at(kiosk_ctx, office)
    token = slip_token(kiosk_ctx, appt)
    screen.on_scan(token)  # on the start screen
    tasks.wait_idle()
    with kiosk_ctx.db.read() as s:
        assert s.get(Appointment, appt.id).status == "booked"
    nav.go("checkin")
    screen.on_scan(token)
    screen.on_scan(token)  # a second read while the first is checked in: one ticket only
    tasks.wait_idle()
    with kiosk_ctx.db.read() as s:
        assert s.get(Appointment, appt.id).status == "checked_in"
        assert len(s.scalars(select(Ticket)).all()) == 1
    assert label_text(screen, "checkin-ticket-number") == "A001"


def test_every_tour_state_shows_words_in_both_languages(qtbot, booth):  # type: ignore[no-untyped-def]
    nav, screen, _tasks = booth
    for lang in ("vi", "en"):
        set_language(lang)
        nav.retranslate()  # what the kiosk's language button does
        nav.go("checkin")
        for state, put in screen.tour_states():
            put()
            QApplication.processEvents()  # the layout follows the new texts
            page = screen.pages.currentWidget()
            shown = [w for w in page.findChildren(QLabel) if w.isVisibleTo(page) and w.text()]
            assert shown, state
            for w in shown:  # every wrapped sentence gets the height it needs: nothing clipped
                if w.wordWrap():
                    assert w.height() >= w.heightForWidth(w.width()), (state, w.text())
        nav.go("start")


def test_a_database_failure_says_so_and_offers_a_normal_number(qtbot, booth, monkeypatch):  # type: ignore[no-untyped-def]
    nav, screen, tasks = booth

    def broken(*args):  # type: ignore[no-untyped-def]
        raise database_outage("disk I/O error")

    monkeypatch.setattr("kiosk.checkin.view.check_in_scan", broken)
    nav.go("checkin", scan="ANYTHING")
    tasks.wait_idle()
    assert label_text(screen, "checkin-headline") == "Hiện chưa xác nhận được lịch hẹn"
    tap(qtbot, screen, "checkin-take-ticket")
    assert nav.current.name == "ticket_service"
