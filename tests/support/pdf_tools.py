"""Look at a PDF the way a person would: rasterise it, read its text, read its QR codes.

Poppler's command-line tools (pdftoppm, pdftotext, pdffonts) are real, independent
readers: a document that reads right through them reads right on paper.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode


def rasterise(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    """Every page as an RGB image."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "page")], check=True)
        pages = sorted(Path(tmp).glob("page*.png"))
        return [Image.open(p).convert("RGB") for p in pages]


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text poppler extracts (reading order; ``layout`` keeps columns apart)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(src), "-"]
        return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name, type, embedded ('yes'/'no') of every font used."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(src)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 5:
            # name type [encoding...] emb sub uni object ID: emb is the 5th field from the end
            rows.append({"name": parts[0], "type": parts[1], "embedded": parts[-5]})
    return rows


def page_size_mm(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height of every page in millimetres (pdfinfo)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        out = subprocess.run(["pdfinfo", "-l", "999", str(src)], check=True, capture_output=True, text=True).stdout
    sizes = []
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            w, h = line.split("size:")[1].split("pts")[0].split("x")
            sizes.append((float(w) * 25.4 / 72, float(h) * 25.4 / 72))
    return sizes


def qr_texts(images: list[Image.Image]) -> list[str]:
    """The text of every QR code found on these images, page order."""
    found = []
    for image in images:
        for symbol in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE]):
            found.append(symbol.data.decode("ascii"))
    return found


def barcode_texts(images: list[Image.Image]) -> list[str]:
    """The text of every 1-D Code 128 barcode found on these images."""
    found = []
    for image in images:
        for symbol in decode(image.convert("L"), symbols=[ZBarSymbol.CODE128]):
            found.append(symbol.data.decode("ascii"))
    return found
