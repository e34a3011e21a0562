"""The print worker of one device: takes its due jobs from the office database and prints them.

Operations queue paper with :func:`queue_document` in their own transaction; this worker
(a background thread of the kiosk or counter app, or a process of its own) does the rest:

1. claim the oldest due job (one short write transaction: it becomes "printing");
2. render the PDF from the stored content record and keep it as
   ``pdf_dir/YYYY-MM-DD/<document>_<code>.pdf`` (office-local date; printing/where.py names
   it), written atomically, never over another file;
3. hand it to the back-end of the machine's ``printer`` setting;
4. mark the job done, or failed with a message staff can act on (another short transaction).

Nothing escapes ``run_once``: a document that cannot be rendered, a printer that is missing,
offline or out of paper all leave the job failed and waiting for its retry; the operation
that queued it committed long ago. After a failure the worker stops for this round rather
than push every other waiting job at a printer that just failed. Progress goes to a plain
callback (docs/ARCHITECTURE.md §3.4); a Qt adapter in ui/ turns it into signals.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core import incidents
from core.i18n import _
from core.working_calendar import OFFICE_TZ
from local_db.database import Database
from local_db.office_settings import get_office, load_rules
from local_db.ops import print_jobs
from local_db.ops.print_jobs import PrintJobInfo
from local_db.outage import is_database_outage, outage_words
from printing.backends import Backend, PrinterError, PrintRequest, backend_for
from printing.content import to_data
from printing.printer_spec import PrinterSpec, parse_printer
from printing.render import kind_of, render_pdf
from printing.where import pdf_stem, publish, where_words

log = logging.getLogger(__name__)

MAX_JOBS_PER_RUN = 50
PURGE_EVERY = timedelta(hours=1)
_DAY_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def queue_document(session: Session, *, office_code: str, device_id: uuid.UUID | None, kind: str, content: Any,
                   printer: str, copies: int = 1, ref_id: uuid.UUID | None = None, title: str = "",
                   now: datetime | None = None) -> PrintJobInfo:
    """Queue a document (its content record, printing/content.py) for a device's printer,
    inside the caller's transaction: the paper is owed exactly when the operation commits."""
    kind_of(kind)  # an unknown kind is a programming error: refuse it now, not at print time
    data = content if isinstance(content, dict) else to_data(content)
    return print_jobs.enqueue(session, office_code=office_code, device_id=device_id, document=kind, data=data,
                              printer=printer, copies=copies, ref_id=ref_id, title=title, now=now)


@dataclass(frozen=True)
class PrintEvent:
    """One step of one job, for the screen: state is printing / done / failed."""

    job: PrintJobInfo
    state: str
    error_code: str = ""  # PrinterError code (missing, offline, out_of_paper...) or "render"
    message: str = ""
    where: str = ""  # done: where it went, for the screen ("the file /…/giay-tiep-nhan_….pdf", "the printer X")


Renderer = Callable[[str, dict[str, Any]], bytes]
BackendFactory = Callable[[PrinterSpec], Backend]


class PrintWorker:
    """Prints the jobs of ``device_id`` on the printer of ``printer_spec``.

    ``keep_days`` None = the office's ``print_keep_days`` rule. ``render`` and
    ``backend_factory`` are parameters so tests (and a future document) can swap them.
    """

    def __init__(self, db: Database, device_id: uuid.UUID, printer_spec: PrinterSpec | str, pdf_dir: Path | str,
                 keep_days: int | None = None, render: Renderer = render_pdf,
                 backend_factory: BackendFactory = backend_for,
                 on_change: Callable[[PrintEvent], None] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.clock = clock or _utcnow
        self.device_id = device_id
        self.spec = parse_printer(printer_spec) if isinstance(printer_spec, str) else printer_spec
        self.pdf_dir = Path(pdf_dir)
        self.keep_days = keep_days
        self.render = render
        self.backend_factory = backend_factory
        self.on_change = on_change
        self._backends: dict[str, Backend] = {}
        self._last_purge: datetime | None = None
        self._outage_logged = -60.0  # time.monotonic() of the last "database unavailable" line

    # --- the back-end ---------------------------------------------------------------------

    def backend_for_job(self, job: PrintJobInfo) -> Backend:
        """The printer a job was queued for (a counter may have a thermal roll for tickets
        and an A5 printer for forms); the worker's own printer for a job that names none.
        A job naming a printer this machine cannot parse fails like an offline printer."""
        spec = parse_printer(job.printer) if job.printer else self.spec
        if spec.text not in self._backends:
            self._backends[spec.text] = self.backend_factory(spec)
        return self._backends[spec.text]

    @property
    def backend(self) -> Backend:
        """The worker's own printer."""
        if self.spec.text not in self._backends:
            self._backends[self.spec.text] = self.backend_factory(self.spec)
        return self._backends[self.spec.text]

    # --- one round --------------------------------------------------------------------------

    def recover(self, now: datetime | None = None) -> int:
        """Requeue what a killed predecessor left "printing"; call once at start-up."""
        with self.db.write() as s:
            return print_jobs.recover_stale(s, self.device_id, now)

    def run_once(self, now: datetime | None = None) -> int:
        """Print every due job of this device; returns how many printed. A printer that fails
        is not tried again this round (its other jobs wait; jobs for other printers go on).
        ``now`` fixes the clock (tests); by default each step reads it."""
        printed = 0
        failed_printers: set[str] = set()
        for _round in range(MAX_JOBS_PER_RUN):
            with self.db.write() as s:
                job = print_jobs.claim_next(s, self.device_id, now or self.clock(), skip_printers=failed_printers)
            if job is None:
                break
            self._emit(PrintEvent(job, "printing"))
            if self._print(job, now):
                printed += 1
            else:
                failed_printers.add(job.printer)
        return printed

    def _print(self, job: PrintJobInfo, now: datetime | None) -> bool:
        try:
            path = self._pdf_for(job, now or self.clock())
        except Exception as exc:  # a broken document must not stop the worker
            log.exception("rendering print job %s (%s) failed", job.id, job.document)
            message = _("Could not make the document {document}: {error}").format(document=job.document, error=exc)
            self._fail(job, "render", message, "", now)
            return False
        try:
            backend = self.backend_for_job(job)
            backend.send(PrintRequest(pdf_path=path, document=job.document, data=job.data, copies=job.copies,
                                      title=job.title, job_id=job.id))
        except PrinterError as exc:
            self._fail(job, exc.code, exc.message, str(path), now)
            return False
        except Exception as exc:  # whatever a driver raises, the job waits
            log.exception("printing job %s failed", job.id)
            self._fail(job, "failed", _("The printer failed: {error}").format(error=exc), str(path), now)
            return False
        with self.db.write() as s:
            done = print_jobs.mark_done(s, job.id, pdf_path=str(path), now=now or self.clock())
        spec = parse_printer(job.printer) if job.printer else self.spec
        output = getattr(backend, "last_output", None) or path  # a PDF folder's copy, when it made one
        self._emit(PrintEvent(done, "done", where=where_words(spec, str(output))))
        return True

    def _fail(self, job: PrintJobInfo, code: str, message: str, path: str, now: datetime | None) -> None:
        with self.db.write() as s:
            failed = print_jobs.mark_failed(s, job.id, error=message, pdf_path=path, now=now or self.clock())
        self._emit(PrintEvent(failed, "failed", code, message))

    def _pdf_for(self, job: PrintJobInfo, now: datetime) -> Path:
        """The job's kept PDF, rendered now unless an earlier attempt already kept it."""
        if job.pdf_path and Path(job.pdf_path).is_file():
            return Path(job.pdf_path)
        pdf = self.render(job.document, job.data)
        folder = self.pdf_dir / now.astimezone(OFFICE_TZ).date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{job.id}.pdf.part"
        with open(tmp, "wb") as fh:
            fh.write(pdf)
            fh.flush()
            os.fsync(fh.fileno())
        return publish(tmp, folder, pdf_stem(job.document, job.title))

    def _emit(self, event: PrintEvent) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change(event)
        except Exception:  # a screen's callback must not stop the printing
            log.exception("print progress callback failed")

    # --- retention --------------------------------------------------------------------------

    def _keep_days(self) -> int:
        if self.keep_days is not None:
            return self.keep_days
        with self.db.read() as s:
            return load_rules(s, get_office(s).code).print_keep_days

    def purge_old_pdfs(self, now: datetime | None = None) -> int:
        """Delete the day folders of PDFs older than the retention period; returns how many
        PDF files went. Jobs printed before then forget their path (a reprint renders again)."""
        now = now or self.clock()
        keep = self._keep_days()
        today = now.astimezone(OFFICE_TZ).date()
        oldest_kept = today - timedelta(days=keep)
        removed = 0
        if self.pdf_dir.is_dir():
            for folder in self.pdf_dir.iterdir():
                if not folder.is_dir() or not _DAY_DIR.match(folder.name):
                    continue
                try:
                    day = date.fromisoformat(folder.name)
                except ValueError:
                    continue
                if day < oldest_kept:
                    removed += sum(1 for _f in folder.glob("*.pdf"))
                    shutil.rmtree(folder, ignore_errors=True)
        cutoff = datetime.combine(oldest_kept, datetime.min.time(), tzinfo=OFFICE_TZ)
        with self.db.write() as s:
            print_jobs.forget_pdfs(s, self.device_id, cutoff)
        self._last_purge = now
        return removed

    # --- a background thread ----------------------------------------------------------------

    def run_forever(self, stop_event: threading.Event, poll: float = 0.5) -> None:
        """Recover, then print due jobs every ``poll`` seconds until ``stop_event`` is set;
        purge old PDFs once an hour. Errors are logged, never raised."""
        try:
            self.recover()
        except Exception:
            log.exception("recovering stale print jobs failed")
        while not stop_event.is_set():
            try:
                self.run_once()
                now = self.clock()
                if self._last_purge is None or now - self._last_purge >= PURGE_EVERY:
                    self.purge_old_pdfs(now)
            except Exception as exc:  # a database hiccup: try again next round
                if is_database_outage(exc):  # said once a minute at most (the worker polls twice a second)
                    now_s = time.monotonic()
                    if now_s - self._outage_logged >= 60:
                        self._outage_logged = now_s
                        log.warning("print worker: the office database is unavailable (%s)", outage_words(exc))
                else:
                    incidents.note(exc, "print worker round", logger=log)
            stop_event.wait(poll)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


__all__ = ["PrintEvent", "PrintWorker", "queue_document"]
