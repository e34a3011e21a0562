"""An online booking checked in at the kiosk from its centre-signed QR while the office is
offline (nothing pulled yet), then reconciled by the sync agent with a real centre: the
centre shows it checked in and the office gets the booking's code and citizen — or, when the
citizen had cancelled it online, the office keeps the check-in, staff get a notice and the
centre lists the conflict."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from core.i18n import set_language
from core.keys import generate_keypair
from core.tokens import AppointmentToken, Signer
from kiosk.checkin.model import Outcome, check_in_scan
from kiosk.checkin.view import CheckInScreen
from kiosk.context import KioskContext
from local_db.check import run_check
from local_db.database import Database
from local_db.models import Appointment, Device, PrintJob, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import (
    appointments_for_day,
    get_appointment,
)
from local_db.ops.slots import create_slots
from local_db.ops.sync_outbox import list_notices, sync_summary
from printing.spool import PrintWorker
from sync.server import bookings
from tests.kiosk.conftest import Clock
from tests.kiosk.stack import screen_stack
from tests.support.centre import Centre, centre, centre_templates, centre_url  # noqa: F401 (fixtures)
from tests.support.pdf_tools import pdf_text
from tests.sync.agent.helpers import agent_for, disagreements, enrol
from ui.screen import Navigator, Screen
from ui.tasks import TaskRunner

MONDAY = date(2026, 11, 23)


def at(hh: int, mm: int = 0, day: date = MONDAY) -> datetime:
    """Office-local wall-clock time (UTC+7) as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC) - timedelta(hours=7)


class Stub(Screen):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


@pytest.fixture
def booth(qtbot, kiosk_ctx: KioskContext) -> Iterator[tuple[Navigator, CheckInScreen, TaskRunner]]:  # type: ignore[no-untyped-def]
    nav = screen_stack(qtbot, lambda tasks: [Stub("ticket_service"), CheckInScreen(kiosk_ctx, tasks)], "start")
    yield nav, nav.screens["checkin"], nav.tasks
    nav.tasks.wait_idle()
    set_language("vi")


def label_text(screen: CheckInScreen, name: str) -> str:
    return screen.findChild(QLabel, name).text()


def scan(nav: Navigator, tasks: TaskRunner, text: str) -> None:
    nav.go("checkin", scan=text)
    tasks.wait_idle()


# --- offline, no centre -------------------------------------------------------------------


def centre_signer_here(db: Database, office: OfficeRefs) -> Signer:
    """The centre's key as an office that pulled it once has it (public key only)."""
    private, public = generate_keypair()
    with db.write() as s:
        s.add(Device(office_code=office.office_code, name="centre", kind="centre", public_key=public,
                     private_key=None))
    return Signer(private)


def test_the_kiosk_checks_in_an_unpulled_online_booking_and_prints_its_ticket(  # type: ignore[no-untyped-def]
        qtbot, booth, kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock, tmp_path: Path) -> None:
    nav, screen, tasks = booth
    signer = centre_signer_here(kiosk_ctx.db, office)
    appt_id = uuid.uuid4()
    token = signer.sign(AppointmentToken(appt_id, office.office_code, at(7, day=MONDAY - timedelta(days=1)), "HT",
                                         at(9), at(9, 30), "T. T. Lan"))
    clock.now = at(8, 55)
    scan(nav, tasks, token)
    assert screen.pages.currentWidget() is screen.welcome_page
    assert label_text(screen, "checkin-welcome") == "Kính chào T. T. Lan"
    assert label_text(screen, "checkin-ticket-number") == "A001"
    assert label_text(screen, "checkin-service") == "Hộ tịch"
    assert not screen.findChild(QLabel, "checkin-procedure").isVisible()  # not known until the pull
    with kiosk_ctx.db.read() as s:
        appt = s.get(Appointment, appt_id)
        ticket = s.scalars(select(Ticket)).one()
        job = s.scalars(select(PrintJob)).one()
    assert (appt.status, appt.source) == ("checked_in", "online")
    assert (ticket.code, ticket.appointment_id, job.ref_id, job.document) == ("A001", appt_id, ticket.id, "ticket")
    PrintWorker(kiosk_ctx.db, kiosk_ctx.device_id, kiosk_ctx.printer, tmp_path / "kept").run_once(kiosk_ctx.now())
    [pdf] = sorted((tmp_path / "printed").glob("*.pdf"))
    assert "A001" in pdf_text(pdf.read_bytes())
    assert run_check(kiosk_ctx.db).ok

    scan(nav, tasks, token)  # scanned again (or at the other kiosk): already checked in, one ticket
    assert screen.pages.currentWidget() is screen.problem_page
    assert label_text(screen, "checkin-headline") == "Quý khách đã xác nhận lịch hẹn rồi"
    assert "A001" in label_text(screen, "checkin-explanation")
    with kiosk_ctx.db.read() as s:
        assert len(s.scalars(select(Ticket)).all()) == 1


def test_outside_its_window_or_day_an_unpulled_booking_is_refused_as_any_other(  # type: ignore[no-untyped-def]
        kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock) -> None:
    signer = centre_signer_here(kiosk_ctx.db, office)

    def token(start: datetime, office_code: str = "00004") -> str:
        return signer.sign(AppointmentToken(uuid.uuid4(), office_code, at(7), "HT", start,
                                            start + timedelta(minutes=30), "T. T. Lan"))

    clock.now = at(8, 30)
    early = check_in_scan(kiosk_ctx, token(at(9)))
    assert early.outcome is Outcome.TOO_EARLY and early.check_in_from == at(8, 45)
    clock.now = at(9, 45)
    assert check_in_scan(kiosk_ctx, token(at(9))).outcome is Outcome.TOO_LATE
    tomorrow = check_in_scan(kiosk_ctx, token(at(9, day=MONDAY + timedelta(days=1))))
    assert tomorrow.outcome is Outcome.WRONG_DAY and not tomorrow.past
    assert check_in_scan(kiosk_ctx, token(at(10), "99999")).outcome is Outcome.WRONG_OFFICE
    with kiosk_ctx.db.read() as s:
        assert s.scalars(select(Appointment)).all() == []


# --- with a real centre: the check-in syncs and is reconciled ----------------------------------


def online_day(kiosk_ctx: KioskContext, office: OfficeRefs, centre: Centre):  # type: ignore[no-untyped-def]  # noqa: F811
    """Enrolled, the office's slots known at the centre and the centre's key pulled; then the
    link goes quiet (the agent does not run) while citizens book online."""
    enrollment = enrol(kiosk_ctx.db, centre)
    with kiosk_ctx.db.write() as s:
        slots = {x.start_time: x.id for x in create_slots(
            s, office.actor("giamsat"), "HT", MONDAY, start=time(9), end=time(11), minutes=60, office_quota=2,
            online_quota=2, now=at(7, day=MONDAY - timedelta(days=3)))}
    agent = agent_for(kiosk_ctx.db, centre.base_url, enrollment)
    assert agent.run_once().ok
    return agent, slots


def test_an_online_booking_checked_in_offline_shows_checked_in_at_the_centre_after_sync(  # type: ignore[no-untyped-def]
        qtbot, booth, kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock, centre: Centre) -> None:  # noqa: F811
    nav, screen, tasks = booth
    agent, slots = online_day(kiosk_ctx, office, centre)
    with centre.write() as s:
        booking = bookings.book_online(s, "00004", slots[time(9)], full_name="Trần Thị Lan", phone="0912345678",
                                       procedure_code=None, now=at(7, 30))
    with kiosk_ctx.db.read() as s:
        assert s.get(Appointment, booking.id) is None  # not pulled: the office is offline
    clock.now = at(8, 55)
    scan(nav, tasks, booking.token)
    assert label_text(screen, "checkin-welcome") == "Kính chào T. T. Lan"
    assert label_text(screen, "checkin-ticket-number") == "A001"

    assert agent.run_once().ok  # the link is back
    held = centre.entity("appointment", booking.id)
    assert held is not None and held.status == "checked_in" and held.code == booking.code
    with kiosk_ctx.db.read() as s:
        info = get_appointment(s, booking.id)
        assert (info.code, info.status, info.ticket_code) == (booking.code, "checked_in", "A001")
        assert (info.citizen_name, info.source) == ("Trần Thị Lan", "online")
        assert list_notices(s) == []
        summary = sync_summary(s, "00004", clock.now)
    assert summary.problems == () and summary.pending == 0
    assert disagreements(kiosk_ctx.db, centre) == []
    assert run_check(kiosk_ctx.db).ok, run_check(kiosk_ctx.db).problems
    with centre.read() as s:  # the citizen's booking page reads the same projection
        assert bookings.public_state(held)["status"] == "checked_in"  # type: ignore[arg-type]


def test_a_booking_cancelled_online_then_checked_in_offline_is_reported_not_lost(  # type: ignore[no-untyped-def]
        qtbot, booth, kiosk_ctx: KioskContext, office: OfficeRefs, clock: Clock, centre: Centre) -> None:  # noqa: F811
    nav, screen, tasks = booth
    agent, slots = online_day(kiosk_ctx, office, centre)
    with centre.write() as s:
        kept = bookings.book_online(s, "00004", slots[time(9)], full_name="Lê Văn Nam", phone="0912345670",
                                    now=at(7, 20))
        gone = bookings.book_online(s, "00004", slots[time(9)], full_name="Trần Thị Lan", phone="0912345678",
                                    now=at(7, 30))
        bookings.cancel_online(s, "00004", gone.id, reason="bận việc", now=at(8))
    clock.now = at(8, 55)
    scan(nav, tasks, gone.token)  # the office has not heard of the cancellation
    assert label_text(screen, "checkin-ticket-number") == "A001"

    report = agent.run_once()
    assert report.ok and report.conflict == 1
    with kiosk_ctx.db.read() as s:
        appt = s.get(Appointment, gone.id)
        assert (appt.status, appt.code) == ("checked_in", gone.code)  # the office's check-in stands
        assert s.scalars(select(Ticket.code).where(Ticket.appointment_id == gone.id)).one() == "A001"
        [notice] = list_notices(s)
        summary = sync_summary(s, "00004", clock.now)
        here = {a.id: a.status for a in appointments_for_day(s, "00004", MONDAY)}
    assert notice.kind == "cancelled_before_check_in" and gone.code in notice.message  # 08:00 then 08:55
    assert [p.state for p in summary.problems] == ["conflict"]
    [conflict] = centre.ops("00004", status="conflict")
    assert conflict.entity_id == gone.id
    assert centre.entity("appointment", gone.id).status == "cancelled"  # type: ignore[union-attr]
    assert here == {kept.id: "booked", gone.id: "checked_in"}  # both bookings listed; only the conflict differs
    assert disagreements(kiosk_ctx.db, centre) == [
        f"appointment {gone.id}: office checked_in, centre cancelled"]
    assert run_check(kiosk_ctx.db).ok, run_check(kiosk_ctx.db).problems
