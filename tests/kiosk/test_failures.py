"""Issue 17 at the kiosk: a bug behind the check-in is not a database outage. The citizen
gets the usual way forward plus an error number to show at a counter, and the log has the
traceback under that number; a database that is really gone says only the way forward.
The real check-in screen (offscreen) on the test office, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kiosk.test_checkin import book_at, booth, label_text, slip_token, tap  # noqa: F401 - the check-in fixture
from tests.support.failures import gone_database, incident_on, logging_to, records
from tests.support.dialects import BOTH_DATABASES

WAY_FORWARD_VI = ("Xin lỗi, hiện chưa xác nhận được lịch hẹn. Quý khách vui lòng lấy số thứ tự thông thường "
                  "hoặc hỏi tại quầy.")


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield from logging_to(tmp_path / "data", "kiosk", office="00004")


def test_a_bug_behind_the_check_in_shows_an_error_number_logged_with_its_traceback(  # type: ignore[no-untyped-def]
        qtbot, booth, log_file, monkeypatch):  # noqa: F811 - the imported fixture
    nav, screen, tasks = booth
    marker = f"kiosk-bug-{uuid.uuid4().hex[:8]}"

    def check_in_scan(*args):  # type: ignore[no-untyped-def]
        raise KeyError(marker)

    monkeypatch.setattr("kiosk.checkin.view.check_in_scan", check_in_scan)
    nav.go("checkin", scan="ANYTHING")
    tasks.wait_idle()

    explanation = label_text(screen, "checkin-explanation")
    number = incident_on(explanation)
    assert explanation == f"{WAY_FORWARD_VI} (Mã lỗi {number}.)"
    assert label_text(screen, "checkin-headline") == "Hiện chưa xác nhận được lịch hẹn"
    [record] = records(log_file, number)
    assert "device=test-kiosk" in record.splitlines()[0] and "office=00004" in record.splitlines()[0]
    assert "Traceback (most recent call last)" in record and f"KeyError: '{marker}'" in record

    tap(qtbot, screen, "checkin-take-ticket")  # the way forward still works
    assert nav.current.name == "ticket_service"


@BOTH_DATABASES  # the database itself is gone
def test_a_database_that_is_really_gone_gives_the_way_forward_without_a_number(  # type: ignore[no-untyped-def]
        booth, kiosk_ctx, office, log_file, tmp_path):  # noqa: F811 - the imported fixture
    nav, screen, tasks = booth
    token = slip_token(kiosk_ctx, book_at(kiosk_ctx, office))  # a good slip: checking it needs the database
    gone = gone_database(kiosk_ctx.db, tmp_path)
    kiosk_ctx.db = gone
    try:
        nav.go("checkin", scan=token)
        tasks.wait_idle()
        assert label_text(screen, "checkin-explanation") == WAY_FORWARD_VI
        assert "Traceback" not in log_file.read_text(encoding="utf-8")
    finally:
        tasks.wait_idle()
        gone.dispose()
