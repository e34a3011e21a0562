"""The counter window: signing in (and the lockout), the idle lock, signing out, the
status bar that always shows the sync backlog and the printer."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
)
from sqlalchemy import select

from core.i18n import set_language
from counter.app import CounterWindow
from counter.context import CounterContext
from local_db.models import AuditLog, Counter, Office, Outbox, PrintJob
from local_db.ops.print_jobs import enqueue, mark_failed
from local_db.ops.queue import issue_ticket
from tests.support.scans import built_pdf
from ui.app import make_app
from ui.theme import Theme, apply_theme

PASSWORD = "matkhau123"  # the test office's staff password (local_db/office_setup.py)


@pytest.fixture
def window(qtbot, counter_ctx: CounterContext, tmp_path: Path) -> Iterator[CounterWindow]:  # type: ignore[no-untyped-def]
    apply_theme(make_app(), Theme(desk=True))
    counter_ctx.staff = None  # nobody signed in yet
    w = CounterWindow(counter_ctx, pdf_dir=tmp_path / "kept", print_in_background=False, idle_lock_s=3600)
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    w.tasks.wait_idle()
    yield w
    w.shutdown()
    set_language("vi")


def text_of(w: CounterWindow, name: str) -> str:
    found = [x for x in w.findChildren(QLabel, name) + w.findChildren(QPushButton, name) if x.isVisible()]
    return found[0].text() if found else ""


def sign_in(qtbot, w: CounterWindow, username: str, password: str, counter: int | None = None) -> None:  # type: ignore[no-untyped-def]
    user = w.findChild(QLineEdit, "login-username")
    if user.isVisible():
        user.clear()
        qtbot.keyClicks(user, username)
    if counter is not None:
        box = w.findChild(QComboBox, "login-counter")
        box.setCurrentIndex(box.findData(counter))
    pw = w.findChild(QLineEdit, "login-password")
    qtbot.keyClicks(pw, password)
    qtbot.keyClick(pw, Qt.Key.Key_Return)
    w.tasks.wait_idle()


def test_a_clerk_signs_in_at_a_counter_which_opens_and_signs_out_which_closes_it(qtbot, window: CounterWindow):  # type: ignore[no-untyped-def]
    assert window.nav.current.name == "login" and not window.side.isVisible()
    with window.ctx.db.write() as s:
        s.scalars(select(Counter).where(Counter.number == 2)).one().is_open = False  # nobody at it yet
    store = window.ctx.attachments
    left = store.put(built_pdf(1, 3).pdf)  # the scan of yesterday's intake that ended with a form 02
    then = time.time() - 2 * 86400
    os.utime(store.path(left), (then, then))
    sign_in(qtbot, window, "CanBo1 ", PASSWORD, counter=2)  # the name as typed: case and spaces do not matter
    assert not store.has(left)  # tidied at sign-in: no dossier and no draft names it
    assert window.nav.current.name == "queue"
    assert text_of(window, "desk-who").startswith("Quầy 2 · ")
    assert "(Cán bộ tiếp nhận)" in text_of(window, "desk-who")
    assert window.findChild(QLineEdit, "login-password").text() == ""  # no password stays in a widget
    window.tasks.wait_idle()
    with window.ctx.db.read() as s:
        assert s.scalars(select(Counter.is_open).where(Counter.number == 2)).one() is True
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert "login" in actions and "counter_open" in actions

    qtbot.mouseClick(window.findChild(QPushButton, "desk-sign-out"), Qt.MouseButton.LeftButton)
    assert window.nav.current.name == "login" and window.ctx.staff is None
    with window.ctx.db.read() as s:
        assert s.scalars(select(Counter.is_open).where(Counter.number == 2)).one() is False


def test_wrong_password_and_unknown_name_say_the_same_and_five_failures_lock(qtbot, window: CounterWindow):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, "canbo1", "sai-mat-khau")
    wrong = text_of(window, "login-error")
    sign_in(qtbot, window, "khongco", "sai-mat-khau")
    assert text_of(window, "login-error") == wrong != ""
    for _ in range(4):
        sign_in(qtbot, window, "canbo1", "sai-mat-khau")
    sign_in(qtbot, window, "canbo1", PASSWORD)  # the right password, but locked now
    assert window.nav.current.name == "login"
    assert "15" in text_of(window, "login-error") or ":" in text_of(window, "login-error")
    window.ctx.clock.now += timedelta(minutes=16)
    sign_in(qtbot, window, "canbo1", PASSWORD)
    assert window.nav.current.name == "queue"


def test_empty_fields_are_said_before_any_check(qtbot, window: CounterWindow):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.findChild(QLineEdit, "login-password"), Qt.Key.Key_Return)
    assert text_of(window, "login-error") == "Vui lòng nhập tên đăng nhập."
    qtbot.keyClicks(window.findChild(QLineEdit, "login-username"), "canbo1")
    qtbot.keyClick(window.findChild(QLineEdit, "login-password"), Qt.Key.Key_Return)
    assert text_of(window, "login-error") == "Vui lòng nhập mật khẩu."


def test_the_desk_locks_when_left_alone_and_the_clerks_password_resumes_it(qtbot, window: CounterWindow):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, "canbo1", PASSWORD, counter=1)
    window.idle.timeout = 0.3
    window.idle.resume()
    qtbot.waitUntil(lambda: window.nav.current.name == "login" and window.login.locked, timeout=5000)
    assert window.ctx.staff is not None  # still signed in: the work of the page waits
    assert not window.findChild(QLineEdit, "login-username").isVisible()
    sign_in(qtbot, window, "", "sai-mat-khau")
    assert window.nav.current.name == "login" and text_of(window, "login-error")
    window.idle.timeout = 3600
    sign_in(qtbot, window, "", PASSWORD)
    assert window.nav.current.name == "queue"


def test_status_bar_shows_the_sync_backlog_and_a_printer_problem(qtbot, window: CounterWindow, office):  # type: ignore[no-untyped-def]
    from local_db.ops.sync_outbox import record_round

    ctx = window.ctx
    with ctx.db.write() as s:
        issue_ticket(s, office.actor(None), "HT", now=ctx.now() - timedelta(hours=3))
        job = enqueue(s, office_code=ctx.office_code, device_id=ctx.device_id, document="ticket", data={},
                      printer=ctx.printer, now=ctx.now())
        mark_failed(s, job.id, error="hết giấy", now=ctx.now())
    window.refresh_status()
    window.tasks.wait_idle()
    # A fresh office, never enrolled: said plainly, with the way to connect a click away.
    assert text_of(window, "desk-sync") == ("Chưa kết nối máy chủ thành phố · 1 thao tác lưu tại văn phòng · bấm để "
                                            "xem cách kết nối")
    qtbot.mouseClick(window.findChild(QPushButton, "desk-sync"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(QDialog, "sync-dialog")
    how = dialog.findChild(QLabel, "sync-how-to-connect")
    assert how.isVisible()
    assert "motcua sync enroll https://" in how.text() and "motcua sync run" in how.text()
    assert "server_url" in how.text() and "motcua server enroll-code" in how.text()
    dialog.accept()
    dialog.setObjectName("")  # the next one is looked up by its name

    with ctx.db.write() as s:  # enrolled, the link up once, then down: the backlog's age matters now
        s.scalars(select(Office).where(Office.code == office.office_code)).one().enrolled = True
        record_round(s, now=ctx.now() - timedelta(hours=4), online=True, pushed=True, pulled=True)
        record_round(s, now=ctx.now() - timedelta(hours=2), online=False, error="timeout")
    window.refresh_status()
    window.tasks.wait_idle()
    sync = text_of(window, "desk-sync")
    assert sync.startswith("Đang làm việc tại chỗ") and "thao tác chờ gửi" in sync and "3 giờ" in sync
    assert text_of(window, "desk-printer").startswith("Máy in gặp sự cố: hết giấy")
    with ctx.db.read() as s:
        assert s.scalars(select(PrintJob.state)).one() == "failed"

    with ctx.db.write() as s:  # the centre refused one operation, with its reason
        op = s.scalars(select(Outbox).order_by(Outbox.seq)).first()
        op.state, op.last_error = "rejected", "Hồ sơ đã được trả kết quả ở trung tâm"
    window.refresh_status()
    window.tasks.wait_idle()
    assert "1 thao tác bị trung tâm từ chối" in text_of(window, "desk-sync")
    qtbot.mouseClick(window.findChild(QPushButton, "desk-sync"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(QDialog, "sync-dialog")
    rows = dialog.findChild(QTreeWidget, "sync-rejected")
    assert rows.topLevelItemCount() == 1
    assert rows.topLevelItem(0).text(2) == "Hồ sơ đã được trả kết quả ở trung tâm"
    assert rows.topLevelItem(0).text(1).startswith("Số thứ tự · issue")
    dialog.accept()


def test_what_the_sync_agent_saw_reaches_staff_clock_off_and_a_central_change(  # type: ignore[no-untyped-def]
        qtbot, window: CounterWindow, office):
    from local_db.ops.sync_outbox import add_notice, record_round

    ctx = window.ctx
    with ctx.db.write() as s:  # the agent's last round: the centre's clock is a day behind this machine's
        record_round(s, now=ctx.now(), online=True, pushed=True, pulled=True,
                     server_time=ctx.now() - timedelta(days=1))
        add_notice(s, kind="dossier_moved_centrally", entity="dossier", entity_id=uuid.uuid4(), now=ctx.now(),
                   code="000.00.04.H26-261123-0001", status="rejected", local="in_processing")
    window.refresh_status()
    window.tasks.wait_idle()
    sync = text_of(window, "desk-sync")
    assert "đồng hồ máy tính này nhanh 24 giờ" in sync and "1 thay đổi từ trung tâm cần xem" in sync
    qtbot.mouseClick(window.findChild(QPushButton, "desk-sync"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(QDialog, "sync-dialog")
    notices = dialog.findChild(QTreeWidget, "sync-notices")
    assert notices.topLevelItemCount() == 1 and "000.00.04.H26-261123-0001" in notices.topLevelItem(0).text(1)
    dialog.accept()


def test_english_one_click_away(qtbot, window: CounterWindow):  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, "canbo1", PASSWORD, counter=1)
    qtbot.mouseClick(window.findChild(QPushButton, "desk-language"), Qt.MouseButton.LeftButton)
    assert text_of(window, "desk-who").startswith("Counter 1 · ") and "(Clerk)" in text_of(window, "desk-who")
    assert window.findChild(QPushButton, "desk-sign-out").text() == "Sign out"


@pytest.mark.parametrize(("username", "pages"), [
    ("canbo1", ["queue", "intake", "dossiers", "appointments"]),
    ("giamsat", ["queue", "intake", "dossiers", "appointments", "dashboard"]),
    ("admin", ["queue", "intake", "dossiers", "appointments", "dashboard", "admin"]),
])
def test_each_role_sees_only_its_pages_and_a_clerk_cannot_open_the_admin_page(  # type: ignore[no-untyped-def]
        qtbot, window: CounterWindow, username: str, pages: list[str]):
    sign_in(qtbot, window, username, PASSWORD, counter=1)
    shown = [name for name, b in window.page_buttons.items() if b.isVisible()]
    assert shown == pages
    window.open_page("admin")  # a shortcut or a stale button cannot get round it
    assert (window.nav.current.name == "admin") == ("admin" in pages)


def test_the_citizen_being_served_hands_in_papers_f8_opens_the_intake_tied_to_the_ticket(qtbot, window, office):  # type: ignore[no-untyped-def]
    with window.ctx.db.write() as s:
        ticket = issue_ticket(s, office.actor(None), "HT", now=window.ctx.now())
    sign_in(qtbot, window, "canbo1", PASSWORD, counter=1)
    panel = window.nav.current
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F4):  # call, then start serving
        qtbot.keyClick(panel, key)
        window.tasks.wait_idle()
    assert window.findChild(QPushButton, "queue-intake").text() == "Tiếp nhận hồ sơ (F8)"
    qtbot.keyClick(panel, Qt.Key.Key_F8)
    assert window.nav.current.name == "intake"
    assert window.nav.current.state.ticket_id == str(ticket.id)
    assert window.page_buttons["intake"].isChecked()


def test_alt_f4_while_a_number_is_served_asks_first_and_keep_working_keeps_the_counter(  # type: ignore[no-untyped-def]
        qtbot, window, office):
    with window.ctx.db.write() as s:
        issue_ticket(s, office.actor(None), "HT", now=window.ctx.now())
    sign_in(qtbot, window, "canbo1", PASSWORD, counter=1)
    panel = window.nav.current
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F4):  # call, then start serving
        qtbot.keyClick(panel, key)
        window.tasks.wait_idle()
    close = QCloseEvent()  # what the window manager sends for Alt+F4
    QApplication.sendEvent(window, close)
    assert not close.isAccepted() and window.isVisible()
    box = window.findChild(QMessageBox, "desk-close-question")
    assert box.isVisible()
    assert box.text() == ("Số A001 vẫn đang được phục vụ tại quầy này. Vẫn đóng? Quầy 1 sẽ đóng và Nguyễn Văn Hoà "
                          "được đăng xuất.")
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc (or Enter: the default) keeps working
    assert not box.isVisible() and window.isVisible()
    with window.ctx.db.read() as s:
        assert s.scalars(select(Counter.is_open).where(Counter.number == 1)).one()

    assert not window.close()  # asked again
    box = window.findChild(QMessageBox, "desk-close-question")
    qtbot.mouseClick(box.findChild(QPushButton, "desk-close-yes"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
    with window.ctx.db.read() as s:  # the counter closed as the clerk left
        assert not s.scalars(select(Counter.is_open).where(Counter.number == 1)).one()


def test_closing_with_nobody_signed_in_is_immediate(qtbot, window):  # type: ignore[no-untyped-def]
    close = QCloseEvent()
    QApplication.sendEvent(window, close)
    assert close.isAccepted()
    assert window.findChild(QMessageBox, "desk-close-question") is None
