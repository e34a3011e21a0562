"""Run work off the UI thread and get the result back on it (docs/ARCHITECTURE.md §3.4).

Database writes, printing and QR decoding never run on the GUI thread: a kiosk that
freezes while the printer driver thinks looks broken to the citizen in front of it. A
screen calls ``tasks.run(fn, *args, on_done=..., on_error=...)``; ``fn`` runs on a pool
thread and the callbacks run later on the GUI thread (like Anki's ``taskman`` and
Picard's ``run_task``/``to_main``). ``fn`` must not touch widgets.

A task that raises is reported once, on its worker thread (:func:`ui.failures.note_task_failure`):
a bug gets its incident number and its traceback in the log there and then, so the screen
that shows it later (``failure_words``) names the same number and logs nothing more.

``TaskRunner.wait_idle()`` lets tests (and a clean shutdown) wait for everything queued.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from core import incidents
from ui.failures import note_task_failure

Callback = Callable[[Any], None]


class _Relay(QObject):
    """Lives on the GUI thread; a queued signal carries each finished task back to it."""

    finished = Signal(object, object, object)  # callback, value, task id


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 on_done: Callback | None, on_error: Callback | None) -> None:
        super().__init__()
        self.runner, self.task_id = runner, task_id
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.on_done, self.on_error = on_done, on_error
        # The caller's context (its language, say): a pool thread would otherwise see the
        # default, and an English kiosk would print Vietnamese tickets.
        self.context = contextvars.copy_context()

    def run(self) -> None:
        try:
            value = self.context.run(self.fn, *self.args, **self.kwargs)
        except Exception as exc:  # delivered to on_error on the GUI thread
            note_task_failure(exc, str(getattr(self.fn, "__name__", self.fn)), handled=self.on_error is not None)
            self.runner._relay.finished.emit(self.on_error, exc, self.task_id)
            return
        self.runner._relay.finished.emit(self.on_done, value, self.task_id)


class TaskRunner(QObject):
    """One per application. ``max_threads`` small: the office database serialises writes
    anyway, and a kiosk has two cores."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._lock = threading.Lock()
        self._pending: set[int] = set()
        self._next_id = 0

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callback | None = None,
            on_error: Callback | None = None, **kwargs: Any) -> int:
        """Queue ``fn(*args, **kwargs)``; returns a task id."""
        with self._lock:
            self._next_id += 1
            task_id = self._next_id
            self._pending.add(task_id)
        self._pool.start(_Job(self, task_id, fn, args, kwargs, on_done, on_error))
        return task_id

    @Slot(object, object, object)
    def _deliver(self, callback: Callback | None, value: Any, task_id: int) -> None:
        try:
            if callback is not None:
                callback(value)
        except Exception as exc:
            incidents.note(exc, "callback of a background task")
        finally:
            with self._lock:
                self._pending.discard(task_id)

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._pending)

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Process events until every queued task has run and delivered (tests, shutdown)."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while self.busy:
            if time.monotonic() > deadline:
                return False
            self._pool.waitForDone(20)
            QCoreApplication.processEvents()
        QCoreApplication.processEvents()  # what the callbacks posted (widgets to show, relayouts)
        return True
