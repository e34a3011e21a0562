"""A QR scanner in serial mode (USB virtual COM port): the code's own bytes, not key presses.

A keyboard-wedge scanner can only type what a keyboard layout has, so the UTF-8 Vietnamese
of a chip-based ID card (CCCD) QR never arrives intact that way (README, "QR code
scanners"). Set to serial (USB CDC: ``/dev/ttyACM0``; or an RS-232 adapter:
``/dev/ttyUSB0``) the scanner sends the bytes it read, then its suffix (CR, LF or CR+LF).
:class:`SerialCodeReader` reads them on a thread of its own, one code per line, and hands
each decoded code to a callback; a scanner unplugged is opened again every few seconds.
Qt-free: ``ui.widgets.serial_scanner`` brings the codes to the GUI thread.

The setting: ``scanner = "serial:/dev/ttyACM0"`` or ``"serial:/dev/ttyUSB0:9600"`` (the
baud rate matters only for a real serial line; 9600 by default, the usual factory setting).
"""

from __future__ import annotations

import os
import select
import termios
import threading
import tty
from collections.abc import Callable
from dataclasses import dataclass

from core.text import nfc

DEFAULT_BAUD = 9600
_BAUDS = {1200: termios.B1200, 2400: termios.B2400, 4800: termios.B4800, 9600: termios.B9600,
          19200: termios.B19200, 38400: termios.B38400, 57600: termios.B57600, 115200: termios.B115200}
#: A code longer than this without its line end is noise (a CCCD QR is ~120 bytes; ours are < 200).
MAX_CODE_BYTES = 4096
REOPEN_S = 3.0


@dataclass(frozen=True)
class SerialSpec:
    path: str
    baud: int = DEFAULT_BAUD


def parse_scanner(setting: str) -> SerialSpec | None:
    """The serial port of a ``serial:PATH[:BAUD]`` scanner setting; None for ``keyboard`` (or empty).

    ValueError for a serial setting that is malformed (no path, a baud rate not in the list)."""
    setting = (setting or "").strip()
    if not setting.startswith("serial:"):
        return None
    rest = setting[len("serial:"):]
    path, _sep, baud = rest.partition(":")
    if not path:
        raise ValueError("scanner = serial:PATH[:BAUD], e.g. serial:/dev/ttyACM0")
    if not baud:
        return SerialSpec(path)
    if not baud.isdigit() or int(baud) not in _BAUDS:
        raise ValueError(f"scanner baud rate must be one of {', '.join(map(str, _BAUDS))}")
    return SerialSpec(path, int(baud))


def split_codes(buffer: bytes) -> tuple[list[str], bytes]:
    """The complete codes in ``buffer`` (each ended by CR, LF or CR+LF; empty lines dropped),
    decoded as UTF-8 (a byte that is not: U+FFFD, so a misread shows as unreadable rather
    than vanishing) in NFC, and what is left for the next read."""
    codes: list[str] = []
    start = 0
    for i, byte in enumerate(buffer):
        if byte in (0x0D, 0x0A):
            line = buffer[start:i].decode("utf-8", errors="replace").strip()
            if line:
                codes.append(nfc(line))
            start = i + 1
    rest = buffer[start:]
    if len(rest) > MAX_CODE_BYTES:
        rest = b""
    return codes, rest


class SerialCodeReader:
    """Reads codes from ``spec`` on a daemon thread; ``on_code`` runs on that thread."""

    def __init__(self, spec: SerialSpec, on_code: Callable[[str], None],
                 on_problem: Callable[[str], None] | None = None) -> None:
        self.spec = spec
        self.on_code = on_code
        self.on_problem = on_problem or (lambda _message: None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()

    def start(self) -> SerialCodeReader:
        self._thread = threading.Thread(target=self._run, name="serial-qr", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _open(self) -> int:
        fd = os.open(self.spec.path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            if os.isatty(fd):
                tty.setraw(fd)
                attrs = termios.tcgetattr(fd)
                attrs[4] = attrs[5] = _BAUDS[self.spec.baud]
                termios.tcsetattr(fd, termios.TCSANOW, attrs)
        except (OSError, termios.error):
            os.close(fd)
            raise
        return fd

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                fd = self._open()
            except (OSError, termios.error) as exc:
                self.on_problem(f"{self.spec.path}: {exc}")
                self._stop.wait(REOPEN_S)
                continue
            self.connected.set()
            try:
                self._read(fd)
            except OSError as exc:  # unplugged: open it again
                self.on_problem(f"{self.spec.path}: {exc}")
            finally:
                self.connected.clear()
                os.close(fd)
            self._stop.wait(REOPEN_S)

    def _read(self, fd: int) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _w, _x = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(fd, 1024)
            if not chunk:
                return  # the other end closed
            codes, buffer = split_codes(buffer + chunk)
            for code in codes:
                self.on_code(code)


__all__ = ["DEFAULT_BAUD", "SerialCodeReader", "SerialSpec", "parse_scanner", "split_codes"]
