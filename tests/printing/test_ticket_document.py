"""The 80 mm queue ticket as a real PDF: read back by poppler and zbar, the way paper is read."""

from __future__ import annotations

import re
import subprocess
import tempfile
import unicodedata
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.tokens import KeyRing, Result, Signer, TicketToken, verify
from core.working_calendar import OFFICE_TZ
from printing.content import TicketContent, to_data
from printing.documents.ticket import ticket_pdf, wait_text
from printing.fonts import missing_glyphs
from printing.render import render_pdf
from tests.support.pdf_tools import page_size_mm, pdf_fonts, pdf_text, qr_texts, rasterise

THERMAL_DPI = 203  # what a thermal print head resolves: 8 dots a millimetre
SIGNER = Signer(bytes(range(32)))
RING = KeyRing.from_public_keys([SIGNER.public_key])
OFFICE = "00004"
# 09:12 on Monday 23 November 2026 in Hà Nội
NOW = datetime(2026, 11, 23, 2, 12, tzinfo=timezone.utc)
PO_FILE = Path(__file__).resolve().parents[2] / "core" / "locale" / "vi" / "printing_roll.po"


def ticket_token(code: str = "A015", at: datetime = NOW) -> str:
    day = at.astimezone(OFFICE_TZ).date()
    return SIGNER.sign(TicketToken(uuid.uuid4(), OFFICE, at, day, code))


def make_ticket(lang: str = "vi", **changes: object) -> TicketContent:
    vi = lang == "vi"
    content = TicketContent(
        lang=lang,
        office_name="UBND Phường Ba Đình" if vi else "Ba Dinh Ward People's Committee",
        ticket_code="A015",
        service_name="Hộ tịch" if vi else "Civil status",
        counters=(1, 2, 4),
        ahead=12,
        wait_minutes=25,
        issued_at=NOW,
        token=ticket_token(),
    )
    return replace(content, **changes)


def flat(value: str) -> str:
    """NFC text with every run of whitespace (line breaks from wrapping) as one space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def words_with_boxes(pdf: bytes) -> list[tuple[str, float, float]]:
    """(word, width, height) in points of every word poppler finds (pdftotext -bbox)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        html = subprocess.run(["pdftotext", "-bbox", str(src), "-"], check=True, capture_output=True).stdout.decode()
    out = []
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        out.append((m.group(5), x1 - x0, y1 - y0))
    return out


@cache
def label_fragments() -> dict[str, frozenset[str]]:
    """The fixed words of the roll documents, per language: every msgid of our catalogue
    (English) and its translation (Vietnamese), cut at the placeholders, keeping pieces with
    at least three letters."""
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    pieces: dict[str, set[str]] = {"en": set(), "vi": set()}
    for message in catalog:
        if not message.id:
            continue
        for lang, value in (("en", message.id), ("vi", message.string)):
            for piece in re.split(r"\{[^}]*\}", value):
                piece = flat(piece).strip(" ,.:()-")
                if sum(ch.isalpha() for ch in piece) >= 3:
                    pieces[lang].add(piece)
    return {k: frozenset(v) for k, v in pieces.items()}


def assert_only_labels_of(lang: str, text: str) -> None:
    other = "en" if lang == "vi" else "vi"
    text = flat(text)
    left = sorted(p for p in label_fragments()[other] if p not in label_fragments()[lang] and p in text)
    assert not left, f"{other} labels in a {lang} document: {left}"


def margins_are_white(image, *, side_px: int, top_px: int, bottom_px: int) -> bool:
    """Nothing drawn in the outer strips of a page (the printer cannot reach them)."""
    gray = image.convert("L")
    w, h = gray.size
    strips = [(0, 0, side_px, h), (w - side_px, 0, w, h), (0, 0, w, top_px), (0, h - bottom_px, w, h)]
    return all(gray.crop(box).getextrema()[0] >= 250 for box in strips)


# --- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_printed_qr_reads_back_as_a_valid_ticket_of_the_day(lang: str) -> None:
    content = make_ticket(lang)
    images = rasterise(ticket_pdf(content), dpi=THERMAL_DPI)
    assert len(images) == 1
    assert qr_texts(images) == [content.token]
    check = verify(qr_texts(images)[0], RING, office_code=OFFICE, now=NOW + timedelta(hours=2))
    assert check.result is Result.VALID, check.message_en
    assert check.token.ticket_code == "A015"


def test_the_page_is_the_80mm_roll_and_every_font_is_embedded() -> None:
    pdf = ticket_pdf(make_ticket(priority="Người cao tuổi"))
    [(width, height)] = page_size_mm(pdf)
    assert width == pytest.approx(80, abs=0.05)
    assert 90 < height < 200  # as long as the content, no A4-sized tail of blank paper
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["embedded"] == "yes" for f in fonts)
    assert all("NotoSans" in f["name"] for f in fonts)


def test_the_number_is_the_biggest_thing_on_the_ticket() -> None:
    words = words_with_boxes(ticket_pdf(make_ticket()))
    number = next(w for w in words if w[0] == "A015")
    others = [w for w in words if w[0] != "A015"]
    assert number[2] >= 3 * max(h for _, _, h in others)  # at least three times the next tallest word
    assert number[1] > 0.6 * 72 / 25.4 * 72  # more than 60 % of the 72 mm printable width


def test_a_long_number_shrinks_to_fit_instead_of_running_off_the_paper() -> None:
    pdf = ticket_pdf(make_ticket(ticket_code="AB12345"))
    assert "AB12345" in pdf_text(pdf)
    [image] = rasterise(pdf, dpi=THERMAL_DPI)
    assert margins_are_white(image, side_px=3 * 8, top_px=2 * 8, bottom_px=4 * 8)


def test_vietnamese_reads_back_intact_and_no_glyph_is_missing() -> None:
    content = make_ticket(priority="Người cao tuổi")
    text = flat(pdf_text(ticket_pdf(content)))
    for expected in ("UBND Phường Ba Đình", "SỐ THỨ TỰ", "A015", "Ưu tiên: Người cao tuổi", "Hộ tịch",
                     "Mời đến quầy số 1, 2, 4", "Có 12 người đang chờ trước bạn.",
                     "Thời gian chờ dự kiến: khoảng 25 phút", "Lấy số lúc 09:12 ngày 23/11/2026",
                     "Số thứ tự chỉ có giá trị trong ngày."):
        assert expected in text
    assert not missing_glyphs(text)
    assert not missing_glyphs(text, "bold") and not missing_glyphs(text, "italic")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_language_keeps_to_its_own_labels(lang: str) -> None:
    text = pdf_text(ticket_pdf(make_ticket(lang, priority="Elderly person" if lang == "en" else "Người cao tuổi")))
    assert_only_labels_of(lang, text)
    if lang == "en":
        assert "QUEUE NUMBER" in text and "12 people are waiting ahead of you." in flat(text)
        # English data and English labels: not one Vietnamese letter on the paper
        assert all(unicodedata.normalize("NFD", ch)[0].isascii() for ch in text if ch not in "–—")


def test_people_ahead_and_the_wait_in_plain_words() -> None:
    assert "Không có ai đang chờ trước bạn." in flat(pdf_text(ticket_pdf(make_ticket(ahead=0, wait_minutes=0))))
    one = flat(pdf_text(ticket_pdf(make_ticket("en", ahead=1, wait_minutes=6))))
    assert "1 person is waiting ahead of you." in one and "about 6 minutes" in one
    unknown = flat(pdf_text(ticket_pdf(make_ticket("en", wait_minutes=None))))
    assert "Estimated wait" not in unknown and "12 people are waiting" in unknown
    assert wait_text(80) == "khoảng 1 giờ 20 phút"
    assert wait_text(120) == "khoảng 2 giờ"
    no_counter = flat(pdf_text(ticket_pdf(make_ticket("en", counters=()))))
    assert "A staff member will show you to your counter." in no_counter


def test_long_names_wrap_and_the_paper_grows_instead_of_clipping() -> None:
    office = ("Ủy ban nhân dân Phường Hoàng Liệt, Thành phố Hà Nội — Bộ phận tiếp nhận và trả kết quả "
              "giải quyết thủ tục hành chính theo cơ chế một cửa liên thông")
    service = "Chứng thực bản sao từ bản chính, chữ ký, hợp đồng, giao dịch và việc sửa đổi, bổ sung, hủy bỏ hợp đồng"
    guidance = "Vui lòng giữ phiếu này cẩn thận; nếu quá số mà chưa đến quầy, xin liên hệ cán bộ hướng dẫn " * 2
    short = ticket_pdf(make_ticket())
    long = ticket_pdf(make_ticket(office_name=office, service_name=service, guidance=guidance.strip(),
                                  counters=tuple(range(1, 21))))
    text = flat(pdf_text(long))
    assert office in text and service in text and flat(guidance) in text
    assert "Mời đến quầy số " + ", ".join(str(n) for n in range(1, 21)) in text
    assert page_size_mm(long)[0][1] > page_size_mm(short)[0][1] + 20
    [image] = rasterise(long, dpi=THERMAL_DPI)
    assert margins_are_white(image, side_px=3 * 8, top_px=2 * 8, bottom_px=4 * 8)


def test_markup_characters_in_data_are_printed_as_written() -> None:
    content = make_ticket(office_name="Phòng A & B <tầng 2>", service_name="Hộ tịch & Chứng thực")
    text = flat(pdf_text(ticket_pdf(content)))
    assert "Phòng A & B <tầng 2>" in text and "Hộ tịch & Chứng thực" in text


def test_a_queued_job_prints_the_same_bytes_as_the_record() -> None:
    content = make_ticket(priority="Người cao tuổi")
    assert render_pdf("ticket", to_data(content)) == ticket_pdf(content)
