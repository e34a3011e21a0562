"""ui/failures.py: the three kinds of failure told apart, and ui/tasks.py logging a bug
exactly once with its number (whether a screen handles the error or not)."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.errors import DomainError, ValidationError  # noqa: E402
from core.i18n import language  # noqa: E402
from printing.backends import PrinterError  # noqa: E402
from sync.client import Unreachable  # noqa: E402
from tests.support.failures import incident_on, logging_to, records  # noqa: E402
from ui.app import make_app  # noqa: E402
from ui.failures import (  # noqa: E402
    DATABASE,
    DEVICE,
    FILE,
    PRINTER,
    REFUSED,
    SCANNER,
    SERVER,
    UNAVAILABLE,
    UNEXPECTED,
    classify,
    database_outage,
    failure_words,
)
from ui.tasks import TaskRunner  # noqa: E402


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield from logging_to(tmp_path / "data", "counter")


def real_sqlite_error(sql: str, tmp_path: Path, name: str = "x.db") -> DBAPIError:
    engine = create_engine(f"sqlite:///{tmp_path / name}")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    except DBAPIError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("no error")


def test_each_failure_is_told_apart(tmp_path: Path, log_file: Path) -> None:
    assert classify(DomainError("Quầy đã đóng", code="closed")).kind == REFUSED
    assert classify(ValidationError("Số CCCD không hợp lệ", field="cccd")).kind == REFUSED
    gone = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}")
    with pytest.raises(OperationalError) as unreachable:
        gone.connect()
    assert (classify(unreachable.value).kind, classify(unreachable.value).what) == (UNAVAILABLE, DATABASE)
    assert classify(database_outage()).what == DATABASE
    (tmp_path / "wiped.db").write_bytes(b"\0" * 16384)  # the file's content gone (a disk away, a bad copy)
    wiped = real_sqlite_error("SELECT 1 FROM sqlite_master", tmp_path, "wiped.db")
    assert "file is not a database" in str(wiped) and classify(wiped).what == DATABASE
    # A missing table is SQLAlchemy's OperationalError too, but it is a bug, not an outage.
    bug = classify(real_sqlite_error("SELECT * FROM no_such_table", tmp_path))
    assert bug.kind == UNEXPECTED and bug.incident
    assert (classify(PrinterError("offline", "Máy in đang tắt")).what) == PRINTER
    assert classify(DomainError("Máy quét bận", code="scanner_busy")).what == SCANNER
    assert classify(Unreachable("Không kết nối được máy chủ")).what == SERVER
    assert classify(OSError(errno.ENOSPC, "No space left on device")).what == DEVICE
    assert classify(FileNotFoundError(errno.ENOENT, "gone", "/x")).kind == UNEXPECTED  # a bug, unless...
    assert classify(FileNotFoundError(errno.ENOENT, "gone", "/x"), files=True).what == FILE  # ...a chosen file
    assert classify(KeyError("x")).kind == UNEXPECTED


def test_the_words_of_each_kind(log_file: Path) -> None:
    db_words = "The office database cannot be reached."
    assert failure_words(DomainError("Quầy đã đóng"), unavailable=db_words) == "Quầy đã đóng"
    assert failure_words(database_outage(), unavailable=db_words) == db_words
    assert failure_words(PrinterError("out_of_paper", "Máy in hết giấy"), unavailable=db_words) == "Máy in hết giấy"
    assert failure_words(PrinterError("out_of_paper", "Máy in hết giấy"), unavailable=db_words,
                         citizen=True) == db_words  # a citizen is not sent to the printer
    with language("en"):
        said = failure_words(KeyError("x"), unavailable=db_words)
        assert said.startswith("Sorry, something went wrong") and "database" not in said
        incident_on(said)
        citizen = failure_words(KeyError("y"), unavailable="Please ask at a counter.", citizen=True)
        assert citizen == f"Please ask at a counter. (Error number {incident_on(citizen)}.)"


def test_incident_numbers_are_short_and_unambiguous(log_file: Path) -> None:
    numbers = {incident_on(failure_words(KeyError(str(i)), unavailable="")) for i in range(200)}
    assert len(numbers) == 200
    for n in numbers:
        assert len(n) == 6 and not set(n) & set("0O1IL2Z5S8B6G")


@pytest.mark.parametrize("handler", ["none", "ignore", "screen"])
def test_a_bug_in_a_task_is_logged_once_with_its_number(qtbot, log_file: Path, handler: str) -> None:  # type: ignore[no-untyped-def]
    make_app()
    tasks = TaskRunner()
    marker = f"task-bug-{uuid.uuid4().hex[:8]}"
    shown: list[str] = []

    def broken() -> None:
        raise KeyError(marker)

    def screen(e: BaseException) -> None:  # says it, then says it again (a redraw)
        shown.extend([failure_words(e, unavailable="db"), failure_words(e, unavailable="db")])

    on_error = {"none": None, "ignore": lambda _e: None, "screen": screen}
    tasks.run(broken, on_error=on_error[handler])
    assert tasks.wait_idle()
    logging.getLogger().handlers[0].flush()
    [record] = records(log_file, marker)
    number = incident_on(record.splitlines()[0])
    assert "Traceback (most recent call last)" in record and "background task broken" in record
    assert log_file.read_text(encoding="utf-8").count(number) == 2  # "[number]" and "incident number" on one line
    if handler == "screen":  # the screen names the same number, however often it asks
        assert [incident_on(s) for s in shown] == [number, number]


def test_an_outage_is_logged_without_a_traceback_and_not_on_every_poll(qtbot, log_file: Path) -> None:  # type: ignore[no-untyped-def]
    make_app()
    tasks = TaskRunner()
    reason = f"unable to open database file {uuid.uuid4().hex[:6]}"

    def poll() -> None:
        raise database_outage(reason)

    for _ in range(5):
        tasks.run(poll, on_error=lambda _e: None)
    assert tasks.wait_idle()
    log = log_file.read_text(encoding="utf-8")
    assert log.count(reason) == 1 and "database unavailable (background task poll)" in log
    assert "Traceback" not in log


def test_sqlite_error_text_is_what_sqlalchemy_really_says(tmp_path: Path) -> None:
    """The outage the tests make up looks like the real one."""
    made = database_outage()
    assert isinstance(made.orig, sqlite3.OperationalError) and "unable to open database file" in str(made)
