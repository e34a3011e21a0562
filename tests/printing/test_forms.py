"""Forms 02-05 as real PDFs: page size, text that fits its boxes, the right language.

Also holds the helpers the receipt and report tests share (sample records, the margin
check, the label check against the catalogue).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.tokens import KeyRing, ReceiptToken, Result, Signer, receipt_url, verify
from printing.content import from_data, to_data
from printing.documents.apology import apology_pdf
from printing.documents.control_slip import control_slip_pdf
from printing.documents.refusal import refusal_pdf
from printing.documents.supplement_request import supplement_request_pdf
from printing.fonts import missing_glyphs
from printing.form_sets import FORM_SETS, form_set, form_set_for
from printing.forms_content import (
    ApologyContent,
    Applicant,
    ControlSlipContent,
    HandOver,
    Issuer,
    RefusalContent,
    SupplementItem,
    SupplementRequestContent,
)
from printing.render import render_pdf
from tests.support.pdf_tools import (
    page_size_mm,
    pdf_fonts,
    pdf_text,
    qr_texts,
    rasterise,
)

RECEIVED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
CODE = "000.00.04.H26-261123-0001"
OFFICE = "00004"
HOST = "MOTCUA.HANOI.GOV.VN"
SIGNER = Signer(bytes(range(32)))
RING = KeyRing.from_public_keys([SIGNER.public_key])
PO_FILE = Path(__file__).resolve().parents[2] / "core" / "locale" / "vi" / "printing_forms.po"

LONG_NAME = ("Công Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Lê Trần Phạm Huỳnh Hoàng Phan Vũ Võ Đặng Bùi "
             "Đỗ Hồ Ngô Dương Lý Thị Ngọc Diễm")
LONG_ADDRESS = ("Phòng 1205, tầng 12, tòa nhà chung cư cao tầng B2, khu đô thị mới Giảng Võ, ngõ 148 "
                "phố Giảng Võ, phường Ba Đình, Hà Nội")


DESK = {
    "vi": "Bộ phận tiếp nhận và trả kết quả UBND Phường Ba Đình",
    "en": "Reception and Result Return Desk, Ba Dinh Ward People's Committee",
}


def issuer(lang: str = "vi") -> Issuer:
    name = "UBND Phường Ba Đình" if lang == "vi" else "Ba Dinh Ward People's Committee"
    return Issuer("UBND Thành phố Hà Nội", name, "Hà Nội", "Số 1 Đội Cấn, Phường Ba Đình, Hà Nội", "02438234567")


def applicant(name: str = "Nguyễn Thị Thuỷ Tiên", address: str = "Số 12 ngõ 34 phố Đội Cấn, phường Ba Đình, Hà Nội",
              ) -> Applicant:
    return Applicant(name, address, "0912345678", "thuytien@example.com", "001195067890")


def receipt_qr(code: str = CODE, entity: str = "0190a8f0-0000-7000-8000-000000000001") -> str:
    import uuid

    token = SIGNER.sign(ReceiptToken(uuid.UUID(entity), OFFICE, RECEIVED, code))
    return receipt_url(HOST, token)


def flat(text: str) -> str:
    """NFC text with every run of whitespace made one space (wrapping splits lines)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def raw_text(pdf: bytes) -> str:
    """pdftotext in drawing order: a table cell's lines stay together (reading order would
    interleave the lines of cells side by side)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(src), "-"], check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def assert_text_whole(pdf: bytes, *strings: str) -> None:
    text = flat(raw_text(pdf))
    for s in strings:
        assert flat(s) in text, f"not found whole: {s!r}"


def assert_margins_white(pdf: bytes, margin_mm: float = 6.0) -> None:
    """Nothing is drawn within ``margin_mm`` of any page edge (150 dpi rendering)."""
    for number, page in enumerate(rasterise(pdf, dpi=150), start=1):
        gray = page.convert("L")
        w, h = gray.size
        m = round(margin_mm / 25.4 * 150)
        for box in ((0, 0, w, m), (0, h - m, w, h), (0, 0, m, h), (w - m, 0, w, h)):
            darkest = gray.crop(box).getextrema()[0]
            assert darkest > 250, f"page {number}: ink in the margin {box}"


def assert_page_sizes(pdf: bytes, paper: str) -> None:
    expected = {"A5": (148, 210), "A4": (210, 297)}[paper]
    for w, h in page_size_mm(pdf):
        assert (round(w), round(h)) == expected


def _fixed_parts(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\{[^}]*\}", text) if len(p.strip()) >= 6]


def catalogue_pairs() -> list[tuple[str, str]]:
    """(English, Vietnamese) fixed fragments of this area's labels (placeholders cut out)."""
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    pairs = []
    for message in catalog:
        if not message.id or not message.string or message.id == message.string:
            continue
        en_parts, vi_parts = _fixed_parts(message.id), _fixed_parts(message.string)
        pairs += [(p, "") for p in en_parts]
        pairs += [("", p) for p in vi_parts]
    return pairs


def assert_language(pdf: bytes, lang: str) -> None:
    """An English form holds no Vietnamese fixed label and a Vietnamese one no English."""
    text = flat(pdf_text(pdf))
    for en, vi in catalogue_pairs():
        if lang == "en" and vi:
            assert flat(vi) not in text, f"Vietnamese label in the English form: {vi!r}"
        if lang == "vi" and en:
            assert flat(en) not in text, f"English label in the Vietnamese form: {en!r}"


def all_strings(record: object) -> list[str]:
    """Every string inside a content record (nested records and tuples included)."""
    data = to_data(record)
    out: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(data)
    return out


# --- sample records --------------------------------------------------------------------------------


def supplement(lang: str = "vi", **changes: object) -> SupplementRequestContent:
    record = SupplementRequestContent(
        lang=lang, form_set="nd118-2025", issuer=issuer(lang), issued_at=RECEIVED, dossier_code=CODE,
        applicant=applicant(),
        procedure_name="Cấp Giấy xác nhận tình trạng hôn nhân" if lang == "vi" else "Certificate of marital status",
        items=(
            SupplementItem("Giấy tờ chứng minh đã ly hôn", "Tờ khai ghi đã ly hôn nhưng chưa kèm quyết định ly hôn"),
            SupplementItem("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", "Chưa ghi mục đích sử dụng"),
        ),
        bring_to=DESK[lang],
        officer_name="Nguyễn Văn Hoà", note="", contact_phone="02438234567",
    )
    return replace(record, **changes)


def refusal(lang: str = "vi", **changes: object) -> RefusalContent:
    record = RefusalContent(
        lang=lang, form_set="nd118-2025", issuer=issuer(lang), issued_at=RECEIVED, dossier_code=CODE,
        applicant=applicant(), procedure_name="Đăng ký khai sinh" if lang == "vi" else "Birth registration",
        reason="Người yêu cầu không cư trú trên địa bàn phường.", officer_name="Nguyễn Văn Hoà",
    )
    return replace(record, **changes)


def apology(lang: str = "vi", **changes: object) -> ApologyContent:
    record = ApologyContent(
        lang=lang, form_set="nd118-2025", issuer=issuer(lang), issued_at=RECEIVED + timedelta(days=2),
        dossier_code=CODE, applicant=applicant(),
        procedure_name="Đăng ký khai sinh" if lang == "vi" else "Birth registration", received_at=RECEIVED,
        original_due_at=RECEIVED + timedelta(days=3, hours=7), new_due_at=RECEIVED + timedelta(days=5, hours=7),
        reason="Cần xác minh thêm thông tin cư trú", responsible_body=issuer(lang).office_name,
        signer_name="Trần Quốc Minh",
    )
    return replace(record, **changes)


def control_slip(lang: str = "vi", **changes: object) -> ControlSlipContent:
    desk = DESK[lang]
    vi = lang == "vi"
    body = "Công chức chuyên môn (Hộ tịch)" if vi else "Specialist officer (Civil status)"
    rows = (
        HandOver(RECEIVED, "receive", "Nguyễn Thị Thuỷ Tiên", desk, "Đã tiếp nhận" if vi else "Received", "",
                 "Nguyễn Văn Hoà"),
        HandOver(RECEIVED + timedelta(hours=1), "send_to_processing", desk, body,
                 "Chuyển giải quyết" if vi else "Sent for processing", "", "Nguyễn Văn Hoà"),
        HandOver(RECEIVED + timedelta(days=2), "result_back", body, desk, "Trước hạn" if vi else "Early", "",
                 "Phạm Thị Thuỷ"),
    )
    record = ControlSlipContent(
        lang=lang, form_set="nd118-2025", issuer=issuer(lang), issued_at=RECEIVED, dossier_code=CODE,
        applicant=applicant(), procedure_name="Đăng ký khai sinh" if lang == "vi" else "Birth registration",
        processing_body=body, received_at=RECEIVED, due_at=RECEIVED + timedelta(days=3), rows=rows,
        qr_text=receipt_qr(),
    )
    return replace(record, **changes)


BUILDERS = {
    "supplement_request": (supplement, supplement_request_pdf, "A5"),
    "refusal": (refusal, refusal_pdf, "A5"),
    "apology": (apology, apology_pdf, "A5"),
    "control_slip": (control_slip, control_slip_pdf, "A4"),
}


# --- tests -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_each_form_is_on_its_paper_with_its_number_and_embedded_fonts(kind: str) -> None:
    make, build, paper = BUILDERS[kind]
    pdf = build(make())
    assert_page_sizes(pdf, paper)
    number = form_set("nd118-2025").number(kind)
    assert_text_whole(pdf, f"Mẫu số {number}", "Nghị định số 118/2025/NĐ-CP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày")
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["embedded"] == "yes" for f in fonts)
    assert_margins_white(pdf)


@pytest.mark.parametrize("kind", list(BUILDERS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fixed_labels_are_all_in_the_form_language(kind: str, lang: str) -> None:
    make, build, _paper = BUILDERS[kind]
    pdf = build(make(lang))
    assert_language(pdf, lang)
    if lang == "en":
        assert_text_whole(pdf, "SOCIALIST REPUBLIC OF VIETNAM", "Independence - Freedom - Happiness")


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_record_survives_the_print_queue_json(kind: str) -> None:
    make, build, _paper = BUILDERS[kind]
    record = make()
    again = from_data(type(record), to_data(record))
    assert again == record
    assert render_pdf(kind, to_data(record)) == build(record)  # a reprint is the same paper


def test_supplement_request_lists_every_item_with_its_reason_even_over_pages() -> None:
    items = tuple(
        SupplementItem(f"Giấy tờ số {i}: bản sao có chứng thực giấy chứng nhận quyền sử dụng đất, quyền sở hữu "
                       f"nhà ở và tài sản khác gắn liền với đất thửa số {i}",
                       f"Bản sao số {i} bị mờ, không đọc được số thửa và diện tích; đề nghị nộp bản sao rõ hơn")
        for i in range(1, 16)
    )
    record = supplement(items=items, note="Nộp đủ một lần để tránh đi lại nhiều lần",
                        applicant=applicant(LONG_NAME, LONG_ADDRESS))
    pdf = supplement_request_pdf(record)
    assert_text_whole(pdf, LONG_NAME, LONG_ADDRESS, *(i.name for i in items), *(i.reason for i in items))
    assert len(page_size_mm(pdf)) == 2
    assert_page_sizes(pdf, "A5")
    assert_text_whole(pdf, "Trang 1/2", "Trang 2/2")
    assert_margins_white(pdf)


def test_supplement_request_at_intake_has_no_dossier_code() -> None:
    pdf = supplement_request_pdf(supplement(dossier_code=""))
    assert "Mã hồ sơ" not in pdf_text(pdf)
    assert_text_whole(pdf, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Giấy tờ chứng minh đã ly hôn")


def test_refusal_prints_a_long_reason_whole() -> None:
    reason = ("Hồ sơ đề nghị đăng ký khai sinh cho trẻ em sinh ra ở nước ngoài chưa được giải quyết tại phường vì "
              "theo quy định của Luật Hộ tịch năm 2014 và Nghị định số 123/2015/NĐ-CP, thẩm quyền đăng ký thuộc "
              "Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ; người yêu cầu đã cung cấp giấy xác nhận thông "
              "tin về cư trú cho thấy cả cha và mẹ đều thường trú tại địa bàn khác. ") * 3
    record = refusal(reason=reason.strip(), applicant=applicant(LONG_NAME, LONG_ADDRESS))
    assert not set().union(*(missing_glyphs(s) for s in all_strings(record)))
    pdf = refusal_pdf(record)
    assert_text_whole(pdf, reason.strip(), LONG_NAME, LONG_ADDRESS)
    assert_page_sizes(pdf, "A5")
    assert_margins_white(pdf)


def test_apology_gives_both_due_moments_and_the_body_that_apologises() -> None:
    pdf = apology_pdf(apology())
    assert_text_whole(
        pdf, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Kính gửi: Ông/Bà Nguyễn Thị Thuỷ Tiên",
        "16 giờ 00 phút, ngày 26/11/2026",  # the original due moment (Thursday 16:00 local)
        "16 giờ 00 phút, ngày 28/11/2026",  # the new one
        "Lý do: Cần xác minh thêm thông tin cư trú", "UBND Phường Ba Đình xin lỗi Ông/Bà", "THỦ TRƯỞNG CƠ QUAN",
        "Trần Quốc Minh",
    )


def test_control_slip_has_one_row_per_hand_over_and_a_verifiable_qr() -> None:
    rows = tuple(
        HandOver(RECEIVED + timedelta(hours=i), "send_to_processing", f"Bộ phận giao số {i}",
                 f"Công chức nhận số {i}", "Chuyển giải quyết", "Ghi chú rất dài " * 4, "Nguyễn Văn Hoà")
        for i in range(1, 21)
    )
    record = control_slip(rows=rows)
    pdf = control_slip_pdf(record)
    assert_page_sizes(pdf, "A4")
    text = flat(pdf_text(pdf))
    for i in range(1, 21):
        assert f"Giao: Bộ phận giao số {i} Nhận: Công chức nhận số {i}" in text
    assert text.count("Người giao") == len(page_size_mm(pdf))  # the header row repeats on every page
    assert_margins_white(pdf)
    found = qr_texts(rasterise(pdf, dpi=150)[:1])
    assert found == [record.qr_text]
    check = verify(found[0], RING, office_code=OFFICE, now=RECEIVED + timedelta(days=400))
    assert check.result is Result.VALID and check.token.dossier_code == CODE


def test_control_slip_shows_a_stopped_clock() -> None:
    pdf = control_slip_pdf(control_slip(due_at=None, qr_text=""))
    assert_text_whole(pdf, "tạm dừng tính thời hạn (chờ bổ sung hồ sơ)")


def test_form_sets_name_their_legal_text_and_the_default_follows_the_date() -> None:
    from datetime import date

    assert form_set_for(date(2024, 5, 1)).key == "tt01-2018"
    assert form_set_for(date(2026, 11, 23)).key == "nd118-2025"
    pdf = refusal_pdf(refusal(form_set="tt01-2018"))
    assert_text_whole(pdf, "Mẫu số 03 (Ban hành kèm theo Thông tư số 01/2018/TT-VPCP)")
    english = refusal_pdf(refusal("en", form_set="tt01-2018"))
    assert_text_whole(english, "Form No. 03 (Issued with Circular No. 01/2018/TT-VPCP)")
    assert set(FORM_SETS) == {"tt01-2018", "nd118-2025"}
    with pytest.raises(ValueError, match="tt01-2018"):
        form_set("tt99")
