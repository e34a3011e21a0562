"""Scanned documents for tests of attachments, built without scanning/ (scanning.pages.BuiltPdf's
shape: pdf bytes, page count, PNG thumbnail, sha256): pages drawn with Pillow, put into one
PDF losslessly by img2pdf, and a dossier with a checklist to attach them to."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from dataclasses import dataclass
from datetime import datetime

import img2pdf
from PIL import Image, ImageDraw
from sqlalchemy import select

from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.citizens import CitizenInput
from local_db.models import DossierDocument
from local_db.ops.dossiers import DocumentLine, receive_dossier


@dataclass(frozen=True)
class FakeBuiltPdf:
    pdf: bytes
    pages: int
    thumbnail_png: bytes
    sha256: str


def _page(seed: int, size: tuple[int, int] = (200, 280)) -> bytes:
    img = Image.new("RGB", size, (250, 250, 245))
    draw = ImageDraw.Draw(img)
    for i in range(6):
        y = 20 + i * 40
        draw.rectangle((15, y, 15 + (seed * 37 + i * 23) % 160, y + 12), fill=((seed * 40) % 255, 30, 90))
    draw.text((20, 250), f"page {seed}", fill=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def thumbnail(seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 32), (seed % 255, 120, 200)).save(out, "PNG")
    return out.getvalue()


def built_pdf(pages: int = 3, seed: int = 0) -> FakeBuiltPdf:
    """A real PDF of ``pages`` distinct pages."""
    pdf = img2pdf.convert([_page(seed * 10 + i) for i in range(pages)])
    return FakeBuiltPdf(pdf, pages, thumbnail(seed), hashlib.sha256(pdf).hexdigest())


def big_pdf(size: int) -> FakeBuiltPdf:
    """``size`` bytes that stand for a big scan (random: nothing compresses or dedups them)."""
    data = b"%PDF-1.4\n" + os.urandom(max(0, size - 9))
    return FakeBuiltPdf(data, 1, thumbnail(size % 200), hashlib.sha256(data).hexdigest())


def dossier_with_checklist(db: Database, office: OfficeRefs, now: datetime, *, name: str = "Nguyễn Văn Hoà",
                           cccd: str = "001090012345") -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """A dossier received with three checklist lines, two handed in and one marked missing
    (optional). Returns its id and {line name: DossierDocument id}."""
    with db.write() as s:
        dossier = receive_dossier(
            s, office.actor("canbo1"), procedure_code="1.004873",
            applicant=CitizenInput(full_name=name, cccd=cccd, phone="0912345678"),
            documents=[DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
                       DocumentLine("Giấy tờ tùy thân", certified=1),
                       DocumentLine("Giấy chứng sinh", required=False, missing=True)], now=now).id
    with db.read() as s:
        lines = s.execute(select(DossierDocument.name, DossierDocument.id)
                          .where(DossierDocument.dossier_id == dossier)).all()
    return dossier, {name: doc_id for name, doc_id in lines}
