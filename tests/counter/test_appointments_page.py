"""The appointments page as a clerk uses it: a real page, keys and dialogs, the office
database behind it (SQLite and PostgreSQL), the rows and the queued paper checked after
each move."""

from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTreeWidgetItem
from sqlalchemy import select

from core.actor import Actor
from core.i18n import set_language
from counter.appointments import model
from counter.appointments.dialogs import (
    BookDialog,
    CancelDialog,
    CapacityDialog,
    RescheduleDialog,
    SlotsDialog,
)
from counter.appointments.view import AppointmentsPage
from local_db.models import Appointment, AppointmentEvent, PrintJob, Slot, Staff, Ticket
from local_db.ops.appointments import book
from local_db.ops.citizens import CitizenInput
from local_db.ops.slots import create_slots
from local_db.ops.staff import Forbidden, update_staff
from tests.counter.conftest import COUNTER_NOW, staff_info
from ui.app import make_app
from ui.inspect import describe, elided_labels, untranslated_texts
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme

DAY = date(2026, 11, 23)  # COUNTER_NOW's day, Monday; 09:00 in Hà Nội
BIRTH = "1.001193"  # Đăng ký khai sinh (HT)

ALT = Qt.KeyboardModifier.AltModifier  # the appointment's moves: Alt+1..Alt+7 (counter/keys.py)


def make_slots(ctx, service: str = "HT", day: date = DAY, office_quota: int = 2, online_quota: int = 1):  # type: ignore[no-untyped-def]
    """07:30-11:30 in 30-minute slots."""
    with ctx.db.write() as s:
        supervisor = s.scalars(select(Staff.id).where(Staff.username == "giamsat")).one()
        return create_slots(s, Actor(ctx.office_code, ctx.device_id, supervisor, "giamsat"), service, day,
                            start=time(7, 30),
                            end=time(11, 30), minutes=30,
                            office_quota=office_quota, online_quota=online_quota)


def slot_at(slots, hhmm: str):  # type: ignore[no-untyped-def]
    h, m = map(int, hhmm.split(":"))
    return next(s for s in slots if s.start_time == time(h, m))


def booked(ctx, office, slot, name: str, phone: str, source: str = "kiosk", hours_ago: int = 24):  # type: ignore[no-untyped-def]
    """A citizen booked the day before (so any slot of the day was still ahead)."""
    with ctx.db.write() as s:
        return book(s, office.actor(None), slot.id, CitizenInput(full_name=name, phone=phone), source=source,
                    procedure_code=BIRTH, now=COUNTER_NOW - timedelta(hours=hours_ago))


@pytest.fixture
def page(qtbot, counter_ctx):  # type: ignore[no-untyped-def]
    """The appointments page of counter 1 (clerk canbo1) in a 1600x900 desk window."""
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    nav = Navigator()
    tasks = TaskRunner(nav)
    pg = AppointmentsPage(counter_ctx, tasks)
    nav.add(pg)
    qtbot.addWidget(nav)
    nav.resize(1600, 900)
    nav.show()
    nav.activateWindow()
    qtbot.waitExposed(nav)
    desk = SimpleNamespace(nav=nav, page=pg, tasks=tasks, ctx=counter_ctx, qtbot=qtbot)
    yield desk
    pg.leave()
    tasks.wait_idle()
    set_language("vi")


def open_page(desk) -> None:  # type: ignore[no-untyped-def]
    desk.nav.go("appointments")
    desk.tasks.wait_idle()


def press(desk, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    if QApplication.activeWindow() is not desk.nav:
        desk.nav.activateWindow()
        desk.qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.nav, timeout=2000)
    desk.page.setFocus()
    desk.qtbot.keyClick(desk.page, key, modifier)
    desk.tasks.wait_idle()


def click(desk, b: QPushButton) -> None:  # type: ignore[no-untyped-def]
    desk.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    desk.tasks.wait_idle()


def tree_rows(desk) -> list[tuple[str, list[list[str]]]]:  # type: ignore[no-untyped-def]
    """(slot line, [appointment row texts]) as the tree shows them."""
    tree = desk.page.tree
    out = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        kids = [[top.child(j).text(c) for c in range(tree.columnCount())] for j in range(top.childCount())]
        out.append((top.text(0), [k for k in kids if k[0].startswith("LH")]))
    return out


def item_of(desk, value) -> QTreeWidgetItem:  # type: ignore[no-untyped-def]
    tree = desk.page.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        if top.data(0, Qt.ItemDataRole.UserRole) == value:
            return top
        for j in range(top.childCount()):
            if top.child(j).data(0, Qt.ItemDataRole.UserRole) == value:
                return top.child(j)
    raise AssertionError(f"{value} is not in the list")


def choose(desk, value) -> None:  # type: ignore[no-untyped-def]
    item = item_of(desk, value)
    desk.page.tree.setCurrentItem(item)
    desk.qtbot.mouseClick(desk.page.tree.viewport(), Qt.MouseButton.LeftButton,
                          pos=desk.page.tree.visualItemRect(item).center())
    assert desk.page.tree.currentItem() is item


def message(desk) -> str:  # type: ignore[no-untyped-def]
    return desk.page.message.text() if desk.page.message.isVisibleTo(desk.nav) else ""


def appt_row(ctx, appointment_id) -> Appointment:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        a = s.get(Appointment, appointment_id)
        s.expunge(a)
        return a


def slot_row(ctx, slot_id) -> Slot:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        x = s.get(Slot, slot_id)
        s.expunge(x)
        return x


def dialog_of(desk, kind):  # type: ignore[no-untyped-def]
    desk.tasks.wait_idle()
    dialog = desk.page.dialog
    assert isinstance(dialog, kind), dialog
    desk.qtbot.waitExposed(dialog)
    return dialog


def submit(desk, dialog) -> None:  # type: ignore[no-untyped-def]
    assert dialog.ok.isEnabled()
    desk.qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    desk.tasks.wait_idle()


def clean_screen(root) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()  # the layout after the last text change
    assert untranslated_texts(root) == []
    assert [describe(w) for w in elided_labels(root)] == []


# -- the day's list -------------------------------------------------------------------------------

def test_the_day_lists_each_slot_with_its_quotas_and_appointments(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    make_slots(page.ctx, "CT", office_quota=3, online_quota=0)
    hoa = booked(page.ctx, office, slot_at(slots, "09:00"), "Nguyễn Văn Hoà", "0912345678")
    thuy = booked(page.ctx, office, slot_at(slots, "09:00"), "Trần Thị Thuỷ", "+84 987 654 321", "phone", hours_ago=20)
    open_page(page)

    assert page.page.day_label.text() == "Thứ Hai 23/11/2026 (hôm nay)"
    rows = dict(tree_rows(page))
    assert len(rows) == 16  # 8 slots of HT, 8 of CT
    line = "09:00–09:30 · Hộ tịch (A) · Tại cơ quan: đã đặt 2/2, còn 0 · Trực tuyến: đã đặt 0/1, còn 1"
    assert rows[line] == [
        [hoa.code, "Nguyễn Văn Hoà", "0912345678", "Đăng ký khai sinh", "Ki-ốt", "Đã đặt"],
        [thuy.code, "Trần Thị Thuỷ", "0987654321", "Đăng ký khai sinh", "Điện thoại", "Đã đặt"],
    ]
    assert page.page.counts.text() == "2 lịch hẹn · 2 chưa đến · 0 đã đến"

    # the service filter works on what was read
    page.page.service.setCurrentIndex(page.page.service.findData("CT"))
    assert len(tree_rows(page)) == 8 and all("Chứng thực (B)" in t for t, _r in tree_rows(page))
    page.page.service.setCurrentIndex(0)

    # the chosen appointment in full, and the keys that apply to it
    choose(page, hoa.id)
    detail = page.page.detail.text()
    assert "Nguyễn Văn Hoà" in detail and "Điện thoại: 0912345678" in detail
    assert "Xác nhận đến từ 08:45 đến 09:30" in detail
    enabled = {a for a, b in page.page.buttons.items() if b.isEnabled()}
    assert enabled == {"check_in", "book", "reschedule", "cancel"}
    assert not page.page.buttons["capacity"].isVisible() and not page.page.buttons["slots"].isVisible()
    clean_screen(page.nav)


def test_alt_arrows_move_between_working_days_and_search_jumps_to_the_day(page, office):  # type: ignore[no-untyped-def]
    make_slots(page.ctx)
    friday = date(2026, 11, 27)
    later = make_slots(page.ctx, day=friday)
    hoa = booked(page.ctx, office, slot_at(later, "08:00"), "Nguyễn Văn Hoà", "0912345678")
    open_page(page)

    press(page, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.page.day_label.text() == "Thứ Sáu 20/11/2026"  # the weekend is skipped
    assert page.page.empty.text() == "Không có khung giờ hẹn nào trong ngày này. Giám sát viên có thể tạo."
    press(page, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    press(page, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.page.day_label.text() == "Thứ Tư 25/11/2026"  # 24/11, Culture Day, is a holiday from 2026

    page.page.search.setText("nguyen van hoa")  # no accents needed
    page.qtbot.keyClick(page.page.search, Qt.Key.Key_Return)
    page.tasks.wait_idle()
    assert page.page.day_label.text() == "Thứ Sáu 27/11/2026"
    assert page.page.tree.currentItem().text(0) == hoa.code
    page.page.search.setText("0999 999 999")
    page.qtbot.keyClick(page.page.search, Qt.Key.Key_Return)
    page.tasks.wait_idle()
    assert page.page.no_hits.isVisible() and page.page.no_hits.text() == "Không tìm thấy lịch hẹn nào."


# -- the moves ------------------------------------------------------------------------------------

def test_check_in_gives_the_priority_ticket_and_queues_its_paper(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    hoa = booked(page.ctx, office, slot_at(slots, "09:00"), "Nguyễn Văn Hoà", "0912345678")
    early = booked(page.ctx, office, slot_at(slots, "10:30"), "Lê Minh Tuấn", "0358123456")
    open_page(page)

    choose(page, hoa.id)
    press(page, Qt.Key.Key_1, ALT)

    a = appt_row(page.ctx, hoa.id)
    assert a.status == "checked_in"
    with page.ctx.db.read() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.appointment_id == hoa.id)).one()
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == ticket.id)).one()
        assert (ticket.source, ticket.code, job.document, job.printer) == (
            "appointment", "A001", "ticket", page.ctx.printer)
    assert message(page) == (f"Lịch hẹn {hoa.code} đã xác nhận đến: đang in số ưu tiên A001. "
                             "Xin đưa số cho công dân.")
    assert page.page.tree.currentItem().text(5) == "Đã đến, số A001"
    assert not page.page.buttons["check_in"].isEnabled()

    # too early: the page says from when, nothing is written
    choose(page, early.id)
    press(page, Qt.Key.Key_1, ALT)
    assert message(page) == f"Chưa đến giờ hẹn của lịch hẹn {early.code}: có thể xác nhận đến từ 10:15."
    assert appt_row(page.ctx, early.id).status == "booked"


def test_mark_absent_marks_those_whose_check_in_time_is_over(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    gone = booked(page.ctx, office, slot_at(slots, "07:30"), "Trần Thị Thuỷ", "0987654321")
    coming = booked(page.ctx, office, slot_at(slots, "09:00"), "Nguyễn Văn Hoà", "0912345678")
    open_page(page)
    assert page.page.buttons["absent"].isEnabled()
    assert "1 đã quá giờ xác nhận" in page.page.counts.text()

    click(page, page.page.buttons["absent"])

    assert appt_row(page.ctx, gone.id).status == "no_show"
    assert appt_row(page.ctx, coming.id).status == "booked"
    assert message(page) == "Đã ghi vắng mặt 1 lịch hẹn đã quá giờ xác nhận."
    assert item_of(page, gone.id).text(5) == "Vắng mặt"
    assert not page.page.buttons["absent"].isEnabled()


def test_book_by_phone_takes_an_office_place_and_at_the_desk_prints_the_slip(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    target = slot_at(slots, "10:00")
    open_page(page)

    press(page, Qt.Key.Key_2, ALT)
    dialog = dialog_of(page, BookDialog)
    dialog.search.setText("khai sinh")  # folded: "Đăng ký khai sinh", "Đăng ký lại khai sinh"
    assert dialog.procedures.count() == 2
    dialog.procedures.setCurrentRow(0)
    assert dialog.days.currentData() == DAY
    texts = [dialog.slots.item(i).text() for i in range(dialog.slots.count())]
    assert texts[0] == "07:30–08:00 · đã qua" and texts[-1] == "11:00–11:30 · còn 2 chỗ"
    [item] = [dialog.slots.item(i) for i in range(dialog.slots.count()) if dialog.slots.item(i).text().startswith("10:00")]
    dialog.slots.setCurrentItem(item)
    dialog.name.setText("  Phạm   Ngọc Ánh ")
    dialog.phone.setText("0771 234 567")
    assert not dialog.at_desk.isChecked()
    clean_screen(dialog)
    submit(page, dialog)

    assert page.page.dialog is None
    with page.ctx.db.read() as s:
        a = s.scalars(select(Appointment).where(Appointment.slot_id == target.id)).one()
        assert (a.source, a.status) == ("phone", "booked")
        assert s.scalars(select(PrintJob).where(PrintJob.ref_id == a.id)).all() == []
    assert (slot_row(page.ctx, target.id).office_booked, slot_row(page.ctx, target.id).online_booked) == (1, 0)
    assert message(page).startswith(f"Đã đặt lịch hẹn {a.code} vào Thứ Hai 23/11/2026, 10:00–10:30.")
    assert item_of(page, a.id).text(1) == "Phạm Ngọc Ánh" and item_of(page, a.id).text(4) == "Điện thoại"

    # the citizen at the desk: source counter, and the slip is printed
    press(page, Qt.Key.Key_2, ALT)
    dialog = dialog_of(page, BookDialog)
    dialog.search.setText("2.000635")
    dialog.procedures.setCurrentRow(0)
    [item] = [dialog.slots.item(i) for i in range(dialog.slots.count()) if dialog.slots.item(i).text().startswith("10:00")]
    assert item.text() == "10:00–10:30 · còn 1 chỗ"
    dialog.slots.setCurrentItem(item)
    dialog.name.setText("Đỗ Quang Huy")
    dialog.phone.setText("0903111222")
    dialog.at_desk.setChecked(True)
    submit(page, dialog)
    with page.ctx.db.read() as s:
        b = s.scalars(select(Appointment).where(Appointment.slot_id == target.id, Appointment.id != a.id)).one()
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == b.id)).one()
        assert (b.source, job.document) == ("counter", "appointment_slip")
    assert slot_row(page.ctx, target.id).office_booked == 2
    assert message(page).endswith("Phiếu hẹn đang được in.")


def test_booking_a_slot_that_filled_up_meanwhile_is_refused_in_the_dialog(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx, office_quota=1)
    target = slot_at(slots, "10:00")
    open_page(page)
    press(page, Qt.Key.Key_2, ALT)
    dialog = dialog_of(page, BookDialog)
    dialog.search.setText("khai sinh")
    dialog.procedures.setCurrentRow(0)
    [item] = [dialog.slots.item(i) for i in range(dialog.slots.count()) if dialog.slots.item(i).text().startswith("10:00")]
    dialog.slots.setCurrentItem(item)
    dialog.name.setText("Phạm Ngọc Ánh")
    dialog.phone.setText("12345")
    dialog.accept()  # Enter: a bad phone is said at once, nothing asked of the database
    assert dialog.error.isVisible() and "không phải số điện thoại di động" in dialog.error.text()
    dialog.phone.setText("0771234567")

    booked(page.ctx, office, target, "Nguyễn Văn Hoà", "0912345678")  # the kiosk took the last place
    submit(page, dialog)

    assert page.page.dialog is dialog and dialog.isVisible()  # what was typed stays
    assert dialog.error.text() == "Khung giờ này đã hết chỗ. Xin chọn khung giờ khác."
    assert dialog.name.text() == "Phạm Ngọc Ánh"
    page.tasks.wait_idle()
    [item] = [dialog.slots.item(i) for i in range(dialog.slots.count()) if dialog.slots.item(i).text().startswith("10:00")]
    assert item.text() == "10:00–10:30 · hết chỗ"
    assert not item.flags() & Qt.ItemFlag.ItemIsSelectable
    assert slot_row(page.ctx, target.id).office_booked == 1
    clean_screen(dialog)
    dialog.reject()


def test_reschedule_moves_the_appointment_to_a_slot_with_a_free_place(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    old, new = slot_at(slots, "09:00"), slot_at(slots, "11:00")
    hoa = booked(page.ctx, office, old, "Nguyễn Văn Hoà", "0912345678")
    open_page(page)
    choose(page, hoa.id)

    press(page, Qt.Key.Key_3, ALT)
    dialog = dialog_of(page, RescheduleDialog)
    texts = [dialog.slots.item(i).text() for i in range(dialog.slots.count())]
    assert "Thứ Hai 23/11/2026 · 11:00–11:30 · còn 2 chỗ" in texts
    assert "Thứ Hai 23/11/2026 · 08:00–08:30 · đã qua" in texts
    assert not any(t.startswith("Thứ Hai 23/11/2026 · 09:00") for t in texts)  # where it is now
    assert not dialog.ok.isEnabled()
    _select_text(dialog.slots, "Thứ Hai 23/11/2026 · 11:00–11:30 · còn 2 chỗ")
    clean_screen(dialog)
    submit(page, dialog)

    a = appt_row(page.ctx, hoa.id)
    assert (a.slot_id, a.code, a.status) == (new.id, hoa.code, "booked")
    assert (slot_row(page.ctx, old.id).office_booked, slot_row(page.ctx, new.id).office_booked) == (0, 1)
    assert message(page) == f"Đã chuyển lịch hẹn {hoa.code} sang Thứ Hai 23/11/2026, 11:00–11:30."
    assert page.page.tree.currentItem().parent().text(0).startswith("11:00–11:30")


def _select_text(lst, text: str) -> None:  # type: ignore[no-untyped-def]
    [item] = [lst.item(i) for i in range(lst.count()) if lst.item(i).text() == text]
    lst.setCurrentItem(item)


def test_cancel_needs_a_reason_and_gives_the_place_back(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    target = slot_at(slots, "10:00")
    hoa = booked(page.ctx, office, target, "Nguyễn Văn Hoà", "0912345678")
    open_page(page)
    choose(page, hoa.id)

    press(page, Qt.Key.Key_5, ALT)
    dialog = dialog_of(page, CancelDialog)
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("Công dân gọi điện báo huỷ")
    clean_screen(dialog)
    submit(page, dialog)

    assert appt_row(page.ctx, hoa.id).status == "cancelled"
    assert slot_row(page.ctx, target.id).office_booked == 0
    with page.ctx.db.read() as s:
        event = s.scalars(select(AppointmentEvent).where(AppointmentEvent.appointment_id == hoa.id,
                                                         AppointmentEvent.action == "cancel")).one()
        assert event.detail["reason"] == "Công dân gọi điện báo huỷ"
        assert event.staff_id == page.ctx.staff.id
    assert message(page) == f"Đã huỷ lịch hẹn {hoa.code}; chỗ đã được trả lại."
    assert page.page.tree.currentItem().text(5) == "Đã huỷ"
    assert {a for a, b in page.page.buttons.items() if b.isEnabled()} == {"book"}


# -- capacity: supervisors only -------------------------------------------------------------------

def test_a_clerk_cannot_change_capacity(page, office):  # type: ignore[no-untyped-def]
    slots = make_slots(page.ctx)
    open_page(page)
    choose(page, slot_at(slots, "10:00").id)
    assert not page.page.buttons["capacity"].isVisible() and not page.page.buttons["slots"].isVisible()
    press(page, Qt.Key.Key_6, ALT)
    assert page.page.dialog is None
    assert message(page) == ("Chỉ giám sát viên mới được thay đổi khung giờ hẹn và số chỗ. "
                             "Xin đề nghị giám sát viên thực hiện.")
    with pytest.raises(Forbidden, match="Chỉ giám sát viên"):
        model.set_capacity(page.ctx, slot_at(slots, "10:00").id, 9, 9)
    with pytest.raises(Forbidden):
        model.create_day_slots(page.ctx, "CT", DAY, time(13, 30), time(15, 0), 30, 2, 1)
    assert slot_row(page.ctx, slot_at(slots, "10:00").id).office_quota == 2


def test_a_supervisor_demoted_elsewhere_is_refused_by_the_still_open_window(counter_ctx, office):  # type: ignore[no-untyped-def]
    """The window keeps the role it read at sign-in (and still shows the buttons); the
    operation asks the database, so the demotion counts at the next change (issue 18)."""
    counter_ctx.staff = staff_info(counter_ctx.db, "giamsat")
    slots = make_slots(counter_ctx)
    with counter_ctx.db.write() as s:  # the admin, at another counter
        update_staff(s, office.actor("admin"), office.staff["giamsat"], role="clerk", now=COUNTER_NOW)
    assert model.can_manage(counter_ctx)  # what the window believes
    with pytest.raises(Forbidden) as refused:
        model.set_capacity(counter_ctx, slot_at(slots, "10:00").id, 9, 9)
    assert refused.value.details["role"] == "clerk"
    with pytest.raises(Forbidden):
        model.create_day_slots(counter_ctx, "CT", DAY, time(13, 30), time(15, 0), 30, 2, 1)
    assert slot_row(counter_ctx, slot_at(slots, "10:00").id).office_quota == 2
    assert len(model.day_view(counter_ctx, DAY).slots) == len(slots)


def test_a_supervisor_sets_the_places_and_creates_a_days_slots(page, office):  # type: ignore[no-untyped-def]
    page.ctx.staff = staff_info(page.ctx.db, "giamsat")
    slots = make_slots(page.ctx)
    target = slot_at(slots, "10:00")
    booked(page.ctx, office, target, "Nguyễn Văn Hoà", "0912345678")
    open_page(page)
    choose(page, target.id)
    assert page.page.buttons["capacity"].isVisible() and page.page.buttons["capacity"].isEnabled()

    press(page, Qt.Key.Key_6, ALT)
    dialog = dialog_of(page, CapacityDialog)
    assert dialog.office.minimum() == 1  # never below what is booked
    dialog.office.setValue(5)
    dialog.online.setValue(0)
    clean_screen(dialog)
    submit(page, dialog)
    s = slot_row(page.ctx, target.id)
    assert (s.office_quota, s.online_quota, s.office_booked) == (5, 0, 1)
    assert message(page) == "Đã lưu số chỗ của khung giờ 10:00–10:30."
    assert item_of(page, target.id).text(0).startswith(
        "10:00–10:30 · Hộ tịch (A) · Tại cơ quan: đã đặt 1/5, còn 4 · Trực tuyến: đã đặt 0/0, còn 0")

    press(page, Qt.Key.Key_7, ALT)
    dialog = dialog_of(page, SlotsDialog)
    dialog.service.setCurrentIndex(dialog.service.findData("CT"))
    dialog.start.setTime(dialog.start.time().fromString("13:30", "HH:mm"))
    dialog.end.setTime(dialog.end.time().fromString("15:00", "HH:mm"))
    dialog.minutes.setValue(30)
    clean_screen(dialog)
    submit(page, dialog)
    assert message(page) == "Đã tạo 3 khung giờ hẹn."
    assert [t for t, _r in tree_rows(page) if "Chứng thực" in t] == [
        f"{h} · Chứng thực (B) · Tại cơ quan: đã đặt 0/4, còn 4 · Trực tuyến: đã đặt 0/2, còn 2"
        for h in ("13:30–14:00", "14:00–14:30", "14:30–15:00")]


# -- what the screen says --------------------------------------------------------------------------

# Every state of this page's tour_states(), in both languages, is looked at once, in the whole
# desk window with its side column (narrower than this page alone) and on the demo office: no
# English on a Vietnamese screen, nothing clipped, no target under the desk minimum, nothing
# blank, the window still 1600x900 — tests/counter/test_counter_tour.py.
