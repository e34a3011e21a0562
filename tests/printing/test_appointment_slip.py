"""The appointment slip (80 mm roll and A5) as a real PDF, read back by poppler and zbar."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from core.tokens import AppointmentToken, Result, verify
from printing.content import AppointmentSlipContent, from_data, to_data
from printing.documents.appointment_slip import appointment_slip_pdf
from printing.fonts import missing_glyphs
from printing.render import render_pdf
from tests.printing.test_ticket_document import (
    NOW, OFFICE, RING, SIGNER, THERMAL_DPI, assert_only_labels_of, flat, margins_are_white,
)
from tests.support.pdf_tools import page_size_mm, pdf_fonts, pdf_text, qr_texts, rasterise

A5_DPI = 150
DPI = {"80mm": THERMAL_DPI, "A5": A5_DPI}
# The slot: 10:00-10:30 on Tuesday 24 November 2026, Hà Nội time.
START = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
END = START + timedelta(minutes=30)
DOCUMENTS_VI = ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh hoặc văn bản người làm chứng",
                "Giấy tờ tùy thân của người yêu cầu")
LONG_PROCEDURE = ("Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con, đăng ký thường trú và cấp thẻ bảo hiểm "
                  "y tế cho trẻ em dưới 6 tuổi có yếu tố nước ngoài tại Ủy ban nhân dân cấp xã nơi cư trú của người "
                  "yêu cầu")[:200]
LONG_ADDRESS = ("Số 1 ngõ 2 đường Nguyễn Hữu Thọ, tổ dân phố số 15, Phường Hoàng Liệt, Thành phố Hà Nội, Việt Nam "
                "(cổng phía Đông, tầng 1)")[:120]
LONG_DOCUMENTS = tuple(
    f"Giấy tờ số {i}: bản sao có chứng thực hoặc bản chính kèm bản chụp để đối chiếu của văn bản xác nhận "
    f"thông tin về cư trú và nhân thân của người yêu cầu đăng ký (mục {i})"
    for i in range(1, 16)
)


def slip_token(masked: str = "N. T. Mai") -> str:
    return SIGNER.sign(AppointmentToken(uuid.uuid4(), OFFICE, NOW, "HT", START, END, masked))


def make_slip(lang: str = "vi", paper: str = "80mm", **changes: object) -> AppointmentSlipContent:
    vi = lang == "vi"
    content = AppointmentSlipContent(
        lang=lang,
        paper=paper,
        office_name="UBND Phường Ba Đình" if vi else "Ba Dinh Ward People's Committee",
        office_address="So 1 Doi Can, Ba Dinh, Ha Noi" if not vi else "Số 1 Đội Cấn, Phường Ba Đình, Hà Nội",
        office_phone="02438234567",
        appointment_code="LHX7K2MP",
        service_name="Hộ tịch" if vi else "Civil status",
        procedure_name="Đăng ký khai sinh" if vi else "Birth registration",
        procedure_code="1.001193",
        window_start=START,
        window_end=END,
        masked_name="N. T. Mai",
        documents=DOCUMENTS_VI if vi else ("Birth registration form", "Birth certificate", "Your ID card"),
        token=slip_token(),
        issued_at=NOW,
        check_in_from=START - timedelta(minutes=15),
        check_in_until=END + timedelta(minutes=15),
        office_parent="UBND Thành phố Hà Nội" if vi else "",
    )
    return replace(content, **changes)


@pytest.mark.parametrize("paper", ["80mm", "A5"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_printed_qr_reads_back_as_a_valid_appointment(lang: str, paper: str) -> None:
    content = make_slip(lang, paper)
    images = rasterise(appointment_slip_pdf(content), dpi=DPI[paper])
    assert qr_texts(images) == [content.token]
    check = verify(qr_texts(images)[0], RING, office_code=OFFICE, now=START - timedelta(minutes=10))
    assert check.result is Result.VALID, check.message_en
    assert check.token.masked_name == "N. T. Mai" and check.token.window_start == START


def test_papers_are_the_roll_and_a5_with_every_font_embedded() -> None:
    roll = appointment_slip_pdf(make_slip(paper="80mm"))
    a5 = appointment_slip_pdf(make_slip(paper="A5"))
    [(w, h)] = page_size_mm(roll)
    assert w == pytest.approx(80, abs=0.05) and 100 < h < 300
    assert page_size_mm(a5) == [pytest.approx((148, 210), abs=0.5)]  # one page when it fits
    for pdf in (roll, a5):
        fonts = pdf_fonts(pdf)
        assert fonts and all(f["embedded"] == "yes" and "NotoSans" in f["name"] for f in fonts)


@pytest.mark.parametrize("paper", ["80mm", "A5"])
def test_the_slip_says_when_where_what_and_what_to_bring(paper: str) -> None:
    text = flat(pdf_text(appointment_slip_pdf(make_slip(paper=paper))))
    for expected in ("PHIẾU HẸN", "LHX7K2MP", "Thứ Ba, ngày 24/11/2026", "10:00 – 10:30", "09:45", "10:45",
                     "N. T. Mai", "Đăng ký khai sinh (1.001193)", "Hộ tịch", "Số 1 Đội Cấn, Phường Ba Đình, Hà Nội",
                     "GIẤY TỜ CẦN MANG THEO", *DOCUMENTS_VI, "In lúc 09:12 ngày 23/11/2026", "02438234567"):
        assert expected in text, expected
    assert not missing_glyphs(text) and not missing_glyphs(text, "bold") and not missing_glyphs(text, "italic")


@pytest.mark.parametrize("paper", ["80mm", "A5"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_language_keeps_to_its_own_labels(lang: str, paper: str) -> None:
    text = pdf_text(appointment_slip_pdf(make_slip(lang, paper)))
    assert_only_labels_of(lang, text)
    if lang == "en":
        assert "APPOINTMENT SLIP" in text and "Tuesday, 24/11/2026" in flat(text)


@pytest.mark.parametrize("paper", ["80mm", "A5"])
def test_long_procedure_address_and_checklist_wrap_whole_and_stay_on_the_paper(paper: str) -> None:
    assert len(LONG_PROCEDURE) == 200 and len(LONG_ADDRESS) == 120
    content = make_slip(paper=paper, procedure_name=LONG_PROCEDURE, office_address=LONG_ADDRESS,
                        documents=LONG_DOCUMENTS)
    pdf = appointment_slip_pdf(content)
    text = flat(pdf_text(pdf))
    assert LONG_PROCEDURE in text and LONG_ADDRESS in text
    for item in LONG_DOCUMENTS:
        assert item in text
    assert text.index(LONG_DOCUMENTS[0]) < text.index(LONG_DOCUMENTS[-1])  # in order
    images = rasterise(pdf, dpi=DPI[paper])
    per_mm = DPI[paper] / 25.4
    if paper == "80mm":
        assert len(images) == 1
        short = page_size_mm(appointment_slip_pdf(make_slip(paper=paper)))[0][1]
        assert page_size_mm(pdf)[0][1] > short + 100  # the roll grows with the checklist
        assert margins_are_white(images[0], side_px=int(3 * per_mm), top_px=int(2 * per_mm), bottom_px=int(4 * per_mm))
    else:
        assert len(images) >= 2  # flows on; nothing is dropped to keep one page
        assert all(size == pytest.approx((148, 210), abs=0.5) for size in page_size_mm(pdf))
        for image in images:
            assert margins_are_white(image, side_px=int(10 * per_mm), top_px=int(8 * per_mm), bottom_px=int(4 * per_mm))
        assert "Lịch hẹn LHX7K2MP - trang 2" in text  # each page says whose it is


def test_a_booking_without_a_procedure_still_tells_what_to_bring() -> None:
    text = flat(pdf_text(appointment_slip_pdf(make_slip(procedure_name="", procedure_code="", documents=()))))
    assert "Thủ tục Hộ tịch" in text and "Căn cước công dân." in text


def test_markup_characters_in_data_are_printed_as_written() -> None:
    content = make_slip(paper="A5", procedure_name="Chứng thực <bản sao> & chữ ký", documents=("Bản A & B <2 tờ>",))
    text = flat(pdf_text(appointment_slip_pdf(content)))
    assert "Chứng thực <bản sao> & chữ ký" in text and "Bản A & B <2 tờ>" in text


def test_an_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="A4"):
        appointment_slip_pdf(make_slip(paper="A4"))


@pytest.mark.parametrize("paper", ["80mm", "A5"])
def test_a_queued_job_prints_the_same_bytes_as_the_record(paper: str) -> None:
    content = make_slip(paper=paper)
    data = to_data(content)
    assert from_data(AppointmentSlipContent, data) == content
    assert render_pdf("appointment_slip", data) == appointment_slip_pdf(content)


def test_an_item_longer_than_a_page_end_is_cut_there_and_read_whole() -> None:
    huge = " ".join(f"phần {i}: bản sao giấy tờ chứng minh nơi cư trú hợp pháp của người yêu cầu" for i in range(1, 31))
    pdf = appointment_slip_pdf(make_slip(paper="A5", documents=(DOCUMENTS_VI[0], huge, DOCUMENTS_VI[1])))
    assert len(page_size_mm(pdf)) >= 2
    text = flat(re.sub(r"Lịch hẹn LHX7K2MP - trang \d+", " ", pdf_text(pdf)))  # drop the page footers
    assert huge in text and DOCUMENTS_VI[1] in text
    for image in rasterise(pdf, dpi=A5_DPI):
        assert margins_are_white(image, side_px=int(10 * A5_DPI / 25.4), top_px=int(8 * A5_DPI / 25.4),
                                 bottom_px=int(4 * A5_DPI / 25.4))
