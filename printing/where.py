"""What a printed document is called on disk, and where the paper (or the file) went.

The ward's IT person looks for "the receipt of dossier 000.25.12.H01-261207-0001" in the
prints folder, and a clerk whose printer is a PDF folder needs to know which file to open:
a file named by its job's UUID and a screen saying only "Receipt printed" answer neither.
So a kept PDF is named by its document and its dossier or ticket code
(``giay-tiep-nhan_000.25.12.H01-261207-0001.pdf``), ASCII only (any file system, any
shell, a USB stick formatted FAT), and a reprint of the same paper the same day gets
``-2``, ``-3``... rather than overwriting the first; and each printed job says where it
went: the file's path for the PDF printer, the printer's name otherwise.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from core.i18n import _
from printing.printer_spec import PrinterSpec

#: A document kind's name in a file name: the Vietnamese name of the paper, without marks.
DOCUMENT_NAMES = {
    "ticket": "phieu-so-thu-tu",
    "appointment_slip": "phieu-hen",
    "receipt": "giay-tiep-nhan",
    "supplement_request": "phieu-yeu-cau-bo-sung",
    "refusal": "phieu-tu-choi",
    "apology": "phieu-xin-loi-hen-lai",
    "control_slip": "phieu-kiem-soat",
    "checklist": "danh-muc-giay-to",
    "daily_report": "bao-cao-ngay",
    "dashboard_report": "bao-cao-tong-hop",
}
_UNSAFE = re.compile(r"[^0-9A-Za-z.-]+")


def ascii_safe(text: str, limit: int = 60) -> str:
    """``text`` as a file-name part: Vietnamese marks dropped (đ -> d), anything but letters,
    digits, dots and hyphens made a hyphen; case kept (dossier codes are upper case)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _UNSAFE.sub("-", plain).strip("-.")[:limit].strip("-.")


def pdf_stem(document: str, title: str) -> str:
    """``<document>_<code>``: the paper's name and what it is about (its job's title: the
    dossier, ticket or appointment code); the paper's name alone when there is no title."""
    name = DOCUMENT_NAMES.get(document) or ascii_safe(document) or "giay-to"
    code = ascii_safe(title)
    return f"{name}_{code}" if code else name


def claim_name(folder: Path, stem: str, suffix: str = ".pdf") -> Path:
    """A path in ``folder`` for ``stem`` that no other file has: ``stem.pdf``, then
    ``stem-2.pdf``... Nothing is written; see :func:`publish`."""
    n = 1
    while True:
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        if not path.exists():
            return path
        n += 1


def publish(tmp: Path, folder: Path, stem: str, suffix: str = ".pdf") -> Path:
    """Give the finished file ``tmp`` its name in ``folder`` without ever replacing another
    file: a hard link fails if the name was taken meanwhile (another worker, a reprint), and
    the next number is tried. Readers never see half a file; ``tmp`` is gone afterwards."""
    while True:
        path = claim_name(folder, stem, suffix)
        try:
            os.link(tmp, path)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: a plain rename (one writer per device)
            os.replace(tmp, path)
            return path
        os.unlink(tmp)
        return path


def where_words(spec: PrinterSpec, pdf_path: str) -> str:
    """Where a printed job went, for the screen: the file, or the printer by name."""
    if spec.kind == "pdf":
        copy = Path(spec.target).expanduser() / Path(pdf_path).name if spec.target else None
        return _("the file {path}").format(path=copy or pdf_path)
    if spec.kind == "cups":
        name = f"{spec.target}@{spec.server}" if spec.server else spec.target
        return _("the printer {name}").format(name=name)
    if spec.kind == "qt":
        return _("the printer {name}").format(name=spec.target or _("(the system's default printer)"))
    if spec.kind == "escpos-net":
        return _("the receipt printer at {address}").format(address=f"{spec.target}:{spec.port}")
    if spec.kind == "escpos-serial":
        return _("the receipt printer on {device}").format(device=spec.target)
    if spec.kind == "escpos-usb":
        return _("the USB receipt printer {ids}").format(ids=f"{spec.vendor_id:04x}:{spec.product_id:04x}")
    return _("the printer {name}").format(name=spec.text or spec.kind)


def printed_to(done: str, where: str) -> str:
    """A screen's "printed" line with where the paper went: "Receipt printed. Sent to the
    file /…/giay-tiep-nhan_….pdf." (``done`` alone when the worker did not say)."""
    return _("{done} Sent to {where}.").format(done=done, where=where) if where else done


__all__ = ["DOCUMENT_NAMES", "ascii_safe", "claim_name", "pdf_stem", "printed_to", "publish", "where_words"]
