"""The dossier page's scans: the versions of each checklist item (who, when), a new version
by «Scan again», the PDF shown by QtPdf, and the list's "scans missing" filter."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from local_db.attachment_store import AttachmentStore
from local_db.models import DossierDocument
from local_db.ops.attachments import attach_scan
from tests.counter.conftest import COUNTER_NOW
from tests.counter.test_dossiers_page import desk, receive, settle  # noqa: F401
from tests.counter.test_scanning_dialog import page_file
from tests.support.scans import built_pdf


def tree_lines(d) -> list[str]:  # type: ignore[no-untyped-def]
    tree = d.page.scans.tree
    out = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        out.append(top.text(0))
        out.extend("  " + top.child(j).text(0) for j in range(top.childCount()))
    return out


def test_the_detail_lists_versions_scans_again_and_the_filter_finds_what_is_missing(desk, office, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    d = desk
    store = AttachmentStore(tmp_path / "attachments")
    d.ctx.attachments = store
    scanned = receive(d, office)
    unscanned = receive(d, office, at=COUNTER_NOW - timedelta(minutes=30))
    with d.ctx.db.write() as s:
        first = s.scalars(select(DossierDocument).where(DossierDocument.dossier_id == scanned.id)
                          .order_by(DossierDocument.position)).all()
        for doc in first[:2]:
            attach_scan(s, office.actor("canbo2"), scanned.id, doc.id, built_pdf(2, seed=doc.position), store=store,
                        now=COUNTER_NOW - timedelta(minutes=50))

    # the "scans missing" chip: only the dossier without scans
    d.page.refresh()
    settle(d)
    assert d.page.chips["scans_missing"].text() == "Thiếu bản quét (1)"
    d.page.chips["scans_missing"].click()
    settle(d)
    assert [r.code for r in d.page.rows_model.rows] == [unscanned.code]
    # a dossier opened from that list shows its scans tab, which counts what is left to scan
    d.page.open_dossier(unscanned.id)
    settle(d)
    tabs = d.page.tabs
    assert tabs.currentWidget().widget() is d.page.scans
    assert tabs.tabText(1) == "Bản quét (còn 2 cần quét)"  # both items handed in; the third was not
    d.page.chips["scans_missing"].click()
    settle(d)

    d.page.open_dossier(scanned.id)
    settle(d)
    assert tabs.currentIndex() == 0  # from the whole list: the facts and history first
    assert tabs.tabText(1) == "Bản quét"  # both scanned: nothing left to count
    lines = tree_lines(d)
    assert lines[0].startswith("Tờ khai cấp giấy xác nhận tình trạng hôn nhân — 2 trang")
    assert lines[1] == "  Phiên bản 1: 2 trang\ndo Phạm Thị Thuỷ đính kèm lúc 08:10 23/11/2026"
    assert lines[-1].endswith("không nộp")

    # a new version of the first item from a file
    d.page.scans.tree.setCurrentItem(d.page.scans.tree.topLevelItem(0))
    dialog = d.page.scans.scan_again(find_scanners=False)
    assert dialog is not None
    dialog.add_file(page_file(tmp_path, "bo-sung.png", 300))
    d.tasks.wait_idle()
    with d.qtbot.waitSignal(dialog.saved, timeout=20_000):
        d.qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(d)
    lines = tree_lines(d)
    assert lines[0].startswith("Tờ khai cấp giấy xác nhận tình trạng hôn nhân — 1 trang · phiên bản 2")
    assert lines[1].startswith("  Phiên bản 2: 1 trang\ndo Nguyễn")  # canbo1, the clerk at this desk
    assert lines[2].startswith("  Phiên bản 1: 2 trang · đã thay thế\ndo ")
    assert "Đã đính kèm phiên bản 2" in d.page.scans.message.text()

    # the PDF of the old version, through QtPdf
    top = d.page.scans.tree.topLevelItem(0)
    d.page.scans.tree.setCurrentItem(top.child(1))
    d.page.scans.preview()
    settle(d)
    viewer = d.page.scans.pdf_dialog
    assert viewer is not None and viewer.isVisible()
    assert viewer.page_count == 2
    viewer.accept()
    assert d.page.scans.pdf_dialog is None
