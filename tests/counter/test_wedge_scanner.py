"""A USB keyboard-wedge scanner at the counter, with the key events it really sends (issue 19).

The ID card's QR typed by a scanner (Shift around every capital and every ``|``) fills the
intake's applicant and never lands in the "Họ và tên" field; a receipt or an appointment
code scanned at the intake is taken as a scan and refused plainly; the receipt scanned into
the dossiers page's search box finds the dossier for the hand-back.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from local_db.office_setup import OfficeRefs
from printing.dossier_source import receipt_content
from tests.counter.test_dossiers_page import desk as dossiers_desk  # noqa: F401
from tests.counter.test_dossiers_page import receive
from tests.counter.test_dossiers_page import settle as settle_page
from tests.counter.test_intake import desk, field, key, settle, shown, to_applicant  # noqa: F401
from tests.kiosk.test_checkin import ScannerClock
from tests.support import wedge

# A real card's layout (core/citizen.py) in ASCII: a keyboard wedge types no Vietnamese letters.
ID_QR = "001090012345|123456789|Nguyen Van Hoa|15031990|Nam|So 5 Doi Can, Ba Dinh, Ha Noi|10082021"
LAYOUTS = {"us": wedge.us_layout, "caps_lock": wedge.caps_lock, "german": wedge.german_x11,
           "windows_altgr": wedge.windows_altgr}
SUFFIXES = {"enter": wedge.enter(), "tab": wedge.tab(), "cr_lf": [*wedge.enter(), *wedge.line_feed()]}


def scan(d, keys: list[wedge.Key]) -> None:  # type: ignore[no-untyped-def]
    settle(d)
    typist = d.screen.scanner.clock
    d.screen.scanner.clock = ScannerClock()
    wedge.send(keys, d.screen)
    d.screen.scanner.clock = typist
    settle(d)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_id_card_qr_typed_by_a_scanner_fills_the_applicant(desk, layout: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert d.screen.state.step == "applicant" and field(d, "full_name").hasFocus()
    scan(d, wedge.scan_keys(ID_QR, layout=LAYOUTS[layout]))
    assert field(d, "full_name").text() == "Nguyen Van Hoa"
    assert field(d, "cccd").text() == "001090012345"
    assert field(d, "birth_date").text() == "15/03/1990"
    assert field(d, "address").text() == "So 5 Doi Can, Ba Dinh, Ha Noi"
    assert "Nguyen Van Hoa" in shown(d, "intake-scan-message")
    assert field(d, "phone").hasFocus()


@pytest.mark.parametrize("suffix", list(SUFFIXES))
def test_a_scanner_suffix_ends_the_scan_and_goes_nowhere(desk, suffix: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    scan(d, wedge.scan_keys(ID_QR, suffix=SUFFIXES[suffix]))
    assert field(d, "full_name").text() == "Nguyen Van Hoa"
    assert field(d, "phone").hasFocus() and field(d, "phone").text() == ""  # the Tab or LF did not move on
    assert d.screen.state.step == "applicant"


def test_a_receipt_scanned_at_the_intake_is_refused_and_types_nothing(desk, office: OfficeRefs) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    url = "HTTPS://MOTCUA.HANOI.GOV.VN/T/AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIB"
    scan(d, wedge.scan_keys(url))
    assert field(d, "full_name").text() == ""
    assert shown(d, "intake-scan-message").startswith("Mã này không phải thẻ căn cước")


def test_the_receipt_scanned_into_the_dossiers_search_finds_it_for_the_hand_back(  # type: ignore[no-untyped-def]
        dossiers_desk, office: OfficeRefs) -> None:  # noqa: F811
    d = dossiers_desk
    info = receive(d, office)
    with d.ctx.db.read() as s:
        qr = receipt_content(s, info.id, signer=d.ctx.signer(s), tracking_host=d.ctx.tracking_host,
                             now=d.clock.now).qr_text
    d.page.search.setFocus()
    wedge.send(wedge.scan_keys(qr), d.page.search)
    settle_page(d)
    assert d.page.view is not None and d.page.view.id == info.id


# --- a scanner in serial mode (USB virtual COM port): scanning/serial_qr.py -----------------------

VIETNAMESE_ID_QR = "001090012345|123456789|Nguyễn Văn Hòa|15031990|Nam|Số 5 Đội Cấn, Ba Đình, Hà Nội|10082021"


def test_a_serial_scanner_fills_the_applicant_with_the_id_card_s_vietnamese_intact(qtbot, counter_ctx) -> None:  # type: ignore[no-untyped-def]
    import os

    from core.i18n import set_language
    from tests.counter.test_intake import build
    from ui.app import make_app
    from ui.theme import Theme, apply_theme

    master, slave = os.openpty()  # the scanner's end, and the port the desk opens as /dev/ttyACM0
    counter_ctx.scanner = f"serial:{os.ttyname(slave)}"
    apply_theme(make_app(), Theme(desk=True))
    set_language("vi")
    d = build(qtbot, counter_ctx)
    serial = d.screen.serial_scanner
    try:
        assert serial is not None and serial.reader.connected.wait(5)
        to_applicant(d)
        key(d, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        with qtbot.waitSignal(serial.scanned, timeout=5000):
            os.write(master, (VIETNAMESE_ID_QR + "\r\n").encode())
        settle(d)
        assert field(d, "full_name").text() == "Nguyễn Văn Hòa"
        assert field(d, "address").text() == "Số 5 Đội Cấn, Ba Đình, Hà Nội"
        assert field(d, "cccd").text() == "001090012345"
        assert "Nguyễn Văn Hòa" in shown(d, "intake-scan-message")
    finally:
        if serial is not None:
            serial.stop()
        d.screen.leave()
        d.tasks.wait_idle()
        os.close(master)
        os.close(slave)
