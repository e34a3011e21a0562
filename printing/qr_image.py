"""QR code images of our tokens: vector for PDFs, pixels for thermal printers and screens.

Token text is uppercase base32 (and the receipt URL is uppercase too), so the code is
built in alphanumeric mode, which packs 5.5 bits a character instead of 8: a smaller code
with bigger modules, easier for a worn kiosk camera. Text that does not fit that mode is
refused here rather than silently printed as a denser byte-mode code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.platypus import Flowable

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# One fixed mask pattern. Choosing the "best" of the eight masks costs the pure-Python
# encoder ~10 ms, half of a ticket's whole PDF, and every ticket has a new token so no
# cache saves it; every mask decodes alike (120 tokens read back with each of the eight
# at 203 dpi).
MASK_PATTERN = 0
_ALNUM = frozenset(qrcode.util.ALPHA_NUM.decode())


def is_alphanumeric(text: str) -> bool:
    return bool(text) and all(ch in _ALNUM for ch in text)


@lru_cache(maxsize=256)
def qr_matrix(text: str, *, border: int = QUIET_ZONE) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, True = dark, with ``border`` quiet-zone modules on each side."""
    if not is_alphanumeric(text):
        raise ValueError("QR text must be uppercase alphanumeric-mode characters (0-9 A-Z space $%*+-./:)")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, mask_pattern=MASK_PATTERN)
    # types-qrcode declares MODE_ALPHA_NUM a plain int, its overloads want Literal[1, 2, 4]
    code.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))  # type: ignore[call-overload]
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_image(text: str, *, module_px: int = 8, border: int = QUIET_ZONE) -> PILImage.Image:
    """A 1-bit PIL image of the code, ``module_px`` pixels a module."""
    from PIL import Image

    matrix = qr_matrix(text, border=border)
    n = len(matrix)
    small = Image.new("1", (n, n), 1)
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    return small.resize((n * module_px, n * module_px), Image.Resampling.NEAREST)


@lru_cache(maxsize=64)
def qr_pdf_operators(text: str, size: float) -> str:
    """PDF path operators drawing the code ``size`` points square at the origin (quiet zone
    included): one rectangle per run of dark modules in a row, all filled at once. Written
    straight into the page, this is far cheaper than thousands of canvas calls."""
    matrix = qr_matrix(text)
    n = len(matrix)
    module = size / n
    ops = ["0 g"]
    for r, row in enumerate(matrix):
        top = size - (r + 1) * module
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start * module:.3f} {top:.3f} {(c - start) * module:.3f} {module:.3f} re")
            else:
                c += 1
    ops.append("f")
    return "\n".join(ops)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the code as vector squares on a reportlab canvas, (x, y) its lower-left corner,
    ``size`` points wide including the quiet zone."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.addLiteral(qr_pdf_operators(text, size))
    canvas.restoreState()


class QrFlowable(Flowable):
    """A platypus flowable drawing one QR code ``size`` points square (quiet zone included)."""

    def __init__(self, text: str, size: float, *, before: float = 0, after: float = 0,
                 align: Literal["LEFT", "CENTER", "RIGHT"] = "CENTER") -> None:
        super().__init__()
        if not is_alphanumeric(text):  # refuse bad text when the document is built, not when drawn
            raise ValueError("QR text must be uppercase alphanumeric-mode characters (0-9 A-Z space $%*+-./:)")
        self.text = text
        self.size = size
        self.width = self.height = size
        self.hAlign = align
        self.spaceBefore = before
        self.spaceAfter = after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.text, 0, 0, self.size)
