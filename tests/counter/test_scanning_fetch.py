"""A scan pruned on this computer after the centre got it: the dossier still lists it as
"kept at the centre only", «Fetch from the centre» brings the file back from a real centre
on 127.0.0.1 and the PDF opens; with the centre down, a plain message and nothing changed."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from local_db.attachment_store import AttachmentStore
from local_db.models import DossierAttachment, DossierDocument
from local_db.ops.attachments import attach_scan, prune_local
from tests.counter.conftest import COUNTER_NOW
from tests.counter.test_dossiers_page import desk, receive, settle  # noqa: F401
from tests.counter.test_scanning_dossier import tree_lines
from tests.support.centre import Centre, centre, centre_templates, centre_url  # noqa: F401 (fixtures)
from tests.support.scans import built_pdf
from tests.sync.agent.helpers import FAST, agent_for, enrol


def pruned_scan(d, office, running: Centre, tmp_path):  # type: ignore[no-untyped-def]
    """A dossier with a 3-page scan synced to the centre, then pruned here."""
    store = AttachmentStore.in_data_dir(tmp_path / "office-data")
    d.ctx.attachments = store
    d.ctx.centre_timeout = FAST
    enrollment = enrol(d.ctx.db, running)
    dossier = receive(d, office)
    scan = built_pdf(3)
    with d.ctx.db.write() as s:
        doc = s.scalars(select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)
                        .order_by(DossierDocument.position)).first()
        info = attach_scan(s, office.actor("canbo1"), dossier.id, doc.id, scan, store=store,
                           now=COUNTER_NOW - timedelta(minutes=50))
    agent = agent_for(d.ctx.db, running.base_url, enrollment, store=store,
                      clock=lambda: COUNTER_NOW - timedelta(minutes=40))
    assert agent.run_once().ok
    with d.ctx.db.write() as s:
        assert prune_local(s, store, now=COUNTER_NOW + timedelta(days=60), office_code=office.office_code
                           ).files_removed == 1
    assert not store.has(scan.sha256)
    return dossier, info, scan, store


def open_scans(d, dossier_id) -> None:  # type: ignore[no-untyped-def]
    d.page.open_dossier(dossier_id)
    settle(d)
    bar = d.page.tabs.tabBar()
    d.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())  # the «Bản quét» tab
    assert d.page.tabs.currentIndex() == 1
    tree = d.page.scans.tree
    tree.setCurrentItem(tree.topLevelItem(0).child(0))
    settle(d)


def test_a_pruned_scan_is_fetched_back_from_the_centre_and_shown(desk, office, centre, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    dossier, info, scan, store = pruned_scan(d, office, centre, tmp_path)
    open_scans(d, dossier.id)
    panel = d.page.scans
    assert "chỉ còn lưu ở Trung tâm" in tree_lines(d)[1]
    assert panel.fetch_button.isVisible() and panel.fetch_button.isEnabled()
    assert panel.fetch_button.text() == "Tải về từ Trung tâm"

    panel.fetch_button.click()
    settle(d)
    assert store.read(scan.sha256) == scan.pdf
    with d.ctx.db.read() as s:
        assert s.get(DossierAttachment, info.id).local_removed_at is None  # type: ignore[union-attr]
    viewer = panel.pdf_dialog
    assert viewer is not None and viewer.isVisible() and viewer.page_count == 3
    assert "Bản quét đã có lại trên máy này" in panel.message.text()
    assert "chỉ còn lưu ở Trung tâm" not in tree_lines(d)[1]
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0).child(0))
    assert not panel.fetch_button.isVisible()
    viewer.accept()


def test_with_the_centre_down_the_clerk_reads_why_and_nothing_changes(desk, office, centre, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    dossier, info, scan, store = pruned_scan(d, office, centre, tmp_path)
    centre.stop()
    open_scans(d, dossier.id)
    panel = d.page.scans
    panel.fetch_button.click()
    settle(d)
    assert panel.message.text() == ("Không tải được bản quét từ máy chủ Trung tâm: "
                                    "Không kết nối được máy chủ trung tâm.")
    assert panel.pdf_dialog is None and not store.has(scan.sha256)
    with d.ctx.db.read() as s:
        assert s.get(DossierAttachment, info.id).local_removed_at is not None  # type: ignore[union-attr]
    assert panel.fetch_button.isEnabled()  # try again when the link is back


def test_an_office_not_enrolled_is_told_so_and_nothing_changes(desk, office, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    store = AttachmentStore.in_data_dir(tmp_path / "office-data")
    d.ctx.attachments = store
    dossier = receive(d, office)
    scan = built_pdf(2)
    with d.ctx.db.write() as s:
        doc = s.scalars(select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)
                        .order_by(DossierDocument.position)).first()
        info = attach_scan(s, office.actor("canbo1"), dossier.id, doc.id, scan, store=store,
                           now=COUNTER_NOW - timedelta(minutes=50))
        s.get(DossierAttachment, info.id).local_removed_at = COUNTER_NOW  # type: ignore[union-attr]
    store.remove(scan.sha256)  # (as a prune would; this office never synced)
    open_scans(d, dossier.id)
    panel = d.page.scans
    panel.fetch_button.click()
    settle(d)
    assert "Cơ quan chưa được kết nối với máy chủ Trung tâm" in panel.message.text()
    assert panel.pdf_dialog is None and not store.has(scan.sha256)
