"""Attachment figures (issue 9).

* ``scan_page_to_attachment_p95_ms``: one A4 page scanned at 300 dpi in colour (a PNG of
  2480 x 3508 pixels, drawn once with Pillow like a filled-in form: text lines, boxes, a
  stamp, a little scanner noise — never blank) becomes a stored attachment:
  :func:`scanning.pages.build_pdf` (lossless PDF, blank-page check, thumbnail) then
  :func:`local_db.ops.attachments.attach_scan` in its own write transaction on an office
  database in an SQLite file, the PDF and thumbnail written atomically (fsync) into an
  attachment store on disk, the commit included. Every sample's page differs by a few
  pixels, so no sample is saved by the store finding the same file already there. p50 and
  p95 over ~20 pages.
"""

from __future__ import annotations

import io
import random
import shutil
import statistics
import time
from pathlib import Path

from benchmarks import harness
from benchmarks.harness import Context, Target, percentile

TARGETS = {"scan_page_to_attachment_p95_ms": Target(500, "<")}
PAGES = {"full": 20, "small": 10, "tiny": 2}
WARMUP = {"full": 2, "small": 1, "tiny": 1}
A4_300DPI = (2480, 3508)


def a4_page(seed: int = 0):  # type: ignore[no-untyped-def]
    """A filled-in A4 form as a scanner gives it at 300 dpi in colour (PIL image)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    w, h = A4_300DPI
    img = Image.new("RGB", (w, h), (252, 251, 247))
    draw = ImageDraw.Draw(img)
    draw.rectangle((180, 180, w - 180, 420), outline=(20, 20, 20), width=4)  # the form's header box
    y = 520
    while y < h - 400:  # lines of "text": short dark dashes like words
        x = 200
        while x < w - 300:
            word = rnd.randint(40, 260)
            draw.rectangle((x, y, x + word, y + 28), fill=(rnd.randint(10, 60),) * 3)
            x += word + rnd.randint(25, 45)
        y += rnd.choice((62, 62, 62, 120))
    draw.ellipse((w - 900, h - 900, w - 350, h - 350), outline=(200, 30, 40), width=14)  # the red stamp
    draw.text((w - 780, h - 660), f"UBND {seed:04d}", fill=(200, 30, 40))
    for _ in range(4000):  # dust and scanner noise
        px, py = rnd.randrange(w), rnd.randrange(h)
        img.putpixel((px, py), (rnd.randint(150, 230),) * 3)
    return img


def png_bytes(img) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=1)  # what a scanning app hands over: fast, lossless
    return out.getvalue()


def _office(folder: Path):  # type: ignore[no-untyped-def]
    """A fresh office in an SQLite file: its URL, data dir and OfficeRefs."""
    from local_db import migrate
    from local_db.database import Database
    from local_db.office_setup import build_office

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    url = f"sqlite:///{folder / 'office.db'}"
    db = Database(url)
    try:
        migrate.upgrade(db)
        with db.write() as s:
            refs = build_office(s, device_name="bench-counter")
    finally:
        db.dispose()
    return url, folder / "data", refs


@harness.group("attachments", targets=TARGETS)
def attachments(ctx: Context) -> dict[str, float]:
    """A4 300 dpi colour page -> lossless PDF + thumbnail -> stored attachment, committed."""
    from datetime import datetime, timezone

    from local_db.attachment_store import AttachmentStore
    from local_db.database import Database
    from local_db.models import DossierDocument
    from local_db.ops.attachments import attach_scan
    from local_db.ops.citizens import CitizenInput
    from local_db.ops.dossiers import DocumentLine, receive_dossier
    from scanning.pages import PageImage, build_pdf
    from sqlalchemy import select

    n, warmup = PAGES.get(ctx.scale, PAGES["small"]), WARMUP.get(ctx.scale, 1)
    url, data_dir, office = _office(ctx.work_dir / "attachments-bench")
    store = AttachmentStore.in_data_dir(data_dir)
    ctx.log(f"attachments: drawing {n + warmup} A4 pages at 300 dpi...")
    base = a4_page(1)
    pages = []
    for i in range(n + warmup):  # the same form, a different mark on each: no two files alike
        img = base.copy()
        img.paste((i * 37 % 255, 90, 160), (300 + i * 9, 3100, 340 + i * 9, 3140))
        pages.append(png_bytes(img))
    db = Database(url)
    try:
        now = datetime.now(timezone.utc)
        actor = office.actor("canbo1")
        with db.write() as s:
            dossier = receive_dossier(s, actor, procedure_code="1.004873",
                                      applicant=CitizenInput(full_name="Nguyễn Văn Hoà", cccd="001090012345"),
                                      documents=[DocumentLine("Tờ khai", originals=1)], now=now).id
            document = s.scalar(select(DossierDocument.id).where(DossierDocument.dossier_id == dossier))
        times: list[float] = []
        for i, png in enumerate(pages):
            started = time.perf_counter_ns()
            built = build_pdf([PageImage(data=png, kind="image", rotation=0, source=f"bench-{i}")])
            with db.write() as s:
                attach_scan(s, actor, dossier, document, built, store=store)
            elapsed = (time.perf_counter_ns() - started) / 1e6
            if i >= warmup:
                times.append(elapsed)
        ctx.log(f"attachments: {len(times)} pages of {len(pages[0]) // 1024} KiB PNG, max {max(times):.0f} ms")
    finally:
        db.dispose()
    return {"scan_page_to_attachment_p50_ms": round(statistics.median(times), 1),
            "scan_page_to_attachment_p95_ms": round(percentile(times, 95), 1)}


__all__ = ["a4_page", "attachments", "png_bytes"]
