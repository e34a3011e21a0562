"""The supervisor's dashboard: figures checked against a hand-made week at the office, on
both databases; the CSV export; and a 30-day demo history (plausible totals, and fast)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import ValidationError
from core.fees import FeeInput
from local_db import migrate
from local_db.database import Database
from local_db.demo.seed import seed_demo
from local_db.office_setup import OfficeRefs
from local_db.ops import dashboard as dashboard_module
from local_db.ops.dashboard import (
    Dashboard,
    QueueRow,
    dashboard,
    percentile,
)
from local_db.ops.dashboard_export import dashboard_csv, dashboard_xlsx
from local_db.ops.dossiers import (
    checklist_for,
    handle_at_desk,
    list_dossiers,
    on_time,
    receive_dossier,
    reject,
    request_supplement,
    reschedule,
    result_back,
    return_result,
    send_to_processing,
    supplement_received,
    withdraw,
)
from local_db.ops.feedback import give_feedback
from local_db.ops.queue import (
    call_next,
    finish_serving,
    issue_ticket,
    mark_no_show,
    start_serving,
    transfer,
)
from tests.printing.test_dossier_source import TIEN
from tests.support.clock import Clock

MON = date(2026, 11, 23)  # Monday 23 to Friday 27 November 2026; Tuesday 24 is a day off (Culture Day)
BIRTH = "1.001193"  # Đăng ký khai sinh: Hộ tịch, same day
MARITAL = "1.004873"  # Xác nhận tình trạng hôn nhân: Hộ tịch, 3 working days
COPY = "2.000815"  # Chứng thực bản sao từ bản chính: Chứng thực, same day
CONTRACT = "2.001035"  # Chứng thực hợp đồng giao dịch: Chứng thực, 2 working days


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Hà Nội, November 2026, as aware UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


NOW = at(27, 14)  # Friday afternoon: the moment of "overdue" and "due today"


# --- a hand-made week ----------------------------------------------------------------------------


def a_morning_queue(db: Database, office: OfficeRefs) -> dict[str, object]:
    """Five tickets on Monday (waits and service times in whole minutes), one on Wednesday.

    Counter 1 (canbo1) serves HT and TK; counter 2 (canbo2) serves HT and CT.
    A001 waits 10, served 10 (c1) | B001 waits 11, served 5 (c2) | A002 waits 18, no-show (c1)
    A003 waits 17, served 14 (c2) | A004 first called at c1 after 16 min, transferred by
    canbo1 to CT, called again at c2 13 min later, served 4 | A001 of Wednesday never called.
    """
    kiosk, c1, c2 = office.actor(), office.actor("canbo1"), office.actor("canbo2")

    def do(op, actor, *args, now, **kw):  # type: ignore[no-untyped-def]
        with db.write() as s:
            return op(s, actor, *args, now=now, **kw)

    t1 = do(issue_ticket, kiosk, "HT", now=at(23, 8, 0))
    t5 = do(issue_ticket, kiosk, "CT", now=at(23, 8, 1))
    t2 = do(issue_ticket, kiosk, "HT", now=at(23, 8, 2))
    t3 = do(issue_ticket, kiosk, "HT", now=at(23, 8, 4))
    t4 = do(issue_ticket, kiosk, "HT", now=at(23, 8, 6))
    assert do(call_next, c1, 1, now=at(23, 8, 10)).id == t1.id
    do(start_serving, c1, t1.id, now=at(23, 8, 10))
    assert do(call_next, c2, 2, now=at(23, 8, 12)).id == t5.id
    do(start_serving, c2, t5.id, now=at(23, 8, 13))
    do(finish_serving, c2, t5.id, now=at(23, 8, 18))
    do(finish_serving, c1, t1.id, now=at(23, 8, 20))
    assert do(call_next, c1, 1, now=at(23, 8, 20)).id == t2.id
    assert do(call_next, c2, 2, now=at(23, 8, 21)).id == t3.id
    do(start_serving, c2, t3.id, now=at(23, 8, 21))
    do(mark_no_show, c1, t2.id, now=at(23, 8, 21))
    assert do(call_next, c1, 1, now=at(23, 8, 22)).id == t4.id
    do(transfer, c1, t4.id, to_service_code="CT", now=at(23, 8, 24))
    do(finish_serving, c2, t3.id, now=at(23, 8, 35))
    assert do(call_next, c2, 2, now=at(23, 8, 35)).id == t4.id
    do(start_serving, c2, t4.id, now=at(23, 8, 36))
    do(finish_serving, c2, t4.id, now=at(23, 8, 40))
    do(give_feedback, kiosk, rating="very_satisfied", ticket_id=t1.id, now=at(23, 8, 21))
    do(give_feedback, kiosk, rating="satisfied", ticket_id=t5.id, now=at(23, 8, 19))
    do(give_feedback, kiosk, rating="unsatisfied", ticket_id=t3.id, now=at(23, 8, 36))
    do(issue_ticket, kiosk, "HT", now=at(25, 9, 0))
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5}


def a_week_of_dossiers(db: Database, office: OfficeRefs) -> dict[str, object]:
    """Ten dossiers whose outcome is known (premises asserted where the due moment decides)."""
    clerk = office.actor("canbo2")

    def receive(code: str, now: datetime):  # type: ignore[no-untyped-def]
        with db.write() as s:
            docs = [replace(d, originals=1) for d in checklist_for(s, office.office_code, code)]
            return receive_dossier(s, clerk, procedure_code=code, applicant=TIEN, documents=docs,
                                   fee_input=FeeInput(days_since_event=10), counter_number=2, now=now)

    def move(op, dossier, now, **kw):  # type: ignore[no-untyped-def]
        with db.write() as s:
            return op(s, clerk, dossier.id, now=now, **kw)

    d: dict[str, object] = {}
    # Received before the week, ready on Monday on time: resolved in the week, not received in it.
    d["J"] = j = receive(MARITAL, at(20, 9))
    move(send_to_processing, j, at(20, 10))
    move(result_back, j, at(23, 15))
    # Received at 06:45 Monday, Sunday 23:45 in UTC: a Monday dossier. Ready on time, returned later.
    d["A"] = a = receive(BIRTH, at(23, 6, 45))
    assert a.received_at.date() == date(2026, 11, 22)
    move(handle_at_desk, a, at(23, 10))
    move(return_result, a, at(23, 14), returned_to="Nguyễn Thị Thuỷ Tiên", fee_paid_vnd=0)
    # Same-day dossier ready on Wednesday morning: late.
    d["B"] = b = receive(BIRTH, at(23, 9, 30))
    move(handle_at_desk, b, at(25, 8))
    # Rescheduled with an apology and ready by the new date, after the legal one: late.
    d["C"] = c = receive(MARITAL, at(23, 9))
    move(send_to_processing, c, at(23, 10))
    move(reschedule, c, at(25, 10), new_due_at=at(30, 16), reason="Cần xác minh thêm")
    ready_c = move(result_back, c, at(27, 10))
    assert c.due_at < at(27, 10) < at(30, 16) and on_time(ready_c) is True  # the dossier screen's view
    # Refused (not in the rate) and withdrawn (not in the rate), both Chứng thực.
    d["D"] = dd = receive(COPY, at(23, 10))
    move(reject, dd, at(23, 11), reason="Không thuộc thẩm quyền")
    d["I"] = i = receive(COPY, at(25, 9))
    move(withdraw, i, at(25, 9, 30), reason="Công dân rút hồ sơ")
    # Open and past due on Friday: overdue.
    d["E"] = e = receive(CONTRACT, at(23, 14))
    assert e.due_at < NOW
    # Open and due later on Friday: due today, not overdue.
    d["F"] = f = receive(CONTRACT, at(25, 15))
    assert at(27, 0) <= f.due_at and NOW < f.due_at < at(28, 0)
    # A supplement restarts the clock: ready after the first due moment but before the new one.
    d["G"] = g = receive(MARITAL, at(23, 9))
    move(request_supplement, g, at(23, 11), items=["Bản sao giấy tờ tùy thân"])
    restarted = move(supplement_received, g, at(25, 9))
    move(send_to_processing, g, at(25, 10))
    assert g.due_at < at(27, 11) < restarted.due_at
    move(result_back, g, at(27, 11))
    # Waiting for a supplement: its clock is stopped, never overdue.
    d["H"] = h = receive(MARITAL, at(23, 9))
    move(request_supplement, h, at(23, 10), items=["Giấy xác nhận cư trú"])
    return d


def _row(rows: tuple[QueueRow, ...], key: str) -> QueueRow:
    return next(r for r in rows if r.key == key)


def _figures(r: QueueRow) -> tuple[object, ...]:
    return (r.tickets, r.served, r.no_show, r.transferred, r.waited, r.wait_median_min, r.wait_p90_min, r.timed,
            r.service_median_min, r.service_p90_min)


def _week(db: Database, office: OfficeRefs) -> Dashboard:
    a_morning_queue(db, office)
    a_week_of_dossiers(db, office)
    with db.read() as s:
        return dashboard(s, office.office_code, since=MON, until=MON + timedelta(days=4), now=NOW)


def test_queue_figures_per_service_counter_and_clerk(db: Database, office: OfficeRefs) -> None:
    d = _week(db, office)
    q = d.queue
    # Hộ tịch numbered A001-A004 on Monday and A001 on Wednesday: waits 10, 16 (A004's first
    # call), 17, 18; service 10, 14, 4.
    assert _figures(_row(q.by_service, "HT")) == (5, 3, 1, 1, 4, 16.5, 17.7, 3, 10.0, 13.2)
    # A004 was served under Chứng thực but stays a Hộ tịch ticket: B001 alone here.
    assert _figures(_row(q.by_service, "CT")) == (1, 1, 0, 0, 1, 11.0, 11.0, 1, 5.0, 5.0)
    assert _figures(_row(q.by_service, "KD")) == (0, 0, 0, 0, 0, None, None, 0, None, None)
    assert [r.key for r in q.by_service] == ["HT", "CT", "KD", "XH", "TK"]
    assert (q.by_service[0].name_vi, q.by_service[0].name_en) == ("Hộ tịch", "Civil status")
    assert _figures(q.total) == (6, 4, 1, 1, 5, 16.0, 17.6, 4, 7.5, 12.8)

    # Counter 1 kept A001 and A002 and sent A004 away; counter 2 served B001, A003, A004.
    assert _figures(_row(q.by_counter, "1")) == (2, 1, 1, 1, 2, 14.0, 17.2, 1, 10.0, 10.0)
    assert _figures(_row(q.by_counter, "2")) == (3, 3, 0, 0, 3, 16.0, 16.8, 3, 5.0, 12.2)
    assert [r.key for r in q.by_counter] == ["1", "2", "3", "4"]
    assert _row(q.by_counter, "3").tickets == 0
    # Each clerk sat at one counter: the same figures under the clerk's name.
    assert [(r.key, r.name_vi) for r in q.by_clerk] == [("canbo1", "Nguyễn Văn Hoà"), ("canbo2", "Phạm Thị Thuỷ")]
    assert _figures(q.by_clerk[0]) == _figures(_row(q.by_counter, "1"))
    assert _figures(q.by_clerk[1]) == _figures(_row(q.by_counter, "2"))


def test_at_23_50_a_dossier_due_at_17_00_is_overdue_and_not_also_due_today(db: Database,
                                                                          office: OfficeRefs) -> None:
    """At 23:50 office time the same dossiers were counted in "Đang quá hạn" and in "Đến hạn
    hôm nay": the two are exclusive, in the dashboard, the desk's chips and their lists."""
    from local_db.ops.dossier_desk import desk_counts

    clock = Clock(at(27, 9))  # Friday morning
    with db.write() as s:
        docs = [replace(d, originals=1) for d in checklist_for(s, office.office_code, COPY)]
        copy = receive_dossier(s, office.actor("canbo1"), procedure_code=COPY, applicant=TIEN, documents=docs,
                               counter_number=1, now=clock())  # same day: due 17:00 today
    assert copy.due_at == at(27, 17)

    def figures() -> tuple[int, int, int, int, int, int]:
        now = clock()
        with db.read() as s:
            k = dashboard(s, office.office_code, since=date(2026, 11, 27), until=date(2026, 11, 27), now=now).dossiers
            desk = desk_counts(s, office.office_code, now=now)
            lists = (len(list_dossiers(s, office.office_code, overdue=True, now=now)),
                     len(list_dossiers(s, office.office_code, due_today=True, now=now)))
        return k.overdue, k.due_today, desk.overdue, desk.due_today, *lists

    clock.now = at(27, 16, 59)
    assert figures() == (0, 1, 0, 1, 0, 1)  # due today, not overdue yet
    clock.now = at(27, 23, 50)
    assert figures() == (1, 0, 1, 0, 1, 0)  # overdue, and no longer "due today" as well


def test_many_transfers_give_the_same_figures(db: Database, office: OfficeRefs,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a few hundred transferred tickets the ticket query returns every id instead."""
    d = _week(db, office)
    monkeypatch.setattr(dashboard_module, "_MOVED_IN_CASE", 0)
    with db.read() as s:
        again = dashboard(s, office.office_code, since=d.since, until=d.until, now=NOW)
    assert again == d


def test_dossier_figures_on_time_rate_overdue_and_due_today(db: Database, office: OfficeRefs) -> None:
    d = _week(db, office)
    k = d.dossiers
    # Received: A B C D E G H on Monday, F I on Wednesday (J came the Friday before).
    assert k.received == 9
    # Ready in the week: J A G on time; B (two days late) and C (rescheduled) late.
    assert (k.resolved, k.on_time, k.late) == (5, 3, 2)
    assert k.on_time_rate == pytest.approx(0.6)
    assert (k.rejected, k.withdrawn) == (1, 1)
    assert (k.overdue, k.due_today) == (1, 1)
    by_field = {r.name_vi: r for r in k.by_field}
    assert list(by_field) == ["Hộ tịch", "Chứng thực", "Đăng ký kinh doanh", "Bảo trợ xã hội"]
    ht, ct = by_field["Hộ tịch"], by_field["Chứng thực"]
    assert (ht.received, ht.resolved, ht.on_time, ht.late, ht.rejected, ht.withdrawn) == (5, 5, 3, 2, 0, 0)
    assert (ct.received, ct.resolved, ct.on_time, ct.late, ct.rejected, ct.withdrawn) == (4, 0, 0, 0, 1, 1)
    assert ct.on_time_rate is None and ht.name_en == "Civil status"

    # The counts agree with the lists the supervisor opens from them.
    with db.read() as s:
        overdue = list_dossiers(s, office.office_code, overdue=True, now=NOW)
        due_today = list_dossiers(s, office.office_code, due_today=True, now=NOW)
    assert len(overdue) == k.overdue and len(due_today) == k.due_today

    assert d.satisfaction.total == 3
    assert (d.satisfaction.very_satisfied, d.satisfaction.satisfied, d.satisfaction.unsatisfied) == (1, 1, 1)
    assert d.satisfaction.satisfied_share == pytest.approx(2 / 3)


def test_day_series_uses_office_days(db: Database, office: OfficeRefs) -> None:
    d = _week(db, office)
    days = {x.day: x for x in d.days}
    assert list(days) == [MON + timedelta(days=i) for i in range(5)]
    mon, tue, wed, thu, fri = (days[MON + timedelta(days=i)] for i in range(5))
    assert (mon.tickets, mon.avg_wait_min) == (5, pytest.approx((10 + 11 + 18 + 17 + 16) / 5))
    assert (tue.tickets, tue.avg_wait_min, wed.tickets, wed.avg_wait_min) == (0, None, 1, None)
    assert (mon.dossiers_received, tue.dossiers_received, wed.dossiers_received) == (7, 0, 2)
    assert [(x.on_time, x.late) for x in (mon, tue, wed, thu, fri)] == [(2, 0), (0, 0), (0, 1), (0, 0), (1, 1)]
    assert sum(x.dossiers_received for x in d.days) == d.dossiers.received


def test_a_shorter_period_leaves_the_rest_out(db: Database, office: OfficeRefs) -> None:
    a_morning_queue(db, office)
    a_week_of_dossiers(db, office)
    with db.read() as s:
        monday = dashboard(s, office.office_code, since=MON, until=MON, now=NOW)
        before = dashboard(s, office.office_code, since=date(2026, 11, 16), until=date(2026, 11, 22), now=NOW)
    assert monday.queue.total.tickets == 5 and len(monday.days) == 1
    assert (monday.dossiers.received, monday.dossiers.resolved, monday.dossiers.on_time) == (7, 2, 2)
    assert monday.dossiers.on_time_rate == 1.0
    # Nothing happened in the week before but J's receipt; "overdue" is as of now, whatever the period.
    assert before.queue.total.tickets == 0 and before.queue.total.wait_median_min is None
    assert (before.dossiers.received, before.dossiers.resolved, before.dossiers.on_time_rate) == (1, 0, None)
    assert before.dossiers.overdue == 1 and before.satisfaction.satisfied_share is None
    assert before.queue.by_clerk == ()


def test_an_empty_or_backwards_period(db: Database, office: OfficeRefs) -> None:
    with db.read() as s:
        with pytest.raises(ValidationError):
            dashboard(s, office.office_code, since=MON, until=MON - timedelta(days=1), now=NOW)
        empty = dashboard(s, office.office_code, since=MON, until=MON, now=NOW)
    assert empty.dossiers.on_time_rate is None and empty.queue.total.tickets == 0
    assert empty.office_name_vi == "UBND Phường Ba Đình"
    rows = list(csv.reader(io.StringIO(dashboard_csv(empty, "vi")[1:]), delimiter=";"))
    assert ["Tỷ lệ đúng hạn (%)", ""] in rows  # no rate: an empty cell, not 0


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([4.0, 10.0, 14.0], 0.5) == 10.0
    assert percentile([18.0, 10.0, 17.0, 16.0], 0.9) == pytest.approx(17.7)
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


# --- CSV -----------------------------------------------------------------------------------------------


def _sections(text: str, delimiter: str = ";") -> dict[str, list[list[str]]]:
    """Title row -> [header row, data rows...] of each section (";": a Vietnamese CSV)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    out: dict[str, list[list[str]]] = {}
    for i, row in enumerate(rows):
        if not row and i + 1 < len(rows):
            block = []
            for r in rows[i + 2:]:
                if not r:
                    break
                block.append(r)
            out[rows[i + 1][0]] = block
    return out


def test_csv_opens_in_a_vietnamese_excel_with_every_table(db: Database, office: OfficeRefs) -> None:
    """Vietnamese: ";" between columns and a decimal comma, what Excel reads under Windows'
    Vietnamese settings (a comma-separated "89.4" landed in one column there)."""
    d = _week(db, office)
    text = dashboard_csv(d, "vi")
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # what Excel needs to read Vietnamese
    assert not text[1:].startswith("sep=")  # Excel would ignore the byte-order mark after it
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[1] == ["Đơn vị", "UBND Phường Ba Đình", office.office_code]
    assert rows[2] == ["Từ ngày", "2026-11-23", "Đến ngày", "2026-11-27"]
    sections = _sections(text[1:])
    assert list(sections) == ["Các chỉ tiêu chính", "Hồ sơ theo lĩnh vực", "Số thứ tự theo lĩnh vực",
                              "Số thứ tự theo quầy", "Số thứ tự theo cán bộ", "Mức độ hài lòng của người dân",
                              "Theo ngày"]
    key = dict(sections["Các chỉ tiêu chính"][1:])
    assert key["Hồ sơ tiếp nhận"] == "9" and key["Tỷ lệ đúng hạn (%)"] == "60,0"
    assert (key["Giải quyết đúng hạn"], key["Giải quyết trễ hạn"]) == ("3", "2")
    assert (key["Đang quá hạn"], key["Đến hạn hôm nay"]) == ("1", "1")
    assert key["Tỷ lệ hài lòng (%)"] == "66,7"  # as the screen says it: "66,7%"
    fields = sections["Hồ sơ theo lĩnh vực"]
    assert fields[0][:3] == ["Lĩnh vực", "Tiếp nhận", "Đã giải quyết"]
    assert ["Hộ tịch", "5", "5", "3", "2", "60,0", "0", "0"] in fields
    assert fields[-1] == ["Tổng cộng", "9", "5", "3", "2", "60,0", "1", "1"]
    services = sections["Số thứ tự theo lĩnh vực"]
    assert services[0][:2] == ["Lĩnh vực", "Số đã cấp"]
    assert ["Hộ tịch", "5", "3", "1", "1", "16,5", "17,7", "10,0", "13,2"] in services
    assert ["Đăng ký kinh doanh", "0", "0", "0", "0", "", "", "", ""] in services
    assert services[-1][:2] == ["Tổng cộng", "6"]
    assert ["Quầy 1", "2", "1", "1", "1", "14,0", "17,2", "10,0", "10,0"] in sections["Số thứ tự theo quầy"]
    assert sections["Số thứ tự theo cán bộ"][1][0] == "Nguyễn Văn Hoà"
    assert ["Rất hài lòng", "1", "33,3"] in sections["Mức độ hài lòng của người dân"]
    assert ["2026-11-23", "5", "14,4", "7", "2", "0"] in sections["Theo ngày"]

    english = dashboard_csv(d, "en")[1:]  # an English Excel: "," and "60.0"
    assert "Civil status,5,5,3,2,60.0,0,0" in english.splitlines()
    sections_en = _sections(english, delimiter=",")
    assert sections_en["Tickets by counter"][0][:2] == ["Counter", "Tickets called"]
    assert dict(sections_en["Key figures"][1:])["On-time rate (%)"] == "60.0"


def test_the_excel_workbook_holds_the_figures_as_numbers_and_the_days_as_dates(db: Database,
                                                                               office: OfficeRefs) -> None:
    """Read back with openpyxl: Excel shows numbers in its own locale, so they must be numbers."""
    from openpyxl import load_workbook

    d = _week(db, office)
    book = load_workbook(io.BytesIO(dashboard_xlsx(d, "vi")))
    sheet = book.active
    assert sheet is not None and sheet.title == "Báo cáo"
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0][0] == "Báo cáo tổng hợp của Bộ phận Tiếp nhận và Trả kết quả" and sheet.cell(1, 1).font.bold
    assert rows[1][:3] == ("Đơn vị", "UBND Phường Ba Đình", office.office_code)
    key = {r[0]: r[1] for r in rows if r and len(r) > 1}
    assert key["Hồ sơ tiếp nhận"] == 9 and key["Tỷ lệ đúng hạn (%)"] == pytest.approx(60.0)
    assert key["Tỷ lệ hài lòng (%)"] == pytest.approx(66.7)
    tickets = rows[rows.index(next(r for r in rows if r[0] == "Số thứ tự theo lĩnh vực")):]
    assert next(r for r in tickets if r[0] == "Hộ tịch")[:9] == ("Hộ tịch", 5, 3, 1, 1, 16.5, 17.7, 10.0, 13.2)
    assert next(r for r in tickets if r[0] == "Đăng ký kinh doanh")[5] is None  # no value, not 0
    days = [r for r in rows if isinstance(r[0], datetime)]
    assert [r[0].date() for r in days] == [MON + timedelta(days=i) for i in range(5)]
    assert days[0][1:6] == (5, 14.4, 7, 2, 0)
    english = load_workbook(io.BytesIO(dashboard_xlsx(d, "en"))).active
    assert english is not None and english.title == "Report"
    assert ("Civil status", 5, 5, 3, 2, 60.0, 0, 0) in [tuple(c.value for c in r)[:8] for r in english.iter_rows()]


# --- the demo office's 30 days -------------------------------------------------------------------------

DEMO_NOW = datetime.fromisoformat("2026-11-19T15:30:00+07:00")  # a Thursday afternoon


def _plain_oracle(db: Database, office_code: str, since: date, until: date) -> dict[str, int]:
    """The same counts the slow, obvious way: every row as an object, filtered in Python."""
    from sqlalchemy import select

    from core.working_calendar import OFFICE_TZ
    from local_db.models import Dossier, Ticket

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(OFFICE_TZ).date() if moment else None

    with db.read() as s:
        tickets = [t for t in s.scalars(select(Ticket)) if since <= t.day <= until]
        dossiers = list(s.scalars(select(Dossier)))
    ready = [x for x in dossiers if x.ready_at and since <= local(x.ready_at) <= until]  # type: ignore[operator]
    return {
        "tickets": len(tickets), "served": sum(t.status == "done" for t in tickets),
        "no_show": sum(t.status == "no_show" for t in tickets),
        "received": sum(since <= local(x.received_at) <= until for x in dossiers),  # type: ignore[operator]
        "resolved": len(ready), "on_time": sum(x.ready_at <= x.original_due_at for x in ready),  # type: ignore[operator]
    }


def test_a_few_demo_days_agree_with_a_plain_count(empty_db: Database) -> None:
    """Seeded history on both databases: the SQL figures equal a row-by-row count."""
    summary = seed_demo(empty_db, seed=7, days=2, now=DEMO_NOW)
    with empty_db.read() as s:
        d = dashboard(s, summary.office_code, since=summary.first_day, until=summary.last_day, now=DEMO_NOW)
    plain = _plain_oracle(empty_db, summary.office_code, summary.first_day, summary.last_day)
    q, k = d.queue.total, d.dossiers
    assert (q.tickets, q.served, q.no_show) == (plain["tickets"], plain["served"], plain["no_show"])
    assert (k.received, k.resolved, k.on_time) == (plain["received"], plain["resolved"], plain["on_time"])
    assert q.tickets == summary.tickets and k.received > 10 and k.resolved > 5
    assert sum(r.tickets for r in d.queue.by_service) == q.tickets


@pytest.fixture(scope="module")
def demo_month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, str]:
    """A week of demo history in SQLite, five working days (built once; the 30-day figure
    and its time are make bench's dashboard_30d)."""
    path: Path = tmp_path_factory.mktemp("dashboard") / "demo.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    summary = seed_demo(db, seed=2026, days=6, now=DEMO_NOW)
    yield db, summary.office_code  # type: ignore[misc]
    db.dispose()


@pytest.mark.slow
def test_days_of_demo_history_give_plausible_figures(demo_month: tuple[Database, str]) -> None:
    db, office_code = demo_month
    since, until = date(2026, 11, 13), date(2026, 11, 19)
    with db.read() as s:
        d = dashboard(s, office_code, since=since, until=until, now=DEMO_NOW)
    q, k = d.queue.total, d.dossiers
    working_days = sum(1 for x in d.days if x.tickets)
    assert 4 <= working_days <= 5  # Friday 13th to Thursday 19th, a weekend between
    assert 55 * working_days <= q.tickets <= 110 * working_days
    assert 0.9 < q.served / q.tickets < 1.0 and q.no_show > 0
    # most demo citizens wait little, but nobody is called the second their number is printed
    assert 0.25 <= q.wait_median_min < q.wait_p90_min < 60  # type: ignore[operator]
    assert 3 < q.service_median_min < q.service_p90_min < 30  # type: ignore[operator]
    assert 0.4 * q.served < k.received < 0.7 * q.served  # about every other citizen leaves a dossier
    assert 0.8 < k.on_time_rate < 0.98  # type: ignore[operator]  # the simulation makes ~10 % late
    assert k.resolved == k.on_time + k.late == sum(r.resolved for r in k.by_field)
    assert k.rejected > 0 and k.withdrawn > 0 and k.overdue > 0
    assert 0.85 < d.satisfaction.satisfied_share < 1  # type: ignore[operator]
    assert {r.key for r in d.queue.by_clerk} == {"canbo1", "canbo2"}
    assert sum(r.tickets for r in d.queue.by_counter) <= q.waited <= q.tickets  # counters hold called tickets
    # the CSV of the period is still a valid CSV with one row per day
    sections = _sections(dashboard_csv(d, "vi")[1:])
    assert len(sections["Theo ngày"]) == 1 + len(d.days) == 8
