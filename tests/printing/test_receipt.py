"""Form 01, the dossier receipt, as a real PDF: codes that scan, Vietnamese that reads, text
that fits, and fast enough to print while the citizen waits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta

import pytest

from core.tokens import Result, verify
from printing.content import from_data, to_data
from printing.documents.receipt import receipt_pdf
from printing.fonts import missing_glyphs
from printing.forms_content import Applicant, ReceiptContent, ReceivedDocument
from printing.render import render_pdf
from tests.printing.test_forms import (
    CODE,
    DESK,
    HOST,
    LONG_ADDRESS,
    LONG_NAME,
    OFFICE,
    RECEIVED,
    RING,
    all_strings,
    applicant,
    assert_language,
    assert_margins_white,
    assert_page_sizes,
    assert_text_whole,
    issuer,
    raw_text,
    receipt_qr,
)
from tests.support.pdf_tools import (
    barcode_texts,
    page_size_mm,
    pdf_fonts,
    qr_texts,
    rasterise,
)

ADDRESS_60 = "Số 12A, ngõ 34 phố Đội Cấn, phường Ba Đình, thành phố Hà Nội"
DOCUMENTS = (
    ReceivedDocument("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
    ReceivedDocument("Giấy tờ tùy thân (căn cước, hộ chiếu hoặc giấy tờ khác có ảnh)", certified=1),
    ReceivedDocument("Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết", copies=2),
)


def receipt(lang: str = "vi", **changes: object) -> ReceiptContent:
    vi = lang == "vi"
    record = ReceiptContent(
        lang=lang, form_set="nd118-2025", issuer=issuer(lang), dossier_code=CODE, qr_text=receipt_qr(),
        applicant=Applicant("Nguyễn Thị Thuỷ Tiên", ADDRESS_60, "0912345678", "thuytien@example.com", "001195067890"),
        procedure_name="Cấp Giấy xác nhận tình trạng hôn nhân" if vi else "Certificate of marital status",
        request_content="", documents=DOCUMENTS, sets=1,
        processing_time="3 ngày làm việc" if vi else "3 working days",
        received_at=RECEIVED, due_at=RECEIVED + timedelta(days=3, hours=7), return_place=DESK[lang], fee_vnd=3000,
        officer_name="Nguyễn Văn Hoà", tracking_host=HOST, counter_number=2,
    )
    return replace(record, **changes)


def test_qr_verifies_against_the_office_keys_and_the_barcode_reads_the_code() -> None:
    record = receipt()
    pages = rasterise(receipt_pdf(record), dpi=150)
    found = qr_texts(pages)
    assert found == [record.qr_text]
    check = verify(found[0], RING, office_code=OFFICE, now=RECEIVED + timedelta(days=3650))
    assert check.result is Result.VALID
    assert check.token.dossier_code == CODE
    assert barcode_texts(pages) == [CODE]


def test_a_longer_dossier_code_still_scans() -> None:
    code = "000.00.04.H26-261123-10000"  # the daily sequence grows past 9999
    record = receipt(dossier_code=code, qr_text=receipt_qr(code))
    pages = rasterise(receipt_pdf(record), dpi=150)
    assert barcode_texts(pages) == [code]
    assert verify(qr_texts(pages)[0], RING, office_code=OFFICE, now=RECEIVED).token.dossier_code == code


def test_vietnamese_names_and_addresses_print_intact_in_embedded_fonts() -> None:
    record = receipt()
    assert len(ADDRESS_60) == 60
    for text in all_strings(record):
        assert not missing_glyphs(text), text
    pdf = receipt_pdf(record)
    assert_text_whole(pdf, "Nguyễn Thị Thuỷ Tiên", ADDRESS_60, "001195067890", "Nguyễn Văn Hoà")
    fonts = pdf_fonts(pdf)
    assert {f["embedded"] for f in fonts} == {"yes"}
    assert all("NotoSans" in f["name"] for f in fonts)


def test_every_field_of_form_01_is_printed() -> None:
    pdf = receipt_pdf(receipt(request_content="Xin xác nhận để đăng ký kết hôn", fee_note="miễn cho hộ nghèo"))
    assert_text_whole(
        pdf,
        "Mẫu số 01", "UBND THÀNH PHỐ HÀ NỘI", "UBND PHƯỜNG BA ĐÌNH", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {CODE}",
        "Họ và tên: Nguyễn Thị Thuỷ Tiên", "Số điện thoại: 0912345678", "Email: thuytien@example.com",
        "Số định danh cá nhân (CCCD): 001195067890",
        "Nội dung yêu cầu giải quyết: Cấp Giấy xác nhận tình trạng hôn nhân",
        "Xin xác nhận để đăng ký kết hôn",
        "TT", "Tên giấy tờ", "Bản chính", "Bản photo",
        "Số lượng hồ sơ: 01 (bộ)", "Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23/11/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 26/11/2026",
        "Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả UBND Phường Ba Đình",
        "Phí, lệ phí: 3.000 đ (miễn cho hộ nghèo)",
        "Tra cứu tình trạng hồ sơ: quét mã QR",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)",
    )
    text = raw_text(pdf)
    for doc in DOCUMENTS:
        assert doc.name in " ".join(text.split())


def test_fifteen_long_documents_and_a_120_character_name_fit_their_boxes() -> None:
    documents = tuple(
        ReceivedDocument(f"Bản sao có chứng thực giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản "
                         f"khác gắn liền với đất kèm sơ đồ thửa đất số {i} và biên bản xác định ranh giới mốc giới",
                         originals=i % 2, certified=1, copies=i)
        for i in range(1, 16)
    )
    name, address = LONG_NAME, LONG_ADDRESS
    assert len(name) >= 110 and len(address) >= 110
    email = "nguyen.thi.phuong.thao.rat.dai.de.kiem.tra.xuong.dong@truong-dai-hoc-quoc-gia-ha-noi.example.edu.vn"
    record = receipt(documents=documents, applicant=replace(applicant(name, address), email=email),
                     procedure_name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
                                    "trong các trường hợp chuyển đổi, chuyển nhượng, cho thuê, thừa kế, tặng cho",
                     request_content="Đề nghị " + "đăng ký biến động do nhận thừa kế toàn bộ thửa đất " * 5)
    pdf = receipt_pdf(record)
    assert_page_sizes(pdf, "A5")
    pages = len(page_size_mm(pdf))
    assert pages >= 2  # the table runs on, its header repeated, every page numbered
    assert_text_whole(pdf, name, address, record.procedure_name, record.request_content,
                      *(d.name for d in documents), *(f"Trang {n}/{pages}" for n in range(1, pages + 1)))
    assert raw_text(pdf).count("Tên giấy tờ") >= 2  # the header row repeats where the table runs on
    # A long unbroken word wraps inside its cell (split, not cut): all of it is on the paper.
    assert email in "".join(raw_text(pdf).split())
    assert_margins_white(pdf)
    qr = qr_texts(rasterise(pdf, dpi=150))
    assert qr == [record.qr_text]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_labels_are_in_the_receipt_language(lang: str) -> None:
    pdf = receipt_pdf(receipt(lang))
    assert_language(pdf, lang)
    if lang == "en":
        assert_text_whole(pdf, "SOCIALIST REPUBLIC OF VIETNAM", "Independence - Freedom - Happiness",
                          "Hà Nội, 23 November 2026", "Form No. 01", "3,000 VND", "09:00, 23/11/2026")


def test_the_queued_record_prints_the_same_receipt() -> None:
    record = receipt()
    assert from_data(ReceiptContent, to_data(record)) == record
    assert render_pdf("receipt", to_data(record)) == receipt_pdf(record)  # reprint: the same bytes


def test_no_fee_and_january_dates_follow_the_administrative_style() -> None:
    from datetime import datetime

    january = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
    pdf = receipt_pdf(receipt(fee_vnd=0, received_at=january, due_at=january + timedelta(hours=6)))
    assert_text_whole(pdf, "Hà Nội, ngày 05 tháng 01 năm 2027", "Phí, lệ phí: Không thu phí, lệ phí")
