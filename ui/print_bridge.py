"""The print worker in a background thread, its progress as Qt signals (docs/ARCHITECTURE.md §3.4).

printing/spool.py reports through a plain callback from its own thread; this adapter
turns each report into a queued signal, so screens learn on the GUI thread that their
paper printed, or that the printer is out of paper and the job waits.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from local_db.database import Database
from printing.spool import PrintEvent, PrintWorker


class PrintBridge(QObject):
    # printing.spool.PrintEvent. Named like QObject.event() (kiosk and counter connect to it);
    # PySide6 still dispatches Qt events to QObject's own event().
    event = Signal(object)  # type: ignore[assignment]  # shadows QObject.event() on purpose, see above

    def __init__(self, db: Database, device_id: uuid.UUID, printer: str, pdf_dir: Path,
                 parent: QObject | None = None, poll: float = 0.3,
                 clock: Callable[[], datetime] | None = None) -> None:
        """``clock``: the app's (a training clock queues jobs at its own time)."""
        super().__init__(parent)
        self.worker = PrintWorker(db, device_id, printer, pdf_dir, on_change=self._report, clock=clock)
        self.poll = poll
        self.last: dict[object, PrintEvent] = {}  # job id -> its latest event
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.event.connect(self._remember)

    def _report(self, event: PrintEvent) -> None:  # worker thread
        self.event.emit(event)

    def _remember(self, event: PrintEvent) -> None:  # GUI thread
        self.last[event.job.id] = event

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.worker.run_forever, args=(self._stop, self.poll),
                                            name="print-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
