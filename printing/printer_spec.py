"""The machine's ``printer`` setting, parsed: which back-end prints, and where.

One short string in settings.toml (or ``MOTCUA_PRINTER``), so a technician can set up a
counter with one line:

* ``pdf`` or ``pdf:/some/dir`` — PDF files only (always works; the demo default)
* ``cups:QUEUE`` or ``cups:QUEUE@HOST[:PORT]`` — a CUPS queue (``lp -d QUEUE``), on this
  machine or on a print server
* ``qt`` or ``qt:Printer Name`` — the system's default or named printer through Qt
* ``escpos-usb:VID:PID[:IN_EP:OUT_EP]`` — a USB thermal printer (ids in hex, ``04b8:0202``)
* ``escpos-net:HOST[:PORT]`` — a network thermal printer (port 9100 by default)
* ``escpos-serial:/dev/ttyUSB0[:BAUD]`` — a serial thermal printer (9600 baud by default)
* ``escpos-dummy`` — an ESC/POS printer that keeps its bytes in memory (tests, demo)
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ValidationError
from core.i18n import _

KINDS = ("pdf", "cups", "qt", "escpos-usb", "escpos-net", "escpos-serial", "escpos-dummy")
DEFAULT_NET_PORT = 9100
DEFAULT_BAUDRATE = 9600
DEFAULT_CUPS_PORT = 631


@dataclass(frozen=True)
class PrinterSpec:
    kind: str  # one of KINDS
    target: str = ""  # pdf: folder; cups: queue; qt: printer name; escpos-net: host; escpos-serial: device
    server: str = ""  # cups: "host:port" of a remote CUPS server, "" = this machine's
    port: int | None = None  # escpos-net
    baudrate: int | None = None  # escpos-serial
    vendor_id: int | None = None  # escpos-usb
    product_id: int | None = None
    in_ep: int | None = None
    out_ep: int | None = None
    text: str = ""  # the setting as written

    @property
    def is_escpos(self) -> bool:
        return self.kind.startswith("escpos-")

    @property
    def is_pdf_only(self) -> bool:
        return self.kind == "pdf"

    def __str__(self) -> str:
        return self.text or self.kind


def _bad(text: str, why: str) -> ValidationError:
    return ValidationError(
        _("Printer setting \"{text}\" is not valid: {why}").format(text=text, why=why),
        field="printer", code="bad_printer", value=text,
    )


def _int(text: str, value: str, base: int, what: str) -> int:
    try:
        number = int(value, base)
    except ValueError:
        raise _bad(text, _("{what} must be a number").format(what=what)) from None
    if number < 0:
        raise _bad(text, _("{what} must be a number").format(what=what))
    return number


def parse_printer(text: str) -> PrinterSpec:
    """The spec of a ``printer`` setting, or a ValidationError (code ``bad_printer``) saying
    what is wrong with it and which forms exist."""
    raw = (text or "").strip()
    kind, _sep, rest = raw.partition(":")
    kind = kind.lower()
    if kind not in KINDS:
        raise _bad(raw, _("expected one of {kinds}").format(kinds=", ".join(KINDS)))
    if kind == "pdf":
        return PrinterSpec("pdf", target=rest.strip(), text=raw)
    if kind == "qt":
        return PrinterSpec("qt", target=rest.strip(), text=raw)
    if kind == "escpos-dummy":
        if rest:
            raise _bad(raw, _("escpos-dummy takes no address"))
        return PrinterSpec("escpos-dummy", text=raw)
    if not rest.strip():
        raise _bad(raw, _("{kind} needs an address after the colon").format(kind=kind))
    if kind == "cups":
        queue, _at, server = rest.partition("@")
        queue, server = queue.strip(), server.strip()
        if not queue or any(c.isspace() or c in "/#" for c in queue):
            raise _bad(raw, _("a CUPS queue name has no spaces, slashes or #"))
        if _at and not server:
            raise _bad(raw, _("the print server is missing after @"))
        if server:
            host, _c, port = server.rpartition(":") if ":" in server else (server, "", "")
            number = _int(raw, port, 10, _("port")) if port else DEFAULT_CUPS_PORT
            server = f"{host}:{number}"
        return PrinterSpec("cups", target=queue, server=server, text=raw)
    if kind == "escpos-net":
        host, _c, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
        host = host.strip()
        if not host:
            raise _bad(raw, _("{kind} needs an address after the colon").format(kind=kind))
        number = _int(raw, port, 10, _("port")) if port else DEFAULT_NET_PORT
        if not 0 < number < 65536:
            raise _bad(raw, _("the port must be between 1 and 65535"))
        return PrinterSpec(kind, target=host, port=number, text=raw)
    if kind == "escpos-serial":
        device, _c, baud = rest.rpartition(":") if ":" in rest else (rest, "", "")
        if not device.startswith("/") and not device.upper().startswith("COM"):
            raise _bad(raw, _("a serial device is a path such as /dev/ttyUSB0"))
        return PrinterSpec(kind, target=device, baudrate=_int(raw, baud, 10, _("baud rate")) if baud else DEFAULT_BAUDRATE,
                           text=raw)
    # escpos-usb:VID:PID[:IN_EP:OUT_EP]
    parts = rest.split(":")
    if len(parts) not in (2, 4):
        raise _bad(raw, _("a USB printer is given as VENDOR:PRODUCT in hex, e.g. 04b8:0202"))
    numbers = [_int(raw, p.strip().lower().removeprefix("0x"), 16, _("USB id")) for p in parts]
    if any(n > 0xFFFF for n in numbers) or not numbers[0] or not numbers[1]:
        raise _bad(raw, _("a USB printer is given as VENDOR:PRODUCT in hex, e.g. 04b8:0202"))
    return PrinterSpec(kind, vendor_id=numbers[0], product_id=numbers[1],
                       in_ep=numbers[2] if len(numbers) == 4 else None,
                       out_ep=numbers[3] if len(numbers) == 4 else None, text=raw)


__all__ = ["KINDS", "PrinterSpec", "parse_printer"]
