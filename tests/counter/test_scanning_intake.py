"""The intake's documents step with scans: each checklist line says "chưa quét" until it is
scanned, then its page count; the scans are attached when the dossier is saved; a dossier
can be saved with items still to scan. One scan comes from SANE's own ``test`` backend."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from counter.scanning.work import attachment_store
from local_db.attachment_store import AttachmentStore
from local_db.models import Dossier, DossierAttachment
from local_db.ops.attachments import missing_scans
from tests.counter.test_intake import (  # noqa: F401
    ID_QR,
    desk,
    field,
    key,
    scan,
    settle,
    shown,
    type_in,
)
from tests.counter.test_scanning_dialog import page_file


@pytest.fixture
def sane_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("sane.d")
    (folder / "dll.conf").write_text("test\n")
    shutil.copy("/etc/sane.d/test.conf", folder / "test.conf")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(folder))
    return folder


def to_documents(d) -> None:  # type: ignore[no-untyped-def]
    type_in(d, "xac nhan hon nhan")
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "documents"


def test_scans_at_the_intake_show_per_item_and_are_attached_with_the_dossier(desk, tmp_path, sane_dir):  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    d.ctx.attachments = AttachmentStore(tmp_path / "attachments")
    to_documents(d)
    n = len(d.screen.state.documents)
    assert n >= 2
    assert [shown(d, f"intake-doc-{i}-scanned") for i in range(n)] == ["chưa quét"] * n
    key(d, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)

    # item 0 from the scanner (SANE's test backend)
    d.qtbot.mouseClick(d.screen.documents.scans[0].button, Qt.MouseButton.LeftButton)
    dialog = d.screen.scans.dialog
    assert dialog is not None and dialog.isVisible()
    d.qtbot.waitUntil(lambda: dialog.scanner.options is not None, timeout=30_000)
    assert dialog.scanner.devices[0].name.startswith("test")
    dialog.scanner.setProperty("scan_extra", ["--test-picture", "Color pattern"])
    low = dialog.scanner.resolution.findData(75)
    if low >= 0:
        dialog.scanner.resolution.setCurrentIndex(low)
    d.qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    d.qtbot.waitUntil(lambda: dialog.strip.count() == 1, timeout=60_000)
    with d.qtbot.waitSignal(dialog.saved, timeout=30_000):
        d.qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(d)
    assert shown(d, "intake-doc-0-scanned") == "Đã quét 1 trang"
    assert shown(d, "intake-doc-1-scanned") == "chưa quét"

    # item 1 from two files
    dialog = d.screen.scans.scan_item(1, find_scanners=False)
    for name, width in (("a.png", 300), ("b.png", 320)):
        dialog.add_file(page_file(tmp_path, name, width))
        d.tasks.wait_idle()
    with d.qtbot.waitSignal(dialog.saved, timeout=30_000):
        dialog.save()
    settle(d)
    assert shown(d, "intake-doc-1-scanned") == "Đã quét 2 trang"
    assert d.screen.state.documents[1].scan_pages == 2

    key(d, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    scan(d, ID_QR)
    field(d, "phone").setFocus()
    type_in(d, "0912 345 678")
    key(d, Qt.Key.Key_Return)
    d.qtbot.waitUntil(lambda: d.screen.preview_info is not None)
    key(d, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(d)
    assert d.screen.state.step == "done"

    with d.ctx.db.read() as s:
        dossier = s.scalars(select(Dossier)).one()
        rows = s.scalars(select(DossierAttachment).order_by(DossierAttachment.created_at)).all()
        still = missing_scans(s, dossier.id)
    assert sorted(r.pages for r in rows) == [1, 2]
    assert {r.dossier_id for r in rows} == {dossier.id}
    store = attachment_store(d.ctx)
    assert all(store.has(r.sha256) for r in rows)
    assert len(still) == n - 2  # saved with items still to scan


def test_a_pdf_dropped_by_the_network_scanner_shows_in_the_intake_within_two_seconds(desk, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    import img2pdf

    d = desk
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    d.ctx.attachments = AttachmentStore(tmp_path / "attachments")
    d.ctx.scan_folder = str(inbox)
    to_documents(d)
    (inbox / "scan0007.pdf").write_bytes(img2pdf.convert([page_file(tmp_path, "p.png", 300).read_bytes()]))
    d.qtbot.waitUntil(lambda: "scan0007.pdf" in shown(d, "intake-documents-offered"), timeout=2000)

    dialog = d.screen.scans.scan_item(0, find_scanners=False)
    assert not d.screen.documents.offered.isVisible()
    d.qtbot.waitUntil(lambda: dialog.folder.files.count() == 1, timeout=2000)
    dialog.folder.take()
    d.tasks.wait_idle()
    with d.qtbot.waitSignal(dialog.saved, timeout=20_000):
        dialog.save()
    settle(d)
    assert shown(d, "intake-doc-0-scanned") == "Đã quét 1 trang"
    d.screen.leave()
    assert d.screen.scans.folder_watcher is None
