"""The procedures guide's checklist on the 80 mm roll."""

from __future__ import annotations

from datetime import UTC, datetime

from core.i18n import language
from printing.checklist_content import ChecklistContent, ChecklistItem
from printing.content import from_data, to_data
from printing.documents.checklist import checklist_pdf
from tests.support.pdf_tools import page_size_mm, pdf_fonts, pdf_text, rasterise

PRINTED = datetime(2026, 11, 23, 2, 5, tzinfo=UTC)  # 09:05 in Hà Nội


def content(lang: str = "vi", documents: int = 3) -> ChecklistContent:
    items = tuple(ChecklistItem(f"Giấy tờ số {n}: bản sao có chứng thực hoặc bản chính để đối chiếu, kèm theo "
                                f"bản dịch nếu là giấy tờ nước ngoài", required=n != 2) for n in range(1, documents + 1))
    with language(lang):
        return ChecklistContent(lang=lang, office_name="UBND Phường Ba Đình", procedure_name="Đăng ký khai sinh",
                                procedure_code="1.001193", field_name="Hộ tịch", documents=items,
                                fee="Miễn phí trong hạn 60 ngày; quá hạn: 5.000 đ/hồ sơ", processing="Trong ngày",
                                where="Quầy 1, 2, 4 (lấy số mục: Hộ tịch)", printed_at=PRINTED)


def test_the_checklist_has_every_document_with_a_box_and_the_facts() -> None:
    pdf = checklist_pdf(content())
    text = " ".join(pdf_text(pdf).split())
    for words in ("UBND Phường Ba Đình", "Giấy tờ cần mang theo", "Đăng ký khai sinh", "Mã thủ tục 1.001193 · Hộ tịch",
                  "1. Giấy tờ số 1", "2. Giấy tờ số 2", "(nếu có)", "3. Giấy tờ số 3", "Phí, lệ phí",
                  "Miễn phí trong hạn 60 ngày", "Thời hạn giải quyết", "Trong ngày", "Nơi nộp", "Quầy 1, 2, 4",
                  "In lúc 09:05 23/11/2026"):
        assert words in text, words
    assert text.count("(nếu có)") == 1
    width, _height = page_size_mm(pdf)[0]
    assert round(width) == 80
    assert {f["name"].split("+")[-1] for f in pdf_fonts(pdf)} <= {"NotoSans-Regular", "NotoSans-Bold",
                                                                   "NotoSans-Italic"}


def test_more_documents_make_longer_paper_never_a_cut() -> None:
    short = page_size_mm(checklist_pdf(content(documents=2)))[0][1]
    long = page_size_mm(checklist_pdf(content(documents=15)))
    assert len(long) == 1 and long[0][1] > short + 100
    assert "15. Giấy tờ số 15" in " ".join(pdf_text(checklist_pdf(content(documents=15))).split())


def test_english_headings_and_the_content_survives_the_print_queue() -> None:
    en = content("en")
    text = " ".join(pdf_text(checklist_pdf(en)).split())
    assert "Documents to bring" in text and "Where to submit" in text and "(if applicable)" in text
    assert from_data(ChecklistContent, to_data(en)) == en
    [page] = rasterise(checklist_pdf(en), dpi=100)
    assert page.width < page.height
