"""Taking a queue ticket at the kiosk, Qt-free: the choices and the ticket itself.

The ticket and its print job are written in ONE transaction: when the number shows on
screen, the paper is already owed and survives a printer that is off, a process that is
killed, or a power cut (the print worker prints it when it can).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.i18n import current_language
from kiosk.context import KioskContext
from local_db.ops.queue import issue_ticket
from local_db.ops.queue_common import PRIORITY_REASONS
from local_db.ops.queue_status import queue_overview
from printing.roll_source import ticket_content
from printing.spool import queue_document


@dataclass(frozen=True)
class ServiceChoice:
    code: str
    name: str
    waiting: int
    estimated_wait_min: int
    counters_open: tuple[int, ...]

    @property
    def open(self) -> bool:
        return bool(self.counters_open)


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


def service_choices(ctx: KioskContext) -> list[ServiceChoice]:
    """Every active service with its queue now, in the current language."""
    lang = current_language()
    with ctx.db.read() as s:
        queues = queue_overview(s, ctx.office_code, now=ctx.now())
    return [ServiceChoice(code=q.code, name=q.name_vi if lang == "vi" else (q.name_en or q.name_vi),
                          waiting=q.waiting, estimated_wait_min=q.estimated_wait_min,
                          counters_open=q.counters_open) for q in queues]


def take_ticket(ctx: KioskContext, service_code: str, priority_reason: str | None = None) -> IssuedTicket:
    """Issue the ticket and queue its paper, in the current language, in one transaction."""
    if priority_reason is not None and priority_reason not in PRIORITY_REASONS:
        raise ValueError(f"unknown priority reason {priority_reason!r}")
    lang = current_language()
    now = ctx.now()
    with ctx.db.write() as s:
        info = issue_ticket(s, ctx.actor, service_code, priority_reason=priority_reason, now=now)
        content = ticket_content(s, info.id, signer=ctx.signer(s), lang=lang, now=now)
        job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="ticket",
                             content=content, printer=ctx.printer, ref_id=info.id, title=info.code, now=now)
    return IssuedTicket(ticket_id=info.id, code=info.code, service_name=content.service_name,
                        counters=content.counters, ahead=content.ahead, wait_minutes=content.wait_minutes,
                        priority_reason=priority_reason, print_job_id=job.id)
