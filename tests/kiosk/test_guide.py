"""A citizen looks a procedure up in the kiosk's guide and prints its checklist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from sqlalchemy import select

from core.i18n import language, set_language
from kiosk.context import KioskContext
from kiosk.guide import model
from kiosk.guide.view import GuideScreen, ProcedureScreen
from local_db.models import PrintJob
from printing import render
from printing.spool import PrintWorker
from tests.kiosk.conftest import KIOSK_NOW
from tests.kiosk.stack import screen_stack, shown, tap
from tests.support.pdf_tools import page_size_mm, pdf_text
from ui.screen import Navigator

BIRTH = "1.001193"  # Đăng ký khai sinh: 3 documents, same day, HT (counters 1, 2, 4)

@pytest.fixture
def nav(qtbot, kiosk_ctx: KioskContext) -> Iterator[Navigator]:  # type: ignore[no-untyped-def]
    nav = screen_stack(qtbot, lambda tasks: [GuideScreen(kiosk_ctx, tasks), ProcedureScreen(kiosk_ctx, tasks)],
                       "guide")
    yield nav
    nav.tasks.wait_idle()
    set_language("vi")


def test_browse_by_field_then_print_the_checklist(qtbot, nav: Navigator, kiosk_ctx: KioskContext, tmp_path: Path):  # type: ignore[no-untyped-def]
    guide = nav.current
    assert shown(nav, "guide-heading") == "Lĩnh vực"
    assert "Hộ tịch" in guide.buttons and "thủ tục" in guide.buttons["Hộ tịch"].text()
    tap(qtbot, nav, "guide-field-Hộ tịch")
    assert BIRTH in guide.buttons and all(
        e.field_vi == "Hộ tịch" for e in model.search(guide.entries, field_vi="Hộ tịch"))
    tap(qtbot, nav, f"guide-procedure-{BIRTH}")
    assert nav.current.name == "guide_procedure"
    assert shown(nav, "guide-name") == "Đăng ký khai sinh"
    documents = shown(nav, "guide-documents")
    assert documents.startswith("1. Tờ khai đăng ký khai sinh\n2. Giấy chứng sinh")
    facts = shown(nav, "guide-facts")
    assert "Thời hạn giải quyết: Trong ngày" in facts or "Thời hạn giải quyết: " in facts
    assert "Nơi nộp: Quầy 1, 2, 4 (lấy số mục: Hộ tịch)" in facts
    assert "Phí, lệ phí: " in facts

    tap(qtbot, nav, "guide-print")
    assert shown(nav, "guide-print-status") == "Đang in danh sách giấy tờ..."
    tap(qtbot, nav, "guide-print") if nav.findChild(QPushButton, "guide-print").isEnabled() else None
    with kiosk_ctx.db.read() as s:
        [job] = s.scalars(select(PrintJob)).all()  # a second tap prints no second paper
    assert (job.document, job.state, job.title) == ("checklist", "queued", BIRTH)

    worker = PrintWorker(kiosk_ctx.db, kiosk_ctx.device_id, kiosk_ctx.printer, tmp_path / "kept",
                         on_change=nav.current.on_print_event)
    assert worker.run_once(KIOSK_NOW) == 1
    assert shown(nav, "guide-print-status") == "Mời quý khách nhận danh sách ở khe bên dưới."
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    data = pdf.read_bytes()
    text = pdf_text(data)
    for words in ("Giấy tờ cần mang theo", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh", "Quầy 1, 2, 4",
                  "Thời hạn giải quyết", "1.001193"):
        assert words in " ".join(text.split()), words
    assert round(page_size_mm(data)[0][0]) == 80

    tap(qtbot, nav, "back")
    assert nav.current.name == "guide"


def test_search_ignores_accents_and_says_when_nothing_matches(qtbot, nav: Navigator):  # type: ignore[no-untyped-def]
    guide = nav.current
    box = nav.findChild(QLineEdit, "guide-search")
    qtbot.keyClicks(box, "ket hon")
    names = [e.name_vi for e in model.search(guide.entries, "ket hon")]
    assert names and all("kết hôn" in n.lower() for n in names)
    assert set(guide.buttons) == {e.code for e in model.search(guide.entries, "ket hon")}
    assert shown(nav, "guide-heading") == "Kết quả cho “ket hon”"
    box.clear()
    qtbot.keyClicks(box, "xyzxyz")
    assert guide.buttons == {}
    assert shown(nav, "guide-status").startswith("Không tìm thấy thủ tục phù hợp")
    tap(qtbot, nav, "guide-all-fields")
    assert shown(nav, "guide-heading") == "Lĩnh vực" and box.text() == ""


def test_the_keyboard_comes_when_the_search_box_is_touched_and_goes_on_ok(qtbot, nav: Navigator):  # type: ignore[no-untyped-def]
    """Browsing by field comes first: the keyboard would hide half the list, so it waits
    for a touch on the search box."""
    guide = nav.current
    box = nav.findChild(QLineEdit, "guide-search")
    assert not guide.keyboard.isVisible() and guide.buttons["Hộ tịch"].isVisible()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert guide.keyboard.isVisible()
    for key in ("k", "e", "t", "space", "h", "o", "n"):
        tap(qtbot, nav, f"key-{key}")
    assert box.text() == "ket hon" and shown(nav, "guide-heading") == "Kết quả cho “ket hon”"
    tap(qtbot, nav, "key-ok")
    assert not guide.keyboard.isVisible() and guide.buttons  # the results keep the room
    nav.go("start")
    nav.go("guide")
    assert not guide.keyboard.isVisible()


def test_english_screens_and_english_checklist(qtbot, nav: Navigator, kiosk_ctx: KioskContext):  # type: ignore[no-untyped-def]
    entries = model.load_guide(kiosk_ctx)
    birth = next(e for e in entries if e.code == BIRTH)
    with language("en"):
        assert birth.where_words() == "Counters 1, 2, 4 (take a number for: Civil status)"
        content = model.checklist_content(kiosk_ctx, birth, "en", KIOSK_NOW)
    assert content.procedure_name == "Birth registration" and content.lang == "en"
    text = " ".join(pdf_text(render.render_pdf("checklist", content)).split())
    assert "Documents to bring" in text and "Birth registration" in text and "Counters 1, 2, 4" in text


def test_every_tour_state(qtbot, nav: Navigator):  # type: ignore[no-untyped-def]
    for name in ("guide", "guide_procedure"):
        screen = nav.go(name)
        nav.tasks.wait_idle()
        for lang in ("vi", "en"):
            with language(lang):
                screen.retranslate()
                for _state, put in screen.tour_states():
                    put()
                    QApplication.processEvents()
        assert shown(nav, "guide-name") or shown(nav, "guide-status") or shown(nav, "guide-heading")
