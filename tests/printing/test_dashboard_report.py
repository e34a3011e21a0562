"""The dashboard on A4: the on-time rate set apart, every table, both languages, long
names whole, and the record through the print queue."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.dashboard import (
    Dashboard,
    DayFigures,
    DossierFigures,
    FieldRow,
    QueueFigures,
    QueueRow,
    Satisfaction,
    dashboard,
)
from printing.content import from_data, to_data
from printing.documents.dashboard_report import (
    DashboardReportContent,
    dashboard_report_content,
    dashboard_report_pdf,
)
from printing.render import content_from_data, render_pdf
from tests.local_db.test_dashboard import MON, NOW, a_morning_queue, a_week_of_dossiers
from tests.printing.test_forms import (
    LONG_NAME,
    assert_margins_white,
    assert_page_sizes,
    assert_text_whole,
    flat,
    issuer,
)
from tests.support.pdf_tools import page_size_mm, pdf_fonts, pdf_text

PO_FILE = Path(__file__).resolve().parents[2] / "core" / "locale" / "vi" / "dashboard.po"
PRINTED = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)  # 16:00 in Hà Nội
LONG_FIELD = "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp"


def queue_row(key: str, name: str, tickets: int, wait: float = 12.5, en: str = "") -> QueueRow:
    if not tickets:
        return QueueRow(key, name, en or name, 0, 0, 0, 0, 0, None, None, 0, None, None)
    return QueueRow(key=key, name_vi=name, name_en=en or name, tickets=tickets, served=tickets - 2, no_show=1,
                    transferred=1, waited=tickets - 1, wait_median_min=wait, wait_p90_min=31.2,
                    timed=tickets - 2, service_median_min=7.25, service_p90_min=15.0)


def sample(days: int = 31, clerk: str = "Nguyễn Văn Hoà") -> Dashboard:
    since = date(2026, 10, 20)
    def day(i: int) -> DayFigures:
        d = since + timedelta(days=i)
        if d.weekday() >= 5:  # nothing happens at weekends
            return DayFigures(day=d, tickets=0, avg_wait_min=None, dossiers_received=0, on_time=0, late=0)
        return DayFigures(day=d, tickets=90 + i % 7, avg_wait_min=4.5, dossiers_received=40, on_time=30, late=3)

    series = tuple(day(i) for i in range(days))
    return Dashboard(
        office_code="00004", office_name_vi="UBND Phường Ba Đình", office_name_en="Ba Dinh Ward People's Committee",
        since=since, until=since + timedelta(days=days - 1), now=PRINTED,
        queue=QueueFigures(
            by_service=(queue_row("HT", "Hộ tịch", 1036, en="Civil status"),
                        queue_row("CT", LONG_FIELD, 763, en="Attestation"),
                        queue_row("KD", "Đăng ký kinh doanh", 0, en="Business registration")),
            by_counter=(queue_row("1", "Quầy 1", 568), queue_row("2", "Quầy ưu tiên người cao tuổi", 655)),
            by_clerk=(queue_row("canbo1", clerk, 1121), queue_row("canbo2", "Phạm Thị Thuỷ", 1088)),
            total=queue_row("", "", 2218, wait=10.0)),
        dossiers=DossierFigures(
            received=1075, resolved=871, on_time=787, late=84, rejected=32, withdrawn=22, overdue=24, due_today=7,
            by_field=(FieldRow("Hộ tịch", "Civil status", 547, 449, 405, 44, 20, 13),
                      FieldRow(LONG_FIELD, "Attestation", 391, 352, 318, 34, 8, 6),
                      FieldRow("Bảo trợ xã hội", "Social protection", 58, 70, 64, 6, 2, 1),
                      FieldRow("Đăng ký kinh doanh", "Business registration", 79, 0, 0, 0, 2, 2))),
        satisfaction=Satisfaction(total=650, very_satisfied=381, satisfied=241, unsatisfied=28),
        days=series)


def record(lang: str = "vi", **changes: object) -> DashboardReportContent:
    content = DashboardReportContent(lang=lang, issuer=issuer(lang), printed_at=PRINTED, dashboard=sample(),
                                     prepared_by="Lê Thị Thu Hà")
    return replace(content, **changes)  # type: ignore[arg-type]


def test_vietnamese_report_sets_the_on_time_rate_apart_and_prints_every_table() -> None:
    pdf = dashboard_report_pdf(record())
    assert_page_sizes(pdf, "A4")
    assert all(f["embedded"] == "yes" for f in pdf_fonts(pdf))
    text = flat(pdf_text(pdf))
    for heading in ("BÁO CÁO TỔNG HỢP TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ", "Từ ngày 20/10/2026 đến ngày 19/11/2026",
                    "TỶ LỆ HỒ SƠ GIẢI QUYẾT ĐÚNG HẠN", "787/871 hồ sơ đã giải quyết", "I. Hồ sơ theo lĩnh vực",
                    "II. Số thứ tự theo lĩnh vực", "III. Số thứ tự theo quầy", "IV. Số thứ tự theo cán bộ",
                    "V. Mức độ hài lòng của người dân", "VI. Số liệu theo ngày", "NGƯỜI LẬP BÁO CÁO"):
        assert heading in text, heading
    assert "90,4%" in text  # 787 / 871, the Vietnamese way
    assert_text_whole(
        pdf, "Hồ sơ tiếp nhận: 1.075", "Đang quá hạn: 24", "Đến hạn hôm nay: 7", "Tỷ lệ hài lòng: 95,7%",
        "Hộ tịch 547 449 405 44 90,2% 20 13", "Tổng cộng 1.075 871 787 84 90,4% 32 22",
        "Đăng ký kinh doanh 79 0 0 0 – 2 2",  # nothing resolved: no rate, not 0 %
        "Hộ tịch 1.036 1.034 1 1 12,5 31,2 7,2 15,0",
        "Quầy 2 – Quầy ưu tiên người cao tuổi", "Rất hài lòng 381 58,6%", "Lê Thị Thu Hà",
        "Thời gian chờ (trung vị): 10,0 phút", "Số liệu tính đến 16 giờ 00 phút, ngày 19/11/2026",
    )
    # weekends with nothing to show are left out of the days' table
    assert "24/10/2026" not in text and "23/10/2026" in text


def test_english_report_has_no_vietnamese_label() -> None:
    pdf = dashboard_report_pdf(record("en"))
    text = flat(pdf_text(pdf))
    assert "SUMMARY REPORT ON RECEIVING AND RESOLVING DOSSIERS" in text and "90.4%" in text
    assert_text_whole(pdf, "Civil status 547 449 405 44 90.2% 20 13", "Dossiers received: 1,075",
                      "Counter 1", "From 20/10/2026 to 19/11/2026")
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    for message in catalog:
        if not message.id or not message.string:
            continue
        for part in re.split(r"\{[^}]*\}", message.string):
            part = part.strip(" ()%:,.-")
            if len(part) >= 6:
                assert flat(part) not in text, f"Vietnamese label in the English report: {part!r}"


def test_long_names_wrap_whole_and_a_year_runs_on_to_more_pages() -> None:
    content = record(dashboard=replace(sample(days=365, clerk=LONG_NAME)))
    pdf = dashboard_report_pdf(content)
    assert len(page_size_mm(pdf)) >= 3
    assert_page_sizes(pdf, "A4")
    assert_text_whole(pdf, LONG_NAME, LONG_FIELD, "19/10/2027")
    assert_margins_white(pdf)


def test_a_period_with_nothing_in_it_still_prints() -> None:
    empty = replace(sample(days=1), days=(DayFigures(date(2026, 10, 20), 0, None, 0, 0, 0),),
                    dossiers=DossierFigures(0, 0, 0, 0, 0, 0, 0, 0, ()),
                    satisfaction=Satisfaction(0, 0, 0, 0))
    text = flat(pdf_text(dashboard_report_pdf(record(dashboard=empty))))
    assert "Ngày 20/10/2026" in text  # one day: no "from ... to ..."
    assert "TỶ LỆ HỒ SƠ GIẢI QUYẾT ĐÚNG HẠN –" in text and "0/0 hồ sơ đã giải quyết" in text
    assert "VI." not in text


def test_record_survives_the_print_queue() -> None:
    content = record()
    data = to_data(content)
    assert from_data(DashboardReportContent, data) == content
    assert content_from_data("dashboard_report", data) == content
    assert pdf_text(render_pdf("dashboard_report", data)) == pdf_text(dashboard_report_pdf(content))


def test_report_of_real_figures(db: Database, office: OfficeRefs) -> None:
    """The hand-made week of tests/local_db/test_dashboard.py, printed: 3 of 5 on time."""
    a_morning_queue(db, office)
    a_week_of_dossiers(db, office)
    with db.read() as s:
        d = dashboard(s, office.office_code, since=MON, until=MON + timedelta(days=4), now=NOW)
        content = dashboard_report_content(s, d, lang="vi", printed_at=NOW, prepared_by="Lê Thị Thu Hà")
    assert content.issuer.office_name == "UBND Phường Ba Đình"
    pdf = dashboard_report_pdf(content)
    text = flat(pdf_text(pdf))
    assert "60,0%" in text and "3/5 hồ sơ đã giải quyết" in text
    assert "UBND PHƯỜNG BA ĐÌNH" in text and "Từ ngày 23/11/2026 đến ngày 27/11/2026" in text
    assert_text_whole(pdf, "Quầy 1 2 1 1 1 14,0 17,2 10,0 10,0", "Nguyễn Văn Hoà", "Đang quá hạn: 1")


def test_content_names_the_office_in_its_language(db: Database, office: OfficeRefs) -> None:
    with db.read() as s:
        d = dashboard(s, office.office_code, since=MON, until=MON, now=NOW)
        english = dashboard_report_content(s, d, lang="en")
        assert english.lang == "en" and english.issuer.office_name == d.office_name_en
        with pytest.raises(ValueError):
            dashboard_report_content(s, d, lang="fr")
