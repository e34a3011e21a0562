"""ESC/POS back-end: the ticket printed natively (big number, native QR, Vietnamese as a
raster image, cut), checked on python-escpos's Dummy printer and on a network printer
played by a local TCP socket that answers the paper-status query like a real one."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PIL import Image
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from printing.backends import PrinterError, PrintRequest, backend_for
from printing.backends.escpos_printer import WIDTH_DOTS, pdf_images
from printing.content import TicketContent, to_data
from tests.support.pdf_tools import qr_texts

TOKEN = "T1ABCDEFGHIJKLMNOPQRSTUV234567"
TICKET = TicketContent(lang="vi", office_name="UBND Phường Ba Đình", ticket_code="A015", service_name="Hộ tịch",
                       counters=(1, 2), ahead=3, wait_minutes=12,
                       issued_at=datetime(2026, 11, 23, 2, 15, tzinfo=timezone.utc), token=TOKEN,
                       priority="Người cao tuổi")
GS_V0 = b"\x1dv0"  # raster image
CUT = b"\x1dV"
PAPER_QUERY = b"\x10\x04\x04"  # DLE EOT 4


def _qr_command(text: str) -> bytes:
    """GS ( k, function 180 (store data): pL pH cn=49 fn=80 m=48 data."""
    n = len(text) + 3
    return b"\x1d(k" + bytes([n & 0xFF, n >> 8]) + b"1P0" + text.encode("ascii")


def _rasters(out: bytes) -> list[Image.Image]:
    """The GS v 0 images in ESC/POS bytes, black = 0 (as a person sees the paper)."""
    images, i = [], 0
    while (i := out.find(GS_V0, i)) >= 0:
        xl, xh, yl, yh = out[i + 4:i + 8]
        width, height = xl + 256 * xh, yl + 256 * yh
        data = out[i + 8:i + 8 + width * height]
        images.append(Image.frombytes("1", (width * 8, height), data).point(lambda v: 255 - v).convert("L"))
        i += 8 + width * height
    return images


def _ticket_request(tmp_path: Path, copies: int = 1) -> PrintRequest:
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(b"%PDF-1.4 not used by the native ticket")
    return PrintRequest(pdf_path=pdf, document="ticket", data=to_data(TICKET), copies=copies, title="A015")


def test_ticket_prints_natively_on_the_dummy_printer(tmp_path: Path) -> None:
    backend = backend_for("escpos-dummy")
    backend.send(_ticket_request(tmp_path))
    out = backend.printer.output  # type: ignore[attr-defined]
    assert _qr_command(TOKEN) in out  # the printer's own QR, carrying the signed token
    size = out.index(b"\x1d!\x33")  # GS ! : characters 4x wide and tall
    assert out.index(b"A015\n", size) - size <= 12  # the number as printer text (bold, centre, code page between)
    assert out.count(CUT) == 1 and out.rindex(CUT) > out.index(_qr_command(TOKEN))
    # Vietnamese goes as images, never as bytes in some code page the printer may not have.
    assert "Phường".encode() not in out and "Phường".encode("cp1258", "ignore") not in out
    images = _rasters(out)
    assert len(images) == 3 and all(im.width == WIDTH_DOTS for im in images)
    assert all(im.getextrema()[0] == 0 for im in images)  # something black on each


def test_the_native_qr_decodes_when_printed_as_an_image_too(tmp_path: Path) -> None:
    backend = backend_for("escpos-dummy", native_qr=False)
    backend.send(_ticket_request(tmp_path))
    out = backend.printer.output  # type: ignore[attr-defined]
    assert b"\x1d(k" not in out
    assert TOKEN in qr_texts(_rasters(out))


def test_copies_print_the_ticket_again(tmp_path: Path) -> None:
    backend = backend_for("escpos-dummy")
    backend.send(_ticket_request(tmp_path, copies=2))
    out = backend.printer.output  # type: ignore[attr-defined]
    assert out.count(CUT) == 2 and out.count(_qr_command(TOKEN)) == 2


def _two_page_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A5)
    for word in ("BIÊN NHẬN", "TRANG HAI"):
        c.setFont("Helvetica-Bold", 40)
        c.drawString(40, 400, word.encode("ascii", "ignore").decode())
        c.rect(20, 20, A5[0] - 40, A5[1] - 40)
        c.showPage()
    c.save()
    return path


def test_other_documents_print_as_page_images_at_the_paper_width(tmp_path: Path) -> None:
    pdf = _two_page_pdf(tmp_path / "receipt.pdf")
    pages = pdf_images(pdf)
    assert [p.width for p in pages] == [WIDTH_DOTS, WIDTH_DOTS]
    assert pages[0].height == pytest.approx(WIDTH_DOTS * A5[1] / A5[0], abs=2)
    backend = backend_for("escpos-dummy")
    backend.send(PrintRequest(pdf_path=pdf, document="receipt", data={}, title="BN"))
    out = backend.printer.output  # type: ignore[attr-defined]
    assert out.count(CUT) == 1 and out.count(GS_V0) >= 2


class _NoPaper(Dummy):
    """A printer whose paper sensor says "no paper" (DLE EOT 4 answer with bits 5-6 set)."""

    def _read(self) -> bytes:
        return bytes([0x72])


def test_out_of_paper_raises_and_prints_nothing(tmp_path: Path) -> None:
    printer = _NoPaper()
    backend = backend_for("escpos-dummy", printer=printer)
    with pytest.raises(PrinterError) as err:
        backend.send(_ticket_request(tmp_path))
    assert err.value.code == "out_of_paper"
    assert "hết giấy" in err.value.message
    assert CUT not in printer.output


class _FakeNetworkPrinter:
    """A TCP "printer" on 127.0.0.1: keeps what it receives, answers the paper query."""

    def __init__(self, paper_status: int) -> None:
        self.paper_status = paper_status
        self.received = b""
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _addr = self.sock.accept()
        with conn:
            while chunk := conn.recv(65536):
                self.received += chunk
                if chunk.endswith(PAPER_QUERY):
                    conn.sendall(bytes([self.paper_status]))

    def close(self) -> None:
        self.thread.join(timeout=5)
        self.sock.close()


def test_a_network_printer_receives_the_ticket(tmp_path: Path) -> None:
    printer = _FakeNetworkPrinter(paper_status=0x12)  # paper present
    backend_for(f"escpos-net:127.0.0.1:{printer.port}").send(_ticket_request(tmp_path))
    printer.close()
    assert printer.received.startswith(PAPER_QUERY)
    assert _qr_command(TOKEN) in printer.received and printer.received.count(CUT) == 1


def test_a_network_printer_out_of_paper_says_so(tmp_path: Path) -> None:
    printer = _FakeNetworkPrinter(paper_status=0x72)
    with pytest.raises(PrinterError) as err:
        backend_for(f"escpos-net:127.0.0.1:{printer.port}").send(_ticket_request(tmp_path))
    printer.close()
    assert err.value.code == "out_of_paper"
    assert CUT not in printer.received


def test_a_network_printer_that_is_off_is_offline(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    with pytest.raises(PrinterError) as err:
        backend_for(f"escpos-net:127.0.0.1:{port}").send(_ticket_request(tmp_path))
    assert err.value.code == "offline"
