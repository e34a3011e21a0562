"""What the counter's status bar always shows, Qt-free: the sync backlog (pending
operations, the oldest one's age, rejected ones with their reasons), the link to the
centre, what the sync agent wants staff to know (this machine's clock is off, the device
must enrol again, changes the centre made: local_db/ops/sync_outbox.py ``sync_summary``),
and this desk's printer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from counter.context import CounterContext
from local_db.models import Office
from local_db.ops.link_state import LinkState
from local_db.ops.print_jobs import PrintStatus, print_status
from local_db.ops.sync_outbox import SyncNotice, SyncProblem, sync_summary
from local_db.ops.sync_settle import entity_name


@dataclass(frozen=True)
class Rejected:
    entity: str
    op_type: str
    reason: str
    at: datetime
    op_id: uuid.UUID | None = None
    entity_id: uuid.UUID | None = None
    state: str = "rejected"  # rejected / conflict; settling: kept the centre's version, being sent
    name: str = ""  # what staff call the entity (a dossier's code...): sync_settle.subject_words(entity, name)


@dataclass(frozen=True)
class DeskStatus:
    link: LinkState
    pending: int  # operations not yet accepted by the centre
    oldest_pending_at: datetime | None
    rejected: tuple[Rejected, ...]  # newest first, at most sync_outbox.MAX_PROBLEMS_SHOWN
    rejected_count: int
    printer: PrintStatus
    clock_skew_seconds: float | None = None  # this machine's clock minus the centre's, as the agent last saw
    clock_warning: bool = False
    credential_refused: bool = False  # the centre refused the office's credential: enrol again
    notices: tuple[SyncNotice, ...] = ()  # changes the centre made that staff must know about
    settling: tuple[Rejected, ...] = ()  # refused ops a supervisor settled; the agent tells the centre
    enrolled: bool = True  # the office is enrolled with the city's server (motcua sync enroll)

    @property
    def never_connected(self) -> bool:
        """The agent has never reached the centre (not enrolled yet, or enrolled and not yet
        run): the backlog is the office's own work kept here, not a link that broke."""
        return self.link.last_contact_at is None and not self.link.online


def desk_status(ctx: CounterContext) -> DeskStatus:
    """One read: the agent's summary of the backlog (local_db/ops/sync_outbox.py) and this
    desk's printer."""
    now = ctx.now()
    with ctx.db.read() as s:
        enrolled = bool(s.scalar(select(Office.enrolled).where(Office.code == ctx.office_code)))
        summary = sync_summary(s, ctx.office_code, now)
        printer = print_status(s, ctx.device_id)
        rejected = tuple(_rejected(s, p) for p in summary.problems)
        settling = tuple(_rejected(s, p) for p in summary.settling)
    return DeskStatus(link=LinkState(online=summary.online, last_contact_at=summary.last_contact_at),
                      pending=summary.pending, oldest_pending_at=summary.oldest_pending_at,
                      rejected=rejected, rejected_count=summary.problem_count, printer=printer,
                      clock_skew_seconds=summary.clock_skew_seconds, clock_warning=summary.clock_warning,
                      credential_refused=summary.credential_refused, notices=summary.notices, settling=settling,
                      enrolled=enrolled)


def _rejected(session, p: SyncProblem) -> Rejected:  # type: ignore[no-untyped-def]
    return Rejected(p.entity, p.op_type, p.reason, p.at, op_id=p.op_id, entity_id=p.entity_id, state=p.state,
                    name=entity_name(session, p.entity, p.entity_id))
