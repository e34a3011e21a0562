"""The dossiers page as a clerk uses it: search, filters, and a dossier's whole life through
the page's buttons and dialogs, on a real office database (SQLite and PostgreSQL), with the
papers printed to PDF and read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
)
from sqlalchemy import select

from core.errors import DomainError
from core.i18n import set_language
from core.working_calendar import OFFICE_TZ
from counter.dossiers import model
from counter.dossiers.dialogs import RescheduleDialog, ReturnDialog
from counter.dossiers.table import RowsModel
from counter.dossiers.view import DossiersPage
from local_db.models import AuditLog, Dossier, PrintJob
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import receive_dossier
from printing.dossier_source import receipt_content
from printing.spool import PrintWorker
from tests.counter.conftest import COUNTER_NOW
from tests.counter.test_window import PASSWORD, sign_in, window  # noqa: F401 (fixture)
from tests.support.pdf_tools import pdf_text
from ui.app import make_app
from ui.inspect import describe, elided_labels, untranslated_texts
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme

MARITAL_STATUS = "1.004873"  # 3 working days
CERTIFIED_COPY = "2.000815"  # same day
MARITAL_DOCS = [
    DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
    DocumentLine("Giấy tờ tùy thân", certified=1),
    DocumentLine("Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết", required=False, missing=True),
]
CERTIFIED_DOCS = [DocumentLine("Bản chính giấy tờ", originals=1), DocumentLine("Bản sao cần chứng thực", copies=2)]
HOA = CitizenInput(full_name="Đỗ Văn Hoà", cccd="001090012345", phone="0912345678", address="12 Phố Đội Cấn")
THUY = CitizenInput(full_name="Phạm Thị Thuỷ", cccd="001195067890", phone="0987654321")
DUC = CitizenInput(full_name="Trần Minh Đức", cccd="001089054321", phone="0903123456")

CTRL = Qt.KeyboardModifier.ControlModifier  # the dossier's moves: Ctrl+1..Ctrl+9 (counter/keys.py)


def hanoi(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OFFICE_TZ).astimezone(UTC)


@pytest.fixture
def desk(qtbot, counter_ctx, clock):  # type: ignore[no-untyped-def]
    """The dossiers page of counter 1 (clerk canbo1) in a 1600x900 desk window."""
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    nav = Navigator()
    tasks = TaskRunner(nav)
    page = DossiersPage(counter_ctx, tasks)
    nav.add(page)
    qtbot.addWidget(nav)
    nav.resize(1600, 900)
    nav.show()
    nav.activateWindow()
    qtbot.waitExposed(nav)
    nav.go("dossiers")
    tasks.wait_idle()
    yield SimpleNamespace(nav=nav, page=page, tasks=tasks, ctx=counter_ctx, qtbot=qtbot, clock=clock)
    page.leave()
    tasks.wait_idle()
    set_language("vi")


def receive(d, office, applicant: CitizenInput = HOA, *, procedure: str = MARITAL_STATUS,  # type: ignore[no-untyped-def]
            at: datetime = COUNTER_NOW - timedelta(hours=1), clerk: str = "canbo1", counter: int = 1):
    with d.ctx.db.write() as s:
        return receive_dossier(s, office.actor(clerk), procedure_code=procedure, applicant=applicant,
                               documents=CERTIFIED_DOCS if procedure == CERTIFIED_COPY else MARITAL_DOCS,
                               counter_number=counter, now=at)


def settle(d) -> None:  # type: ignore[no-untyped-def]
    """Let the debounced search fire and every background answer arrive."""
    d.tasks.wait_idle()
    if d.page.search_timer.isActive():
        d.qtbot.waitUntil(lambda: not d.page.search_timer.isActive(), timeout=2000)
    d.tasks.wait_idle()
    QApplication.processEvents()
    d.tasks.wait_idle()


def type_search(d, text: str, enter: bool = False) -> None:  # type: ignore[no-untyped-def]
    d.page.search.clear()
    d.qtbot.keyClicks(d.page.search, text)
    if enter:
        d.qtbot.keyClick(d.page.search, Qt.Key.Key_Return)
    settle(d)


def codes(d) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.code for r in d.page.rows_model.rows]


def cell(d, row: int, column: str) -> str:  # type: ignore[no-untyped-def]
    m = d.page.rows_model
    return m.data(m.index(row, m.COLUMNS.index(column)))


def click(d, name: str) -> None:  # type: ignore[no-untyped-def]
    [b] = [w for w in d.nav.findChildren(QPushButton, name) if w.isVisible()]
    assert b.isEnabled(), name
    d.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    settle(d)


def press(d, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    if QApplication.activeWindow() is not d.nav:
        d.nav.activateWindow()
        d.qtbot.waitUntil(lambda: QApplication.activeWindow() is d.nav, timeout=2000)
    d.page.table.setFocus()
    d.qtbot.keyClick(d.page.table, key, modifier)
    settle(d)


def shown(d, name: str) -> str:  # type: ignore[no-untyped-def]
    found = [w for w in d.nav.findChildren(QLabel, name) if w.isVisibleTo(d.nav)]
    return found[0].text() if found else ""


def choose(d, code: str) -> None:  # type: ignore[no-untyped-def]
    """Click the dossier's row in the list."""
    row = codes(d).index(code)
    rect = d.page.table.visualRect(d.page.rows_model.index(row, 0))
    d.qtbot.mouseClick(d.page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(d)
    assert d.page.view is not None and d.page.view.code == code


def dialog(d):  # type: ignore[no-untyped-def]
    assert d.page.dialog is not None, "no dialog open"
    return d.page.dialog


def ok(d) -> None:  # type: ignore[no-untyped-def]
    dlg = dialog(d)
    d.qtbot.mouseClick(dlg.ok, Qt.MouseButton.LeftButton)
    settle(d)


def status_of(d, dossier_id) -> Dossier:  # type: ignore[no-untyped-def]
    with d.ctx.db.read() as s:
        row = s.get(Dossier, dossier_id)
        s.expunge(row)
        return row


def print_all(d, tmp_path) -> list[str]:  # type: ignore[no-untyped-def]
    """Print the queued papers to the pdf: printer; the text of each new PDF, oldest first."""
    before = set((tmp_path / "printed").glob("*.pdf")) if (tmp_path / "printed").exists() else set()
    worker = PrintWorker(d.ctx.db, d.ctx.device_id, d.ctx.printer, tmp_path / "pdf",
                         on_change=d.page.on_print_event)
    worker.run_once(d.clock.now)
    new = sorted(set((tmp_path / "printed").glob("*.pdf")) - before, key=lambda p: p.stat().st_mtime)
    return [pdf_text(p.read_bytes()) for p in new]


def look(d, name: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing clipped, nothing English on the Vietnamese page."""
    QApplication.processEvents()
    assert untranslated_texts(d.page) == [], name
    assert [describe(w) for w in elided_labels(d.page)] == [], name


# -- finding ---------------------------------------------------------------------------------------

def test_search_without_accents_finds_by_name_phone_cccd_and_code(desk, office):  # type: ignore[no-untyped-def]
    d = desk
    hoa = receive(d, office, HOA)
    thuy = receive(d, office, THUY, at=COUNTER_NOW - timedelta(minutes=30))
    d.page.refresh()
    settle(d)
    assert codes(d) == [thuy.code, hoa.code]  # newest first
    assert shown(d, "dossiers-count") == "2 hồ sơ"

    type_search(d, "do van hoa")  # no accents, đ typed as d
    assert codes(d) == [hoa.code]
    assert cell(d, 0, "applicant") == "Đỗ Văn Hoà · Xác nhận tình trạng hôn nhân"  # clerks see full names
    assert cell(d, 0, "status") == "Đã tiếp nhận"
    type_search(d, "thuy")
    assert codes(d) == [thuy.code]
    type_search(d, "0912 345 678")
    assert codes(d) == [hoa.code]
    type_search(d, "001195067890")
    assert codes(d) == [thuy.code]
    type_search(d, hoa.code.lower())
    assert codes(d) == [hoa.code]
    type_search(d, "nguyen van x")
    assert codes(d) == [] and shown(d, "dossiers-empty").startswith("Không có hồ sơ nào phù hợp")
    look(d, "search-no-match")

    d.qtbot.keyClick(d.page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert d.page.search.hasFocus()


def test_filters_overdue_due_today_and_mine_with_their_counts(desk, office):  # type: ignore[no-untyped-def]
    d = desk
    late = receive(d, office, HOA, at=hanoi(16, 9))  # 3 working days: due Thursday 19/11
    today = receive(d, office, THUY, procedure=CERTIFIED_COPY, at=hanoi(23, 8))  # same day: due 17:00 today
    other = receive(d, office, DUC, clerk="canbo2", counter=2)  # due in the days to come
    d.page.refresh()
    settle(d)
    assert set(codes(d)) == {late.code, today.code, other.code}
    chips = d.page.chips
    assert chips["overdue"].text() == "Quá hạn (1)"
    assert chips["due_today"].text() == "Đến hạn hôm nay (1)"
    assert chips["mine"].text() == "Tôi tiếp nhận (2)"

    row = codes(d).index(late.code)
    assert cell(d, row, "due") == "Quá hạn · 09:00 19/11/2026"  # in words, not only the tint
    assert d.page.rows_model.data(d.page.rows_model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert cell(d, codes(d).index(today.code), "due") == "Đến hạn hôm nay · 17:00 23/11/2026"
    assert "hạn" not in cell(d, codes(d).index(other.code), "due")
    assert cell(d, codes(d).index(other.code), "code") == other.code
    m = d.page.rows_model  # when, where and by whom it was received: in the row's tooltip
    tip = m.data(m.index(codes(d).index(other.code), 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"{other.code}\n08:00 23/11/2026 · Quầy 2\nPhạm Thị Thuỷ")
    look(d, "list")

    click(d, "dossiers-overdue")
    assert codes(d) == [late.code]
    look(d, "filter-overdue")
    click(d, "dossiers-overdue")
    click(d, "dossiers-due-today")
    assert codes(d) == [today.code]
    click(d, "dossiers-due-today")
    click(d, "dossiers-mine")
    assert set(codes(d)) == {late.code, today.code}
    type_search(d, "duc")  # a search keeps the chips: Đức was received by someone else
    assert codes(d) == []
    click(d, "dossiers-mine")
    assert codes(d) == [other.code]
    type_search(d, "")
    d.page.status_box.setCurrentIndex(d.page.status_box.findData("received"))
    settle(d)
    assert len(codes(d)) == 3


def test_the_pane_lets_go_of_a_dossier_the_filters_hide(desk, office):  # type: ignore[no-untyped-def]
    """Left up, the pane of a dossier the list no longer shows takes the clerk's next key."""
    d = desk
    late = receive(d, office, HOA, at=hanoi(16, 9))
    other = receive(d, office, DUC, clerk="canbo2", counter=2)
    d.page.refresh()
    settle(d)
    d.page.table.selectRow(codes(d).index(late.code))
    settle(d)
    assert shown(d, "dossier-code") == f"Hồ sơ {late.code}"
    click(d, "dossiers-overdue")  # still in the list: still shown
    assert codes(d) == [late.code] and shown(d, "dossier-code") == f"Hồ sơ {late.code}"
    click(d, "dossiers-overdue")
    type_search(d, "duc")  # the list now holds only Đức's dossier
    assert codes(d) == [other.code]
    assert shown(d, "dossier-code") == "" and d.page.view is None
    assert shown(d, "dossier-placeholder").startswith("Chọn một hồ sơ")
    assert not d.page.buttons["send_to_processing"].isEnabled()
    press(d, Qt.Key.Key_1, CTRL)  # the key of the dossier no longer shown does nothing
    assert d.page.dialog is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_at_1600x900_the_status_list_shows_its_whole_text_and_rows_keep_to_one_line(  # type: ignore[no-untyped-def]
        qtbot, window, lang):  # noqa: F811
    """The desk window as the clerk has it, an office's real counts (two, three and four
    digits): the status list was cut ("Mọi trạng thái (84") and rows wrapped."""
    from counter.dossiers import tour

    sign_in(qtbot, window, "canbo1", PASSWORD, counter=1)
    set_language(lang)
    window.toggle_language()
    window.toggle_language()  # every screen drawn in ``lang``
    window.open_page("dossiers")
    window.tasks.wait_idle()
    page = window.nav.current
    tour.show_detail(page, "received")
    QApplication.processEvents()
    box = page.status_box
    box.blockSignals(True)  # looking at each choice, not asking the database for it
    for i in range(box.count()):  # whichever choice is shown, its words fit
        box.setCurrentIndex(i)
        QApplication.processEvents()
        assert box.sizeHint().width() <= box.width(), (box.currentText(), box.sizeHint().width(), box.width())
        assert box.fontMetrics().horizontalAdvance(box.currentText()) < box.width() - 30, box.currentText()
    box.setCurrentIndex(0)
    box.blockSignals(False)
    assert box.itemText(0) in ("Mọi trạng thái (1685)", "All statuses (1685)")
    table, model = page.table, page.rows_model
    assert model.rowCount() == 5
    line = table.fontMetrics().height()
    for row in range(model.rowCount()):
        assert table.rowHeight(row) < 2 * line, row  # one line a row
        for column in range(model.columnCount()):
            assert "\n" not in model.data(model.index(row, column)), (row, column)
    for column in ("code", "status", "due"):  # the short columns are never cut
        i = RowsModel.COLUMNS.index(column)
        assert table.columnWidth(i) >= table.sizeHintForColumn(i), column
    assert [describe(w) for w in elided_labels(window)] == []  # the chips and the dossier's pane fit too
    assert window.size().width() == 1600 and window.size().height() == 900


# -- a dossier's life -------------------------------------------------------------------------------

def test_the_whole_life_of_a_dossier_through_the_page(desk, office, tmp_path):  # type: ignore[no-untyped-def]
    d = desk
    info = receive(d, office, HOA)
    d.page.refresh()
    settle(d)
    type_search(d, "van hoa")
    choose(d, info.code)
    assert shown(d, "dossier-status") == "Đã tiếp nhận"
    enabled = {a for a, b in d.page.buttons.items() if b.isEnabled()}
    assert enabled == {"send_to_processing", "request_supplement", "handle_at_desk", "reschedule", "reject",
                       "withdraw", "control_slip", "receipt"}
    # the moves its status does not allow are not shown at all (their keys say why)
    assert {a for a, b in d.page.buttons.items() if b.isVisibleTo(d.page)} == enabled
    look(d, "received")

    # to processing (Ctrl+1), with a note; the control slip goes with it
    press(d, Qt.Key.Key_1, CTRL)
    dialog(d).note.setText("Chuyển cán bộ tư pháp")
    look(d, "dialog-send")
    ok(d)
    assert status_of(d, info.id).status == "in_processing"
    assert d.page.dialog is None
    assert shown(d, "dossier-status") == "Đang xử lý"
    assert "đã được chuyển xử lý" in shown(d, "dossiers-message")
    click(d, "dossier-control-slip")
    [slip] = print_all(d, tmp_path)
    flat = " ".join(slip.split())
    assert info.code in slip.replace("\n", "") and "Chuyển cán bộ tư pháp" in flat

    # request a supplement: every item at once, form 02 lists them all
    click(d, "dossier-request-supplement")
    ok(d)  # nothing listed: the dialog says so and stays
    assert "mỗi dòng một" in dialog(d).message.text()
    dialog(d).items.setPlainText("Bản sao giấy khai sinh có chứng thực\n\nẢnh 4x6 nền trắng\n")
    look(d, "dialog-supplement")
    ok(d)
    row = status_of(d, info.id)
    assert row.status == "needs_supplement" and row.due_at is None  # the clock stops
    assert "thời hạn tạm dừng" in shown(d, "dossier-dates")
    [form02] = print_all(d, tmp_path)
    form02 = " ".join(form02.split())
    assert "Bản sao giấy khai sinh có chứng thực" in form02 and "Ảnh 4x6 nền trắng" in form02
    assert "Đã in" in shown(d, "dossiers-printing")
    look(d, "needs-supplement")

    # two days later the citizen brings them: the time counts again from zero
    old_due = info.due_at
    d.clock.now = hanoi(25, 9)
    press(d, Qt.Key.Key_3, CTRL)
    ok(d)
    row = status_of(d, info.id)
    assert row.status == "received" and row.due_at is not None and row.due_at > old_due
    assert row.clock_started_at == d.clock.now
    new_due = row.due_at

    press(d, Qt.Key.Key_1, CTRL)
    ok(d)
    assert status_of(d, info.id).status == "in_processing"

    # reschedule once (form 04); the second time is refused in words
    press(d, Qt.Key.Key_7, CTRL)
    dlg = dialog(d)
    assert isinstance(dlg, RescheduleDialog)
    dlg.set_new_due(hanoi(2, 16, month=12))
    ok(d)
    assert "lý do" in dialog(d).message.text()
    dialog(d).reason.setPlainText("Cần xác minh thêm với nơi cư trú trước đây")
    look(d, "dialog-reschedule")
    ok(d)
    row = status_of(d, info.id)
    assert row.reschedule_count == 1 and row.due_at == hanoi(2, 16, month=12) and row.due_at != new_due
    [form04] = print_all(d, tmp_path)
    form04 = " ".join(form04.split())
    assert "Cần xác minh thêm với nơi cư trú trước đây" in form04 and "02/12/2026" in form04
    assert "hẹn lại một lần" in shown(d, "dossier-status")

    press(d, Qt.Key.Key_7, CTRL)
    assert d.page.dialog is None
    assert "đã được hẹn lại một lần" in shown(d, "dossiers-message")
    look(d, "already-rescheduled")
    with pytest.raises(DomainError, match="chỉ cho phép hẹn lại một lần") as refused:
        model.reschedule(d.ctx, info.id, hanoi(3, 16, month=12), "Lần hai")
    assert refused.value.code == "already_rescheduled"
    assert status_of(d, info.id).due_at == hanoi(2, 16, month=12)

    # the result comes back
    d.clock.now = hanoi(1, 10, month=12)
    press(d, Qt.Key.Key_4, CTRL)
    ok(d)
    assert status_of(d, info.id).status == "ready"

    # the citizen's proxy comes with the receipt: its QR is scanned into the search box
    d.page.leave()
    d.page.enter()
    settle(d)
    assert d.page.view is None
    with d.ctx.db.read() as s:
        qr = receipt_content(s, info.id, signer=d.ctx.signer(s), tracking_host=d.ctx.tracking_host,
                             now=COUNTER_NOW).qr_text
    assert qr.startswith("HTTPS://MOTCUA.HANOI.GOV.VN/T/")
    type_search(d, qr, enter=True)
    assert d.page.view is not None and d.page.view.id == info.id, shown(d, "dossiers-message")
    assert codes(d) == [info.code]
    assert shown(d, "dossier-status") == "Đã có kết quả · đã hẹn lại một lần"
    press(d, Qt.Key.Key_6, CTRL)
    dlg = dialog(d)
    assert isinstance(dlg, ReturnDialog)
    dlg.by_proxy.setChecked(True)
    ok(d)
    assert "họ tên người được ủy quyền" in dialog(d).message.text().lower()
    dlg.proxy_name.setText("Trần Thị Lan")
    dlg.proxy_id.setText("001195000111")
    dlg.fee.setText("3000")
    look(d, "dialog-return")
    ok(d)
    row = status_of(d, info.id)
    assert (row.status, row.returned_to, row.fee_paid_vnd) == ("returned", "Trần Thị Lan", 3000)
    assert {a for a, b in d.page.buttons.items() if b.isEnabled()} == {"control_slip", "receipt"}
    history = [d.page.detail.history.item(i).text() for i in range(d.page.detail.history.count())]
    assert len(history) == 8
    assert "Trần Thị Lan" in history[-1] and "001195000111" in history[-1]
    clerk = d.ctx.staff.full_name
    assert all(f"{clerk}, quầy 1" in h.split("\n")[0] for h in history)
    look(d, "returned")

    # every move in the audit log, with the clerk's name
    with d.ctx.db.read() as s:
        audit = s.execute(select(AuditLog.action, AuditLog.actor).where(AuditLog.entity_id == info.id)
                          .order_by(AuditLog.id)).all()
    assert [a for a, who in audit if a != "receive"] == [
        "send_to_processing", "print_control_slip", "request_supplement", "supplement_received",
        "send_to_processing", "reschedule", "result_back", "return_result"]
    assert {who for a, who in audit if a != "receive"} == {clerk}


def test_a_refusal_prints_form_03_with_the_reason(desk, office, tmp_path):  # type: ignore[no-untyped-def]
    d = desk
    info = receive(d, office, THUY)
    d.page.refresh()
    settle(d)
    choose(d, info.code)
    press(d, Qt.Key.Key_8, CTRL)
    ok(d)
    assert "lý do từ chối" in dialog(d).message.text().lower()
    look(d, "dialog-reject-empty")
    dialog(d).reason.setPlainText("Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường")
    ok(d)
    row = status_of(d, info.id)
    assert row.status == "rejected" and row.result_note.startswith("Hồ sơ không thuộc thẩm quyền")
    [form03] = print_all(d, tmp_path)
    form03 = " ".join(form03.split())
    assert "Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường" in form03 and info.code in form03
    with d.ctx.db.read() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.document == "refusal")).one()
        audit = s.scalars(select(AuditLog).where(AuditLog.entity_id == info.id, AuditLog.action == "reject")).one()
    assert job.ref_id == info.id and job.state == "done"
    assert audit.actor == d.ctx.staff.full_name
    assert shown(d, "dossier-status") == "Từ chối"
    assert {a for a, b in d.page.buttons.items() if b.isEnabled()} == {"control_slip", "receipt"}
    look(d, "rejected")


def test_a_withdrawal_needs_the_reason_and_a_stale_page_is_told(desk, office):  # type: ignore[no-untyped-def]
    d = desk
    info = receive(d, office, HOA)
    d.page.refresh()
    settle(d)
    choose(d, info.code)
    press(d, Qt.Key.Key_9, CTRL)
    ok(d)
    assert d.page.dialog is not None  # no reason: stays open
    dialog(d).reason.setPlainText("Công dân xin rút hồ sơ")
    ok(d)
    assert status_of(d, info.id).status == "withdrawn"

    # another desk moved this dossier meanwhile: the move is refused and the page catches up
    other = receive(d, office, THUY)
    d.page.refresh()
    settle(d)
    choose(d, other.code)
    with d.ctx.db.write() as s:
        from local_db.ops.dossier_moves import send_to_processing
        send_to_processing(s, office.actor("canbo2"), other.id, now=d.clock.now)
    press(d, Qt.Key.Key_5, CTRL)  # settled at the desk: allowed only from "received"
    ok(d)
    assert "thay đổi" in dialog(d).message.text()
    dialog(d).reject()
    settle(d)
    assert d.page.view is not None and d.page.view.status == "in_processing"


def test_scanning_something_else_than_a_receipt_is_refused_plainly(desk, office):  # type: ignore[no-untyped-def]
    d = desk
    info = receive(d, office, HOA)
    with d.ctx.db.read() as s:
        qr = receipt_content(s, info.id, signer=d.ctx.signer(s), tracking_host=d.ctx.tracking_host,
                             now=COUNTER_NOW).qr_text
    token = qr.rsplit("/", 1)[1]
    forged = qr[:-10] + ("A" if qr[-10] != "A" else "B") + qr[-9:]
    type_search(d, forged, enter=True)
    assert d.page.view is None
    assert "bị sửa" in shown(d, "dossiers-message") or "hỏng" in shown(d, "dossiers-message")
    assert d.page.search.text() == ""
    look(d, "scan-forged")
    from core.tokens import TicketToken

    with d.ctx.db.read() as s:
        ticket_qr = d.ctx.signer(s).sign(TicketToken(
            entity_id=info.id, office_code=d.ctx.office_code, issued_at=COUNTER_NOW, ticket_code="A001",
            day=COUNTER_NOW.astimezone(OFFICE_TZ).date()))
    with pytest.raises(DomainError, match="không phải giấy biên nhận"):
        model.find_by_scan(d.ctx, ticket_qr)
    assert model.find_by_scan(d.ctx, token).id == info.id  # the bare token (a scanner without the URL)


# Every state of this page's tour_states(), in both languages, is looked at once, in the whole
# desk window with its side column (narrower than this page alone) and on the demo office: no
# English on a Vietnamese screen, nothing clipped, no target under the desk minimum, nothing
# blank, the window still 1600x900 — tests/counter/test_counter_tour.py.


def test_leaving_the_page_forgets_the_search_the_dossier_and_an_open_dialog(desk, office):  # type: ignore[no-untyped-def]
    """Personal data does not wait on screen for the next person at the desk."""
    d = desk
    info = receive(d, office, HOA)
    d.page.refresh()
    settle(d)
    type_search(d, "hoa")
    choose(d, info.code)
    press(d, Qt.Key.Key_8, CTRL)
    dialog(d).reason.setPlainText("Lý do đang gõ dở")
    d.page.leave()
    settle(d)
    assert d.page.dialog is None and d.page.view is None and d.page.search.text() == ""
    assert not shown(d, "dossier-facts") and not shown(d, "dossier-dates")
    d.page.enter()
    settle(d)
    assert codes(d) == [info.code] and d.page.view is None
