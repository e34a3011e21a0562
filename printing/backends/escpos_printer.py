"""ESC/POS thermal printers (80 mm roll) through python-escpos: USB, network, serial, dummy.

The queue ticket prints natively: the ticket number as enlarged printer text, the QR with
the printer's own QR command (``GS ( k``: sharp modules, a few bytes on the wire), a cut.

Vietnamese text is sent as a 1-bit raster image (``GS v 0``) drawn with the shipped Noto
Sans at the printer's 576 dots per line (80 mm paper at 203 dpi). Why not a code page:
ESC/POS code pages either lack Vietnamese (most), or offer CP1258 (Epson "WPC1258"),
which spells most accented letters as a base letter plus a combining tone mark that thermal
printers print as a separate character cell, or TCVN-3 on some Chinese models only, at a
model-specific page number. An image prints the same on every printer that prints images,
which every 80 mm ESC/POS printer does. Only ASCII (the ticket number) goes as text.

Any other document (a receipt, a form) is the queue's PDF rasterised with pdftoppm at the
printer's width and printed as an image.

Paper: where the connection can read (USB, network, serial), the printer's paper sensor is
asked first (``DLE EOT 4``); no paper → PrinterError("out_of_paper") and the job waits.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from core.i18n import _, language
from core.working_calendar import OFFICE_TZ
from printing.backends import PrinterError, PrintRequest
from printing.content import TicketContent, from_data
from printing.documents.ticket import wait_text
from printing.fonts import font_file
from printing.printer_spec import PrinterSpec

WIDTH_DOTS = 576  # 72 mm printable on 80 mm paper at 203 dpi
DPI = 203
NUMBER_SIZE = 4  # character magnification of the ticket number (12x24 font -> 48x96 dots, 12 mm tall)
QR_MODULE_DOTS = 6  # 0.75 mm modules: a phone and a kiosk scanner read it easily
NET_TIMEOUT_S = 10
STATUS_TIMEOUT_S = 2


@dataclass(frozen=True)
class Line:
    text: str
    size: int = 26  # pixel height of the font (26 px ~ 3.3 mm ~ 9.2 pt)
    bold: bool = False
    align: str = "center"  # center / left


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file("bold" if bold else "regular")), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def text_image(lines: list[Line], width: int = WIDTH_DOTS, margin: int = 8) -> Image.Image:
    """Lines of text, wrapped to the paper, as a 1-bit image (black text on white)."""
    rows: list[tuple[str, ImageFont.FreeTypeFont, str, int]] = []
    for line in lines:
        font = _font(line.size, line.bold)
        for part in _wrap(line.text, font, width - 2 * margin):
            rows.append((part, font, line.align, int(line.size * 1.35)))
    height = sum(r[3] for r in rows) + 4
    image = Image.new("1", (width, max(height, 1)), 1)
    draw = ImageDraw.Draw(image)
    y = 2
    for text, font, align, step in rows:
        x = margin if align == "left" else (width - font.getlength(text)) / 2
        draw.text((x, y), text, font=font, fill=0)
        y += step
    return image


def ticket_lines(ticket: TicketContent) -> tuple[list[Line], list[Line], list[Line]]:
    """What a ticket says above its number, between number and QR, and below the QR, in the
    ticket's language, with the same words as the PDF ticket (printing/documents/ticket.py)."""
    with language(ticket.lang):
        head = [Line(ticket.office_name, 24, bold=True), Line(_("QUEUE NUMBER"), 22)]
        body = []
        if ticket.priority:
            body.append(Line(_("Priority: {reason}").format(reason=ticket.priority), 26, bold=True))
        body.append(Line(ticket.service_name, 30, bold=True))
        if not ticket.counters:
            body.append(Line(_("A staff member will show you to your counter."), 26))
        else:
            numbers = ", ".join(str(c) for c in ticket.counters)
            body.append(Line((_("Served at counter {numbers}") if len(ticket.counters) == 1
                              else _("Served at counters {numbers}")).format(numbers=numbers), 26, bold=True))
        if ticket.ahead <= 0:
            body.append(Line(_("Nobody is waiting ahead of you."), 24))
        elif ticket.ahead == 1:
            body.append(Line(_("{n} person is waiting ahead of you.").format(n=1), 24))
        else:
            body.append(Line(_("{n} people are waiting ahead of you.").format(n=ticket.ahead), 24))
        if ticket.wait_minutes is not None and ticket.ahead > 0:
            body.append(Line(_("Estimated wait: {wait}").format(wait=wait_text(ticket.wait_minutes)), 24))
        issued = ticket.issued_at.astimezone(OFFICE_TZ)
        body.append(Line(_("Taken at {time} on {date}").format(time=f"{issued:%H:%M}", date=f"{issued:%d/%m/%Y}"),
                         22))
        foot = [Line(_("Scan the code to see your place in the queue."), 20) if ticket.token else Line("", 4),
                Line(ticket.guidance or _("Please watch the screen and listen for your number. "
                                          "This number is valid today only."), 22)]
    return head, body, foot


def print_ticket(printer: Any, ticket: TicketContent, *, native_qr: bool = True) -> None:
    """The ticket on an ESC/POS printer: text images, the number as printer text, the QR, a cut."""
    head, body, foot = ticket_lines(ticket)
    fit_profile(printer)
    printer.set(align="center")
    printer.image(text_image(head))
    printer.set(align="center", bold=True, custom_size=True, width=NUMBER_SIZE, height=NUMBER_SIZE)
    printer.textln(ticket.ticket_code)  # ASCII (A015): the printer's own font, big and sharp
    printer.set(align="center", bold=False, normal_textsize=True)
    printer.image(text_image(body))
    if ticket.token:
        printer.ln()
        printer.set(align="center")  # ESC a also centres the native QR
        printer.qr(ticket.token, size=QR_MODULE_DOTS, native=native_qr, center=False)
    printer.image(text_image(foot))
    printer.cut()


def pdf_images(pdf_path: Path, width: int = WIDTH_DOTS) -> list[Image.Image]:
    """Each page of a PDF as a 1-bit image ``width`` dots wide (text thresholded, not dithered)."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(["pdftoppm", "-gray", "-scale-to-x", str(width), "-scale-to-y", "-1", "-png",
                            str(pdf_path), str(Path(tmp) / "page")], check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise PrinterError("unsupported", _("Cannot turn the document into an image for the receipt printer: "
                                                "{error}").format(error=exc)) from exc
        pages = []
        for png in sorted(Path(tmp).glob("page*.png")):
            with Image.open(png) as img:
                pages.append(img.convert("L").point(lambda v: 255 if v > 160 else 0).convert("1"))
        return pages


def fit_profile(device: Any) -> None:
    """Tell python-escpos the paper width when the printer's profile does not (the default
    profile leaves it "Unknown" and complains on every image)."""
    data = device.profile.profile_data
    media = data.get("media", {})
    if str(media.get("width", {}).get("pixels", "Unknown")) == "Unknown":
        device.profile.profile_data = {**data, "media": {**media, "width": {"mm": 80, "pixels": WIDTH_DOTS},
                                                          "dpi": DPI}}


class EscposBackend:
    """One ESC/POS printer. ``printer`` = a python-escpos printer object to use as is (tests);
    otherwise one is made from the spec for each job and closed after it."""

    def __init__(self, spec: PrinterSpec, *, printer: Any = None, profile: str | None = None,
                 native_qr: bool = True) -> None:
        self.spec = spec
        self.profile = profile
        self.native_qr = native_qr
        self.printer = printer
        if printer is None and spec.kind == "escpos-dummy":
            from escpos.printer import Dummy

            self.printer = Dummy(profile=profile)  # kept: its output is what a test reads

    def _connect(self) -> Any:
        if self.printer is not None:
            return self.printer
        from escpos import printer as escpos_printer

        spec, kw = self.spec, {"profile": self.profile}
        if spec.kind == "escpos-net":
            device = escpos_printer.Network(spec.target, port=spec.port or 9100, timeout=NET_TIMEOUT_S, **kw)
        elif spec.kind == "escpos-serial":
            if not escpos_printer.Serial.is_usable():
                raise PrinterError("unsupported", _("Serial printers need the pyserial package."))
            device = escpos_printer.Serial(devfile=spec.target, baudrate=spec.baudrate or 9600, **kw)
        elif spec.kind == "escpos-usb":
            if not escpos_printer.Usb.is_usable():
                raise PrinterError("unsupported", _("USB printers need the pyusb package."))
            eps = {"in_ep": spec.in_ep, "out_ep": spec.out_ep} if spec.in_ep is not None else {}
            device = escpos_printer.Usb(spec.vendor_id, spec.product_id, timeout=NET_TIMEOUT_S * 1000, **eps, **kw)
        else:
            raise PrinterError("unsupported", _("No back-end for printer \"{spec}\".").format(spec=spec))
        from escpos.exceptions import DeviceNotFoundError

        try:
            device.open()
        except DeviceNotFoundError as exc:
            code = "offline" if spec.kind == "escpos-net" else "missing"
            raise PrinterError(code, _("Receipt printer {spec} is not connected or switched off.").format(
                spec=spec)) from exc
        return device

    def _check_paper(self, device: Any) -> None:
        from escpos.escpos import Escpos

        if type(device)._read is Escpos._read:
            return  # a connection that cannot read (Dummy, File): nothing to ask
        try:
            sock: Any = getattr(device, "device", None)
            if hasattr(sock, "settimeout"):
                sock.settimeout(STATUS_TIMEOUT_S)
            status = device.paper_status()
        except Exception:  # noqa: BLE001 - a printer that cannot answer is printed to anyway
            return
        finally:
            if hasattr(getattr(device, "device", None), "settimeout"):
                device.device.settimeout(NET_TIMEOUT_S)
        if status == 0:
            raise PrinterError("out_of_paper", _("Receipt printer {spec} is out of paper.").format(spec=self.spec))

    def send(self, request: PrintRequest) -> None:
        device = self._connect()
        fit_profile(device)
        try:
            self._check_paper(device)
            ticket = from_data(TicketContent, request.data) if request.document == "ticket" else None
            pages = None if ticket else pdf_images(Path(request.pdf_path))
            for _copy in range(max(1, request.copies)):
                if ticket is not None:
                    print_ticket(device, ticket, native_qr=self.native_qr)
                else:
                    for page in pages or []:
                        device.image(page)
                    device.cut()
        except PrinterError:
            raise
        except OSError as exc:
            raise PrinterError("offline", _("Lost the connection to receipt printer {spec}: {error}").format(
                spec=self.spec, error=exc)) from exc
        except Exception as exc:  # python-escpos raises its own errors and USB errors
            raise PrinterError("failed", _("Receipt printer {spec} failed: {error}").format(
                spec=self.spec, error=exc)) from exc
        finally:
            if device is not self.printer:
                try:
                    device.close()
                except Exception:  # noqa: BLE001, S110 - closing a dead connection must not hide the real error
                    pass


__all__ = ["EscposBackend", "Line", "fit_profile", "pdf_images", "print_ticket", "text_image", "ticket_lines"]
