"""ui/page_work.py and ui/one_dialog.py: a page's requests (busy, stale answers dropped,
failures worded) and its one dialog, with a real TaskRunner and real dialogs offscreen."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget  # noqa: E402

from core.errors import DomainError  # noqa: E402
from tests.support.failures import incident_on, logging_to  # noqa: E402
from ui.app import make_app  # noqa: E402
from ui.failures import database_outage, incident_words  # noqa: E402
from ui.one_dialog import OneDialog  # noqa: E402
from ui.page_work import NotOlder, PageWork  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402


def gated(value: str) -> tuple[Callable[[], str], threading.Event]:
    """A task that answers ``value`` once the test opens its gate (answers out of order)."""
    gate = threading.Event()

    def task() -> str:
        assert gate.wait(10)
        return value

    return task, gate


def test_a_newer_request_voids_the_older_answer_and_busy_lasts_until_both_are_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    make_app()
    tasks = TaskRunner()
    busy: list[bool] = []
    work = PageWork(tasks, on_busy=busy.append)
    shown: list[str] = []
    slow, slow_gate = gated("7 days")
    fast, fast_gate = gated("30 days")
    work.run(slow, on_done=shown.append)
    work.run(fast, on_done=shown.append)
    assert work.busy and busy == [True]
    fast_gate.set()
    qtbot.waitUntil(lambda: shown == ["30 days"])
    assert work.busy, "the older request is still out"
    slow_gate.set()
    assert tasks.wait_idle()
    assert shown == ["30 days"], "the older answer came late and was dropped"
    assert not work.busy and busy == [True, False]


def test_leaving_the_page_voids_answers_and_failures_on_their_way(qtbot) -> None:  # type: ignore[no-untyped-def]
    make_app()
    tasks = TaskRunner()
    work = PageWork(tasks)
    shown: list[str] = []
    errors: list[Exception] = []
    task, gate = gated("panel")

    def broken() -> None:
        gate.wait(10)
        raise DomainError("no")

    work.run(task, on_done=shown.append)
    work.run(broken, on_done=shown.append, on_error=errors.append)
    work.void()
    gate.set()
    assert tasks.wait_idle()
    assert shown == [] and errors == [] and not work.busy


def test_not_older_shows_a_read_until_a_newer_answer_was_shown(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The queue panel: a timer read and a move share one guard; the move's answer is
    never undone by the read asked before it, but a read still out when the move is
    asked is shown if it comes back first."""
    make_app()
    tasks = TaskRunner()
    guard = NotOlder()
    reads, moves = PageWork(tasks, guard=guard), PageWork(tasks, guard=guard)
    shown: list[str] = []
    read, read_gate = gated("read before the move")
    move, move_gate = gated("after the move")
    reads.run(read, on_done=shown.append)
    moves.run(move, on_done=shown.append)
    assert reads.busy and moves.busy
    read_gate.set()
    qtbot.waitUntil(lambda: shown == ["read before the move"])
    assert not reads.busy and moves.busy, "each keeps its own busy state"
    move_gate.set()
    assert tasks.wait_idle()
    assert shown == ["read before the move", "after the move"]

    late, late_gate = gated("read asked before the next move")
    reads.run(late, on_done=shown.append)
    moves.run(lambda: "next move", on_done=shown.append)
    qtbot.waitUntil(lambda: shown[-1] == "next move")
    late_gate.set()
    assert tasks.wait_idle()
    assert shown[-1] == "next move", "the older read did not undo the move"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield from logging_to(tmp_path / "data", "counter")


def test_failures_are_worded_by_ui_failures(qtbot, log_file: Path) -> None:  # type: ignore[no-untyped-def]
    make_app()
    tasks = TaskRunner()
    work = PageWork(tasks, unavailable=lambda: "The queue cannot be read right now.")
    said: list[str] = []

    def outage() -> None:
        raise database_outage()

    def bug() -> None:
        raise KeyError("oops")

    def refused() -> None:
        raise DomainError("Finish ticket A-001 first.")

    for fn in (outage, refused, bug):
        work.run(fn, on_done=lambda _v: None, on_error=lambda exc: said.append(work.words(exc)))
        assert tasks.wait_idle()
    assert said[0] == "The queue cannot be read right now."
    assert said[1] == "Finish ticket A-001 first."
    assert said[2] == incident_words(incident_on(said[2])), "a bug: the apology with its number, not an outage"


class Form(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = QLineEdit(self)
        QVBoxLayout(self).addWidget(self.field)


def test_one_dialog_at_a_time_and_the_page_takes_the_keyboard_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    make_app()
    page = QWidget()
    search = QLineEdit(page)
    qtbot.addWidget(page)
    page.resize(800, 600)
    page.show()
    dialogs: OneDialog[Form] = OneDialog(page, focus=lambda: search)
    first = dialogs.show(Form(page), embedded=True)
    assert dialogs.current is first and first.isVisible()
    assert first.parent() is page and 0 <= first.x() and first.x() + first.width() <= page.width()
    first.reject()
    qtbot.waitUntil(lambda: dialogs.current is None)
    assert page.focusWidget() is search, "the clerk types in the search field again"

    second = dialogs.show(Form(page))
    assert dialogs.is_open and second.isVisible() and second.isModal()
    dialogs.close()  # the page is left
    assert dialogs.current is None and not second.isVisible()
    dialogs.close()  # nothing open: nothing to do
