"""The appointment QR as an inline PNG (a data: URL): no extra request, no JavaScript."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def qr_png(text: str, box: int = 6) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box, border=4)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(PilImage, fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_url(text: str, box: int = 6) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text, box)).decode("ascii")


__all__ = ["qr_data_url", "qr_png"]
