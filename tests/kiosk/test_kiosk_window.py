"""The whole kiosk: every choice of the start screen leads somewhere and back, and a scan
made on the start screen goes where it belongs."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from core.tokens import ReceiptToken, receipt_url
from kiosk.app import KioskWindow
from local_db.models import Appointment, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from local_db.ops.signing import device_signer
from tests.kiosk.conftest import KIOSK_NOW
from tests.kiosk.test_checkin import book_at, slip_token


def tap(qtbot, kiosk: KioskWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    [widget] = [w for w in kiosk.findChildren(QPushButton, name) if w.isVisible()]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    kiosk.tasks.wait_idle()


@pytest.mark.parametrize("choice", ["ticket_service", "checkin", "booking", "dossier", "guide", "rating"])
def test_every_start_choice_opens_its_screen(qtbot, kiosk: KioskWindow, choice: str) -> None:  # type: ignore[no-untyped-def]
    tap(qtbot, kiosk, f"choice-{choice}")
    assert kiosk.nav.current.name == choice
    assert kiosk.idle.seconds_left > 50  # the idle clock runs on every screen but the start
    kiosk.reset()
    assert kiosk.nav.current.name == "start"


def test_an_appointment_scanned_on_the_start_screen_checks_in(qtbot, kiosk: KioskWindow, office: OfficeRefs):  # type: ignore[no-untyped-def]
    appt = book_at(kiosk.ctx, office, start=time(9))
    kiosk.route_scan(slip_token(kiosk.ctx, appt))
    kiosk.tasks.wait_idle()
    assert kiosk.nav.current.name == "checkin"
    with kiosk.ctx.db.read() as s:
        assert s.get(Appointment, appt.id).status == "checked_in"
        ticket = s.scalars(select(Ticket).where(Ticket.appointment_id == appt.id)).one()
    assert ticket.source == "appointment"


def test_a_receipt_scanned_on_the_start_screen_shows_the_dossier(qtbot, kiosk: KioskWindow, office: OfficeRefs):  # type: ignore[no-untyped-def]
    with kiosk.ctx.db.write() as s:
        info = receive_dossier(s, office.actor("canbo1"), procedure_code="1.004873",
                               applicant=CitizenInput(full_name="Nguyễn Thị Thuỷ Tiên", phone="0912345678"),
                               documents=[DocumentLine("Tờ khai", originals=1), DocumentLine("Giấy tờ tùy thân",
                                                                                           certified=1)],
                               now=KIOSK_NOW - timedelta(hours=1))
        token = device_signer(s, kiosk.ctx.device_id).sign(
            ReceiptToken(info.id, office.office_code, KIOSK_NOW, info.code))
    kiosk.route_scan(receipt_url("MOTCUA.HANOI.GOV.VN", token))
    kiosk.tasks.wait_idle()
    assert kiosk.nav.current.name == "dossier"
    texts = " ".join(w.text() for w in kiosk.nav.current.findChildren(type(kiosk.countdown)) if w.isVisible())
    assert info.code in texts
    assert "Nguyễn Thị Thuỷ Tiên" not in texts  # masked on a screen citizens can see
