"""Form content read from the office database: a real dossier received and moved by the
office operations, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import DomainError, ValidationError
from core.tokens import Result, verify
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import (
    DocumentLine,
    DossierInfo,
    get_dossier,
    receive_dossier,
    reject,
    request_supplement,
    reschedule,
    result_back,
    return_result,
    send_to_processing,
    supplement_received,
)
from local_db.ops.signing import device_signer, office_key_ring
from printing.documents.control_slip import control_slip_pdf
from printing.documents.form_layout import moment
from printing.documents.receipt import receipt_pdf
from printing.documents.supplement_request import supplement_request_pdf
from printing.dossier_source import (
    apology_content,
    control_slip_content,
    place_of,
    receipt_content,
    refusal_content,
    supplement_request_content,
    supplement_request_for_intake,
)
from tests.printing.test_forms import assert_text_whole
from tests.support.pdf_tools import barcode_texts, qr_texts, rasterise

HOST = "MOTCUA.HANOI.GOV.VN"
MARITAL_STATUS = "1.004873"  # 3 working days, 3.000 đ


def hanoi(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Hà Nội in November 2026, as aware UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


MON_0900 = hanoi(23, 9)
TIEN = CitizenInput(full_name="Nguyễn Thị Thuỷ Tiên", cccd="001195067890", phone="0912345678",
                    address="Số 12A, ngõ 34 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội",
                    email="thuytien@example.com")
DOCS = [
    DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
    DocumentLine("Giấy tờ tùy thân", certified=1),
    DocumentLine("Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết", required=False, missing=True),
]


def receive(db: Database, office: OfficeRefs, now: datetime = MON_0900) -> DossierInfo:
    with db.write() as s:
        return receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS, applicant=TIEN,
                               documents=DOCS, counter_number=2, request_content="Để đăng ký kết hôn", now=now)


def move(db: Database, office: OfficeRefs, op, dossier_id, clerk: str = "canbo1", **kwargs) -> DossierInfo:  # type: ignore[no-untyped-def]
    with db.write() as s:
        return op(s, office.actor(clerk), dossier_id, **kwargs)


def test_receipt_content_carries_the_dossier_and_a_qr_the_office_verifies(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    with db.read() as s:
        content = receipt_content(s, info.id, signer=device_signer(s, office.device_id), tracking_host=HOST,
                                  now=MON_0900)
        ring = office_key_ring(s, office.office_code)
    assert content.dossier_code == info.code
    assert content.issuer.office_name == "UBND Phường Ba Đình"
    assert content.issuer.parent_name == "UBND Thành phố Hà Nội"
    assert content.issuer.place == "Hà Nội"
    assert content.applicant.name == "Nguyễn Thị Thuỷ Tiên"
    assert content.applicant.id_number == "001195067890"
    assert content.applicant.email == "thuytien@example.com"
    assert content.procedure_name == "Xác nhận tình trạng hôn nhân"
    assert content.request_content == "Để đăng ký kết hôn"
    # The optional paper the citizen did not bring is not among the documents received.
    assert [(d.name, d.originals, d.certified, d.copies) for d in content.documents] == [
        ("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", 1, 0, 0), ("Giấy tờ tùy thân", 0, 1, 0)]
    assert content.received_at == MON_0900 and content.due_at == info.due_at
    assert content.processing_time == "3 ngày làm việc"
    assert content.fee_vnd == 3000
    assert content.officer_name == "Nguyễn Văn Hoà"
    assert content.counter_number == 2
    assert "Bộ phận tiếp nhận và trả kết quả UBND Phường Ba Đình" in content.return_place
    assert content.form_set == "nd118-2025"

    pdf = receipt_pdf(content)
    pages = rasterise(pdf, dpi=150)
    found = qr_texts(pages)
    assert found == [content.qr_text] and found[0].startswith(f"HTTPS://{HOST}/T/")
    check = verify(found[0], ring, office_code=office.office_code, now=MON_0900 + timedelta(days=30))
    assert check.result is Result.VALID
    assert check.token.entity_id == info.id and check.token.dossier_code == info.code
    assert barcode_texts(pages) == [info.code]
    assert_text_whole(pdf, info.code, "Nguyễn Thị Thuỷ Tiên", f"Thời gian trả kết quả giải quyết hồ sơ: {moment(info.due_at)}")


def test_english_receipt_takes_the_english_names(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    with db.read() as s:
        content = receipt_content(s, info.id, signer=device_signer(s, office.device_id), tracking_host=HOST,
                                  lang="en", now=MON_0900)
    assert content.lang == "en"
    assert content.issuer.office_name == "Ba Dinh Ward People's Committee"
    assert content.processing_time == "3 working days"
    assert content.procedure_name != "Xác nhận tình trạng hôn nhân"
    assert content.return_place.startswith("Reception and Result Return Desk, Ba Dinh Ward People's Committee")


def test_supplement_request_lists_the_items_and_the_new_receipt_restarts_the_clock(
        db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    items = ["Giấy tờ chứng minh đã ly hôn", "Tờ khai ghi đủ mục đích sử dụng"]
    move(db, office, request_supplement, info.id, items=items, note="Nộp trong 10 ngày",
         now=MON_0900 + timedelta(hours=1), clerk="canbo2")
    with db.read() as s:
        content = supplement_request_content(s, info.id, reasons={items[0]: "Tờ khai ghi đã ly hôn"})
    assert [i.name for i in content.items] == items
    assert [i.reason for i in content.items] == ["Tờ khai ghi đã ly hôn", ""]
    assert content.officer_name == "Phạm Thị Thuỷ"
    assert content.note == "Nộp trong 10 ngày"
    assert content.dossier_code == info.code
    assert content.issued_at == MON_0900 + timedelta(hours=1)
    assert content.contact_phone == "02438234567"
    assert_text_whole(supplement_request_pdf(content), *items, "Tờ khai ghi đã ly hôn", "Phạm Thị Thuỷ")

    again = hanoi(25, 14)
    after = move(db, office, supplement_received, info.id, now=again)
    with db.read() as s:
        receipt = receipt_content(s, info.id, signer=device_signer(s, office.device_id), tracking_host=HOST,
                                  now=again)
    assert receipt.received_at == again
    assert receipt.due_at == after.due_at and after.due_at > info.due_at


def test_form_02_for_a_dossier_refused_at_intake_as_incomplete(db: Database, office: OfficeRefs) -> None:
    with db.write() as s, pytest.raises(ValidationError) as refused:
        receive_dossier(s, office.actor("canbo1"), procedure_code=MARITAL_STATUS, applicant=TIEN,
                        documents=[DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
                                   DocumentLine("Giấy tờ tùy thân", missing=True)], now=MON_0900)
    missing = refused.value.details["missing"]
    with db.read() as s:
        content = supplement_request_for_intake(s, office.office_code, procedure_code=MARITAL_STATUS,
                                                applicant=TIEN, missing=missing, officer_name="Nguyễn Văn Hoà",
                                                now=MON_0900)
    assert content.dossier_code == ""
    assert [i.name for i in content.items] == ["Giấy tờ tùy thân"]
    assert content.applicant.name == "Nguyễn Thị Thuỷ Tiên"
    assert content.procedure_name == "Xác nhận tình trạng hôn nhân"


def test_refusal_carries_the_recorded_reason(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    reason = "Người yêu cầu không cư trú trên địa bàn phường Ba Đình"
    move(db, office, reject, info.id, reason=reason, now=MON_0900 + timedelta(minutes=30))
    with db.read() as s:
        content = refusal_content(s, info.id)
    assert content.reason == reason
    assert content.officer_name == "Nguyễn Văn Hoà"
    assert content.issued_at == MON_0900 + timedelta(minutes=30)
    assert content.dossier_code == info.code


def test_apology_gives_the_due_moment_before_and_after_the_reschedule(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    move(db, office, send_to_processing, info.id, now=MON_0900 + timedelta(hours=1))
    new_due = hanoi(30, 16)
    move(db, office, reschedule, info.id, new_due_at=new_due, reason="Cần xác minh nơi cư trú trước đây",
         now=hanoi(26, 10))
    with db.read() as s:
        content = apology_content(s, info.id, signer_name="Trần Quốc Minh")
    assert content.original_due_at == info.due_at
    assert content.new_due_at == new_due
    assert content.reason == "Cần xác minh nơi cư trú trước đây"
    assert content.responsible_body == "UBND Phường Ba Đình"
    assert content.received_at == MON_0900


def test_no_step_no_form(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    with db.read() as s, pytest.raises(DomainError):
        refusal_content(s, info.id)


def test_control_slip_has_one_row_per_hand_over_in_order(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    move(db, office, send_to_processing, info.id, now=MON_0900 + timedelta(hours=1))
    move(db, office, request_supplement, info.id, items=["Giấy tờ chứng minh đã ly hôn"], now=hanoi(23, 15))
    with db.read() as s:
        stopped = control_slip_content(s, info.id, now=hanoi(23, 16))
    assert stopped.due_at is None  # the clock is stopped while the citizen completes the dossier
    move(db, office, supplement_received, info.id, now=hanoi(25, 8))
    move(db, office, send_to_processing, info.id, now=hanoi(25, 9))
    move(db, office, result_back, info.id, now=hanoi(26, 10), clerk="canbo2")
    move(db, office, return_result, info.id, returned_to="Nguyễn Thị Thuỷ Tiên", fee_paid_vnd=3000,
         now=hanoi(27, 9))
    with db.read() as s:
        content = control_slip_content(s, info.id, signer=device_signer(s, office.device_id), tracking_host=HOST,
                                       now=hanoi(27, 10))
        ring = office_key_ring(s, office.office_code)
        detail = get_dossier(s, info.id)
    assert [r.action for r in content.rows] == [
        "receive", "send_to_processing", "request_supplement", "supplement_received", "send_to_processing",
        "result_back", "return_result"]
    assert [r.at for r in content.rows] == [e.at for e in detail.events]
    desk = "Bộ phận tiếp nhận và trả kết quả UBND Phường Ba Đình"
    body = "Công chức chuyên môn (Hộ tịch)"
    assert content.processing_body == body
    assert [(r.from_party, r.to_party) for r in content.rows] == [
        ("Nguyễn Thị Thuỷ Tiên", desk), (desk, body), (body, "Nguyễn Thị Thuỷ Tiên"),
        ("Nguyễn Thị Thuỷ Tiên", desk), (desk, body), (body, desk), (desk, "Nguyễn Thị Thuỷ Tiên")]
    assert content.rows[2].note == "Giấy tờ chứng minh đã ly hôn"
    assert content.rows[5].result == "Trước hạn"  # ready the day after the supplement, due days later
    assert content.rows[5].staff_name == "Phạm Thị Thuỷ"
    assert content.rows[6].result == "Đã trả kết quả"
    assert content.received_at == hanoi(25, 8)  # the clock restarted with the supplement

    pdf = control_slip_pdf(content)
    found = qr_texts(rasterise(pdf, dpi=150))
    assert verify(found[0], ring, office_code=office.office_code, now=hanoi(27, 10)).result is Result.VALID


def test_a_result_after_the_due_moment_is_late_on_the_slip(db: Database, office: OfficeRefs) -> None:
    info = receive(db, office)
    move(db, office, send_to_processing, info.id, now=MON_0900 + timedelta(hours=1))
    move(db, office, result_back, info.id, now=info.due_at + timedelta(days=1))
    with db.read() as s:
        content = control_slip_content(s, info.id, lang="en")
    assert content.rows[-1].result == "Late"
    assert content.rows[0].to_party == "Reception and Result Return Desk, Ba Dinh Ward People's Committee"


def test_place_of_the_date_line() -> None:
    assert place_of("UBND Thành phố Hà Nội") == "Hà Nội"
    assert place_of("Ủy ban nhân dân tỉnh Thanh Hóa") == "Thanh Hóa"
    assert place_of("", "Ba Đình") == "Ba Đình"


@pytest.mark.parametrize("form", ["supplement_request", "refusal", "apology"])
def test_later_forms_carry_the_tracking_qr_and_it_verifies(db: Database, office: OfficeRefs, form: str) -> None:
    """A citizen holding only form 02, 03 or 04 can still scan it at the kiosk or with a phone."""
    from printing.render import render_pdf

    info = receive(db, office)
    if form == "supplement_request":
        move(db, office, request_supplement, info.id, items=["Giấy tờ tùy thân có chứng thực"],
             now=MON_0900 + timedelta(hours=1))
        build = supplement_request_content
    elif form == "refusal":
        move(db, office, reject, info.id, reason="Không thuộc thẩm quyền", now=MON_0900 + timedelta(hours=1))
        build = refusal_content
    else:
        move(db, office, send_to_processing, info.id, now=MON_0900 + timedelta(hours=1))
        move(db, office, reschedule, info.id, new_due_at=hanoi(30, 16), reason="Cần xác minh", now=hanoi(26, 10))
        build = apology_content
    with db.read() as s:
        signer = device_signer(s, office.device_id)
        without = build(s, info.id)
        content = build(s, info.id, signer=signer, tracking_host=HOST, now=hanoi(26, 11))
        ring = office_key_ring(s, office.office_code)
    assert without.qr_text == "" and qr_texts(rasterise(render_pdf(form, without))) == []
    [text] = qr_texts(rasterise(render_pdf(form, content)))
    assert text == content.qr_text and text.startswith(f"HTTPS://{HOST}/T/")
    check = verify(text, ring, office_code=office.office_code, now=hanoi(27, 9))
    assert check.result is Result.VALID and check.token.dossier_code == info.code


def test_an_english_slip_falls_back_to_the_vietnamese_names_the_catalogue_lacks(db: Database, office: OfficeRefs) -> None:
    """A procedure with no English name or field yet: the English form 05 prints the
    Vietnamese ones rather than leaving them out."""
    from local_db.models import Procedure

    with db.write() as s:
        proc = s.get(Procedure, office.procedures[MARITAL_STATUS])
        assert proc is not None and proc.field_vi
        proc.name_en, proc.field_en = "", ""
        name_vi, field_vi = proc.name_vi, proc.field_vi
    info = receive(db, office)
    with db.read() as s:
        content = control_slip_content(s, info.id, lang="en")
    assert content.procedure_name == name_vi
    assert content.processing_body == f"Specialist officer ({field_vi})"
