"""CUPS back-end against a real scheduler: a private cupsd with a cups-pdf printer
(tests/support/cups.py). What comes out of the "printer" is read back with poppler.

CUPS turns the PDF into PostScript for cups-pdf, which makes a new PDF with Ghostscript;
on the way the fonts lose their Unicode map, so pdftotext reads the ASCII parts (numbers,
codes) but not the Vietnamese letters. The letters themselves print right: the pages are
compared as images with what was sent (same ink, same places), which is what paper shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from reportlab.pdfgen import canvas

from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops import print_jobs
from printing.backends import PrinterError, PrintRequest, backend_for
from printing.content import TicketContent
from printing.fonts import REGULAR, register_reportlab
from printing.spool import PrintWorker, queue_document
from tests.support.cups import CupsServer, cups_server  # noqa: F401 - the session fixture
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
TOKEN = "T1QWERTYUIOPASDFGHJKLZXCVBNM23"


def _vietnamese_pdf(path: Path, line: str) -> Path:
    register_reportlab()
    c = canvas.Canvas(str(path))
    c.setFont(REGULAR, 16)
    c.drawString(72, 700, line)
    c.save()
    return path


def _ink(pdf: bytes) -> Image.Image:
    """The first page's ink (black = 255), cropped to it, at 300 dpi."""
    page = rasterise(pdf, dpi=300)[0].convert("L")
    ink = page.point(lambda v: 255 if v < 128 else 0)
    box = ink.getbbox()
    assert box is not None, "blank page"
    return ink.crop(box)


def _ink_differences(sent: bytes, printed: bytes) -> int:
    """Ink pixels of either page with no ink of the other within 2 pixels (0.17 mm): zero
    when the same letters came out, dozens for one tone mark more or less."""
    a, b = _ink(sent), _ink(printed)
    b = b.resize(a.size)
    grow = ImageFilter.MaxFilter(5)
    lonely = ImageChops.add(ImageChops.subtract(a, b.filter(grow)), ImageChops.subtract(b, a.filter(grow)))
    return sum(lonely.point(lambda v: 1 if v else 0).histogram()[1:])


def test_a_job_goes_through_cups_and_its_pdf_comes_out(cups_server: CupsServer, tmp_path: Path) -> None:  # noqa: F811
    line = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả số 0042"
    pdf = _vietnamese_pdf(tmp_path / "receipt.pdf", line)
    known = set(cups_server.output_pdfs())
    backend_for(cups_server.spec).send(PrintRequest(pdf_path=pdf, document="receipt", title="BN 0042"))
    out = cups_server.wait_for_pdf(known).read_bytes()
    assert "0042" in pdf_text(out)
    assert _ink_differences(pdf.read_bytes(), out) <= 5
    other = _vietnamese_pdf(tmp_path / "other.pdf", line.replace("tiếp nhận", "tiếp nhân"))
    assert _ink_differences(other.read_bytes(), out) > 20  # one dot below a letter shows


def test_a_missing_queue_is_reported_as_missing(cups_server: CupsServer, tmp_path: Path) -> None:  # noqa: F811
    pdf = _vietnamese_pdf(tmp_path / "x.pdf", "x")
    spec = cups_server.spec.replace(cups_server.queue, "KhongCoMayIn")
    with pytest.raises(PrinterError) as err:
        backend_for(spec).send(PrintRequest(pdf_path=pdf, title="x"))
    assert err.value.code == "missing"
    assert "KhongCoMayIn" in err.value.message and "không có" in err.value.message


def test_a_print_server_that_is_not_running_is_offline(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pdf = _vietnamese_pdf(tmp_path / "x.pdf", "x")
    with pytest.raises(PrinterError) as err:
        backend_for(f"cups:MotcuaPDF@127.0.0.1:{port}").send(PrintRequest(pdf_path=pdf, title="x"))
    assert err.value.code == "offline"


def test_a_ticket_waits_while_the_queue_is_stopped_and_prints_when_it_starts(
        cups_server: CupsServer, db: Database, office: OfficeRefs, tmp_path: Path) -> None:  # noqa: F811
    ticket = TicketContent(lang="vi", office_name="UBND Phường Ba Đình", ticket_code="B007",
                           service_name="Chứng thực", counters=(2, 3), ahead=0, wait_minutes=None, issued_at=NOW,
                           token=TOKEN)
    with db.write() as s:
        job = queue_document(s, office_code=office.office_code, device_id=office.device_id, kind="ticket",
                             content=ticket, printer=cups_server.spec, title="B007", now=NOW)
    worker = PrintWorker(db, office.device_id, cups_server.spec, tmp_path / "pdf", keep_days=30)
    known = set(cups_server.output_pdfs())
    cups_server.disable()
    try:
        assert worker.run_once(NOW) == 0
    finally:
        cups_server.enable()
    with db.read() as s:
        failed = print_jobs.get_job(s, job.id)
        status = print_jobs.print_status(s, office.device_id)
    assert failed.state == "failed" and "tạm dừng" in failed.last_error
    assert (status.waiting, status.failed) == (1, 1)
    assert set(cups_server.output_pdfs()) == known  # nothing reached the printer

    assert worker.run_once(NOW + timedelta(seconds=5)) == 1
    out = cups_server.wait_for_pdf(known).read_bytes()
    words = pdf_text(out)
    assert "B007" in words and "23/11/2026" in words
    assert TOKEN in qr_texts(rasterise(out, dpi=200))
    kept = Path(print_jobs_done(db, job.id).pdf_path).read_bytes()
    assert "SỐ THỨ TỰ" in pdf_text(kept)  # the queue's own copy keeps its text
    assert _ink_differences(kept, out) <= 5


def print_jobs_done(db: Database, job_id: object) -> print_jobs.PrintJobInfo:
    with db.read() as s:
        job = print_jobs.get_job(s, job_id)  # type: ignore[arg-type]
    assert job.state == "done" and job.printed_at is not None
    return job
