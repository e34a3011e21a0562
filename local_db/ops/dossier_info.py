"""What screens see of a dossier, and the read-only queries that build it.

Screens get frozen dataclasses, never ORM rows (docs/ARCHITECTURE.md §2). Times are aware UTC; a
screen converts them to office time for display. ``overdue`` is computed at the ``now``
the caller passes, so a list and its filters agree with each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.dossier_states import CLOSED_FOR_DEADLINE, DossierStatus
from core.due_date import ProcessingTime
from core.errors import NotFound, ValidationError
from core.i18n import lazy_gettext
from core.text import mask_name
from core.working_calendar import OFFICE_TZ
from local_db.models import Citizen, Counter, Dossier, DossierDocument, DossierEvent, Procedure, Staff
from local_db.ops.attachments import scans_missing_clause

#: States in which the due moment still matters (a dossier in them can become overdue).
OPEN_STATES: tuple[str, ...] = tuple(s.value for s in DossierStatus if s not in CLOSED_FOR_DEADLINE)


def utc_now(now: datetime | None) -> datetime:
    """``now`` as aware UTC (the current time when None); naive datetimes are refused."""
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware `now`")
    return now.astimezone(timezone.utc)


@dataclass(frozen=True)
class DocumentLine:
    """One line of the documents checklist (form 01's table)."""

    name: str
    required: bool = True
    originals: int = 0
    certified: int = 0
    copies: int = 0
    missing: bool = False

    @property
    def received_any(self) -> bool:
        return (self.originals + self.certified + self.copies) > 0

    @property
    def is_missing(self) -> bool:
        """A required line the citizen did not bring: marked missing, or nothing counted."""
        return self.required and (self.missing or not self.received_any)


@dataclass(frozen=True)
class DossierInfo:
    id: uuid.UUID
    code: str
    status: str
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    applicant_id: uuid.UUID
    applicant_name: str
    applicant_name_masked: str
    applicant_phone: str | None
    applicant_cccd: str | None
    received_at: datetime
    due_at: datetime | None
    ready_at: datetime | None
    returned_at: datetime | None
    fee_vnd: int
    overdue: bool
    reschedule_count: int


#: Lists and search results carry the same fields as the result of an operation.
DossierSummary = DossierInfo


@dataclass(frozen=True)
class DossierEventInfo:
    at: datetime
    action: str
    from_state: str | None
    to_state: str
    staff_id: uuid.UUID | None
    staff_name: str
    counter_number: int | None
    note: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class DossierDetail(DossierInfo):
    documents: tuple[DocumentLine, ...]
    events: tuple[DossierEventInfo, ...]
    fee_detail: dict[str, Any]
    fee_paid_vnd: int
    request_content: str
    clock_started_at: datetime
    original_due_at: datetime
    sets: int
    counter_number: int | None
    received_by: uuid.UUID | None
    received_by_name: str
    with_verification: bool
    processing_vi: str
    processing_en: str
    applicant_address: str
    applicant_email: str
    returned_to: str
    result_note: str
    closed_at: datetime | None
    ticket_id: uuid.UUID | None
    office_code: str


# --- deadline rules ------------------------------------------------------------------------


def is_overdue(info_or_row: Any, now: datetime) -> bool:
    """Past due and not yet ready, returned, rejected or withdrawn.

    A dossier waiting for a supplement has no due moment (the clock is stopped): never overdue.
    """
    due = info_or_row.due_at
    return (due is not None and info_or_row.status not in CLOSED_FOR_DEADLINE
            and utc_now(now) > due)


def on_time(info_or_row: Any, now: datetime | None = None) -> bool | None:
    """Whether the result was (or can still be) ready by the due moment.

    True/False once the dossier reached ``ready`` (ready_at <= due_at). Before that: False
    if ``now`` is given and already past due, else None (not decided yet). None for a
    dossier rejected or withdrawn before it was ready.
    """
    ready, due = info_or_row.ready_at, info_or_row.due_at
    if ready is not None:
        return due is not None and ready <= due
    if info_or_row.status in CLOSED_FOR_DEADLINE:
        return None
    if now is not None and is_overdue(info_or_row, now):
        return False
    return None


# --- queries -------------------------------------------------------------------------------


def _summary_select() -> Select[Dossier, str, str, str, str, str | None, str | None]:
    return (select(Dossier, Procedure.code, Procedure.name_vi, Procedure.name_en,
                   Citizen.full_name, Citizen.phone, Citizen.cccd)
            .join(Procedure, Procedure.id == Dossier.procedure_id)
            .join(Citizen, Citizen.id == Dossier.applicant_id))


def _summary_fields(row: Any, now: datetime) -> dict[str, Any]:
    d, pcode, pname_vi, pname_en, name, phone, cccd = row
    return dict(
        id=d.id, code=d.code, status=d.status, procedure_code=pcode, procedure_name_vi=pname_vi,
        procedure_name_en=pname_en, applicant_id=d.applicant_id, applicant_name=name,
        applicant_name_masked=mask_name(name), applicant_phone=phone, applicant_cccd=cccd,
        received_at=d.received_at, due_at=d.due_at, ready_at=d.ready_at, returned_at=d.returned_at,
        fee_vnd=d.fee_vnd, overdue=is_overdue(d, now), reschedule_count=d.reschedule_count,
    )


def summaries_by_ids(session: Session, ids: Sequence[uuid.UUID], now: datetime | None = None) -> list[DossierInfo]:
    """Summaries of these dossiers, in the order of ``ids`` (unknown ids are skipped)."""
    if not ids:
        return []
    now = utc_now(now)
    rows = session.execute(_summary_select().where(Dossier.id.in_(list(ids)))).all()
    by_id = {row[0].id: DossierInfo(**_summary_fields(row, now)) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def dossier_info(session: Session, dossier_id: uuid.UUID, now: datetime | None = None) -> DossierInfo:
    found = summaries_by_ids(session, [dossier_id], now)
    if not found:
        raise NotFound(lazy_gettext("Dossier {dossier} not found", dossier=dossier_id), dossier=str(dossier_id))
    return found[0]


def find_dossier_row(session: Session, dossier: uuid.UUID | str, office_code: str | None = None) -> Dossier:
    """The dossier row by id (UUID or its text) or by code; NotFound otherwise."""
    row: Dossier | None
    if isinstance(dossier, uuid.UUID):
        row = session.get(Dossier, dossier)
    else:
        text = str(dossier).strip()
        try:
            row = session.get(Dossier, uuid.UUID(text))
        except ValueError:
            row = session.scalars(select(Dossier).where(Dossier.code.in_({text, text.upper()}))).first()
    if row is None or (office_code is not None and row.office_code != office_code):
        raise NotFound(lazy_gettext("Dossier {dossier} not found", dossier=dossier), dossier=str(dossier))
    return row


def get_dossier(session: Session, dossier: uuid.UUID | str, *, now: datetime | None = None) -> DossierDetail:
    """A dossier with its documents checklist and its full history (staff names included)."""
    now = utc_now(now)
    row = find_dossier_row(session, dossier)
    summary = _summary_fields(session.execute(_summary_select().where(Dossier.id == row.id)).one(), now)
    proc = session.get(Procedure, row.procedure_id)
    citizen = session.get(Citizen, row.applicant_id)
    assert proc is not None and citizen is not None  # foreign keys

    documents = tuple(
        DocumentLine(name=doc.name, required=doc.required, originals=doc.originals, certified=doc.certified,
                     copies=doc.copies, missing=doc.missing)
        for doc in session.scalars(select(DossierDocument).where(DossierDocument.dossier_id == row.id)
                                   .order_by(DossierDocument.position))
    )
    event_rows = list(session.execute(
        select(DossierEvent, Staff.full_name, Counter.number)
        .outerjoin(Staff, Staff.id == DossierEvent.staff_id)
        .outerjoin(Counter, Counter.id == DossierEvent.counter_id)
        .where(DossierEvent.dossier_id == row.id)
    ).all())
    # "step" is the event's place in the history, written by the operation: device clocks
    # may repeat or go back, the order of operations on one dossier never does.
    event_rows.sort(key=lambda r: (r[0].detail.get("step", 0), r[0].at))
    events = tuple(
        DossierEventInfo(at=e.at, action=e.action, from_state=e.from_state, to_state=e.to_state,
                         staff_id=e.staff_id, staff_name=staff_name or "", counter_number=number,
                         note=e.note, detail=dict(e.detail))
        for e, staff_name, number in event_rows
    )
    counter_number = session.scalar(select(Counter.number).where(Counter.id == row.counter_id)) \
        if row.counter_id else None
    received_by_name = session.scalar(select(Staff.full_name).where(Staff.id == row.received_by)) \
        if row.received_by else None
    processing = ProcessingTime.from_dict(proc.processing)
    return DossierDetail(
        **summary, documents=documents, events=events, fee_detail=dict(row.fee_detail),
        fee_paid_vnd=row.fee_paid_vnd, request_content=row.request_content,
        clock_started_at=row.clock_started_at, original_due_at=row.original_due_at, sets=row.sets,
        counter_number=counter_number, received_by=row.received_by, received_by_name=received_by_name or "",
        with_verification=row.with_verification, processing_vi=processing.describe_vi(),
        processing_en=processing.describe_en(), applicant_address=citizen.address,
        applicant_email=citizen.email, returned_to=row.returned_to, result_note=row.result_note,
        closed_at=row.closed_at, ticket_id=row.ticket_id, office_code=row.office_code,
    )


def office_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the office-local day containing ``now``."""
    day = now.astimezone(OFFICE_TZ).date()
    start = datetime.combine(day, time(0), tzinfo=OFFICE_TZ)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)


def due_today_window(now: datetime) -> tuple[datetime, datetime]:
    """"Due today": from ``now`` to the end of the office-local day. A dossier due earlier
    today is overdue, not also due today: at 23:50 the dashboard counted the same dossiers
    in both, and the two chips of the dossiers page listed them twice. One rule for every
    count, list and flag, so "overdue" and "due today" never overlap."""
    return now, office_day_bounds(now)[1]


def list_dossiers(
    session: Session,
    office_code: str,
    *,
    status: str | None = None,
    due_today: bool = False,
    overdue: bool = False,
    received_by: uuid.UUID | None = None,
    scans_missing: bool = False,
    now: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[DossierInfo]:
    """The office's dossiers, newest first; with ``due_today`` or ``overdue``, soonest due first.

    ``due_today``: still open (not ready, returned, rejected or withdrawn) and due between
    ``now`` and the end of its office-local day. ``overdue``: still open and past due at
    ``now`` (the two never overlap: :func:`due_today_window`).
    ``scans_missing``: a checklist item was received but has no scan yet
    (local_db/ops/attachments.py). Filters combine with AND.
    """
    now = utc_now(now)
    stmt = _summary_select().where(Dossier.office_code == office_code)
    if status is not None:
        try:
            status = DossierStatus(status).value
        except ValueError:
            raise ValidationError(lazy_gettext("Invalid dossier status: {status}", status=repr(status)),
                                  field="status") from None
        stmt = stmt.where(Dossier.status == status)
    if due_today or overdue:
        stmt = stmt.where(Dossier.status.in_(OPEN_STATES))
    if due_today:
        start, end = due_today_window(now)
        stmt = stmt.where(Dossier.due_at >= start, Dossier.due_at < end)
    if overdue:
        stmt = stmt.where(Dossier.due_at < now)
    if received_by is not None:
        stmt = stmt.where(Dossier.received_by == received_by)
    if scans_missing:
        stmt = stmt.where(scans_missing_clause(Dossier.id))
    if due_today or overdue:
        stmt = stmt.order_by(Dossier.due_at, Dossier.received_at, Dossier.code)
    else:
        stmt = stmt.order_by(Dossier.received_at.desc(), Dossier.code.desc())
    rows = session.execute(stmt.limit(limit).offset(offset)).all()
    return [DossierInfo(**_summary_fields(row, now)) for row in rows]


__all__ = [
    "OPEN_STATES", "DocumentLine", "DossierDetail", "DossierEventInfo", "DossierInfo", "DossierSummary", "due_today_window",
    "dossier_info", "find_dossier_row", "get_dossier", "is_overdue", "list_dossiers", "office_day_bounds",
    "on_time", "summaries_by_ids", "utc_now",
]
