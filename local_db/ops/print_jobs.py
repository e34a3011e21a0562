"""The durable print queue: jobs in the office database, so no ticket or receipt is lost.

An operation that prints (issue a ticket, receive a dossier) queues its job in its own
transaction: when it commits, the paper is owed. The device's print worker
(printing/spool.py) claims due jobs one at a time, prints, and marks each done or failed.
A failed job waits and retries with growing pauses (:data:`BACKOFF_S`), forever, until it
prints or staff cancel it; a job left "printing" by a killed worker goes back to the queue
at the worker's next start (it may then print twice, which beats not at all).

A job belongs to the device whose printer prints it (``device_id``); no other device's
worker takes it. Print jobs stay in the office (no outbox rows); reprints and cancellations
are staff actions and land in the audit log.

States: queued -> printing -> done | failed -> (due again) printing ... ; queued/failed ->
cancelled.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound, TransitionError, ValidationError
from core.i18n import lazy_gettext
from core.ids import new_id
from local_db import journal
from local_db.database import rowcount
from local_db.journal import jsonable
from local_db.models import Device, PrintJob

STATES = ("queued", "printing", "done", "failed", "cancelled")
WAITING_STATES = ("queued", "printing", "failed")  # paper still owed
#: Pause before the next attempt after the 1st, 2nd, 3rd, 4th and later failures.
BACKOFF_S = (5, 15, 60, 300)
MAX_COPIES = 20


@dataclass(frozen=True)
class PrintJobInfo:
    id: uuid.UUID
    office_code: str
    device_id: uuid.UUID | None
    document: str
    ref_id: uuid.UUID | None
    title: str
    printer: str
    copies: int
    state: str
    attempts: int
    last_error: str
    pdf_path: str
    data: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime | None
    printed_at: datetime | None


@dataclass(frozen=True)
class PrintStatus:
    """What a screen shows about its printer: "printer problem, 2 jobs waiting"."""

    device_id: uuid.UUID
    waiting: int  # jobs not yet printed (queued, printing, failed)
    failed: int  # of which the last attempt failed
    last_error: str  # of the most recent failure, "" when none is waiting
    next_attempt_at: datetime | None  # earliest retry of a failed job
    oldest_waiting_since: datetime | None

    @property
    def problem(self) -> bool:
        return self.failed > 0


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed attempt (1-based)."""
    return timedelta(seconds=BACKOFF_S[min(max(attempts, 1), len(BACKOFF_S)) - 1])


def _now(now: datetime | None) -> datetime:
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime given for now")
    return now


def _info(job: PrintJob) -> PrintJobInfo:
    return PrintJobInfo(
        id=job.id, office_code=job.office_code, device_id=job.device_id, document=job.document, ref_id=job.ref_id,
        title=job.title, printer=job.printer, copies=job.copies, state=job.state, attempts=job.attempts,
        last_error=job.last_error, pdf_path=job.pdf_path, data=dict(job.data or {}), created_at=job.created_at,
        next_attempt_at=job.next_attempt_at, printed_at=job.printed_at,
    )


def _job(session: Session, job_id: uuid.UUID) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(lazy_gettext("Print job not found"), code="print_job_not_found", job_id=str(job_id))
    return job


def enqueue(session: Session, *, office_code: str, device_id: uuid.UUID | None, document: str,
            data: dict[str, Any], printer: str, copies: int = 1, ref_id: uuid.UUID | None = None, title: str = "",
            now: datetime | None = None) -> PrintJobInfo:
    """Queue a document for ``device_id``'s printer, due at once. ``data`` is the content
    record as JSON (printing.content.to_data)."""
    now = _now(now)
    if not document:
        raise ValidationError(lazy_gettext("The kind of paper to print is missing"), field="document")
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError(lazy_gettext("The number of copies must be 1 to {n}", n=MAX_COPIES), field="copies",
                              code="bad_copies")
    job = PrintJob(id=new_id(), office_code=office_code, device_id=device_id, document=document, ref_id=ref_id,
                   printer=printer[:120], copies=copies, state="queued", attempts=0, last_error="", pdf_path="",
                   data=jsonable(data), title=title[:200], next_attempt_at=now, created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    return _info(job)


def _due(device_id: uuid.UUID, now: datetime) -> Any:
    return (select(PrintJob)
            .where(PrintJob.device_id == device_id, PrintJob.state.in_(("queued", "failed")),
                   or_(PrintJob.next_attempt_at.is_(None), PrintJob.next_attempt_at <= now))
            .order_by(PrintJob.created_at, PrintJob.id))


def claim_next(session: Session, device_id: uuid.UUID, now: datetime | None = None, *,
               skip_printers: Iterable[str] = ()) -> PrintJobInfo | None:
    """Take the oldest due job of this device (queued, or failed and due for a retry): it
    becomes "printing" with one more attempt. None when nothing is due. Jobs for
    ``skip_printers`` (printers that just failed this round) wait for the next round.

    On PostgreSQL the row is locked with SKIP LOCKED, so two workers of one device (which
    should not happen) never take the same job; on SQLite the write transaction serialises.
    """
    now = _now(now)
    stmt = _due(device_id, now).limit(1)
    skip = tuple(skip_printers)
    if skip:
        stmt = stmt.where(PrintJob.printer.notin_(skip))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job = session.scalars(stmt).first()
    if job is None:
        return None
    job.state = "printing"
    job.attempts += 1
    job.updated_at = now
    session.flush()
    return _info(job)


def due_count(session: Session, device_id: uuid.UUID, now: datetime | None = None) -> int:
    sub = _due(device_id, _now(now)).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def mark_done(session: Session, job_id: uuid.UUID, *, pdf_path: str = "", now: datetime | None = None) -> PrintJobInfo:
    now = _now(now)
    job = _job(session, job_id)
    if job.state != "cancelled":
        job.state = "done"
        job.last_error = ""
        job.next_attempt_at = None
    job.printed_at = now
    job.pdf_path = pdf_path or job.pdf_path
    job.updated_at = now
    session.flush()
    return _info(job)


def mark_failed(session: Session, job_id: uuid.UUID, *, error: str, now: datetime | None = None,
                pdf_path: str = "") -> PrintJobInfo:
    """The attempt failed: the job waits :func:`backoff` and is tried again (never dropped)."""
    now = _now(now)
    job = _job(session, job_id)
    job.last_error = (error or "?")[:2000]
    if pdf_path:
        job.pdf_path = pdf_path
    if job.state != "cancelled":
        job.state = "failed"
        job.next_attempt_at = now + backoff(job.attempts)
    job.updated_at = now
    session.flush()
    return _info(job)


def set_pdf_path(session: Session, job_id: uuid.UUID, pdf_path: str) -> None:
    _job(session, job_id).pdf_path = pdf_path


def _audit(session: Session, actor: Actor, action: str, job: PrintJob, now: datetime, detail: dict[str, Any]) -> None:
    # journal.record would also write an outbox row; print jobs stay in the office, so the
    # audit row of this staff action is written on its own.
    journal.audit(session, actor, action=action, entity="print_job", entity_id=job.id, now=now, detail=detail)


def reprint(session: Session, actor: Actor, job_id: uuid.UUID, now: datetime | None = None, *,
            device_id: uuid.UUID | None = None, printer: str | None = None, copies: int | None = None) -> PrintJobInfo:
    """A new job printing the same paper again (the stored content record, not today's data).

    By default it goes to the original job's device and printer; a counter reprinting a
    kiosk's ticket passes its own ``device_id`` and ``printer``.
    """
    now = _now(now)
    old = _job(session, job_id)
    if old.office_code != actor.office_code:
        raise NotFound(lazy_gettext("Print job not found"), code="print_job_not_found", job_id=str(job_id))
    info = enqueue(session, office_code=old.office_code, device_id=device_id or old.device_id,
                   document=old.document, data=dict(old.data or {}), printer=printer or old.printer,
                   copies=copies or old.copies, ref_id=old.ref_id, title=old.title, now=now)
    _audit(session, actor, "reprint", _job(session, info.id), now,
           {"from_job": old.id, "document": old.document, "ref_id": old.ref_id, "title": old.title,
            "device_id": info.device_id, "copies": info.copies})
    return info


def cancel(session: Session, actor: Actor, job_id: uuid.UUID, now: datetime | None = None) -> PrintJobInfo:
    """Staff give up on a waiting job (a printer gone for good, a ticket no longer wanted)."""
    now = _now(now)
    job = _job(session, job_id)
    if job.office_code != actor.office_code:
        raise NotFound(lazy_gettext("Print job not found"), code="print_job_not_found", job_id=str(job_id))
    if job.state not in ("queued", "failed"):
        raise TransitionError(lazy_gettext("A print job that is {state} cannot be cancelled", state=job.state),
                              code="print_job_not_waiting",
                              state=job.state)
    job.state = "cancelled"
    job.next_attempt_at = None
    job.updated_at = now
    _audit(session, actor, "cancel", job, now, {"document": job.document, "ref_id": job.ref_id, "title": job.title,
                                                 "attempts": job.attempts, "last_error": job.last_error})
    session.flush()
    return _info(job)


def get_job(session: Session, job_id: uuid.UUID) -> PrintJobInfo:
    return _info(_job(session, job_id))


def list_jobs(session: Session, device_id: uuid.UUID | None = None, states: Iterable[str] | None = None,
              limit: int = 50, *, office_code: str | None = None, ref_id: uuid.UUID | None = None) -> list[PrintJobInfo]:
    """Newest first: what the counter's print queue screen lists."""
    stmt = select(PrintJob)
    if device_id is not None:
        stmt = stmt.where(PrintJob.device_id == device_id)
    if states is not None:
        wanted = tuple(states)
        unknown = set(wanted) - set(STATES)
        if unknown:
            raise ValidationError(lazy_gettext("No such print job states: {states}", states=", ".join(sorted(unknown))),
                                  field="states")
        stmt = stmt.where(PrintJob.state.in_(wanted))
    if office_code is not None:
        stmt = stmt.where(PrintJob.office_code == office_code)
    if ref_id is not None:
        stmt = stmt.where(PrintJob.ref_id == ref_id)
    stmt = stmt.order_by(PrintJob.created_at.desc(), PrintJob.id.desc()).limit(limit)
    return [_info(j) for j in session.scalars(stmt)]


def print_status(session: Session, device_id: uuid.UUID) -> PrintStatus:
    rows = session.execute(
        select(PrintJob.state, func.count(), func.min(PrintJob.created_at), func.min(PrintJob.next_attempt_at))
        .where(PrintJob.device_id == device_id, PrintJob.state.in_(WAITING_STATES))
        .group_by(PrintJob.state)).all()
    counts = {state: n for state, n, _oldest, _next in rows}
    oldest = min((r[2] for r in rows if r[2] is not None), default=None)
    next_retry = next((r[3] for r in rows if r[0] == "failed"), None)
    last_error = ""
    if counts.get("failed"):
        last_error = session.scalar(
            select(PrintJob.last_error).where(PrintJob.device_id == device_id, PrintJob.state == "failed")
            .order_by(PrintJob.updated_at.desc(), PrintJob.id.desc()).limit(1)) or ""
    return PrintStatus(device_id=device_id, waiting=sum(counts.values()), failed=counts.get("failed", 0),
                       last_error=last_error, next_attempt_at=next_retry, oldest_waiting_since=oldest)


def recover_stale(session: Session, device_id: uuid.UUID, now: datetime | None = None) -> int:
    """At worker start-up: jobs this device left "printing" (the process was killed
    mid-job) are queued again, due now. Returns how many."""
    now = _now(now)
    result = session.execute(
        update(PrintJob).where(PrintJob.device_id == device_id, PrintJob.state == "printing")
        .values(state="queued", next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    return rowcount(result)


def forget_pdfs(session: Session, device_id: uuid.UUID, before: datetime) -> int:
    """Clear the PDF path of this device's finished jobs printed before ``before`` (their
    files are being deleted by the retention sweep; a reprint renders again from data)."""
    result = session.execute(
        update(PrintJob).where(PrintJob.device_id == device_id, PrintJob.state.in_(("done", "cancelled")),
                               PrintJob.pdf_path != "", PrintJob.updated_at < before)
        .values(pdf_path="").execution_options(synchronize_session=False))
    return rowcount(result)


@dataclass(frozen=True)
class DevicePrinter:
    """One machine of the office and how its printing goes: the admin page's printer list."""

    device_id: uuid.UUID
    name: str
    kind: str  # kiosk / counter / ...
    printer: str  # the printer of its latest job ("" before its first paper)
    waiting: int
    failed: int
    last_error: str  # of its latest failed job still waiting
    last_printed_at: datetime | None


def device_printers(session: Session, office_code: str) -> list[DevicePrinter]:
    """Every machine of the office that prints or has printed (kiosks and counters, and any
    device with jobs), by kind and name, with its waiting and failed papers."""
    devices = session.execute(
        select(Device.id, Device.name, Device.kind).where(Device.office_code == office_code)
        .order_by(Device.kind, Device.name)).all()
    waiting = dict.fromkeys((d.id for d in devices), (0, 0))
    for device_id, state, n in session.execute(
            select(PrintJob.device_id, PrintJob.state, func.count())
            .where(PrintJob.office_code == office_code, PrintJob.state.in_(WAITING_STATES))
            .group_by(PrintJob.device_id, PrintJob.state)):
        total, failed = waiting.get(device_id, (0, 0))
        waiting[device_id] = (total + n, failed + (n if state == "failed" else 0))
    printed = dict(session.execute(
        select(PrintJob.device_id, func.max(PrintJob.printed_at))
        .where(PrintJob.office_code == office_code, PrintJob.state == "done").group_by(PrintJob.device_id)).all())
    rows = []
    for d in devices:
        latest = session.execute(
            select(PrintJob.printer).where(PrintJob.device_id == d.id)
            .order_by(PrintJob.created_at.desc(), PrintJob.id.desc()).limit(1)).scalar()
        total, failed = waiting.get(d.id, (0, 0))
        if d.kind not in ("kiosk", "counter") and latest is None:
            continue  # a sync agent or a tool that never printed
        error = ""
        if failed:
            error = session.scalar(
                select(PrintJob.last_error).where(PrintJob.device_id == d.id, PrintJob.state == "failed")
                .order_by(PrintJob.updated_at.desc(), PrintJob.id.desc()).limit(1)) or ""
        rows.append(DevicePrinter(device_id=d.id, name=d.name, kind=d.kind, printer=latest or "", waiting=total,
                                  failed=failed, last_error=error, last_printed_at=printed.get(d.id)))
    return rows


__all__ = [
    "BACKOFF_S", "STATES", "WAITING_STATES", "DevicePrinter", "PrintJobInfo", "PrintStatus", "backoff", "cancel", "claim_next",
    "device_printers", "due_count", "enqueue", "forget_pdfs", "get_job", "list_jobs", "mark_done", "mark_failed", "print_status",
    "recover_stale", "reprint", "set_pdf_path",
]
