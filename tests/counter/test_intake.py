"""The intake wizard as a clerk uses it: the keyboard, a USB scanner reading the ID card,
a real office database behind it (SQLite and PostgreSQL), the paper that comes out."""

from __future__ import annotations

from datetime import UTC
from types import SimpleNamespace

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from sqlalchemy import select

from core.i18n import set_language
from core.tokens import ReceiptToken, Result, extract_token, verify
from counter.intake import model
from counter.intake.view import IntakeScreen
from local_db.models import Dossier, IntakeDraft, PrintJob
from local_db.ops.signing import office_key_ring
from printing.spool import PrintWorker
from tests.counter.conftest import COUNTER_NOW
from tests.support.pdf_tools import pdf_text, qr_texts, rasterise
from ui.app import make_app
from ui.inspect import describe, elided_labels, untranslated_texts
from ui.screen import Navigator, Screen
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme
from tests.support.dialects import BOTH_DATABASES

ID_QR = "001090012345|123456789|Nguyễn Văn Hòa|15031990|Nam|Số 5 Đội Cấn, Ba Đình, Hà Nội|10082021"


class Typist:
    """The scanner's clock for a person typing: every key comes 50 ms after the last."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        self.t += 0.05
        return self.t


class Queue(Screen):
    name = "queue"


def build(qtbot, ctx):  # type: ignore[no-untyped-def]
    nav = Navigator()
    tasks = TaskRunner(nav)
    nav.add(Queue())
    screen = IntakeScreen(ctx, tasks)
    screen.scanner.clock = Typist()
    nav.add(screen)
    qtbot.addWidget(nav)
    nav.resize(1600, 900)
    nav.show()
    nav.activateWindow()
    qtbot.waitExposed(nav)
    nav.go("intake")
    tasks.wait_idle()
    return SimpleNamespace(nav=nav, screen=screen, tasks=tasks, ctx=ctx, qtbot=qtbot)


@pytest.fixture
def desk(qtbot, counter_ctx):  # type: ignore[no-untyped-def]
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    d = build(qtbot, counter_ctx)
    yield d
    if shiboken6.isValid(d.screen):
        d.screen.leave()
        d.tasks.wait_idle()
    set_language("vi")


def settle(d) -> None:  # type: ignore[no-untyped-def]
    """Let held keys go (the scanner releases a person's keys after a few ms) and tasks finish."""
    d.qtbot.waitUntil(lambda: not d.screen.scanner.detector.holding, timeout=2000)
    d.tasks.wait_idle()


def type_in(d, text: str) -> None:  # type: ignore[no-untyped-def]
    d.qtbot.keyClicks(d.nav.focusWidget(), text)
    settle(d)


def key(d, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    settle(d)
    d.qtbot.keyClick(d.nav.focusWidget() or d.screen, k, modifier)
    settle(d)


def scan(d, text: str) -> None:  # type: ignore[no-untyped-def]
    """A USB scanner: the whole code in a burst of keys (no time between them), then Enter."""
    settle(d)
    clock = d.screen.scanner.clock
    d.screen.scanner.clock = lambda: 5000.0
    target = d.nav.focusWidget() or d.screen
    for ch in text + "\r":  # QTest cannot type Vietnamese letters; a scanner's key events can
        code = Qt.Key.Key_Return if ch == "\r" else (ord(ch.upper()) if ord(ch) < 128 else 0)
        QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier, ch))
    d.screen.scanner.clock = clock
    settle(d)


def shown(d, name: str) -> str:
    w = d.screen.findChild(QLabel, name)
    return w.text() if w is not None and w.isVisibleTo(d.screen) else ""


def field(d, name: str) -> QLineEdit:
    return d.screen.findChild(QLineEdit, f"intake-{name}")


def look(d, name: str) -> None:  # type: ignore[no-untyped-def]
    """What a careful look would notice: no English left, nothing clipped."""
    d.tasks.wait_idle()
    assert untranslated_texts(d.screen) == [], name
    assert [describe(w) for w in elided_labels(d.screen)] == [], name


def test_a_simple_intake_by_keyboard_prints_a_receipt_with_a_tracking_qr(desk, tmp_path):  # type: ignore[no-untyped-def]
    d = desk
    assert d.screen.procedure.search.hasFocus()
    look(d, "1-procedure")
    type_in(d, "xac nhan hon nhan")
    assert d.screen.procedure.current().name == "Xác nhận tình trạng hôn nhân"
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "documents"
    assert "Xác nhận tình trạng hôn nhân" in shown(d, "intake-documents-procedure")
    look(d, "2-documents")
    key(d, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # every paper brought
    assert shown(d, "intake-documents-summary") == "Đã đủ các giấy tờ bắt buộc."
    key(d, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert d.screen.state.step == "applicant" and field(d, "full_name").hasFocus()

    scan(d, ID_QR)
    assert field(d, "full_name").text() == "Nguyễn Văn Hòa"
    assert field(d, "cccd").text() == "001090012345"
    assert field(d, "birth_date").text() == "15/03/1990"
    assert "Nguyễn Văn Hòa" in shown(d, "intake-scan-message")
    assert field(d, "phone").hasFocus()  # the card has no phone: the cursor waits there
    type_in(d, "0912 345 678")
    look(d, "3-applicant")
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "preview"
    d.qtbot.waitUntil(lambda: d.screen.preview_info is not None)
    assert shown(d, "intake-fee") == "Lệ phí: 3.000 đ"
    assert shown(d, "intake-due") == "Hạn trả kết quả: 09:00 ngày 27/11/2026"  # 3 working days, 24/11 is a holiday
    look(d, "4-preview")
    key(d, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert d.screen.state.step == "done"
    code = shown(d, "intake-done-code")
    with d.ctx.db.read() as s:
        dossier = s.scalars(select(Dossier)).one()
        job = s.scalars(select(PrintJob)).one()
        ring = office_key_ring(s, d.ctx.office_code)
        assert s.scalars(select(IntakeDraft)).all() == []  # deleted with the save
    assert (dossier.code, dossier.status, job.document, job.ref_id, job.state) == (
        code, "received", "receipt", dossier.id, "queued")
    look(d, "5-done")

    worker = PrintWorker(d.ctx.db, d.ctx.device_id, d.ctx.printer, tmp_path / "pdf", on_change=d.screen.on_print_event)
    assert worker.run_once(COUNTER_NOW) == 1
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    assert pdf.name == f"giay-tiep-nhan_{code}.pdf"  # the IT person finds it by the dossier's code
    # The clerk is told where the paper went (here the PDF printer's folder), not only that it printed.
    d.qtbot.waitUntil(lambda: shown(d, "intake-print-status") == f"Đã in giấy tiếp nhận. Đã gửi tới tệp {pdf}.")
    text = pdf_text(pdf.read_bytes())
    assert code in text and "Nguyễn Văn Hòa" in text
    qrs = [q for q in qr_texts(rasterise(pdf.read_bytes(), dpi=200)) if q.startswith("HTTPS://")]
    assert len(qrs) == 1 and qrs[0].startswith("HTTPS://MOTCUA.HANOI.GOV.VN/T/")
    check = verify(extract_token(qrs[0]), ring, office_code=d.ctx.office_code, now=COUNTER_NOW)
    assert check.result is Result.VALID and isinstance(check.token, ReceiptToken)
    assert check.token.entity_id == dossier.id


def to_applicant(d, words: str = "xac nhan hon nhan") -> None:  # type: ignore[no-untyped-def]
    type_in(d, words)
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "documents"


def test_missing_documents_print_form_02_listing_every_one_and_receive_nothing(desk, tmp_path):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    type_in(d, "1")  # the declaration: one original; the ID paper is not brought
    key(d, Qt.Key.Key_Tab)
    assert "Giấy tờ tùy thân" in shown(d, "intake-documents-summary")
    key(d, Qt.Key.Key_Return)
    scan(d, ID_QR)
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "preview"
    d.qtbot.waitUntil(lambda: d.screen.preview_info is not None)
    assert "Giấy tờ tùy thân" in shown(d, "intake-preview-missing")
    assert d.screen.save_button.text() == "In phiếu yêu cầu bổ sung (Ctrl+S)"
    look(d, "4b-preview-missing")
    d.qtbot.mouseClick(d.screen.save_button, Qt.MouseButton.LeftButton)
    settle(d)
    assert d.screen.state.step == "done"
    assert "Chưa tiếp nhận" in shown(d, "intake-done-title")
    look(d, "5b-done-supplement")
    with d.ctx.db.read() as s:
        assert s.scalars(select(Dossier)).all() == []
        assert s.scalars(select(IntakeDraft)).all() == []
        job = s.scalars(select(PrintJob)).one()
    assert job.document == "supplement_request"
    worker = PrintWorker(d.ctx.db, d.ctx.device_id, d.ctx.printer, tmp_path / "pdf", on_change=d.screen.on_print_event)
    worker.run_once(COUNTER_NOW)
    assert shown(d, "intake-print-status").startswith("Đã in phiếu yêu cầu bổ sung. Đã gửi tới tệp ")
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    text = " ".join(pdf_text(pdf.read_bytes()).split())
    assert "Giấy tờ tùy thân" in text and "Nguyễn Văn Hòa" in text
    assert "Tờ khai cấp giấy xác nhận tình trạng hôn nhân" not in text  # brought: not asked again


def test_a_draft_survives_the_screen_and_is_offered_back_with_every_field(qtbot, desk):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    key(d, Qt.Key.Key_Return)
    type_in(d, "Tran Thi Mai")
    key(d, Qt.Key.Key_Tab)
    type_in(d, "001190012345")
    d.screen.drafts.timer.timeout.emit()  # what a second without typing does
    settle(d)
    d.screen.hide()
    d.screen.deleteLater()  # the screen is gone (a crash, a close): nothing was saved on purpose
    qtbot.waitUntil(lambda: not shiboken6.isValid(d.screen))

    again = build(qtbot, d.ctx)
    offer = again.screen.findChild(QLabel, "intake-draft-0")
    assert offer is not None and offer.isVisible()
    assert "Xác nhận tình trạng hôn nhân" in offer.text() and "Tran Thi Mai" in offer.text()
    look(again, "1b-procedure-draft")
    key(again, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    again.tasks.wait_idle()
    assert again.screen.state.step == "applicant"
    assert field(again, "full_name").text() == "Tran Thi Mai"
    assert field(again, "cccd").text() == "001190012345"
    assert again.screen.state.documents[0].originals == 1
    again.screen.leave()
    again.tasks.wait_idle()


def test_a_wrong_cccd_says_what_is_wrong_beside_the_field_and_keeps_the_rest(desk):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    key(d, Qt.Key.Key_Return)
    type_in(d, "Le Van Nam")
    key(d, Qt.Key.Key_Tab)
    type_in(d, "999090012345")
    key(d, Qt.Key.Key_Tab)
    type_in(d, "12345")
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "applicant"
    assert "mã tỉnh" in shown(d, "intake-cccd-error")
    assert "10 chữ số" in shown(d, "intake-phone-error")
    assert field(d, "cccd").hasFocus()
    assert field(d, "full_name").text() == "Le Van Nam"
    look(d, "3b-applicant-errors")
    field(d, "cccd").selectAll()
    type_in(d, "001090012345")
    assert shown(d, "intake-cccd-error") == ""  # gone as soon as the clerk fixes it
    key(d, Qt.Key.Key_Tab)
    field(d, "phone").selectAll()
    type_in(d, "0987654321")
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "preview"


def test_a_scan_that_is_not_an_id_card_says_so_plainly(desk):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_Return)
    scan(d, "HTTPS://MOTCUA.HANOI.GOV.VN/T/ABCDEFGH")
    assert "không phải thẻ căn cước" in shown(d, "intake-scan-message")
    scan(d, ID_QR.replace("15031990", "15031991"))
    assert "Không đọc được chính xác" in shown(d, "intake-scan-message")
    assert shown(d, "intake-status") == ""  # said once, beside the fields, not again at the bottom
    assert field(d, "full_name").text() == ""
    look(d, "3c-applicant-bad-scan")


def test_a_failed_scans_message_goes_when_the_clerk_types_or_a_good_scan_arrives(desk):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_Return)
    scan(d, "HTTPS://MOTCUA.HANOI.GOV.VN/T/ABCDEFGH")
    assert "không phải thẻ căn cước" in shown(d, "intake-scan-message")
    field(d, "full_name").setFocus()
    type_in(d, "Nguyen Van An")  # the clerk gives up on the card and types
    assert shown(d, "intake-scan-message") == ""
    scan(d, "HTTPS://MOTCUA.HANOI.GOV.VN/T/ABCDEFGH")
    assert "không phải thẻ căn cước" in shown(d, "intake-scan-message")
    scan(d, ID_QR)  # the right card this time: the red message gives way to what was read
    message = d.screen.findChild(QLabel, "intake-scan-message")
    assert "không phải thẻ căn cước" not in shown(d, "intake-scan-message")
    assert shown(d, "intake-scan-message").startswith("Đã đọc căn cước") and message.property("role") == "ok"
    assert field(d, "cccd").text() == "001090012345"


def test_a_refusal_prints_form_03_and_receives_nothing(desk, tmp_path):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    key(d, Qt.Key.Key_Return)
    scan(d, ID_QR)
    key(d, Qt.Key.Key_Return)
    key(d, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert d.screen.preview_page.reason.hasFocus()
    key(d, Qt.Key.Key_Return)
    assert "lý do" in shown(d, "intake-refuse-error")
    type_in(d, "Khong thuoc tham quyen")
    look(d, "4c-refuse")
    key(d, Qt.Key.Key_Return)
    assert d.screen.state.step == "done" and shown(d, "intake-done-title") == "Đã in phiếu từ chối"
    with d.ctx.db.read() as s:
        assert s.scalars(select(Dossier)).all() == []
        assert s.scalars(select(PrintJob.document)).one() == "refusal"
    PrintWorker(d.ctx.db, d.ctx.device_id, d.ctx.printer, tmp_path / "pdf").run_once(COUNTER_NOW)
    [pdf] = list((tmp_path / "printed").glob("*.pdf"))
    assert "Khong thuoc tham quyen" in pdf_text(pdf.read_bytes())


def test_a_printer_problem_leaves_the_dossier_saved_and_the_job_waiting(desk, tmp_path):  # type: ignore[no-untyped-def]
    d = desk
    to_applicant(d)
    key(d, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    key(d, Qt.Key.Key_Return)
    scan(d, ID_QR)
    key(d, Qt.Key.Key_Return)
    key(d, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with d.ctx.db.write() as s:
        s.execute(PrintJob.__table__.update().values(printer="cups:NoSuchQueue@127.0.0.1:9"))
    worker = PrintWorker(d.ctx.db, d.ctx.device_id, d.ctx.printer, tmp_path / "pdf", on_change=d.screen.on_print_event)
    worker.run_once(COUNTER_NOW)
    assert "Máy in gặp sự cố" in shown(d, "intake-print-status")
    look(d, "5c-done-print-failed")
    with d.ctx.db.read() as s:
        assert s.scalars(select(Dossier.status)).one() == "received"
        assert s.scalars(select(PrintJob.state)).one() == "failed"


# Every state of this page's tour_states(), in both languages, is looked at once, in the whole
# desk window with its side column (narrower than this page alone) and on the demo office: no
# English on a Vietnamese screen, nothing clipped, no target under the desk minimum, nothing
# blank, the window still 1600x900 — tests/counter/test_counter_tour.py.


# --- SIGKILL in the middle of an intake -------------------------------------------------------


def _intake_until_killed(url: str, printed: str) -> None:
    """The subprocess: a real intake screen on the office database; two steps done, the
    applicant's name typed and autosaved, then it waits to be killed."""
    import sys
    from datetime import datetime

    from counter.context import CounterContext
    from local_db.database import Database
    from local_db.office_settings import get_office
    from local_db.office_setup import ensure_device
    from tests.counter.conftest import staff_info

    db = Database(url)
    with db.write() as s:
        device = ensure_device(s, get_office(s).code, "counter-1", "counter")
        o = get_office(s)
        ctx = CounterContext(db=db, office_code=o.code, device_id=device.id, office_name_vi=o.name_vi,
                             office_name_en=o.name_en, printer="pdf:" + printed, tracking_host="X",
                             counter_number=1, clock=lambda: datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    ctx.staff = staff_info(db, "canbo1")
    app = make_app()
    apply_theme(app, Theme(desk=True))
    nav = Navigator()
    tasks = TaskRunner(nav)
    screen = IntakeScreen(ctx, tasks)
    nav.add(screen)
    nav.show()
    nav.go("intake")
    tasks.wait_idle()
    screen.procedure.search.setText("ket hon")
    screen.next()
    tasks.wait_idle()
    screen.documents.all_received()
    screen.next()
    screen.applicant.edits["full_name"].setText("Phạm Thị Lan")
    screen.drafts.typed()
    screen.drafts.autosave()
    tasks.wait_idle()
    print("SAVED", flush=True)
    sys.stdin.readline()  # killed while waiting here, with the screen open


@BOTH_DATABASES  # a killed process and what its database kept
def test_a_process_killed_in_the_middle_of_an_intake_leaves_its_draft(counter_ctx, tmp_path):  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "tests.counter.test_intake", counter_ctx.db.url,
                             str(tmp_path / "printed")], cwd=root, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()
        assert line == b"SAVED\n", proc.communicate(timeout=30)[1].decode()[-2000:]
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with counter_ctx.db.read() as s:
        [draft] = s.scalars(select(IntakeDraft)).all()
    assert draft.step == "applicant" and draft.data["full_name"] == "Phạm Thị Lan"
    assert draft.data["procedure_code"] == "1.000894"
    [offer] = model.drafts_to_offer(counter_ctx)
    assert offer.applicant_name == "Phạm Thị Lan" and offer.state.documents[0].originals == 1


if __name__ == "__main__":
    import sys

    _intake_until_killed(sys.argv[1], sys.argv[2])
