"""Issue 9's real scan path, end to end: SANE's test scanner feeds 3 pages of its colour
pattern into one checklist item of a received dossier, the clerk puts the last page first,
the PDF is saved in the office's store, and the sync agent uploads it to a real centre on
127.0.0.1, where the file's SHA-256 matches and the op naming it is applied (SQLite and
PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from local_db.attachment_store import AttachmentStore
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.attachments import attach_scan, list_attachments, missing_scans
from scanning import pages as P
from scanning import sane
from sync.server import blobs
from sync.server.models import CentreOp
from tests.support.centre import Centre, centre, centre_templates, centre_url  # noqa: F401 (fixtures)
from tests.support.scans import dossier_with_checklist
from tests.sync.agent.helpers import NOW, agent_for, enrol

ITEM = "Giấy tờ tùy thân"
PATTERN = ("--test-picture", "Color pattern")


def test_three_scanned_pages_reordered_reach_the_centre_with_their_sha256(  # type: ignore[no-untyped-def]
        sane_test: str, db: Database, office: OfficeRefs, centre: Centre, tmp_path: Path) -> None:  # noqa: F811
    store = AttachmentStore(tmp_path / "attachments")
    dossier, docs = dossier_with_checklist(db, office, NOW)
    with db.read() as s:
        assert ITEM in missing_scans(s, dossier)

    scanned = sane.scan(sane_test, pages=3, resolution=300, mode="Color", source="Automatic Document Feeder",
                        folder=tmp_path / "scan", extra=PATTERN)
    assert len(scanned) == 3
    built = P.build_pdf(P.move(scanned, 2, 0))  # the clerk drags the last page to the front
    reader = PdfReader(io.BytesIO(built.pdf))
    assert len(reader.pages) == 3
    for page, source in zip(reader.pages, P.move(scanned, 2, 0), strict=True):
        (embedded,) = page.images  # each page is one scanned image of the pattern, in the new order
        with Image.open(io.BytesIO(source.data)) as original:
            assert embedded.image.size == original.size == (944, 1181)  # 80 x 100 mm at 300 dpi
            assert embedded.image.convert("RGB").tobytes() == original.convert("RGB").tobytes()

    with db.write() as s:
        info = attach_scan(s, office.actor("canbo1"), dossier, docs[ITEM], built, store=store, now=NOW)
    with db.read() as s:
        assert ITEM not in missing_scans(s, dossier)
        [listed] = [a for a in list_attachments(s, dossier) if a.document_id == docs[ITEM]]
    assert (listed.pages, listed.version) == (3, 1) and listed.created_by_name
    assert store.read(info.sha256) == built.pdf

    enrollment = enrol(db, centre)
    agent = agent_for(db, centre.base_url, enrollment, store=store, clock=lambda: NOW + timedelta(minutes=5))
    report = agent.run_once()
    assert report.ok and report.rejected == report.held == 0
    with centre.read() as s:
        held = blobs.read(s, office.office_code, info.sha256)
        applied = s.query(CentreOp).filter(CentreOp.entity == "attachment", CentreOp.entity_id == info.id).one()
    assert held is not None and hashlib.sha256(held).hexdigest() == info.sha256 == built.sha256
    assert applied.status == "applied" and applied.payload["sha256"] == info.sha256
    assert applied.payload["pages"] == 3 and applied.payload["document_id"] == str(docs[ITEM])
