"""The queue panel as a clerk uses it: F-keys and buttons on a real page, the office
database behind it (SQLite and PostgreSQL), the screen and the rows checked after each move."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QPushButton
from sqlalchemy import select

from core.errors import DomainError, NotFound
from core.i18n import set_language
from counter.keys import sequence
from counter.queue import model
from counter.queue.view import QueuePanel
from counter.queue.words import ACTIONS
from local_db.models import AuditLog, Outbox, Ticket
from local_db.ops.counters import set_counter_open
from local_db.ops.queue import call_next as op_call_next
from local_db.ops.queue import issue_ticket, mark_no_show
from local_db.ops.queue import transfer as op_transfer
from local_db.ops.queue_status import counter_state
from ui.app import make_app
from ui.inspect import describe, elided_labels
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme

KEYS = {"call": Qt.Key.Key_F2, "recall": Qt.Key.Key_F3, "start": Qt.Key.Key_F4, "finish": Qt.Key.Key_F5,
        "no_show": Qt.Key.Key_F6, "transfer": Qt.Key.Key_F7, "intake": Qt.Key.Key_F8}


@pytest.fixture
def desk(qtbot, counter_ctx):  # type: ignore[no-untyped-def]
    """The queue panel of counter 1 (clerk canbo1) in a 1600x900 desk window."""
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    nav = Navigator()
    tasks = TaskRunner(nav)
    panel = QueuePanel(counter_ctx, tasks)
    panel.tick_timer.setInterval(20)  # the timer reads the test's clock: no need to wait a second
    nav.add(panel)
    qtbot.addWidget(nav)
    nav.resize(1600, 900)
    nav.show()
    nav.activateWindow()
    qtbot.waitExposed(nav)
    nav.go("queue")
    tasks.wait_idle()
    yield SimpleNamespace(nav=nav, panel=panel, tasks=tasks, ctx=counter_ctx, qtbot=qtbot)
    panel.leave()
    tasks.wait_idle()
    set_language("vi")


def issue(desk, office, service: str, priority: str | None = None, minutes_ago: int = 30):  # type: ignore[no-untyped-def]
    """A citizen takes a ticket at the kiosk some minutes before now; the panel's next
    refresh shows it."""
    with desk.ctx.db.write() as s:
        info = issue_ticket(s, office.actor(None), service, priority_reason=priority,
                            now=desk.ctx.now() - timedelta(minutes=minutes_ago))
    desk.panel.refresh()
    desk.tasks.wait_idle()
    return info


def press(desk, action: str) -> None:  # type: ignore[no-untyped-def]
    """The clerk presses the action's F-key with the page focused, and the move completes."""
    if QApplication.activeWindow() is not desk.nav:  # e.g. back from the transfer dialog
        desk.nav.activateWindow()
        desk.qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.nav, timeout=2000)
    desk.panel.setFocus()
    desk.qtbot.keyClick(desk.panel, KEYS[action])
    desk.tasks.wait_idle()


def tick(desk) -> None:  # type: ignore[no-untyped-def]
    """Wait for the service timer's next tick (it reads the clock the test moved)."""
    with desk.qtbot.waitSignal(desk.panel.tick_timer.timeout, timeout=3000):
        pass


def click(desk, name: str) -> None:  # type: ignore[no-untyped-def]
    [b] = [w for w in desk.nav.findChildren(QPushButton, name) if w.isVisible()]
    desk.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    desk.tasks.wait_idle()


def text(desk, name: str) -> str:  # type: ignore[no-untyped-def]
    found = [w for w in desk.nav.findChildren(QLabel, name) if w.isVisibleTo(desk.nav)]
    return found[0].text() if found else ""


def ticket(ctx, ticket_id) -> Ticket:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        t = s.get(Ticket, ticket_id)
        s.expunge(t)
        return t


def enabled(desk) -> set[str]:  # type: ignore[no-untyped-def]
    return {action for action, b in desk.panel.buttons.items() if b.isEnabled()}


# -- calling -------------------------------------------------------------------------------------

def test_f2_calls_the_priority_citizen_first_and_records_counter_and_clerk(desk, office):  # type: ignore[no-untyped-def]
    normal = issue(desk, office, "HT", minutes_ago=40)
    elderly = issue(desk, office, "HT", "elderly", minutes_ago=20)
    assert text(desk, "queue-waiting-total") == "2 công dân đang chờ"
    assert text(desk, "queue-waiting-HT") == "2" and text(desk, "queue-priority-HT") == "1"
    assert enabled(desk) == {"call"}

    press(desk, "call")

    assert text(desk, "queue-number") == elderly.code == "A002"
    assert text(desk, "queue-service") == "Hộ tịch"
    assert text(desk, "queue-priority") == "Ưu tiên: Người cao tuổi"
    assert text(desk, "queue-caption") == "Đã gọi — đang chờ công dân đến quầy"
    assert text(desk, "queue-times") == "Gọi lúc 09:00 · đã gọi 1 lần"
    assert text(desk, "queue-waiting-total") == "1 công dân đang chờ"
    assert enabled(desk) == {"recall", "start", "no_show", "transfer"}
    t = ticket(desk.ctx, elderly.id)
    assert (t.status, t.counter_id, t.staff_id, t.call_count) == (
        "called", office.counters[1], office.staff["canbo1"], 1)
    assert ticket(desk.ctx, normal.id).status == "waiting"
    with desk.ctx.db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.entity_id == elderly.id, AuditLog.action == "call")).one()
        assert (audit.staff_id, audit.actor) == (office.staff["canbo1"], "Nguyễn Văn Hoà")
        out = s.scalars(select(Outbox).where(Outbox.entity_id == elderly.id, Outbox.op_type == "call")).one()
        assert (out.from_state, out.to_state, out.payload["counter_number"]) == ("waiting", "called", 1)


def test_recall_start_timer_and_finish_round(desk, office, clock):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "TK")
    press(desk, "call")
    clock.now += timedelta(seconds=45)
    tick(desk)
    assert text(desk, "queue-timer") == "00:45"
    assert text(desk, "queue-timer-caption") == "Thời gian từ lúc gọi"

    press(desk, "recall")
    assert ticket(desk.ctx, t.id).call_count == 2
    assert text(desk, "queue-times") == "Gọi lúc 09:00 · đã gọi 2 lần"

    press(desk, "start")
    assert ticket(desk.ctx, t.id).status == "serving"
    assert text(desk, "queue-caption") == "Đang tiếp nhận"
    assert text(desk, "queue-times") == "Bắt đầu tiếp nhận lúc 09:00"
    assert enabled(desk) == {"finish", "transfer", "intake"}  # serving: the papers can be taken in
    assert text(desk, "queue-timer") == "00:00"  # the service time counts from the start of service
    clock.now += timedelta(minutes=3, seconds=25)
    tick(desk)
    assert text(desk, "queue-timer") == "03:25"
    assert text(desk, "queue-timer-caption") == "Thời gian tiếp nhận"
    clock.now += timedelta(hours=1)
    tick(desk)
    assert text(desk, "queue-timer") == "1:03:25"

    press(desk, "finish")
    done = ticket(desk.ctx, t.id)
    assert done.status == "done" and done.finished_at is not None
    assert text(desk, "queue-number") == "—"
    assert text(desk, "queue-message") == "Đã hoàn thành số E001."
    assert desk.panel.message.property("role") == "ok"
    assert enabled(desk) == {"call"}


def test_absent_citizen_is_marked_no_show(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT")
    press(desk, "call")
    press(desk, "no_show")
    assert ticket(desk.ctx, t.id).status == "no_show"
    assert text(desk, "queue-message") == "Đã ghi nhận số A001 vắng mặt."
    assert text(desk, "queue-number") == "—"
    set_language("en")  # the clerk switches language: the page, its message too
    desk.nav.retranslate()
    assert text(desk, "queue-message") == "Ticket A001 was marked absent."
    assert text(desk, "queue-caption") == "No ticket at the desk"


def test_keys_that_do_not_apply_do_nothing(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT")
    for action in ("recall", "start", "finish", "no_show", "transfer"):
        press(desk, action)  # nothing at the desk yet
    assert ticket(desk.ctx, t.id).status == "waiting" and desk.panel.dialog is None
    press(desk, "call")
    press(desk, "finish")  # not serving yet
    assert ticket(desk.ctx, t.id).status == "called"


def test_f2_with_a_ticket_still_open_is_refused_and_says_which(desk, office):  # type: ignore[no-untyped-def]
    first = issue(desk, office, "HT", minutes_ago=40)
    second = issue(desk, office, "HT", minutes_ago=30)
    press(desk, "call")
    assert not desk.panel.buttons["call"].isEnabled()

    press(desk, "call")  # out of habit

    assert text(desk, "queue-message") == ("Số A001 vẫn đang mở tại quầy này. Hãy hoàn thành, ghi nhận vắng mặt "
                                           "hoặc chuyển số này trước khi gọi số tiếp theo.")
    assert desk.panel.message.property("role") == "error"
    assert text(desk, "queue-number") == "A001"
    assert (ticket(desk.ctx, first.id).status, ticket(desk.ctx, second.id).status) == ("called", "waiting")
    press(desk, "start")
    with pytest.raises(DomainError) as refused:  # the same refusal without the page (serving, too)
        model.call_next(desk.ctx)
    assert refused.value.code == "counter_busy" and "A001" in refused.value.message
    press(desk, "finish")
    press(desk, "call")
    assert text(desk, "queue-number") == "A002" and text(desk, "queue-message") == ""


def test_nobody_waiting_says_so(desk):  # type: ignore[no-untyped-def]
    assert text(desk, "queue-waiting-total") == "Không có ai đang chờ"
    press(desk, "call")
    assert text(desk, "queue-message") == "Hiện không có công dân nào chờ tại quầy này."
    assert desk.panel.message.property("role") == "info"
    assert text(desk, "queue-number") == "—"


def test_counts_refresh_by_themselves_and_the_nobody_message_goes(desk, office):  # type: ignore[no-untyped-def]
    press(desk, "call")
    desk.panel.refresh()
    desk.tasks.wait_idle()
    assert text(desk, "queue-message") == "Hiện không có công dân nào chờ tại quầy này."  # still true
    with desk.ctx.db.write() as s:  # a citizen takes a ticket at the kiosk meanwhile
        issue_ticket(s, office.actor(None), "TK", priority_reason="pregnant", now=desk.ctx.now())
    desk.panel.refresh_timer.setInterval(50)
    desk.qtbot.waitUntil(lambda: text(desk, "queue-waiting-TK") == "1", timeout=5000)
    desk.tasks.wait_idle()
    assert text(desk, "queue-priority-TK") == "1"
    assert text(desk, "queue-waiting-total") == "1 công dân đang chờ"
    assert text(desk, "queue-message") == ""


def test_panel_state_lists_this_counters_queues_and_the_open_counters_to_send_to(counter_ctx, office):  # type: ignore[no-untyped-def]
    with counter_ctx.db.write() as s:
        set_counter_open(s, office.actor("admin"), 3, False, now=counter_ctx.now())
        for code in ("HT", "CT", "CT"):
            issue_ticket(s, office.actor(None), code, now=counter_ctx.now() - timedelta(minutes=5))
    state = model.panel(counter_ctx)
    assert [(s.code, s.waiting) for s in state.services] == [("HT", 1), ("TK", 0)]
    assert [(s.code, s.waiting) for s in state.transfer_services] == [
        ("HT", 1), ("CT", 2), ("KD", 0), ("XH", 0), ("TK", 0)]
    assert [(c.number, c.service_codes, c.waiting, c.is_open) for c in state.transfer_counters] == [
        (2, ("HT", "CT"), 3, True), (4, ("HT", "KD", "XH"), 1, True),
        (3, ("CT", "KD", "TK"), 2, False)]  # not this one; the closed 3 last, marked closed
    assert state.current is None and state.can_call and not state.can_transfer
    set_language("en")
    try:
        assert state.services[0].name == "Civil status"  # the language of the moment it is read
    finally:
        set_language("vi")
    assert state.services[0].name == "Hộ tịch"


# -- transfer ----------------------------------------------------------------------------------------

def test_transfer_to_another_service_with_a_note(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT", minutes_ago=40)
    issue(desk, office, "HT", minutes_ago=30)
    press(desk, "call")
    press(desk, "transfer")
    dialog = desk.panel.dialog
    assert dialog is not None and dialog.isVisible()
    services = dialog.findChild(QListWidget, "transfer-services")
    codes = [services.item(i).data(Qt.ItemDataRole.UserRole) for i in range(services.count())]
    assert codes == ["CT", "KD", "XH", "TK"]  # not the queue it is in already
    ok = dialog.findChild(QPushButton, "transfer-ok")
    assert not ok.isEnabled()
    services.setCurrentRow(codes.index("CT"))
    assert ok.isEnabled()
    dialog.note.setText("Cần chứng thực bản sao trước")  # typed with a Vietnamese input method
    desk.qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    desk.tasks.wait_idle()

    moved = ticket(desk.ctx, t.id)
    assert (moved.status, moved.queue_service_id, moved.counter_id, moved.note) == (
        "waiting", office.services["CT"], None, "Cần chứng thực bản sao trước")
    assert desk.panel.dialog is None
    assert text(desk, "queue-message") == "Đã chuyển số A001 sang hàng chờ Chứng thực."
    assert text(desk, "queue-number") == "—"
    assert text(desk, "queue-waiting-HT") == "1"  # counter 1 does not serve CT: only A002 is left
    with desk.ctx.db.read() as s:  # counter 2 (HT, CT) now has both
        assert counter_state(s, office.office_code, 2, now=desk.ctx.now()).waiting_by_service == {"HT": 1, "CT": 1}


def test_transfer_to_a_counter_and_cancel(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT")
    press(desk, "call")
    press(desk, "start")
    click(desk, "queue-transfer")
    dialog = desk.panel.dialog
    counters = dialog.findChild(QListWidget, "transfer-counters")
    numbers = [counters.item(i).data(Qt.ItemDataRole.UserRole) for i in range(counters.count())]
    assert numbers == [2, 3, 4]
    assert counters.item(0).text() == "Quầy 2 · 0 đang chờ\nHộ tịch, Chứng thực"
    click(desk, "transfer-cancel")
    assert desk.panel.dialog is None and ticket(desk.ctx, t.id).status == "serving"

    press(desk, "transfer")
    dialog = desk.panel.dialog
    dialog.findChild(QListWidget, "transfer-services").setCurrentRow(0)
    dialog.findChild(QListWidget, "transfer-counters").setCurrentRow(2)  # one target: the service is dropped
    assert dialog.choice() == (None, 4, "")
    desk.qtbot.keyClick(dialog.findChild(QListWidget, "transfer-counters"), Qt.Key.Key_Return)
    desk.tasks.wait_idle()
    moved = ticket(desk.ctx, t.id)
    assert (moved.status, moved.queue_service_id, moved.target_counter_id) == (
        "waiting", office.services["HT"], office.counters[4])
    assert text(desk, "queue-message") == "Đã chuyển số A001 đến quầy 4."


def test_a_closed_counter_is_marked_and_cannot_be_chosen_nor_sent_to(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT")
    with desk.ctx.db.write() as s:
        set_counter_open(s, office.actor("admin"), 3, False, now=desk.ctx.now())
    with desk.ctx.db.write() as s, pytest.raises(DomainError) as closed:  # the rule, in the operation
        op_transfer(s, office.actor("canbo1"), t.id, to_counter_number=3, now=desk.ctx.now())
    assert closed.value.code == "transfer_counter_closed"
    assert str(closed.value) == "Quầy 3 đang đóng: không thể chuyển số đến đó. Hãy chọn quầy đang mở hoặc một dịch vụ."
    assert ticket(desk.ctx, t.id).target_counter_id is None

    press(desk, "call")
    press(desk, "transfer")
    dialog = desk.panel.dialog
    counters = dialog.findChild(QListWidget, "transfer-counters")
    texts = [counters.item(i).text().split("\n")[0] for i in range(counters.count())]
    assert texts == ["Quầy 2 · 0 đang chờ", "Quầy 4 · 0 đang chờ", "Quầy 3 · đang đóng"]
    counters.setCurrentRow(2)  # a click on the closed counter chooses nothing
    assert dialog.choice() is None and not dialog.findChild(QPushButton, "transfer-ok").isEnabled()

    counters.setCurrentRow(1)  # counter 4, open when the dialog was drawn, closes meanwhile
    with desk.ctx.db.write() as s:
        set_counter_open(s, office.actor("admin"), 4, False, now=desk.ctx.now())
    click(desk, "transfer-ok")
    desk.tasks.wait_idle()
    assert ticket(desk.ctx, t.id).status == "called"  # still at this desk
    assert "Quầy 4 đang đóng" in text(desk, "queue-message")


def test_a_ticket_sent_here_shows_where_from_and_the_note(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "CT")  # counter 1 does not serve CT
    with desk.ctx.db.write() as s:
        op_call_next(s, office.actor("canbo2"), 2, now=desk.ctx.now() - timedelta(minutes=10))
        op_transfer(s, office.actor("canbo2"), t.id, to_counter_number=1, note="Cần trả kết quả hồ sơ cũ",
                    now=desk.ctx.now() - timedelta(minutes=5))
    desk.panel.refresh()
    desk.tasks.wait_idle()
    assert text(desk, "queue-waiting-detail") == "Được chuyển đến quầy này: 1"
    assert text(desk, "queue-waiting-CT") == "1"

    press(desk, "call")

    assert text(desk, "queue-number") == "B001"
    assert text(desk, "queue-service") == "Chứng thực"
    assert text(desk, "queue-transferred") == "Được chuyển từ quầy 2 (Chứng thực)\nGhi chú: Cần trả kết quả hồ sơ cũ"


# -- errors ------------------------------------------------------------------------------------------

def test_a_stale_panel_is_told_and_redrawn(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT")
    press(desk, "call")
    with desk.ctx.db.write() as s:  # the supervisor settles it from elsewhere
        mark_no_show(s, office.actor("giamsat"), t.id, now=desk.ctx.now())
    press(desk, "recall")
    assert text(desk, "queue-message").startswith("Số A001 vừa được thay đổi")
    assert desk.panel.message.property("role") == "error"
    assert text(desk, "queue-number") == "—"  # redrawn from the database
    assert ticket(desk.ctx, t.id).status == "no_show"


def test_operation_errors_pass_through_with_their_message(desk, office):  # type: ignore[no-untyped-def]
    t = issue(desk, office, "HT")
    model.call_next(desk.ctx)
    with pytest.raises(NotFound, match="ZZ"):
        model.transfer(desk.ctx, t.id, to_service_code="ZZ")
    with pytest.raises(DomainError, match="quầy này") as same:
        model.transfer(desk.ctx, t.id, to_counter_number=1)
    assert same.value.code == "transfer_same_counter"
    assert ticket(desk.ctx, t.id).status == "called"


# -- what is on the screen ---------------------------------------------------------------------------

def test_every_button_shows_its_key_and_the_key_works_on_the_page(desk):  # type: ignore[no-untyped-def]
    expected = {"call": "Gọi số tiếp (F2)", "recall": "Gọi lại (F3)", "start": "Bắt đầu tiếp nhận (F4)",
                "finish": "Hoàn thành (F5)", "no_show": "Vắng mặt (F6)", "transfer": "Chuyển (F7)",
                "intake": "Tiếp nhận hồ sơ (F8)"}
    assert {a: b.text() for a, b in desk.panel.buttons.items()} == expected
    for action, shortcut in desk.panel.shortcuts.items():
        key = shortcut.key().toString()
        assert f"({key})" in desk.panel.buttons[action].text()
        assert shortcut.context() == Qt.ShortcutContext.WidgetWithChildrenShortcut
        assert shortcut.key() == QKeySequence(KEYS[action]) == sequence(ACTIONS[action][0])
    set_language("en")
    desk.nav.retranslate()
    assert desk.panel.buttons["call"].text() == "Call next (F2)"
    assert text(desk, "queue-title") == "Counter 1"


def test_every_state_still_fits_when_english_is_chosen_while_it_is_shown(desk, office):  # type: ignore[no-untyped-def]
    """The language button is pressed with the state already on screen (the retranslated
    texts must fit as they are). Each state shown afresh in either language is looked at
    once in the whole desk window (tests/counter/test_counter_tour.py): no English on a
    Vietnamese screen, nothing clipped, no small target, nothing blank."""
    issue(desk, office, "HT", "disabled")
    states = desk.panel.tour_states()
    names = [name for name, _put in states]
    assert {"waiting", "nobody-waiting", "called", "serving", "priority", "transferred", "busy", "db-error",
            "transfer-dialog"} <= set(names)
    problems = []
    for name, put in states:
        desk.nav.go("queue")
        desk.tasks.wait_idle()
        put()
        desk.tasks.wait_idle()
        set_language("en")
        desk.nav.retranslate()
        problems += [f"{name}/en: elided {describe(w)}" for w in elided_labels(desk.nav)]
        set_language("vi")
        desk.nav.retranslate()
        desk.panel.leave()
    assert not problems, problems
