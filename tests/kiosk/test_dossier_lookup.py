"""A citizen checks a dossier at the kiosk: scans the receipt's QR or types the code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from core.i18n import language, set_language
from core.tokens import ReceiptToken, TicketToken, receipt_url
from kiosk.context import KioskContext
from kiosk.dossier import model
from kiosk.dossier.view import DossierScreen
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from local_db.ops.dossier_moves import (
    reject,
    request_supplement,
    result_back,
    return_result,
    send_to_processing,
    withdraw,
)
from local_db.ops.link_state import record_link
from local_db.ops.queue import issue_ticket
from local_db.ops.signing import device_signer
from tests.kiosk.conftest import KIOSK_NOW
from tests.kiosk.stack import screen_stack, shown

MARITAL_STATUS = "1.004873"  # 3 working days
TIEN = CitizenInput(full_name="Nguyễn Thị Thuỷ Tiên", cccd="001195067890", phone="0912345678",
                    address="Số 12A, ngõ 34 phố Đội Cấn, Ba Đình, Hà Nội")
HOST = "MOTCUA.HANOI.GOV.VN"


def receive(ctx: KioskContext, office: OfficeRefs, now=KIOSK_NOW - timedelta(days=1)):  # type: ignore[no-untyped-def]
    with ctx.db.write() as s:
        return receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS, applicant=TIEN,
                               documents=[DocumentLine("Tờ khai", originals=1), DocumentLine("Giấy tờ tùy thân",
                                                                                               certified=1)],
                               counter_number=2, now=now)


def move(ctx: KioskContext, office: OfficeRefs, op, dossier_id, **kwargs):  # type: ignore[no-untyped-def]
    with ctx.db.write() as s:
        return op(s, office.actor("canbo1"), dossier_id, now=kwargs.pop("now", KIOSK_NOW - timedelta(hours=20)),
                  **kwargs)


def receipt_qr(ctx: KioskContext, info) -> str:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        token = device_signer(s, ctx.device_id).sign(ReceiptToken(info.id, ctx.office_code, KIOSK_NOW, info.code))
    return receipt_url(HOST, token)


@pytest.fixture
def screen(qtbot, kiosk_ctx: KioskContext) -> Iterator[DossierScreen]:  # type: ignore[no-untyped-def]
    nav = screen_stack(qtbot, lambda tasks: [DossierScreen(kiosk_ctx, tasks)], "dossier")
    dossier = nav.current
    dossier.nav = nav  # type: ignore[attr-defined]
    yield dossier
    nav.tasks.wait_idle()
    set_language("vi")


def type_code(qtbot, screen: DossierScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    box = screen.findChild(QLineEdit, "dossier-code")
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.mouseClick(screen.findChild(QPushButton, "dossier-check"), Qt.MouseButton.LeftButton)
    screen.tasks.wait_idle()


def scan(screen: DossierScreen, text: str) -> None:
    screen.on_scan(text)
    screen.tasks.wait_idle()


def test_scanning_the_receipt_shows_the_status_due_date_and_a_masked_name(qtbot, screen, kiosk_ctx, office):  # type: ignore[no-untyped-def]
    info = receive(kiosk_ctx, office)
    scan(screen, receipt_qr(kiosk_ctx, info))
    assert shown(screen, "dossier-status") == "Đã tiếp nhận, đang chờ xử lý"
    assert info.code in shown(screen, "dossier-procedure")
    assert shown(screen, "dossier-applicant") == "Người nộp: N. T. T. Tiên"
    assert "Nguyễn" not in shown(screen, "dossier-applicant")
    due = model.when(info.due_at)
    assert f"Hạn trả kết quả: {due}" in shown(screen, "dossier-details")
    assert shown(screen, "dossier-as-of").startswith("Văn phòng đang không kết nối")  # never heard from the centre

    # The citizen switches language: the same dossier in English, no new lookup needed.
    with language("en"):
        screen.retranslate()
        assert shown(screen, "dossier-status") == "Received: waiting to be processed"
        assert f"Result due: {due}" in shown(screen, "dossier-details")
    screen.retranslate()

    # Leaving forgets it.
    qtbot.mouseClick(screen.findChild(QPushButton, "back"), Qt.MouseButton.LeftButton)
    assert screen.nav.current.name == "start"
    assert screen.findChild(QLabel, "dossier-applicant").text() == ""


def test_typed_codes_ignore_case_and_spaces_and_unknown_codes_are_said_plainly(qtbot, screen, kiosk_ctx, office):  # type: ignore[no-untyped-def]
    info = receive(kiosk_ctx, office)
    move(kiosk_ctx, office, send_to_processing, info.id)
    sloppy = " " + info.code.lower().replace("-", " - ") + " "
    type_code(qtbot, screen, sloppy)
    assert shown(screen, "dossier-status") == "Đang được giải quyết"
    assert shown(screen, "dossier-error") == ""

    type_code(qtbot, screen, info.code[:-1] + "9")
    assert shown(screen, "dossier-status") == ""
    assert shown(screen, "dossier-error").startswith(f"Không có hồ sơ nào mang mã {info.code[:-1]}9")

    type_code(qtbot, screen, "   ")
    assert "nhập mã hồ sơ" in shown(screen, "dossier-error")


def test_every_status_in_plain_words_with_what_to_bring(kiosk_ctx, office):  # type: ignore[no-untyped-def]
    a = receive(kiosk_ctx, office)
    move(kiosk_ctx, office, request_supplement, a.id, items=["Bản sao Giấy khai sinh", "Ảnh 4x6"])
    b = receive(kiosk_ctx, office)
    move(kiosk_ctx, office, send_to_processing, b.id)
    move(kiosk_ctx, office, result_back, b.id, now=KIOSK_NOW - timedelta(hours=19))
    c = receive(kiosk_ctx, office)
    move(kiosk_ctx, office, reject, c.id, reason="Không thuộc thẩm quyền")
    d = receive(kiosk_ctx, office)
    move(kiosk_ctx, office, withdraw, d.id)
    e = receive(kiosk_ctx, office)
    move(kiosk_ctx, office, send_to_processing, e.id)
    move(kiosk_ctx, office, result_back, e.id, now=KIOSK_NOW - timedelta(hours=19))
    move(kiosk_ctx, office, return_result, e.id, returned_to="Nguyễn Thị Thuỷ Tiên",
         now=KIOSK_NOW - timedelta(hours=18))

    def words(code: str) -> tuple[str, str]:
        found = model.lookup_code(kiosk_ctx, code)
        assert found.outcome == model.FOUND
        return model.headline(found.dossier), "\n".join(model.explanation(found.dossier))

    head, text = words(a.code)
    assert head == "Cần bổ sung giấy tờ"
    assert "• Bản sao Giấy khai sinh\n• Ảnh 4x6" in text and "Hạn trả" not in text
    head, text = words(b.code)
    assert head == "Đã có kết quả, mời quý khách đến nhận"
    assert "Giấy tiếp nhận hồ sơ" in text and "căn cước" in text
    assert words(c.code)[0] == "Không được tiếp nhận giải quyết"
    assert "Không thuộc thẩm quyền" not in words(c.code)[1]  # the reason stays on the paper, not in the hall
    assert words(d.code)[0] == "Đã rút theo đề nghị của người nộp"
    head, text = words(e.code)
    assert head == "Đã trả kết quả" and "Đã trả lúc" in text


def test_a_late_dossier_is_said_kindly(kiosk_ctx, office, clock):  # type: ignore[no-untyped-def]
    info = receive(kiosk_ctx, office)
    clock.now = info.due_at + timedelta(days=2)
    found = model.lookup_code(kiosk_ctx, info.code)
    assert found.dossier.overdue
    assert "Chúng tôi xin lỗi" in "\n".join(model.explanation(found.dossier))


def test_offline_says_as_of_when_the_office_last_heard_from_the_centre(kiosk_ctx, office):  # type: ignore[no-untyped-def]
    info = receive(kiosk_ctx, office)
    with kiosk_ctx.db.write() as s:
        record_link(s, online=True, now=KIOSK_NOW - timedelta(minutes=1))
    assert model.as_of_words(model.lookup_code(kiosk_ctx, info.code).dossier) == ""
    with kiosk_ctx.db.write() as s:
        record_link(s, online=False, now=KIOSK_NOW - timedelta(minutes=1))
    words = model.as_of_words(model.lookup_code(kiosk_ctx, info.code).dossier)
    assert words == ("Văn phòng đang không kết nối với trung tâm: thông tin tính đến 08:59, 23/11/2026.")


def test_forged_receipts_and_other_codes_are_refused_plainly(qtbot, screen, kiosk_ctx, office):  # type: ignore[no-untyped-def]
    info = receive(kiosk_ctx, office)
    good = receipt_qr(kiosk_ctx, info)
    token = good.rsplit("/", 1)[1]
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    scan(screen, receipt_url(HOST, flipped))
    assert shown(screen, "dossier-status") == ""
    assert "không thể kiểm tra tại đây" in shown(screen, "dossier-error")

    with kiosk_ctx.db.write() as s:
        ticket = issue_ticket(s, kiosk_ctx.actor, "HT", now=KIOSK_NOW)
        ticket_qr = device_signer(s, kiosk_ctx.device_id).sign(
            TicketToken(ticket.id, kiosk_ctx.office_code, KIOSK_NOW, KIOSK_NOW.date(), ticket.code))
    scan(screen, ticket_qr)
    assert shown(screen, "dossier-error").startswith("Đây là phiếu số thứ tự, không phải giấy tiếp nhận hồ sơ.")
    scan(screen, "hello")
    assert shown(screen, "dossier-error").startswith("Mã này không phải giấy tiếp nhận hồ sơ.")

    # A scanner typing the receipt URL into the code box works like a scan.
    type_code(qtbot, screen, good)
    assert shown(screen, "dossier-status") == "Đã tiếp nhận, đang chờ xử lý"


def test_every_tour_state_shows_words(screen):  # type: ignore[no-untyped-def]
    for lang in ("vi", "en"):
        with language(lang):
            screen.retranslate()
            for name, put in screen.tour_states():
                screen.clear()
                put()
                if name:
                    assert shown(screen, "dossier-status") or shown(screen, "dossier-error"), name
