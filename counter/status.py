"""What the counter's status bar always shows, Qt-free: the sync backlog (pending
operations, the oldest one's age, rejected ones with their reasons), the link to the
centre, what the sync agent wants staff to know (this machine's clock is off, the device
must enrol again, changes the centre made: local_db/ops/sync_outbox.py ``sync_summary``),
and this desk's printer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from counter.context import CounterContext
from local_db.models import Outbox
from local_db.ops.link_state import LinkState, link_state
from local_db.ops.print_jobs import PrintStatus, print_status
from local_db.ops.sync_outbox import (
    PROBLEM_STATES,
    WAITING_STATES,
    SyncNotice,
    sync_summary,
)

MAX_REJECTED_SHOWN = 20


@dataclass(frozen=True)
class Rejected:
    entity: str
    op_type: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class DeskStatus:
    link: LinkState
    pending: int  # operations not yet accepted by the centre
    oldest_pending_at: datetime | None
    rejected: tuple[Rejected, ...]  # newest first, at most MAX_REJECTED_SHOWN
    rejected_count: int
    printer: PrintStatus
    clock_skew_seconds: float | None = None  # this machine's clock minus the centre's, as the agent last saw
    clock_warning: bool = False
    credential_refused: bool = False  # the centre refused the office's credential: enrol again
    notices: tuple[SyncNotice, ...] = ()  # changes the centre made that staff must know about


def desk_status(ctx: CounterContext) -> DeskStatus:
    now = ctx.now()
    with ctx.db.read() as s:
        pending, oldest = s.execute(
            select(func.count(), func.min(Outbox.device_time))
            .where(Outbox.office_code == ctx.office_code, Outbox.state.in_(WAITING_STATES))).one()
        rejected_count = s.scalar(select(func.count()).select_from(Outbox)
                                  .where(Outbox.office_code == ctx.office_code, Outbox.state.in_(PROBLEM_STATES))) or 0
        rows = s.execute(select(Outbox.entity, Outbox.op_type, Outbox.last_error, Outbox.device_time)
                         .where(Outbox.office_code == ctx.office_code, Outbox.state.in_(PROBLEM_STATES))
                         .order_by(Outbox.seq.desc()).limit(MAX_REJECTED_SHOWN)).all()
        summary = sync_summary(s, ctx.office_code, now)
        return DeskStatus(link=link_state(s, now), pending=pending or 0, oldest_pending_at=oldest,
                          rejected=tuple(Rejected(e, o, err or "", at) for e, o, err, at in rows),
                          rejected_count=rejected_count, printer=print_status(s, ctx.device_id),
                          clock_skew_seconds=summary.clock_skew_seconds, clock_warning=summary.clock_warning,
                          credential_refused=summary.credential_refused, notices=summary.notices)
