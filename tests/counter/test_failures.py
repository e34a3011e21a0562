"""Issue 17 at the counter: a bug is not a database outage. A background task that raises
KeyError says sorry with an incident number and the log holds its traceback under that
number, once; a database that is really gone still says that the database cannot be
reached. A real queue panel (offscreen), the test office on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.i18n import set_language
from counter.queue import model
from tests.counter.test_queue_panel import desk, issue, press, text  # noqa: F401 - the panel fixture
from tests.support.failures import gone_database, incident_on, logging_to, records
from tests.support.dialects import BOTH_DATABASES

DB_GONE_VI = ("Chưa lưu được thao tác: không kết nối được cơ sở dữ liệu của bộ phận một cửa. "
              "Vui lòng thử lại.")


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield from logging_to(tmp_path / "data", "counter", office="00004")


def test_a_bug_in_a_task_says_sorry_with_a_number_and_the_log_has_its_traceback_once(  # type: ignore[no-untyped-def]
        desk, office, log_file, monkeypatch):  # noqa: F811 - the imported fixture
    issue(desk, office, "HT")
    marker = f"bug-{uuid.uuid4().hex[:8]}"

    def call_next(ctx):  # type: ignore[no-untyped-def]
        return {}[marker]  # a KeyError nobody expected

    monkeypatch.setattr(model, "call_next", call_next)
    press(desk, "call")

    message = text(desk, "queue-message")
    number = incident_on(message)
    assert message == (f"Xin lỗi, đã xảy ra lỗi ngoài dự kiến. Mã sự cố {number}: vui lòng báo mã này cho bộ phận "
                       "hỗ trợ.")
    assert "cơ sở dữ liệu" not in message  # not a false database outage
    assert desk.panel.message.property("role") == "error"

    set_language("en")  # the message is said again in English: same number, nothing logged again
    desk.nav.retranslate()
    assert incident_on(text(desk, "queue-message")) == number
    assert "helpdesk" in text(desk, "queue-message")

    [record] = records(log_file, number)
    first = record.splitlines()[0]
    assert f"[{number}]" in first and "device=test-counter" in first and "office=00004" in first
    assert " v" in first and "KeyError" in first
    assert "Traceback (most recent call last)" in record
    assert "return {}[marker]" in record and marker in record
    assert log_file.read_text(encoding="utf-8").count(marker) == record.count(marker)  # logged once


@BOTH_DATABASES  # the database itself is gone
def test_a_database_that_is_really_gone_still_says_so(desk, office, log_file, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811 - the imported fixture
    issue(desk, office, "HT")
    gone = gone_database(desk.ctx.db, tmp_path)
    desk.ctx.db = gone
    try:
        press(desk, "call")
        message = text(desk, "queue-message")
        assert message == DB_GONE_VI
        set_language("en")
        desk.nav.retranslate()
        assert text(desk, "queue-message") == ("The action could not be saved: the office database cannot be "
                                               "reached. Please try again.")
        log = log_file.read_text(encoding="utf-8")
        assert "database unavailable (background task call_next)" in log  # the helpdesk sees when it went
        assert "Traceback" not in log and "incident" not in log  # an outage is not a bug
    finally:
        desk.tasks.wait_idle()
        gone.dispose()
