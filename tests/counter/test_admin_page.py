"""The administration page as the office's administrator uses it: real widgets on a
1600x900 desk, the office database behind them (SQLite and PostgreSQL), and each change
checked where it matters — the login, the queue, the calendar, the kiosk PIN, the audit log."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from core.i18n import set_language
from counter.admin import model
from counter.admin.view import AdminPage
from kiosk.pin.model import check_pin
from local_db.models import AuditLog, Office, Staff
from local_db.office_settings import calendar_for, load_rules
from local_db.ops.queue import issue_ticket
from local_db.ops.queue_status import counter_state
from local_db.ops.staff import Forbidden, LoginRefused, login
from tests.counter.conftest import staff_info
from ui.app import make_app
from ui.inspect import describe
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme


@pytest.fixture
def admin(qtbot, counter_ctx):  # type: ignore[no-untyped-def]
    """The administration page, the office's admin signed in, on a 1600x900 desk."""
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    counter_ctx.staff = staff_info(counter_ctx.db, "admin")
    nav = Navigator()
    tasks = TaskRunner(nav)
    page = AdminPage(counter_ctx, tasks)
    nav.add(page)
    qtbot.addWidget(nav)
    nav.resize(1600, 900)
    nav.show()
    qtbot.waitExposed(nav)
    nav.go("admin")
    tasks.wait_idle()
    yield SimpleNamespace(nav=nav, page=page, tasks=tasks, ctx=counter_ctx, db=counter_ctx.db, qtbot=qtbot)
    page.leave()
    tasks.wait_idle()
    set_language("vi")


def click(a, name: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    b = a.page.findChild(QPushButton, name)
    assert b is not None, name
    assert b.isVisible() and b.isEnabled(), f"{name} cannot be pressed"
    a.qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    a.tasks.wait_idle()


def message(a) -> str:  # type: ignore[no-untyped-def]
    return a.page.message.text() if a.page.message.isVisible() else ""


def audit(a, action: str) -> list[AuditLog]:  # type: ignore[no-untyped-def]
    with a.db.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action)))


def account(a, username: str) -> Staff:  # type: ignore[no-untyped-def]
    with a.db.read() as s:
        return s.scalars(select(Staff).where(Staff.username == username)).one()


# --- staff accounts -------------------------------------------------------------------------

def test_the_admin_creates_a_clerk_who_then_signs_in(admin) -> None:  # type: ignore[no-untyped-def]
    tab = admin.page.tabs["staff"]
    click(admin, "admin-staff-new")
    tab.username.setText("canbo3")
    tab.full_name.setText("Đỗ Thị Lan")
    tab.role.setCurrentIndex(tab.role.findData("clerk"))
    tab.password.setText("matkhau-moi-1")
    tab.again.setText("matkhau-moi-2")
    click(admin, "admin-staff-save")
    assert "không giống nhau" in message(admin)  # typed twice, differently: nothing is created
    with admin.db.read() as s:
        assert s.scalars(select(Staff).where(Staff.username == "canbo3")).first() is None

    tab.password.setText("matkhau-moi-1")
    tab.again.setText("matkhau-moi-1")
    click(admin, "admin-staff-save")
    assert "canbo3" in message(admin) and admin.page.message.property("role") == "ok"
    assert [tab.tree.topLevelItem(i).text(0) for i in range(tab.tree.topLevelItemCount())].count("canbo3") == 1
    assert tab.heading.text() == "Tài khoản canbo3"  # the new account is the one chosen
    with admin.db.write() as s:
        who = login(s, admin.ctx.office_code, "canbo3", "matkhau-moi-1", device_id=admin.ctx.device_id)
    assert (who.full_name, who.role) == ("Đỗ Thị Lan", "clerk")
    row = audit(admin, "create")[-1]
    assert row.entity == "staff" and row.actor == "Trần Quốc Minh"


def test_deactivate_reset_password_and_clear_a_lockout(admin) -> None:  # type: ignore[no-untyped-def]
    tab = admin.page.tabs["staff"]
    tab.choose("canbo2")
    tab.active.setChecked(False)
    click(admin, "admin-staff-save")
    assert not account(admin, "canbo2").active
    assert "Đã ngừng" in tab.tree.selectedItems()[0].text(3)
    with admin.db.write() as s, pytest.raises(LoginRefused):
        login(s, admin.ctx.office_code, "canbo2", "matkhau123", device_id=admin.ctx.device_id)

    tab.choose("canbo1")
    tab.password.setText("doimatkhau99")
    tab.again.setText("doimatkhau99")
    click(admin, "admin-staff-set-password")
    assert "canbo1" in message(admin)
    assert tab.password.text() == ""  # a password does not stay on screen
    with admin.db.write() as s:
        assert login(s, admin.ctx.office_code, "canbo1", "doimatkhau99", device_id=admin.ctx.device_id).username == "canbo1"
    assert audit(admin, "set_password")[-1].actor == "Trần Quốc Minh"

    until = admin.ctx.now() + timedelta(minutes=15)
    with admin.db.write() as s:
        s.execute(update(Staff).where(Staff.username == "canbo1").values(locked_until=until, failed_logins=5))
    admin.page.refresh()
    admin.tasks.wait_idle()
    tab.choose("canbo1")
    assert "Bị khoá đến" in tab.tree.selectedItems()[0].text(3)
    click(admin, "admin-staff-unlock")
    assert account(admin, "canbo1").locked_until is None
    assert "canbo1" in message(admin)
    assert audit(admin, "clear_lockout")[-1].actor == "Trần Quốc Minh"


# --- counters ---------------------------------------------------------------------------------

def test_a_counter_given_a_service_calls_it(admin, office) -> None:  # type: ignore[no-untyped-def]
    with admin.db.write() as s:
        issue_ticket(s, office.actor(None), "XH", now=admin.ctx.now() - timedelta(minutes=5))
        before = counter_state(s, admin.ctx.office_code, 1, now=admin.ctx.now())
    assert "XH" not in before.service_codes and before.waiting == 0

    click(admin, "admin-tab-counters")
    tab = admin.page.tabs["counters"]
    tab.choose(1)
    tab.service_boxes["XH"].setChecked(True)
    click(admin, "admin-counter-save")
    assert "1" in message(admin)
    with admin.db.read() as s:
        after = counter_state(s, admin.ctx.office_code, 1, now=admin.ctx.now())
    assert "XH" in after.service_codes and after.waiting_by_service["XH"] == 1
    assert "Bảo trợ xã hội" in tab.tree.selectedItems()[0].text(2)
    row = audit(admin, "counter_update")[-1]
    assert row.actor == "Trần Quốc Minh" and "XH" in row.detail["after"]["services"]

    for box in tab.service_boxes.values():  # a counter in use that calls nothing is refused
        box.setChecked(False)
    click(admin, "admin-counter-save")
    assert admin.page.message.property("role") == "error"

    click(admin, "admin-counter-new")
    assert tab.number.value() == 5
    tab.service_boxes["TK"].setChecked(True)
    click(admin, "admin-counter-save")
    with admin.db.read() as s:
        assert counter_state(s, admin.ctx.office_code, 5, now=admin.ctx.now()).service_codes == ("TK",)
    assert audit(admin, "counter_create")[-1].actor == "Trần Quốc Minh"


# --- calendar ---------------------------------------------------------------------------------

def test_an_announced_day_off_stops_counting_and_hours_are_saved(admin) -> None:  # type: ignore[no-untyped-def]
    click(admin, "admin-tab-calendar")
    tab = admin.page.tabs["calendar"]
    day = date(2026, 12, 31)  # a Thursday
    with admin.db.read() as s:
        assert calendar_for(s, admin.ctx.office_code).is_working_day(day)
    from PySide6.QtCore import QDate

    tab.day.setDate(QDate(2026, 12, 31))
    tab.day_name.setText("Nghỉ bù theo Thông báo 99/TB-BNV")
    tab.kind.setCurrentIndex(tab.kind.findData("day_off"))
    click(admin, "admin-cal-add")
    assert "31/12/2026" in message(admin)
    with admin.db.read() as s:
        assert not calendar_for(s, admin.ctx.office_code).is_working_day(day)
    assert audit(admin, "holiday_add")[-1].actor == "Trần Quốc Minh"
    tab.choose(day)
    click(admin, "admin-cal-remove")
    with admin.db.read() as s:
        assert calendar_for(s, admin.ctx.office_code).is_working_day(day)

    tab.morning_start.setText("07:30")
    tab.afternoon_end.setText("17:30")
    tab.saturday.setChecked(True)
    click(admin, "admin-hours-save")
    with admin.db.read() as s:
        rules = load_rules(s, admin.ctx.office_code)
        cal = calendar_for(s, admin.ctx.office_code)
    assert rules.hours.to_dict()["periods"] == [["07:30", "11:30"], ["13:30", "17:30"]]
    assert rules.saturday_morning_open and cal.hours.opening.strftime("%H:%M") == "07:30"
    assert audit(admin, "working_hours")[-1].actor == "Trần Quốc Minh"

    tab.afternoon_start.setText("11:00")  # before the morning ends: refused in words
    click(admin, "admin-hours-save")
    assert admin.page.message.property("role") == "error" and "buổi chiều" in message(admin).lower()


def test_the_year_buttons_show_another_year(admin) -> None:  # type: ignore[no-untyped-def]
    click(admin, "admin-tab-calendar")
    tab = admin.page.tabs["calendar"]
    click(admin, "admin-cal-next-year")
    assert admin.page.view.year == 2027 and tab.year_label.text() == "Năm 2027"
    assert all(h.day.year == 2027 for h in admin.page.view.holidays) and admin.page.view.holidays
    click(admin, "admin-tab-settings")  # a change elsewhere keeps the calendar's year
    click(admin, "admin-settings-save")
    assert admin.page.view.year == 2027


# --- settings ---------------------------------------------------------------------------------

def test_the_kiosk_pin_and_the_desk_settings(admin) -> None:  # type: ignore[no-untyped-def]
    click(admin, "admin-tab-settings")
    tab = admin.page.tabs["settings"]
    tab.pin.setText("2468")
    tab.pin_again.setText("2469")
    click(admin, "admin-pin-save")
    assert admin.page.message.property("role") == "error"
    assert not check_pin(admin.db, admin.ctx.office_code, "2468").configured
    tab.pin_again.setText("2468")
    click(admin, "admin-pin-save")
    assert check_pin(admin.db, admin.ctx.office_code, "2468").ok
    assert tab.pin.text() == "" and tab.pin_again.text() == ""
    row = audit(admin, "kiosk_pin")[-1]
    assert row.actor == "Trần Quốc Minh" and "2468" not in str(row.detail)

    tab.spins["appointment_early_minutes"].setValue(20)
    tab.spins["priority_max_in_row"].setValue(3)
    tab.announce.setCurrentIndex(tab.announce.findData("digits"))
    tab.english.setChecked(True)
    click(admin, "admin-settings-save")
    with admin.db.read() as s:
        rules = load_rules(s, admin.ctx.office_code)
    assert (rules.appointment_early_minutes, rules.priority_max_in_row, rules.announce_style,
            rules.announce_english) == (20, 3, "digits", True)
    assert audit(admin, "office_settings")[-1].detail["after"] == {
        "appointment_early_minutes": 20, "priority_max_in_row": 3, "announce_style": "digits",
        "announce_english": True}
    click(admin, "admin-settings-save")
    assert admin.page.message.property("role") == "info"  # nothing changed, nothing written
    assert len(audit(admin, "office_settings")) == 1


def test_display_board_notices(admin) -> None:  # type: ignore[no-untyped-def]
    click(admin, "admin-tab-notices")
    tab = admin.page.tabs["notices"]
    for line in ("Dòng thứ nhất", "Dòng thứ hai"):
        tab.line.setText(line)
        click(admin, "admin-notice-add")
    assert tab.unsaved.isVisible()
    click(admin, "admin-notice-up")  # the second moves first
    click(admin, "admin-notices-save")
    with admin.db.read() as s:
        assert model.load_notices(s, admin.ctx.office_code) == ("Dòng thứ hai", "Dòng thứ nhất")
    assert not tab.unsaved.isVisible()
    assert audit(admin, "display_notices")[-1].actor == "Trần Quốc Minh"


# --- printers -----------------------------------------------------------------------------------

def test_a_test_page_prints_on_this_desk_and_a_new_printer_is_kept(admin, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from printing.spool import PrintWorker
    from tests.support.pdf_tools import pdf_text, qr_texts, rasterise

    monkeypatch.delenv("MOTCUA_PRINTER", raising=False)
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text("# the IT person's note\ndevice_kind = \"counter\"\nprinter = \"pdf\"\n", encoding="utf-8")
    admin.ctx.settings_path = settings_file
    first = admin.ctx.printer
    click(admin, "admin-tab-printers")
    tab = admin.page.tabs["printers"]
    assert admin.ctx.printer in tab.now_label.text()
    assert "PDF" in tab.now_words.text()

    tab.field.setText("cups:HP LaserJet")  # a space: not a CUPS queue name
    assert "không" in tab.field_words.text().lower()
    click(admin, "admin-printer-test")
    assert admin.page.message.property("role") == "error" and "CUPS" in admin.page.message.text()

    folder = tmp_path / "tried"
    tab.field.setText(f"pdf:{folder}")
    click(admin, "admin-printer-test")
    assert "trang thử" in admin.page.message.text().lower()
    [job] = [j for j in _jobs(admin) if "T000" in j.title]
    assert job.printer == f"pdf:{folder}" and job.device_id == admin.ctx.device_id
    PrintWorker(admin.db, admin.ctx.device_id, admin.ctx.printer, tmp_path / "pdfs").run_once()
    [pdf] = list(folder.glob("*.pdf"))
    assert "T000" in pdf_text(pdf.read_bytes())
    assert qr_texts(rasterise(pdf.read_bytes(), dpi=203))  # the QR on the slip decodes
    assert audit(admin, "print_test_page")[-1].actor == "Trần Quốc Minh"

    click(admin, "admin-printer-use")
    assert admin.ctx.printer == f"pdf:{folder}"
    text = settings_file.read_text(encoding="utf-8")
    assert f'printer = "pdf:{folder}"' in text and "# the IT person's note" in text and 'device_kind = "counter"' in text
    assert audit(admin, "desk_printer")[-1].detail == {"before": first, "after": f"pdf:{folder}"}
    names = [tab.tree.topLevelItem(i).text(0) for i in range(tab.tree.topLevelItemCount())]
    assert "counter-1" in names  # this desk, with its latest printer
    assert not admin.page.tabs["printers"].use_button.isEnabled()  # already in use

    monkeypatch.setenv("MOTCUA_PRINTER", "pdf")  # the environment wins over the file: refused, nothing written
    tab.field.setText("escpos-dummy")
    click(admin, "admin-printer-use")
    assert admin.page.message.property("role") == "error" and "MOTCUA_PRINTER" in admin.page.message.text()
    assert admin.ctx.printer == f"pdf:{folder}" and settings_file.read_text(encoding="utf-8") == text
    assert len(audit(admin, "desk_printer")) == 1


def _jobs(a):  # type: ignore[no-untyped-def]
    from local_db.ops.print_jobs import list_jobs

    with a.db.read() as s:
        return list_jobs(s, a.ctx.device_id)


# --- ownership and roles ------------------------------------------------------------------------

def test_once_enrolled_staff_and_holidays_are_read_only(admin) -> None:  # type: ignore[no-untyped-def]
    with admin.db.write() as s:
        s.execute(update(Office).values(enrolled=True))
    admin.page.refresh()
    admin.tasks.wait_idle()
    staff = admin.page.tabs["staff"]
    assert staff.centre.isVisible() and "trung tâm" in staff.centre.text()
    staff.choose("canbo1")
    for w in (staff.full_name, staff.role, staff.active, staff.password, staff.save_button, staff.new_button,
              staff.password_button):
        assert not w.isEnabled(), describe(w)
    click(admin, "admin-tab-calendar")
    cal = admin.page.tabs["calendar"]
    assert cal.centre.isVisible()
    for w in (cal.day, cal.day_name, cal.kind, cal.add_button, cal.seed_button, cal.remove_button):
        assert not w.isEnabled(), describe(w)
    assert cal.hours_button.isEnabled()  # working hours are an office rule
    with pytest.raises(Exception) as refused:  # the model refuses too, whatever the screen shows
        model.add_holiday(admin.ctx, date(2026, 12, 31), name="x", kind="day_off")
    assert getattr(refused.value, "code", "") == "centre_owned"


@pytest.mark.parametrize("username", ["canbo1", "giamsat"])
def test_a_clerk_or_supervisor_is_refused(counter_ctx, username) -> None:  # type: ignore[no-untyped-def]
    assert AdminPage.min_role == "admin"
    counter_ctx.staff = staff_info(counter_ctx.db, username)
    with pytest.raises(Forbidden):
        model.load(counter_ctx)
    with pytest.raises(Forbidden):
        model.set_pin(counter_ctx, "1234", "1234")
    with pytest.raises(Forbidden):
        model.save_counter(counter_ctx, 1, name="Quầy 1", active=True, service_codes=["HT"])
    with pytest.raises(Forbidden):
        model.add_holiday(counter_ctx, date(2026, 12, 31), name="x", kind="day_off")
    with counter_ctx.db.read() as s:
        assert not load_rules(s, counter_ctx.office_code).kiosk_pin_hash


# --- the look ---------------------------------------------------------------------------------

def test_the_tour_shows_every_tab_every_message_and_an_error(admin) -> None:  # type: ignore[no-untyped-def]
    """Each of these states is then looked at once, in both languages, in the whole desk window
    (tests/counter/test_counter_tour.py): no English on a Vietnamese screen, nothing clipped,
    no target under the desk minimum, nothing blank, the window still 1600x900."""
    names = {n for n, _put in admin.page.tour_states()}
    assert {"", "counters", "calendar", "settings", "printers", "notices"} <= names  # every tab
    assert {f"done-{k}" for k in model.DONE_KINDS} <= names  # every message
    assert any(n.startswith("error-") for n in names)
