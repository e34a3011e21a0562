"""The durable print queue: jobs survive a restart, failing printers retry with backoff,
a job is never dropped, each device prints only its own jobs, staff can reprint and cancel."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.errors import TransitionError, ValidationError
from local_db.database import Database
from local_db.models import AuditLog, Device, Outbox, PrintJob
from local_db.office_settings import load_rules, set_rule
from local_db.office_setup import OfficeRefs
from local_db.ops import print_jobs as pj

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
DATA = {"lang": "vi", "ticket_code": "A015", "office_name": "UBND Phường Ba Đình"}


def _enqueue(db: Database, office: OfficeRefs, *, device: uuid.UUID | None = None, at: datetime = NOW,
             title: str = "A015", copies: int = 1) -> pj.PrintJobInfo:
    with db.write() as s:
        return pj.enqueue(s, office_code=office.office_code, device_id=device or office.device_id, document="ticket",
                          data=DATA, printer="escpos-dummy", copies=copies, ref_id=uuid.uuid4(), title=title, now=at)


def _claim(db: Database, device: uuid.UUID, at: datetime) -> pj.PrintJobInfo | None:
    with db.write() as s:
        return pj.claim_next(s, device, at)


def _other_device(db: Database, office: OfficeRefs) -> uuid.UUID:
    with db.write() as s:
        device = Device(office_code=office.office_code, name="quay-2", kind="counter", public_key=b"\0" * 32)
        s.add(device)
        s.flush()
        return device.id


def test_a_queued_job_survives_closing_and_reopening_the_database(db: Database, office: OfficeRefs) -> None:
    job = _enqueue(db, office)
    url = db.url
    db.dispose()
    reopened = Database(url)
    try:
        with reopened.read() as s:
            again = pj.get_job(s, job.id)
            status = pj.print_status(s, office.device_id)
        assert (again.state, again.document, again.data, again.copies) == ("queued", "ticket", DATA, 1)
        assert status.waiting == 1 and not status.problem
    finally:
        reopened.dispose()


def test_jobs_are_claimed_oldest_first_one_at_a_time(db: Database, office: OfficeRefs) -> None:
    second = _enqueue(db, office, at=NOW + timedelta(seconds=1), title="A002")
    first = _enqueue(db, office, at=NOW, title="A001")
    claimed = _claim(db, office.device_id, NOW + timedelta(seconds=2))
    assert claimed is not None and claimed.id == first.id
    assert (claimed.state, claimed.attempts) == ("printing", 1)
    nxt = _claim(db, office.device_id, NOW + timedelta(seconds=2))
    assert nxt is not None and nxt.id == second.id
    assert _claim(db, office.device_id, NOW + timedelta(seconds=2)) is None


def test_another_devices_jobs_are_not_taken(db: Database, office: OfficeRefs) -> None:
    other = _other_device(db, office)
    theirs = _enqueue(db, office, device=other)
    assert _claim(db, office.device_id, NOW) is None
    got = _claim(db, other, NOW)
    assert got is not None and got.id == theirs.id


def test_a_failing_printer_backs_off_and_the_job_is_never_dropped(db: Database, office: OfficeRefs) -> None:
    job = _enqueue(db, office)
    at = NOW
    pauses = []
    for _attempt in range(7):
        claimed = _claim(db, office.device_id, at)
        assert claimed is not None and claimed.id == job.id
        with db.write() as s:
            failed = pj.mark_failed(s, job.id, error="Hết giấy", now=at)
        assert failed.state == "failed"
        assert failed.next_attempt_at is not None
        pause = failed.next_attempt_at - at
        pauses.append(pause.total_seconds())
        assert _claim(db, office.device_id, at + pause - timedelta(seconds=1)) is None  # not yet due
        at = at + pause
    assert pauses == [5, 15, 60, 300, 300, 300, 300]
    with db.read() as s:
        status = pj.print_status(s, office.device_id)
    assert (status.waiting, status.failed, status.last_error) == (1, 1, "Hết giấy")
    assert status.problem
    claimed = _claim(db, office.device_id, at)
    assert claimed is not None and claimed.attempts == 8
    with db.write() as s:
        done = pj.mark_done(s, job.id, pdf_path="/tmp/x.pdf", now=at)
    assert (done.state, done.last_error, done.printed_at, done.pdf_path) == ("done", "", at, "/tmp/x.pdf")
    with db.read() as s:
        status = pj.print_status(s, office.device_id)
    assert (status.waiting, status.failed, status.problem) == (0, 0, False)


def test_a_new_job_prints_while_a_failed_one_waits_for_its_retry(db: Database, office: OfficeRefs) -> None:
    old = _enqueue(db, office, at=NOW)
    _claim(db, office.device_id, NOW)
    with db.write() as s:
        pj.mark_failed(s, old.id, error="offline", now=NOW)
    new = _enqueue(db, office, at=NOW + timedelta(seconds=1), title="A016")
    got = _claim(db, office.device_id, NOW + timedelta(seconds=1))
    assert got is not None and got.id == new.id
    later = _claim(db, office.device_id, NOW + timedelta(seconds=6))
    assert later is not None and later.id == old.id and later.attempts == 2


def test_jobs_left_printing_by_a_killed_worker_are_queued_again(db: Database, office: OfficeRefs) -> None:
    job = _enqueue(db, office)
    other = _other_device(db, office)
    theirs = _enqueue(db, office, device=other)
    _claim(db, office.device_id, NOW)
    _claim(db, other, NOW)
    with db.write() as s:
        assert pj.recover_stale(s, office.device_id, NOW + timedelta(minutes=1)) == 1
    with db.read() as s:
        assert pj.get_job(s, job.id).state == "queued"
        assert pj.get_job(s, theirs.id).state == "printing"  # another machine's worker may be printing it
    again = _claim(db, office.device_id, NOW + timedelta(minutes=1))
    assert again is not None and again.id == job.id and again.attempts == 2


def test_reprint_makes_a_new_job_with_the_same_paper_and_an_audit_row(db: Database, office: OfficeRefs) -> None:
    job = _enqueue(db, office, copies=2)
    _claim(db, office.device_id, NOW)
    with db.write() as s:
        pj.mark_done(s, job.id, pdf_path="/tmp/a.pdf", now=NOW)
    other = _other_device(db, office)
    actor = office.actor("canbo1")
    with db.write() as s:
        outbox_before = len(s.scalars(select(Outbox.op_id)).all())
        again = pj.reprint(s, actor, job.id, NOW + timedelta(minutes=5), device_id=other, printer="cups:Quay2")
    assert again.id != job.id
    assert (again.state, again.data, again.document, again.ref_id, again.copies) == ("queued", DATA, "ticket",
                                                                                    job.ref_id, 2)
    assert (again.device_id, again.printer) == (other, "cups:Quay2")
    with db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "reprint")).one()
        assert (audit.entity, audit.entity_id, audit.staff_id) == ("print_job", again.id, office.staff["canbo1"])
        assert audit.detail["from_job"] == str(job.id)
        assert len(s.scalars(select(Outbox.op_id)).all()) == outbox_before  # print jobs stay in the office
        assert pj.get_job(s, job.id).state == "done"


def test_staff_cancel_a_waiting_job_but_not_a_printed_one(db: Database, office: OfficeRefs) -> None:
    job = _enqueue(db, office)
    actor = office.actor("canbo2")
    with db.write() as s:
        cancelled = pj.cancel(s, actor, job.id, NOW)
    assert cancelled.state == "cancelled"
    assert _claim(db, office.device_id, NOW + timedelta(hours=1)) is None
    with db.read() as s:
        assert s.scalars(select(AuditLog.action).where(AuditLog.entity_id == job.id)).all() == ["cancel"]
        assert pj.print_status(s, office.device_id).waiting == 0
    done = _enqueue(db, office)
    _claim(db, office.device_id, NOW)
    with db.write() as s:
        pj.mark_done(s, done.id, now=NOW)
    with pytest.raises(TransitionError), db.write() as s:
        pj.cancel(s, actor, done.id, NOW)


def test_list_jobs_filters_by_device_and_state_newest_first(db: Database, office: OfficeRefs) -> None:
    a = _enqueue(db, office, at=NOW)
    b = _enqueue(db, office, at=NOW + timedelta(seconds=1))
    _enqueue(db, office, device=_other_device(db, office))
    _claim(db, office.device_id, NOW + timedelta(seconds=2))
    with db.write() as s:
        pj.mark_done(s, a.id, now=NOW)
    with db.read() as s:
        assert [j.id for j in pj.list_jobs(s, office.device_id)] == [b.id, a.id]
        assert [j.id for j in pj.list_jobs(s, office.device_id, states=["queued"])] == [b.id]
        assert len(pj.list_jobs(s)) == 3
        with pytest.raises(ValidationError):
            pj.list_jobs(s, states=["lost"])


def test_enqueue_refuses_nonsense_copies(db: Database, office: OfficeRefs) -> None:
    with pytest.raises(ValidationError), db.write() as s:
        pj.enqueue(s, office_code=office.office_code, device_id=office.device_id, document="ticket", data={},
                   printer="pdf", copies=0, now=NOW)
    with db.read() as s:
        assert s.scalars(select(PrintJob.id)).all() == []


def test_pdf_retention_is_an_office_rule(db: Database, office: OfficeRefs) -> None:
    with db.read() as s:
        assert load_rules(s, office.office_code).print_keep_days == 30
    with db.write() as s:
        set_rule(s, office.office_code, "print_keep_days", 7)
    with db.read() as s:
        assert load_rules(s, office.office_code).print_keep_days == 7
