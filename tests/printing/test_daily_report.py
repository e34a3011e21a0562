"""The daily counter report: figures read from a real day at the office, and the A4 paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.dossiers import (
    receive_dossier,
    reject,
    request_supplement,
    result_back,
    return_result,
    send_to_processing,
)
from local_db.ops.queue import (
    call_next,
    finish_serving,
    issue_ticket,
    mark_no_show,
    start_serving,
)
from printing.content import from_data, to_data
from printing.documents.daily_report import daily_report_pdf
from printing.dossier_source import daily_report_content
from printing.forms_content import DailyReportContent, DossierLine, ServiceLine
from tests.printing.test_dossier_source import DOCS, MARITAL_STATUS, TIEN
from tests.printing.test_forms import (
    LONG_NAME,
    assert_language,
    assert_margins_white,
    assert_page_sizes,
    assert_text_whole,
    issuer,
)
from tests.support.pdf_tools import page_size_mm

DAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def a_day_at_the_office(db: Database, office: OfficeRefs) -> dict[str, object]:
    """Four tickets and three dossiers, at counters 1 and 2."""
    c1, c2 = office.actor("canbo2"), office.actor("canbo1")
    with db.write() as s:
        t1 = issue_ticket(s, office.actor(), "HT", now=at(8, 0))
        t2 = issue_ticket(s, office.actor(), "HT", now=at(8, 5))
        t3 = issue_ticket(s, office.actor(), "HT", now=at(8, 6))
        t4 = issue_ticket(s, office.actor(), "CT", now=at(8, 7))
    steps = [
        (call_next, c2, 2, at(8, 10)), (start_serving, c2, t1.id, at(8, 10)), (finish_serving, c2, t1.id, at(8, 20)),
        (call_next, c2, 2, at(8, 20)), (mark_no_show, c2, t2.id, at(8, 25)),
        (call_next, c1, 1, at(8, 21)), (start_serving, c1, t3.id, at(8, 21)), (finish_serving, c1, t3.id, at(8, 31)),
        (call_next, c2, 2, at(8, 26)), (start_serving, c2, t4.id, at(8, 26)), (finish_serving, c2, t4.id, at(8, 36)),
    ]
    for op, actor, arg, now in steps:
        with db.write() as s:
            op(s, actor, arg, now=now)

    def receive(actor, counter: int, now: datetime):  # type: ignore[no-untyped-def]
        with db.write() as s:
            return receive_dossier(s, actor, procedure_code=MARITAL_STATUS, applicant=TIEN, documents=DOCS,
                                   counter_number=counter, now=now)

    def move(op, actor, dossier, now, **kw):  # type: ignore[no-untyped-def]
        with db.write() as s:
            return op(s, actor, dossier.id, now=now, **kw)

    d1 = receive(c2, 2, at(9, 0))
    d2 = receive(c2, 2, at(9, 30))
    d3 = receive(c1, 1, at(10, 30))
    move(request_supplement, c2, d2, at(10, 0), items=["Giấy tờ chứng minh đã ly hôn"], counter_number=2)
    move(reject, c1, d3, at(11, 0), reason="Không thuộc thẩm quyền", counter_number=1)
    move(send_to_processing, c2, d1, at(9, 10))
    move(result_back, c2, d1, at(13, 30))
    move(return_result, c2, d1, at(14, 0), returned_to="Nguyễn Thị Thuỷ Tiên", fee_paid_vnd=3000, counter_number=2)
    return {"d1": d1, "d2": d2, "d3": d3}


def test_counter_report_counts_its_tickets_waits_and_dossiers(db: Database, office: OfficeRefs) -> None:
    d = a_day_at_the_office(db, office)
    with db.read() as s:
        report = daily_report_content(s, office.office_code, DAY, counter_number=2, now=at(17, 0))
    by_name = {line.service_name: line for line in report.services}
    assert list(by_name) == ["Hộ tịch", "Chứng thực"]  # counter 2 serves these two
    ht, ct = by_name["Hộ tịch"], by_name["Chứng thực"]
    assert (ht.issued, ht.served, ht.no_show) == (2, 1, 1)
    assert ht.avg_wait_seconds == (600 + 900) // 2 and ht.avg_serve_seconds == 600
    assert (ct.issued, ct.served, ct.no_show, ct.avg_wait_seconds, ct.avg_serve_seconds) == (1, 1, 0, 1140, 600)
    assert [(line.code, line.outcome) for line in report.dossiers] == [
        (d["d1"].code, "received"), (d["d2"].code, "received"), (d["d2"].code, "needs_supplement"),
        (d["d1"].code, "returned")]
    assert [line.fee_vnd for line in report.dossiers] == [3000, 3000, 0, 3000]
    assert report.fees_collected_vnd == 3000
    assert report.counter_number == 2

    pdf = daily_report_pdf(report)
    assert_page_sizes(pdf, "A4")
    assert_text_whole(
        pdf, "BÁO CÁO TRONG NGÀY CỦA BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Ngày 23/11/2026", "Quầy: 2",
        "Hộ tịch 2 1 1 12 phút 30 giây 10 phút 00 giây",
        "Chứng thực 1 1 0 19 phút 00 giây 10 phút 00 giây",
        "Tổng cộng 3 2 1 14 phút 40 giây 10 phút 00 giây",  # waits averaged over tickets, not services
        d["d1"].code, "Nguyễn Thị Thuỷ Tiên", "Tiếp nhận: 2", "Đã trả kết quả: 1", "Yêu cầu bổ sung: 1",
        "Từ chối: 0", "Tổng phí, lệ phí đã thu: 3.000 đ",
    )


def test_office_and_clerk_reports(db: Database, office: OfficeRefs) -> None:
    d = a_day_at_the_office(db, office)
    with db.read() as s:
        whole = daily_report_content(s, office.office_code, DAY, now=at(17, 0))
        clerk = daily_report_content(s, office.office_code, DAY, staff_id=office.staff["canbo2"], now=at(17, 0))
        english = daily_report_content(s, office.office_code, DAY, lang="en", now=at(17, 0))
        other_day = daily_report_content(s, office.office_code, DAY + timedelta(days=1), now=at(17, 0))
    assert [line.service_name for line in whole.services] == [
        "Hộ tịch", "Chứng thực", "Đăng ký kinh doanh", "Bảo trợ xã hội", "Trả kết quả"]
    assert sum(line.issued for line in whole.services) == 4
    assert len(whole.dossiers) == 6 and whole.fees_collected_vnd == 3000
    assert clerk.staff_name == "Phạm Thị Thuỷ"
    assert [(line.service_name, line.served) for line in clerk.services] == [("Hộ tịch", 1)]
    assert [(line.code, line.outcome) for line in clerk.dossiers] == [(d["d3"].code, "received"),
                                                                      (d["d3"].code, "rejected")]
    assert english.services[0].service_name == "Civil status"
    assert not other_day.dossiers and sum(line.issued for line in other_day.services) == 0
    assert_text_whole(daily_report_pdf(english), "DAILY REPORT OF THE RECEPTION AND RESULT RETURN DESK",
                      "all officers", "Fees collected: 3,000 VND")


def sample(lang: str = "vi", rows: int = 4) -> DailyReportContent:
    services = (ServiceLine("Hộ tịch", 42, 38, 3, 41, 41 * 600, 38, 38 * 420),
                ServiceLine("Chứng thực", 30, 29, 1, 30, 30 * 300, 29, 29 * 200))
    outcomes = ("received", "returned", "needs_supplement", "rejected")
    dossiers = tuple(
        DossierLine(at(8) + timedelta(minutes=7 * i), f"000.00.04.H26-261123-{i:04d}",
                    LONG_NAME if i == 3 else f"Nguyễn Văn Khách {i}",
                    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp",
                    outcomes[i % 4], 8000 if outcomes[i % 4] in ("received", "returned") else 0)
        for i in range(1, rows + 1)
    )
    return DailyReportContent(lang=lang, issuer=issuer(lang), day=DAY, printed_at=at(17), services=services,
                              dossiers=dossiers, fees_collected_vnd=8000 * sum(d.outcome == "returned" for d in dossiers),
                              counter_number=None, staff_name="")


def test_a_long_day_runs_on_to_more_pages_with_every_name_whole() -> None:
    record = sample(rows=60)
    pdf = daily_report_pdf(record)
    assert len(page_size_mm(pdf)) >= 2
    assert_page_sizes(pdf, "A4")
    assert_text_whole(pdf, LONG_NAME, *(d.code for d in record.dossiers), "60 hồ sơ")
    assert_margins_white(pdf)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_labels_are_in_its_language(lang: str) -> None:
    assert_language(daily_report_pdf(sample(lang)), lang)


def test_report_record_survives_the_print_queue() -> None:
    record = replace(sample(), counter_number=3, staff_name="Nguyễn Văn Hoà")
    assert from_data(DailyReportContent, to_data(record)) == record
