"""QR code images of our tokens: vector for PDFs, pixels for thermal printers and screens.

Token text is uppercase base32 (and the receipt URL is uppercase too), so the code is
built in alphanumeric mode, which packs 5.5 bits a character instead of 8: a smaller code
with bigger modules, easier for a worn kiosk camera. Text that does not fit that mode is
refused here rather than silently printed as a denser byte-mode code.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
_ALNUM = frozenset(qrcode.util.ALPHA_NUM.decode())


def is_alphanumeric(text: str) -> bool:
    return bool(text) and all(ch in _ALNUM for ch in text)


@lru_cache(maxsize=256)
def qr_matrix(text: str, *, border: int = QUIET_ZONE) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, True = dark, with ``border`` quiet-zone modules on each side."""
    if not is_alphanumeric(text):
        raise ValueError("QR text must be uppercase alphanumeric-mode characters (0-9 A-Z space $%*+-./:)")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_image(text: str, *, module_px: int = 8, border: int = QUIET_ZONE):
    """A 1-bit PIL image of the code, ``module_px`` pixels a module."""
    from PIL import Image

    matrix = qr_matrix(text, border=border)
    n = len(matrix)
    small = Image.new("1", (n, n), 1)
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    return small.resize((n * module_px, n * module_px), Image.NEAREST)


def draw_qr(canvas, text: str, x: float, y: float, size: float, *, border: int = QUIET_ZONE) -> None:
    """Draw the code as vector squares on a reportlab canvas, (x, y) its lower-left corner,
    ``size`` points wide including the quiet zone. Runs of dark modules in a row are joined
    into one rectangle, which keeps the PDF small and the edges crisp."""
    matrix = qr_matrix(text, border=border)
    n = len(matrix)
    module = size / n
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setStrokeColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + 1) * module
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + start * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):
    """A platypus flowable drawing one QR code ``size`` points square (quiet zone included)."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        qr_matrix(text)  # refuse bad text when the document is built, not when it is drawn
        self.text = text
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.text, 0, 0, self.size)
