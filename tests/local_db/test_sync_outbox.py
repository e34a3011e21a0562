"""The outbox as the sync agent takes it and the apps show it (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core.i18n import language
from local_db.database import Database
from local_db.models import AuditLog, Outbox
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.link_state import link_state
from local_db.ops.sync_outbox import (
    add_notice,
    conflict_detail,
    dismiss_notice,
    next_batch,
    record_results,
    record_round,
    sync_summary,
)
from sync.protocol import OpResult

# Monday 23 November 2026, 09:00 in Hà Nội.
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def issue(db: Database, office: OfficeRefs, minutes: float, service: str = "HT") -> q.TicketInfo:
    with db.write() as s:
        return q.issue_ticket(s, office.actor(None, "kiosk"), service, now=at(minutes))


def call(db: Database, office: OfficeRefs, counter: int, minutes: float) -> q.TicketInfo:
    with db.write() as s:
        ticket = q.call_next(s, office.actor("canbo1"), counter, now=at(minutes))
    assert ticket is not None
    return ticket


def ops_of(db: Database, entity_id: uuid.UUID) -> list[Outbox]:
    with db.read() as s:
        return list(s.scalars(select(Outbox).where(Outbox.entity_id == entity_id).order_by(Outbox.seq)))


def answer(op_id: uuid.UUID, status: str, reason: str = "", **kw: object) -> OpResult:
    return OpResult(op_id=op_id, status=status, reason=reason, **kw)  # type: ignore[arg-type]


def test_batches_come_in_seq_order_and_bounded(db: Database, office: OfficeRefs) -> None:
    for i in range(7):
        issue(db, office, i)
    with db.read() as s:
        first = next_batch(s, office.office_code, 3)
        second = next_batch(s, office.office_code, 3, after_seq=first[-1].seq)
        rest = next_batch(s, office.office_code, 100, after_seq=second[-1].seq)
    seqs = [op.seq for op in first + second + rest]
    assert len(first) == len(second) == 3 and len(rest) == 1
    assert seqs == sorted(seqs) and len(set(seqs)) == 7
    assert {op.entity for op in first} == {"ticket"} and first[0].op_type == "issue"
    assert first[0].payload["code"] == "A001" and first[0].office_code == office.office_code


def test_acked_ops_leave_the_backlog_and_answers_never_go_backwards(db: Database, office: OfficeRefs) -> None:
    a, b = issue(db, office, 0), issue(db, office, 1)
    with db.read() as s:
        batch = next_batch(s, office.office_code, 10)
    with db.write() as s:
        done = record_results(s, [answer(batch[0].op_id, "applied"), answer(batch[1].op_id, "duplicate"),
                                  answer(uuid.uuid4(), "applied")], at(5))
    assert (done.acked, done.unknown) == (2, 1)
    with db.read() as s:
        assert next_batch(s, office.office_code, 10) == []
        assert sync_summary(s, office.office_code, at(5)).pending == 0
    # a late, replayed answer for an op already acked changes nothing
    with db.write() as s:
        late = record_results(s, [answer(batch[0].op_id, "rejected", "late")], at(6))
    assert late.rejected == 0
    rows = ops_of(db, a.id) + ops_of(db, b.id)
    assert [(r.state, r.attempts, r.acked_at) for r in rows] == [("acked", 1, at(5))] * 2


def test_a_refused_op_holds_later_ops_of_its_entity_only(db: Database, office: OfficeRefs) -> None:
    first = issue(db, office, 0)
    call(db, office, 1, 1)  # the same ticket again: called
    other = issue(db, office, 2)
    issue_op, call_op = ops_of(db, first.id)
    with db.write() as s:
        batch = next_batch(s, office.office_code, 10)
        assert [op.op_id for op in batch][:2] == [issue_op.op_id, call_op.op_id]
        record_results(s, [
            answer(issue_op.op_id, "conflict", "Vé đã bị huỷ ở trung tâm", code="state_changed",
                   server_state={"status": "cancelled"}),
            answer(call_op.op_id, "held", "waits behind a conflict"),
        ], at(3))
    with db.read() as s:
        waiting = next_batch(s, office.office_code, 10)
        assert [op.entity_id for op in waiting] == [other.id]  # the other ticket goes on; the held one waits
        detail = conflict_detail(s, issue_op.op_id)
        summary = sync_summary(s, office.office_code, at(3))
    assert detail is not None and detail["server_state"] == {"status": "cancelled"}
    assert [(op.state, op.last_error) for op in ops_of(db, first.id)] == [
        ("conflict", "Vé đã bị huỷ ở trung tâm"), ("held", "waits behind a conflict")]
    assert (summary.pending, summary.held, summary.problem_count) == (2, 1, 1)
    assert summary.problems[0].reason == "Vé đã bị huỷ ở trung tâm" and summary.problems[0].state == "conflict"
    # once a person settles the conflict (the op no longer blocks), the held op goes again
    with db.write() as s:
        row = s.get(Outbox, issue_op.op_id)
        assert row is not None
        row.state = "acked"
    with db.read() as s:
        assert [op.op_id for op in next_batch(s, office.office_code, 10)] == [call_op.op_id, ops_of(db, other.id)[0].op_id]


def test_a_rejection_keeps_its_reason_in_the_outbox_and_the_audit_log(db: Database, office: OfficeRefs) -> None:
    ticket = issue(db, office, 0)
    (op,) = ops_of(db, ticket.id)
    with db.write() as s:
        done = record_results(s, [answer(op.op_id, "rejected", "Dịch vụ không tồn tại", code="unknown_service")], at(1))
    assert done.rejected == 1
    (row,) = ops_of(db, ticket.id)
    assert (row.state, row.last_error, row.attempts) == ("rejected", "Dịch vụ không tồn tại", 1)
    with db.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.op_id == op.op_id, AuditLog.action == "sync_rejected")).one()
        assert audit.detail["code"] == "unknown_service"
        summary = sync_summary(s, office.office_code, at(1))
    assert (summary.pending, summary.problem_count) == (0, 1)


def test_summary_tells_backlog_link_and_clock(db: Database, office: OfficeRefs) -> None:
    issue(db, office, 0)
    issue(db, office, 30)
    now = at(90)
    with db.read() as s:
        before = sync_summary(s, office.office_code, now)
    assert (before.online, before.last_push_at, before.pending) == (False, None, 2)
    assert before.oldest_pending_at == at(0) and before.oldest_pending_age == timedelta(minutes=90)
    with db.write() as s:
        record_round(s, now=now, online=True, pushed=True, pulled=True, server_time=now - timedelta(minutes=7))
    with db.read() as s:
        after = sync_summary(s, office.office_code, now + timedelta(seconds=10))
        link = link_state(s, now + timedelta(seconds=10))  # what the kiosk badge reads
    assert after.online and link.online and link.last_contact_at == now
    assert (after.last_push_at, after.last_pull_at) == (now, now)
    assert after.clock_skew_seconds == 420 and after.clock_warning
    with db.write() as s:
        record_round(s, now=now + timedelta(minutes=1), online=False, error="The central server cannot be reached.")
    with db.read() as s:
        down = sync_summary(s, office.office_code, now + timedelta(minutes=1))
        assert not link_state(s, now + timedelta(minutes=1)).online
    assert not down.online and down.last_contact_at == now and "cannot be reached" in down.last_error
    assert down.clock_skew_seconds == 420  # the last measure stays until the next contact


def test_notices_are_kept_once_shown_in_the_readers_language_and_dismissed(db: Database, office: OfficeRefs) -> None:
    entity_id = uuid.uuid4()
    with db.write() as s:
        key = add_notice(s, kind="cancelled_after_check_in", entity="appointment", entity_id=entity_id, now=at(0),
                         code="LTABC234", ticket="A007")
        again = add_notice(s, kind="cancelled_after_check_in", entity="appointment", entity_id=entity_id,
                           now=at(5), code="LTABC234", ticket="A007")
    assert key == again
    with db.read() as s:
        with language("en"):
            (en,) = sync_summary(s, office.office_code, at(5)).notices
        with language("vi"):
            (vi,) = sync_summary(s, office.office_code, at(5)).notices
    assert "LTABC234" in en.message and "checked in" in en.message and en.at == at(0)
    assert "LTABC234" in vi.message and vi.message != en.message
    with db.write() as s:
        assert dismiss_notice(s, key)
    with db.read() as s:
        assert sync_summary(s, office.office_code, at(6)).notices == ()
