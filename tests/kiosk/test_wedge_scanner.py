"""A USB keyboard-wedge scanner at the kiosk, with the key events it really sends (issue 19).

A scanner is a keyboard: Shift around every capital and ``:``, ``/``-``|`` symbols, key
releases after every press, CapsLock or AltGr on other layouts, Enter/Tab/CR+LF after the
code. A receipt QR or an appointment slip (upper-case base32: Shift on nearly every key)
scanned on the start screen, on "Tra cứu hồ sơ" or on "Tôi đã có lịch hẹn" must be taken
as a scan, whatever the scanner's layout and suffix.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit
from sqlalchemy import select

from core.tokens import ReceiptToken, receipt_url
from kiosk.app import KioskWindow
from local_db.models import Appointment
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from local_db.ops.signing import device_signer
from tests.kiosk.conftest import KIOSK_NOW
from tests.kiosk.test_checkin import ScannerClock, at, book_at, slip_token
from tests.support import wedge


def receipt(kiosk: KioskWindow, office: OfficeRefs) -> tuple[str, str]:
    """A dossier received yesterday and its receipt's QR text (the tracking URL)."""
    with kiosk.ctx.db.write() as s:
        info = receive_dossier(s, office.actor("canbo1"), procedure_code="1.004873",
                               applicant=CitizenInput(full_name="Nguyễn Thị Thuỷ Tiên", phone="0912345678"),
                               documents=[DocumentLine("Tờ khai", originals=1)],
                               now=KIOSK_NOW - timedelta(hours=20))
        token = device_signer(s, kiosk.ctx.device_id).sign(
            ReceiptToken(info.id, office.office_code, KIOSK_NOW, info.code))
    return info.code, receipt_url("MOTCUA.HANOI.GOV.VN", token)


def shown(kiosk: KioskWindow, name: str) -> str:
    w = kiosk.findChild(QLabel, name)
    return w.text() if w is not None and w.isVisible() else ""


def scan(kiosk: KioskWindow, keys: list[wedge.Key]) -> None:
    kiosk.scanner.clock = ScannerClock()  # a scanner's pace however busy the machine is
    wedge.send(keys, kiosk)
    kiosk.tasks.wait_idle()


LAYOUTS = {"us": wedge.us_layout, "caps_lock": wedge.caps_lock, "german": wedge.german_x11,
           "windows_altgr": wedge.windows_altgr}
SUFFIXES = {"enter": wedge.enter(), "tab": wedge.tab(), "cr_lf": [*wedge.enter(), *wedge.line_feed()]}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_receipt_scanned_on_the_start_screen_shows_the_dossier(kiosk: KioskWindow, office: OfficeRefs,
                                                                 layout: str) -> None:
    code, url = receipt(kiosk, office)
    assert url.startswith("HTTPS://MOTCUA.HANOI.GOV.VN/T/")
    scan(kiosk, wedge.scan_keys(url, layout=LAYOUTS[layout]))
    assert kiosk.nav.current.name == "dossier"
    assert shown(kiosk, "dossier-status") == "Đã tiếp nhận, đang chờ xử lý"
    assert code in " ".join(w.text() for w in kiosk.nav.current.findChildren(QLabel) if w.isVisible())
    assert kiosk.findChild(QLineEdit, "dossier-code").text() == ""  # the keys never landed in a box


@pytest.mark.parametrize("suffix", list(SUFFIXES))
def test_a_receipt_scanned_into_the_dossier_lookup_box_is_a_scan(kiosk: KioskWindow, office: OfficeRefs,
                                                                 suffix: str) -> None:
    code, url = receipt(kiosk, office)
    kiosk.nav.go("dossier")
    box = kiosk.findChild(QLineEdit, "dossier-code")
    box.setFocus()
    scan(kiosk, wedge.scan_keys(url, suffix=SUFFIXES[suffix]))
    assert shown(kiosk, "dossier-status") == "Đã tiếp nhận, đang chờ xử lý"
    assert shown(kiosk, "dossier-error") == ""  # the LF of CR+LF or the Tab did not start anything else


@pytest.mark.parametrize("where", ["start", "checkin"])
def test_an_appointment_slip_scanned_checks_in(kiosk: KioskWindow, office: OfficeRefs, clock, where: str) -> None:  # type: ignore[no-untyped-def]
    appt = book_at(kiosk.ctx, office, start=time(9))
    token = slip_token(kiosk.ctx, appt)
    clock.now = at(8, 50)
    kiosk.nav.go(where)
    scan(kiosk, wedge.scan_keys(token))
    assert kiosk.nav.current.name == "checkin"
    assert shown(kiosk, "checkin-ticket-number") == "A001"
    with kiosk.ctx.db.read() as s:
        assert s.scalars(select(Appointment.status).where(Appointment.id == appt.id)).one() == "checked_in"


def test_a_scanner_set_to_type_a_prefix_works_once_the_prefix_is_in_the_settings(  # type: ignore[no-untyped-def]
        qtbot, kiosk_ctx, office: OfficeRefs, tmp_path) -> None:
    from core.settings import load_settings
    from kiosk.context import KioskContext
    from ui.app import make_app

    settings = load_settings(tmp_path / "none.toml", environ={"MOTCUA_SCANNER_PREFIX": "]Q1"})
    ctx = KioskContext.open(kiosk_ctx.db, settings.replace(device_name="kiosk-1"), clock=kiosk_ctx.clock)
    make_app()
    window = KioskWindow(ctx, pdf_dir=tmp_path / "kept", print_in_background=False, use_camera=False)
    qtbot.addWidget(window)
    window.show()
    try:
        _code, url = receipt(window, office)
        scan(window, wedge.scan_keys("]Q1" + url))
        assert window.nav.current.name == "dossier"
        assert shown(window, "dossier-status") == "Đã tiếp nhận, đang chờ xử lý"
    finally:
        window.tasks.wait_idle()
        window.shutdown()
        window.deleteLater()


def test_a_serial_scanner_at_the_kiosk_opens_the_dossier_of_a_receipt(qtbot, kiosk_ctx, office: OfficeRefs,  # type: ignore[no-untyped-def]
                                                                      tmp_path) -> None:
    import dataclasses
    import os

    from ui.app import make_app

    master, slave = os.openpty()  # the scanner's end, and the port the kiosk opens as /dev/ttyACM0
    ctx = dataclasses.replace(kiosk_ctx, scanner=f"serial:{os.ttyname(slave)}")
    make_app()
    window = KioskWindow(ctx, pdf_dir=tmp_path / "kept", print_in_background=False, use_camera=False)
    qtbot.addWidget(window)
    window.show()
    try:
        serial = window.serial_scanner
        assert serial is not None and serial.reader.connected.wait(5)
        _code, url = receipt(window, office)
        with qtbot.waitSignal(serial.scanned, timeout=5000):
            os.write(master, (url + "\r\n").encode())
        window.tasks.wait_idle()
        assert window.nav.current.name == "dossier"
        assert shown(window, "dossier-status") == "Đã tiếp nhận, đang chờ xử lý"
    finally:
        window.tasks.wait_idle()
        window.shutdown()  # stops the serial reader too
        window.deleteLater()
        os.close(master)
        os.close(slave)
    assert not serial.reader.connected.is_set()
