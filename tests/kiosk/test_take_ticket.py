"""A citizen takes a queue number at the kiosk: taps, the number on screen, the paper."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from core.tokens import Result, TicketToken, verify
from kiosk.app import KioskWindow
from local_db.models import PrintJob, Ticket
from local_db.ops.signing import office_key_ring
from local_db.office_setup import OfficeRefs
from local_db.ops.counters import set_counter_open
from tests.kiosk.conftest import KIOSK_NOW
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise


def tap(qtbot, kiosk: KioskWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    [widget] = [w for w in kiosk.findChildren(QPushButton, name) if w.isVisible()]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    kiosk.tasks.wait_idle()


def shown(kiosk: KioskWindow, name: str) -> str:
    """The text of the label of that name on the screen showing (other screens may use the name too)."""
    return kiosk.nav.currentWidget().findChild(QLabel, name).text()


def test_a_citizen_takes_a_number_sees_it_big_and_the_ticket_prints(qtbot, kiosk: KioskWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                     office: OfficeRefs):
    with kiosk.ctx.db.write() as s:  # canbo1 signs in at counter 1 (HT, TK); counters 2-4 are open, unstaffed
        set_counter_open(s, office.actor("canbo1"), 1, True, now=KIOSK_NOW)
    tap(qtbot, kiosk, "choice-ticket_service")
    assert kiosk.nav.current.name == "ticket_service"
    services = kiosk.nav.current.buttons
    assert set(services) == {"HT", "CT", "KD", "XH", "TK"}
    assert services["HT"].text().endswith("0 người đang chờ · Quý khách sẽ được gọi ngay")
    # Nobody is at a counter serving CT: no promise of a wait, and the citizen is told why.
    assert services["CT"].text().endswith("0 người đang chờ · Hiện chưa có quầy phục vụ")

    tap(qtbot, kiosk, "service-HT")
    assert kiosk.nav.current.name == "ticket_priority"
    tap(qtbot, kiosk, "priority-elderly")

    assert kiosk.nav.current.name == "ticket_done"
    assert shown(kiosk, "ticket-number") == "A001"
    assert kiosk.done.wait.isVisible() and kiosk.done.wait.text() == "Quý khách sẽ được gọi ngay"
    assert kiosk.done.counters.text() == "Khi được gọi, mời đến quầy 1"  # the only one someone is at
    assert shown(kiosk, "print-status") == "Đang in phiếu..."
    with kiosk.ctx.db.read() as s:
        ticket = s.scalars(select(Ticket)).one()
        job = s.scalars(select(PrintJob)).one()
        ring = office_key_ring(s, kiosk.ctx.office_code)
    assert (ticket.code, ticket.priority_reason, ticket.source) == ("A001", "elderly", "walk_in")
    assert (job.document, job.ref_id, job.state) == ("ticket", ticket.id, "queued")

    # The kiosk's print worker prints it; the screen says so.
    kiosk.printer.worker.run_once(KIOSK_NOW)
    qtbot.waitUntil(lambda: shown(kiosk, "print-status") == "Mời quý khách nhận phiếu ở khe bên dưới.")
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    text = pdf_text(pdf.read_bytes())
    assert "A001" in text and "Người cao tuổi" in text and "Mời đến quầy số 1" in " ".join(text.split())
    [qr] = qr_texts(rasterise(pdf.read_bytes(), dpi=203))
    check = verify(qr, ring, office_code=kiosk.ctx.office_code, now=KIOSK_NOW)
    assert check.result is Result.VALID and isinstance(check.token, TicketToken)
    assert check.token.entity_id == ticket.id

    tap(qtbot, kiosk, "done")
    assert kiosk.nav.current.name == "start"
    assert kiosk.done.number.text() == ""  # nothing of the last citizen stays behind


def test_a_printer_that_fails_still_leaves_the_number_on_screen(qtbot, kiosk: KioskWindow):  # type: ignore[no-untyped-def]
    tap(qtbot, kiosk, "choice-ticket_service")
    tap(qtbot, kiosk, "service-CT")
    tap(qtbot, kiosk, "priority-none")
    assert shown(kiosk, "ticket-number") == "B001"
    # Counters 2 and 3 serve CT and are open, but no clerk signed in at either: no wait promised.
    assert kiosk.done.counters.text() == "Hiện chưa có quầy phục vụ"
    assert not kiosk.done.wait.isVisible()
    with kiosk.ctx.db.write() as s:  # the printer goes missing before the worker gets to it
        s.execute(PrintJob.__table__.update().values(printer="cups:NoSuchQueue@127.0.0.1:9"))
    kiosk.printer.worker.run_once(KIOSK_NOW)
    qtbot.waitUntil(lambda: "B001" in shown(kiosk, "print-status"))
    assert "ghi nhớ số" in shown(kiosk, "print-status")
    with kiosk.ctx.db.read() as s:
        job = s.scalars(select(PrintJob)).one()
    assert job.state == "failed" and job.attempts == 1  # waiting to retry, not lost


def test_english_is_one_tap_away_and_the_kiosk_comes_back_in_vietnamese(qtbot, kiosk: KioskWindow):  # type: ignore[no-untyped-def]
    tap(qtbot, kiosk, "language")
    assert kiosk.start.title.text() == "Welcome! How can we help you?"
    tap(qtbot, kiosk, "choice-ticket_service")
    assert "people waiting" in kiosk.nav.current.buttons["HT"].text() or \
        "person waiting" in kiosk.nav.current.buttons["HT"].text()
    kiosk.reset()  # what the idle timeout does
    assert kiosk.nav.current.name == "start"
    assert kiosk.start.title.text() == "Xin kính chào! Quý khách cần làm gì?"


def test_the_window_cannot_be_closed_without_staff(qtbot, kiosk: KioskWindow):  # type: ignore[no-untyped-def]
    kiosk.close()
    assert kiosk.isVisible()
    kiosk.shutdown()
    assert not kiosk.isVisible()


def test_a_ticket_taken_in_english_prints_in_english(qtbot, kiosk: KioskWindow, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The background task runs in the language of the screen that started it."""
    tap(qtbot, kiosk, "language")
    tap(qtbot, kiosk, "choice-ticket_service")
    assert kiosk.nav.current.buttons["HT"].text().startswith("Civil status")
    tap(qtbot, kiosk, "service-HT")
    tap(qtbot, kiosk, "priority-none")
    kiosk.printer.worker.run_once(KIOSK_NOW)
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    text = pdf_text(pdf.read_bytes())
    assert "Civil status" in text and "Hộ tịch" not in text


def test_the_number_screen_goes_back_to_the_start_by_itself(qtbot, kiosk: KioskWindow, monkeypatch):  # type: ignore[no-untyped-def]
    import kiosk.ticket.view as ticket_view

    monkeypatch.setattr(ticket_view, "DONE_RETURN_MS", 50)
    tap(qtbot, kiosk, "choice-ticket_service")
    tap(qtbot, kiosk, "service-HT")
    tap(qtbot, kiosk, "priority-none")
    assert kiosk.nav.current.name == "ticket_done"
    qtbot.waitUntil(lambda: kiosk.nav.current.name == "start", timeout=2000)
    assert kiosk.done.number.text() == ""


def test_after_closing_and_on_a_holiday_no_number_is_given_and_the_citizen_is_told_when_to_come(  # type: ignore[no-untyped-def]
        qtbot, kiosk: KioskWindow, clock) -> None:
    """A number taken after closing time or on a day off would never be called (numbers
    restart each day): the kiosk says when numbers are given again instead."""
    clock.now = datetime(2026, 11, 23, 10, 5, tzinfo=timezone.utc)  # Monday 17:05, after closing
    tap(qtbot, kiosk, "choice-ticket_service")
    assert kiosk.nav.current.buttons == {}
    assert shown(kiosk, "ticket-status") == ("Hiện bộ phận một cửa đã nghỉ nên chưa lấy được số thứ tự. Quý khách "
                                             "vui lòng quay lại lấy số từ 07:00, Thứ Tư, 25/11/2026.")
    tap(qtbot, kiosk, "back")

    clock.now = datetime(2026, 11, 23, 9, 55, tzinfo=timezone.utc)  # 16:55: the list shows...
    tap(qtbot, kiosk, "choice-ticket_service")
    tap(qtbot, kiosk, "service-HT")
    clock.now = datetime(2026, 11, 23, 10, 1, tzinfo=timezone.utc)  # ...but the tap comes after 17:00
    tap(qtbot, kiosk, "priority-none")
    assert kiosk.nav.current.name == "ticket_priority"
    assert "07:00, Thứ Tư, 25/11/2026" in shown(kiosk, "ticket-status")
    assert not [w for w in kiosk.findChildren(QPushButton) if w.isVisible() and w.objectName().startswith("priority-")]
    with kiosk.ctx.db.read() as s:
        assert s.scalars(select(Ticket)).all() == [] and s.scalars(select(PrintJob)).all() == []

    clock.now = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 24/11: Vietnamese Culture Day
    kiosk.nav.go("start")
    tap(qtbot, kiosk, "choice-ticket_service")
    assert kiosk.nav.current.buttons == {} and "25/11/2026" in shown(kiosk, "ticket-status")

    clock.now = datetime(2026, 11, 24, 23, 45, tzinfo=timezone.utc)  # Wednesday 06:45, before opening
    kiosk.nav.go("start")
    tap(qtbot, kiosk, "choice-ticket_service")
    tap(qtbot, kiosk, "service-HT")
    tap(qtbot, kiosk, "priority-none")
    assert shown(kiosk, "ticket-number") == "A001"  # queueing before the doors open is fine
