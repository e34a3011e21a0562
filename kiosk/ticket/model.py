"""Taking a queue ticket at the kiosk, Qt-free: the choices and the ticket itself.

The ticket and its print job are written in ONE transaction: when the number shows on
screen, the paper is already owed and survives a printer that is off, a process that is
killed, or a power cut (the print worker prints it when it can).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.i18n import current_language, localized
from core.working_calendar import to_office_time
from kiosk.context import KioskContext
from local_db.office_settings import calendar_for
from local_db.ops.queue import issue_ticket
from local_db.ops.queue_common import PRIORITY_REASONS
from local_db.ops.queue_status import queue_overview
from local_db.ops.staffing import staffed_by_service
from printing.roll_source import ticket_content
from printing.spool import queue_document


@dataclass(frozen=True)
class ServiceChoice:
    code: str
    name: str
    waiting: int
    estimated_wait_min: int
    counters_open: tuple[int, ...]
    counters_staffed: tuple[int, ...] = ()  # open with a clerk signed in (local_db/ops/staffing.py)

    @property
    def staffed(self) -> bool:
        """Someone is serving it now: only then does the kiosk promise a wait."""
        return bool(self.counters_staffed)


@dataclass(frozen=True)
class ServiceMenu:
    closed_until: datetime | None  # set: no number now, given again from then (office time)
    choices: list[ServiceChoice]


@dataclass(frozen=True)
class IssuedTicket:
    ticket_id: uuid.UUID
    code: str
    service_name: str
    counters: tuple[int, ...]
    ahead: int
    wait_minutes: int | None
    priority_reason: str | None
    print_job_id: uuid.UUID
    staffed: bool = True  # False: no counter is serving its queue now (no wait is promised)


class OfficeClosed(Exception):
    """No number is given now: the office does not open again today. ``opens_at``: when
    numbers are given again (office time)."""

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(f"the office is closed until {opens_at:%Y-%m-%d %H:%M}")
        self.opens_at = opens_at


def closed_until(session: Session, office_code: str, now: datetime) -> datetime | None:
    """When the office gives numbers again, or None if it gives them now.

    A number is given on a working day until closing time: before opening (citizens queue
    before the doors open) and over lunch too, since it is called the same day. After
    closing, on a weekend or a holiday (24/11, Tết...) nobody would call it: numbers restart
    each day, so the citizen is told when to come back instead."""
    cal = calendar_for(session, office_code)
    local = to_office_time(now)
    today = local.date()
    if cal.is_working_day(today) and local < cal.closing_time(today):
        return None
    return cal.working_periods(cal.next_working_day(today))[0][0]


def next_opening(ctx: KioskContext) -> datetime:
    """The next working day's opening (office time)."""
    with ctx.db.read() as s:
        cal = calendar_for(s, ctx.office_code)
    return cal.working_periods(cal.next_working_day(to_office_time(ctx.now()).date()))[0][0]


def service_choices(ctx: KioskContext) -> ServiceMenu:
    """Every active service with its queue now, in the current language, and whether the
    office gives numbers now."""
    lang = current_language()
    now = ctx.now()
    with ctx.db.read() as s:
        queues = queue_overview(s, ctx.office_code, now=now)
        closed = closed_until(s, ctx.office_code, now)
        staffed = staffed_by_service(s, ctx.office_code)
    return ServiceMenu(closed_until=closed, choices=[
        ServiceChoice(code=q.code, name=localized(q.name_vi, q.name_en, lang), waiting=q.waiting,
                      estimated_wait_min=q.estimated_wait_min, counters_open=q.counters_open,
                      counters_staffed=staffed.get(q.code, ())) for q in queues])


def take_ticket(ctx: KioskContext, service_code: str, priority_reason: str | None = None) -> IssuedTicket:
    """Issue the ticket and queue its paper, in the current language, in one transaction.
    OfficeClosed when the office gives no more numbers today (a screen left open past
    closing time must not hand out a number nobody will call)."""
    if priority_reason is not None and priority_reason not in PRIORITY_REASONS:
        raise ValueError(f"unknown priority reason {priority_reason!r}")
    lang = current_language()
    now = ctx.now()
    with ctx.db.write() as s:
        opens_at = closed_until(s, ctx.office_code, now)
        if opens_at is not None:
            raise OfficeClosed(opens_at)
        info = issue_ticket(s, ctx.actor, service_code, priority_reason=priority_reason, now=now)
        content = ticket_content(s, info.id, signer=ctx.signer(s), lang=lang, now=now)
        job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="ticket",
                             content=content, printer=ctx.printer, ref_id=info.id, title=info.code, now=now)
        staffed = bool(staffed_by_service(s, ctx.office_code).get(service_code))
    return IssuedTicket(ticket_id=info.id, code=info.code, service_name=content.service_name,
                        counters=content.counters, ahead=content.ahead, wait_minutes=content.wait_minutes,
                        priority_reason=priority_reason, print_job_id=job.id, staffed=staffed)
