"""The Qt back-end (QtPdf renders, QPrinter prints) printing into a PDF file: every page
comes out, at its size, with its letters and its QR code intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from printing.backends import PrinterError, PrintRequest, backend_for
from printing.fonts import BOLD, REGULAR, register_reportlab
from printing.qr_image import draw_qr
from tests.support.pdf_tools import page_size_mm, qr_texts, rasterise

QR = "HTTPS://DVC.HANOI.GOV.VN/T/R1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
LINE = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"


@pytest.fixture(autouse=True)
def _offscreen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # before the QApplication exists


def _two_pages(path: Path, line: str = LINE) -> Path:
    register_reportlab()
    c = canvas.Canvas(str(path), pagesize=A5)
    c.setFont(BOLD, 15)
    c.drawString(40, 520, line)
    c.showPage()
    c.setFont(REGULAR, 12)
    c.drawString(40, 520, "Trang 2: mã tra cứu hồ sơ")
    draw_qr(c, QR, 40, 300, 140)
    c.showPage()
    c.save()
    return path


def _ink(image: Image.Image) -> Image.Image:
    ink = image.convert("L").point(lambda v: 255 if v < 128 else 0)
    box = ink.getbbox()
    assert box is not None, "blank page"
    return ink.crop(box)


def _ink_differences(a_img: Image.Image, b_img: Image.Image) -> int:
    """Ink pixels of either page with no ink of the other within 2 pixels."""
    a, b = _ink(a_img), _ink(b_img)
    b = b.resize(a.size)
    grow = ImageFilter.MaxFilter(5)
    lonely = ImageChops.add(ImageChops.subtract(a, b.filter(grow)), ImageChops.subtract(b, a.filter(grow)))
    return sum(lonely.point(lambda v: 1 if v else 0).histogram()[1:])


def test_a_two_page_pdf_prints_to_a_pdf_file(qapp: object, tmp_path: Path) -> None:
    source = _two_pages(tmp_path / "in.pdf")
    out = tmp_path / "printed.pdf"
    backend_for("qt", output_file=out).send(PrintRequest(pdf_path=source, document="supplement_request",
                                                         title="Phiếu bổ sung"))
    printed = out.read_bytes()
    assert [(round(w), round(h)) for w, h in page_size_mm(printed)] == [(148, 210), (148, 210)]
    sent_pages, printed_pages = rasterise(source.read_bytes(), dpi=200), rasterise(printed, dpi=200)
    assert len(printed_pages) == 2
    assert qr_texts(printed_pages) == [QR]
    assert _ink_differences(sent_pages[0], printed_pages[0]) <= 10  # the letters, tone marks included
    other = rasterise(_two_pages(tmp_path / "other.pdf", LINE.replace("bổ sung", "bỗ sung")).read_bytes(), dpi=200)
    assert _ink_differences(other[0], printed_pages[0]) > 20


def test_copies_repeat_the_pages_in_a_pdf_file(qapp: object, tmp_path: Path) -> None:
    source = _two_pages(tmp_path / "in.pdf")
    out = tmp_path / "printed.pdf"
    backend_for("qt", output_file=out).send(PrintRequest(pdf_path=source, copies=2))
    assert len(page_size_mm(out.read_bytes())) == 4


def test_a_printer_that_is_not_installed_is_missing(qapp: object, tmp_path: Path) -> None:
    source = _two_pages(tmp_path / "in.pdf")
    with pytest.raises(PrinterError) as err:
        backend_for("qt:Máy in không có").send(PrintRequest(pdf_path=source))
    assert err.value.code == "missing"


def test_a_broken_pdf_fails_clearly(qapp: object, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(PrinterError) as err:
        backend_for("qt", output_file=tmp_path / "o.pdf").send(PrintRequest(pdf_path=bad))
    assert err.value.code == "failed"
