"""The scan dialog of one checklist item as a clerk uses it: files added by hand, pages
reordered, turned, removed, saved as one PDF; a bad file said in words, nothing saved."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from PySide6.QtCore import Qt

from core.i18n import set_language
from counter.scanning import sources, work
from counter.scanning.dialog import ScanDialog
from local_db.attachment_store import AttachmentStore
from ui.app import make_app
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme


def page_file(tmp_path: Path, name: str, width: int, height: int = 400) -> Path:
    """A page image with marks on it, ``width`` points wide at 72 dpi (its size tells it apart in the PDF)."""
    img = Image.new("RGB", (width, height), (255, 255, 250))
    draw = ImageDraw.Draw(img)
    for i in range(5):
        draw.rectangle((10, 20 + i * 60, width - 20, 40 + i * 60), fill=(20, 20, 120))
    path = tmp_path / name
    img.save(path, dpi=(72, 72))
    return path


def pdf_widths(pdf: bytes) -> list[tuple[int, int]]:
    """(width, /Rotate) of each page."""
    reader = PdfReader(io.BytesIO(pdf))
    return [(round(float(p.mediabox.width)), int(p.get("/Rotate", 0) or 0)) for p in reader.pages]


@pytest.fixture
def tasks(qtbot):  # type: ignore[no-untyped-def]
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    runner = TaskRunner()
    yield runner
    runner.wait_idle()


def open_dialog(qtbot, tasks, save):  # type: ignore[no-untyped-def]
    dialog = ScanDialog(tasks, "Giấy chứng sinh", save, find_scanners=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_pages_from_files_reordered_turned_and_removed_make_the_saved_pdf(qtbot, tasks, tmp_path):  # type: ignore[no-untyped-def]
    store = AttachmentStore(tmp_path / "store")
    dialog = open_dialog(qtbot, tasks, lambda pages: work.build_and_keep(pages, store))
    for name, width in (("a.png", 300), ("b.png", 320), ("c.jpg", 340)):
        dialog.add_file(page_file(tmp_path, name, width))
        tasks.wait_idle()
    assert dialog.strip.count() == 3
    assert dialog.count.text() == "3 trang"
    assert dialog.preview.pixmap is not None and not dialog.preview.pixmap.isNull()

    dialog.strip.setCurrentRow(2)
    qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # c before b
    assert dialog.current() == 1
    qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # c turned
    dialog.strip.setCurrentRow(0)
    dialog.remove_button.click()  # a removed
    assert dialog.strip.count() == 2

    with qtbot.waitSignal(dialog.saved, timeout=20_000) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    kept = saved.args[0]
    assert kept.pages == 2
    assert not dialog.isVisible()
    pdf = store.read(kept.sha256)
    assert pdf_widths(pdf) == [(340, 90), (320, 0)]
    assert store.read_thumbnail(kept.sha256)


def test_a_file_that_is_not_a_document_is_said_and_nothing_is_saved(qtbot, tasks, tmp_path):  # type: ignore[no-untyped-def]
    calls: list[int] = []
    dialog = open_dialog(qtbot, tasks, lambda pages: calls.append(len(pages)))
    bad = tmp_path / "ghi-chu.pdf"
    bad.write_text("đây không phải tệp PDF", encoding="utf-8")
    dialog.add_file(bad)
    tasks.wait_idle()
    assert dialog.strip.count() == 0
    assert dialog.error.isVisible()
    assert "ghi-chu.pdf" in dialog.error.text() or "tài liệu" in dialog.error.text()
    dialog.save()
    tasks.wait_idle()
    assert calls == []
    assert dialog.isVisible()
    assert "trang" in dialog.error.text()


def test_a_blank_page_is_refused_at_save_and_the_dialog_stays_open(qtbot, tasks, tmp_path):  # type: ignore[no-untyped-def]
    store = AttachmentStore(tmp_path / "store")
    dialog = open_dialog(qtbot, tasks, lambda pages: work.build_and_keep(pages, store))
    dialog.add_file(page_file(tmp_path, "a.png", 300))
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 400), (255, 255, 255)).save(blank)
    dialog.add_file(blank)
    tasks.wait_idle()
    assert dialog.strip.count() == 2
    dialog.save()
    tasks.wait_idle()
    assert dialog.isVisible()
    assert dialog.error.isVisible() and "2" in dialog.error.text()
    assert dialog.current() == 1  # the blank page is the one shown
    assert not any((tmp_path / "store").rglob("*.pdf"))


def test_a_pdf_dropped_in_the_watched_folder_is_offered_within_two_seconds(qtbot, tasks, tmp_path):  # type: ignore[no-untyped-def]
    import img2pdf

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    store = AttachmentStore(tmp_path / "store")
    dialog = ScanDialog(tasks, "Giấy chứng sinh", lambda pages: work.build_and_keep(pages, store),
                        folder=str(inbox), find_scanners=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pngs = [page_file(tmp_path, f"p{i}.png", 300 + 10 * i).read_bytes() for i in range(2)]
    (inbox / "scan0001.pdf.part").write_bytes(img2pdf.convert(pngs))
    (inbox / "scan0001.pdf.part").rename(inbox / "scan0001.pdf")  # as a network scanner finishes a file
    qtbot.waitUntil(lambda: dialog.folder.files.count() == 1, timeout=2000)
    assert dialog.folder.files.item(0).text() == "scan0001.pdf"
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    tasks.wait_idle()
    assert dialog.strip.count() == 2 and dialog.folder.files.count() == 0
    with qtbot.waitSignal(dialog.saved, timeout=20_000) as saved:
        dialog.save()
    assert pdf_widths(store.read(saved.args[0].sha256)) == [(300, 0), (310, 0)]
    assert dialog.folder.watcher is None  # stopped with the dialog
    # taken into a saved scan: moved to «da-dung», so the next dialog (or a restart) does not offer it
    tasks.wait_idle()
    assert not (inbox / "scan0001.pdf").exists() and (inbox / "da-dung" / "scan0001.pdf").is_file()
    sources.TAKEN.clear()  # as after a restart
    again = ScanDialog(tasks, "Giấy chứng sinh", lambda pages: work.build_and_keep(pages, store),
                       folder=str(inbox), find_scanners=False)
    qtbot.addWidget(again)
    again.show()
    qtbot.wait(1500)  # three polls of the folder
    assert again.folder.files.count() == 0
    again.reject()


def test_a_file_taken_into_a_cancelled_scan_is_offered_again(qtbot, tasks, tmp_path):  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    page_file(inbox, "scan0002.png", 300)
    store = AttachmentStore(tmp_path / "store")

    def open_one() -> ScanDialog:
        dialog = ScanDialog(tasks, "Giấy chứng sinh", lambda pages: work.build_and_keep(pages, store),
                            folder=str(inbox), find_scanners=False)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.folder.files.count() == 1, timeout=2000)
        return dialog

    first = open_one()
    first.folder.take()
    tasks.wait_idle()
    assert first.strip.count() == 1
    first.reject()  # the clerk cancels: nothing saved, the file stays where the scanner put it
    tasks.wait_idle()
    assert (inbox / "scan0002.png").is_file() and not (inbox / "da-dung").exists()
    second = open_one()  # offered again
    assert second.folder.files.item(0).text() == "scan0002.png"
    second.reject()
