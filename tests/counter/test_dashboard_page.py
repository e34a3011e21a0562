"""The supervisor's dashboard page as a supervisor uses it: periods, headline figures that
agree with the dashboard operation, charts with a bar per day, CSV/PDF export read back,
the printed report, and a clerk refused — on a real office database (SQLite and
PostgreSQL), with seeded history where the figures matter."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from core.i18n import set_language
from counter.context import CounterContext
from counter.dashboard import model
from counter.dashboard.view import DashboardPage
from local_db.database import Database
from local_db.demo.seed import seed_demo
from local_db.models import AuditLog, PrintJob
from local_db.office_settings import get_office
from local_db.office_setup import ensure_device
from local_db.ops.dashboard import dashboard
from local_db.ops.staff import Forbidden, update_staff
from printing.spool import PrintWorker
from tests.counter.conftest import COUNTER_NOW, Clock, staff_info
from tests.support.pdf_tools import pdf_text
from ui.app import make_app
from ui.failures import database_outage
from ui.inspect import describe, elided_labels, untranslated_texts
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme

DEMO_NOW = datetime.fromisoformat("2026-11-19T15:30:00+07:00")  # a Thursday afternoon
TODAY = date(2026, 11, 19)


def open_page(qtbot, ctx: CounterContext) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    app = make_app()
    apply_theme(app, Theme(desk=True))
    set_language("vi")
    nav = Navigator()
    tasks = TaskRunner(nav)
    page = DashboardPage(ctx, tasks)
    nav.add(page)
    qtbot.addWidget(nav)
    nav.resize(1600, 900)
    nav.show()
    qtbot.waitExposed(nav)
    nav.go("dashboard")
    tasks.wait_idle()
    return SimpleNamespace(nav=nav, page=page, tasks=tasks, ctx=ctx)


@pytest.fixture
def seeded(qtbot, empty_db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two days of demo history (plus today up to 15:30), the supervisor at counter 1."""
    seed_demo(empty_db, seed=7, days=2, now=DEMO_NOW)
    with empty_db.write() as s:
        o = get_office(s)
        device = ensure_device(s, o.code, "counter-1", "counter")
        ctx = CounterContext(db=empty_db, office_code=o.code, device_id=device.id, office_name_vi=o.name_vi,
                             office_name_en=o.name_en, printer=f"pdf:{tmp_path / 'printed'}",
                             tracking_host="MOTCUA.HANOI.GOV.VN", counter_number=1, clock=Clock(DEMO_NOW))
    ctx.staff = staff_info(empty_db, "giamsat")
    d = open_page(qtbot, ctx)
    yield d
    d.page.leave()
    d.tasks.wait_idle()
    set_language("vi")


@pytest.fixture
def desk(qtbot, counter_ctx: CounterContext, db: Database):  # type: ignore[no-untyped-def]
    """The page on the plain test office (no history), the supervisor signed in."""
    counter_ctx.staff = staff_info(db, "giamsat")
    d = open_page(qtbot, counter_ctx)
    yield d
    d.page.leave()
    d.tasks.wait_idle()
    set_language("vi")


def text(d: SimpleNamespace, name: str) -> str:
    widget = d.nav.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def figures(d: SimpleNamespace, since: date, until: date):  # type: ignore[no-untyped-def]
    with d.ctx.db.read() as s:
        return dashboard(s, d.ctx.office_code, since=since, until=until, now=d.ctx.now())


def vi_percent(share: float) -> str:
    return f"{round(share * 100, 1):.1f}".replace(".", ",") + "%"


def vi_count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def click(d: SimpleNamespace, name: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    b = d.nav.findChild(QPushButton, name)
    assert b is not None and b.isEnabled(), name
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    d.tasks.wait_idle()


def assert_headline(d: SimpleNamespace, since: date, until: date) -> None:
    f = figures(d, since, until)
    k, q, s = f.dossiers, f.queue.total, f.satisfaction
    assert text(d, "dashboard-on_time_rate") == vi_percent(k.on_time_rate)
    assert text(d, "dashboard-tickets") == vi_count(q.tickets)
    assert text(d, "dashboard-received") == vi_count(k.received)
    assert text(d, "dashboard-overdue") == vi_count(k.overdue)
    assert text(d, "dashboard-due_today") == vi_count(k.due_today)
    assert text(d, "dashboard-satisfied") == vi_percent(s.satisfied_share)
    assert text(d, "dashboard-wait") == f"{q.wait_median_min:.1f} phút".replace(".", ",")
    assert f"{vi_count(k.on_time)}/{vi_count(k.resolved)} hồ sơ đã giải quyết" in text(d, "dashboard-detail-on_time_rate")
    # the tables agree too: the dossiers' totals row and the tickets' totals row
    fields = d.page.tables["fields"]
    last = fields.rowCount() - 1
    assert [fields.item(last, c).text() for c in range(5)] == [
        "Tổng cộng", vi_count(k.received), vi_count(k.resolved), vi_count(k.on_time), vi_count(k.late)]
    services = d.page.tables["services"]
    assert services.item(services.rowCount() - 1, 1).text() == vi_count(q.tickets)
    assert d.page.tables["clerks"].rowCount() == len(f.queue.by_clerk)
    # one bar per day in both charts, each day's figure on its bar
    n = (until - since).days + 1
    assert d.page.tickets_chart.bar_count() == n
    assert d.page.dossiers_chart.bar_count() == n
    assert [d.page.tickets_chart.sets[0].at(i) for i in range(n)] == [x.tickets for x in f.days]
    on_time, late = d.page.dossiers_chart.sets
    assert [on_time.at(i) for i in range(n)] == [x.on_time for x in f.days]
    assert [late.at(i) for i in range(n)] == [x.late for x in f.days]


def assert_looks_right(d: SimpleNamespace) -> None:
    assert untranslated_texts(d.nav, "vi") == []
    assert [describe(w) for w in elided_labels(d.nav)] == []


def test_figures_match_the_dashboard_for_each_period_and_exports_hold_them(seeded, qtbot,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = seeded
    assert d.page.period_buttons["today"].isChecked()
    assert text(d, "dashboard-period").startswith("Ngày 19/11/2026")
    assert_headline(d, TODAY, TODAY)
    assert d.page.loaded.dashboard.queue.total.tickets > 10  # the seed's day has figures to compare
    assert_looks_right(d)

    click(d, "dashboard-period-7d", qtbot)
    assert d.page.period_buttons["7d"].isChecked() and not d.page.period_buttons["today"].isChecked()
    assert text(d, "dashboard-period").startswith("Từ ngày 13/11/2026 đến ngày 19/11/2026 (7 ngày)")
    assert_headline(d, TODAY - timedelta(days=6), TODAY)
    assert figures(d, TODAY - timedelta(days=6), TODAY).dossiers.resolved > figures(d, TODAY, TODAY).dossiers.resolved
    assert_looks_right(d)

    click(d, "dashboard-period-30d", qtbot)
    assert_headline(d, TODAY - timedelta(days=29), TODAY)
    assert d.page.tickets_chart.labels[29] == "19/11"  # today's date is written under its bar
    assert len(d.page.tickets_chart.labels) <= 12  # not thirty dates squeezed under the bars

    click(d, "dashboard-period-month", qtbot)
    assert_headline(d, date(2026, 11, 1), TODAY)
    # the two date boxes show the period chosen, so "Show these days" starts from it
    assert (d.page.since_edit.date().toPython(), d.page.until_edit.date().toPython()) == (date(2026, 11, 1), TODAY)

    d.page.since_edit.setDate(date(2026, 11, 17))
    d.page.until_edit.setDate(date(2026, 11, 18))
    click(d, "dashboard-period-custom", qtbot)
    assert d.page.custom_button.isChecked() and not d.page.period_buttons["month"].isChecked()
    assert_headline(d, date(2026, 11, 17), date(2026, 11, 18))
    assert_looks_right(d)

    set_language("en")
    d.page.retranslate()
    assert d.page.period_buttons["today"].text() == "Today"
    assert text(d, "dashboard-tickets") == f"{d.page.loaded.dashboard.queue.total.tickets:,}"
    set_language("vi")
    d.page.retranslate()
    exports_hold_the_figures(d, qtbot, tmp_path)  # on the same seeded office (seeding takes seconds)


def exports_hold_the_figures(d: SimpleNamespace, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Excel, CSV and PDF of the last 7 days, read back (the CSV as a Vietnamese Excel reads it)."""
    click(d, "dashboard-period-7d", qtbot)
    f = figures(d, TODAY - timedelta(days=6), TODAY)
    asked: list[tuple[str, str]] = []

    def choose(kind: str, suggested: str) -> str:
        asked.append((kind, suggested))
        return str(tmp_path / "out" / ("bao-cao" if kind in ("csv", "xlsx") else "bao-cao.pdf"))  # no suffix: added

    d.page.choose_path = choose
    click(d, "dashboard-csv", qtbot)
    csv_path = tmp_path / "out" / "bao-cao.csv"
    assert asked[0] == ("csv", f"bao-cao-{d.ctx.office_code}-2026-11-13-2026-11-19.csv")
    assert d.page.message.text() == f"Đã lưu tệp CSV: {csv_path}"
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig")), delimiter=";"))
    values = {r[0]: r[1] for r in rows if len(r) >= 2}
    assert values["Hồ sơ tiếp nhận"] == str(f.dossiers.received)
    assert values["Tỷ lệ đúng hạn (%)"] == str(round(f.dossiers.on_time_rate * 100, 1)).replace(".", ",")  # as on screen
    assert values["Số đã cấp"] == str(f.queue.total.tickets)

    from openpyxl import load_workbook

    click(d, "dashboard-xlsx", qtbot)
    xlsx_path = tmp_path / "out" / "bao-cao.xlsx"
    assert asked[1] == ("xlsx", f"bao-cao-{d.ctx.office_code}-2026-11-13-2026-11-19.xlsx")
    assert d.page.message.text() == f"Đã lưu tệp Excel: {xlsx_path}"
    sheet = load_workbook(xlsx_path).active
    cells = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if len(r) >= 2}
    assert cells["Hồ sơ tiếp nhận"] == f.dossiers.received  # numbers, not text
    assert cells["Tỷ lệ đúng hạn (%)"] == round(f.dossiers.on_time_rate * 100, 1)

    click(d, "dashboard-pdf", qtbot)
    pdf_path = tmp_path / "out" / "bao-cao.pdf"
    assert d.page.message.text() == f"Đã lưu báo cáo PDF: {pdf_path}"
    body = pdf_text(pdf_path.read_bytes())
    assert vi_percent(f.dossiers.on_time_rate) in body
    assert "Từ ngày 13/11/2026 đến ngày 19/11/2026" in body
    assert_looks_right(d)

    with d.ctx.db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.entity == "dashboard").order_by(AuditLog.at)).all()
        assert [a.action for a in audit] == ["dashboard_export_csv", "dashboard_export_xlsx", "dashboard_export_pdf"]
        assert {a.actor for a in audit} == {d.ctx.staff.full_name}

    # cancelled: nothing asked of the database, nothing said
    d.page.choose_path = lambda kind, suggested: ""
    click(d, "dashboard-csv", qtbot)
    assert d.page.message.text() == f"Đã lưu báo cáo PDF: {pdf_path}"


def test_an_export_into_a_folder_that_cannot_be_written_says_so(desk, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = desk
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    d.page.choose_path = lambda kind, suggested: str(blocker / "bao-cao.csv")
    click(d, "dashboard-csv", qtbot)
    assert d.page.message_kind == "save_error"
    assert d.page.message.text().startswith("Không lưu được tệp (")
    assert d.page.csv_button.isEnabled()  # the supervisor can try another folder


def test_the_report_prints_on_this_desks_printer(desk, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = desk
    click(d, "dashboard-print", qtbot)
    assert d.page.message.text() == "Đã gửi báo cáo tới máy in của quầy."
    with d.ctx.db.read() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.document == "dashboard_report")).one()
        assert job.id == d.page.print_job_id and job.device_id == d.ctx.device_id
    worker = PrintWorker(d.ctx.db, d.ctx.device_id, d.ctx.printer, tmp_path / "pdf", on_change=d.page.on_print_event)
    worker.run_once(d.ctx.now())
    assert d.page.message.text() == "Đã in xong báo cáo."
    printed = list((tmp_path / "printed").glob("*.pdf"))
    assert len(printed) == 1
    body = pdf_text(printed[0].read_bytes())
    assert "TỶ LỆ HỒ SƠ GIẢI QUYẾT ĐÚNG HẠN" in body and d.ctx.staff.full_name in body


def test_an_empty_period_says_so_and_shows_dashes(desk) -> None:  # type: ignore[no-untyped-def]
    d = desk
    assert d.page.message_kind == "empty"
    assert d.page.message.text().startswith("Không có số liệu trong khoảng thời gian này")
    assert text(d, "dashboard-on_time_rate") == "–"
    assert text(d, "dashboard-tickets") == "0"
    assert text(d, "dashboard-detail-on_time_rate") == "Chưa có hồ sơ nào được giải quyết trong khoảng thời gian này."
    assert d.page.tickets_chart.bar_count() == 1
    assert_looks_right(d)


def test_a_supervisor_demoted_elsewhere_is_refused_by_the_open_page(desk, office) -> None:  # type: ignore[no-untyped-def]
    """The page keeps the sign-in's StaffInfo; the next load or export asks the database (issue 18)."""
    d = desk
    loaded = model.load(d.ctx, "today").dashboard
    with d.ctx.db.write() as s:  # the admin, at another counter
        update_staff(s, office.actor("admin"), office.staff["giamsat"], role="clerk", now=COUNTER_NOW)
    assert d.ctx.staff.role == "supervisor"  # what the window still believes
    with pytest.raises(Forbidden):
        model.load(d.ctx, "today")
    with pytest.raises(Forbidden):
        model.print_report(d.ctx, loaded)
    with pytest.raises(Forbidden):
        model.export_csv(d.ctx, loaded, "/nonexistent/never-written.csv")
    with d.ctx.db.read() as s:
        assert s.scalars(select(PrintJob)).all() == []


def test_a_clerk_is_refused(desk, qtbot) -> None:  # type: ignore[no-untyped-def]
    d = desk
    assert DashboardPage.min_role == "supervisor"
    d.ctx.staff = staff_info(d.ctx.db, "canbo1")
    with pytest.raises(Forbidden):
        model.load(d.ctx, "today")
    with pytest.raises(Forbidden):
        model.export_csv(d.ctx, d.page.loaded.dashboard, "/nonexistent/never-written.csv")
    with pytest.raises(Forbidden):
        model.print_report(d.ctx, d.page.loaded.dashboard)
    click(d, "dashboard-period-7d", qtbot)
    assert d.page.loaded is None and not d.page.body.isVisible()  # no figure left on the screen
    assert d.page.message.text() == "Chức năng này yêu cầu quyền Giám sát."
    assert not d.page.csv_button.isEnabled() and not d.page.print_button.isEnabled()
    with d.ctx.db.read() as s:
        assert s.scalars(select(PrintJob)).all() == []


def test_a_late_answer_for_an_older_period_is_dropped(desk, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    d = desk
    real_load, gate = model.load, threading.Event()

    def load(ctx: CounterContext, period: model.Period) -> model.Loaded:
        if period == "30d":
            assert gate.wait(10)  # the 30-day read is slow
        return real_load(ctx, period)

    monkeypatch.setattr(model, "load", load)
    qtbot.mouseClick(d.nav.findChild(QPushButton, "dashboard-period-30d"), Qt.MouseButton.LeftButton)
    click(d, "dashboard-period-7d", qtbot)  # chosen while the 30 days are on their way; answered first
    assert d.page.loaded.day_count == 7
    gate.set()  # the 30-day read answers after the 7-day one
    assert d.tasks.wait_idle()
    assert d.page.loaded.day_count == 7 and d.page.period_buttons["7d"].isChecked()


def test_a_failed_read_and_a_backwards_range_are_said_plainly(desk, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    d = desk
    d.page.since_edit.setDate(date(2026, 11, 20))
    d.page.until_edit.setDate(date(2026, 11, 10))
    click(d, "dashboard-period-custom", qtbot)
    assert d.page.message.text() == "Ngày kết thúc không được trước ngày bắt đầu."

    def broken(ctx, period):  # type: ignore[no-untyped-def]
        raise database_outage("database is locked")  # what SQLAlchemy raises then (a bug would get an incident)

    monkeypatch.setattr(model, "load", broken)
    click(d, "dashboard-period-today", qtbot)
    assert d.page.message.text().startswith("Hiện không đọc được số liệu")
    assert d.page.message.property("role") == "error"
    assert d.page.loaded is not None  # the figures read before stay, with the message above them


# Every state of this page's tour_states(), in both languages, is looked at once, in the whole
# desk window with its side column (narrower than this page alone) and on the demo office: no
# English on a Vietnamese screen, nothing clipped, no target under the desk minimum, nothing
# blank, the window still 1600x900 — tests/counter/test_counter_tour.py.
