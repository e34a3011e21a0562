"""Receiving a dossier at the counter (form 01): code, applicant, documents, fee, due moment.

A dossier is received only when it is complete. An incomplete one is refused with the list
of EVERY missing item at once, so the counter prints form 02 (request to supplement) in a
single visit instead of sending the citizen home once per missing paper.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.dossier_states import DossierAction, DossierStatus
from core.due_date import ProcessingTime, due_moment
from core.errors import NotFound, ValidationError
from core.i18n import lazy_gettext
from core.fees import FeeInput, FeeQuote, FeeRule, compute_fee
from core.text import clean_name, fold
from local_db import journal
from local_db.models import Counter, Dossier, DossierDocument, DossierEvent, Procedure, Ticket
from local_db.office_settings import calendar_for, get_office, office_today
from local_db.ops.citizens import CitizenInput, upsert_citizen
from local_db.ops.dossier_info import DocumentLine, DossierInfo, dossier_info, utc_now


@dataclass(frozen=True)
class IntakePreview:
    """What the clerk sees before pressing "receive": fee, due moment, what is missing."""

    procedure_code: str
    fee: FeeQuote
    due_at: datetime  # UTC
    received_at: datetime  # UTC
    missing_required: tuple[str, ...]


def active_procedure(session: Session, office_code: str, procedure_code: str) -> Procedure:
    proc = session.scalars(select(Procedure).where(
        Procedure.office_code == office_code, Procedure.code == procedure_code.strip())).first()
    if proc is None or not proc.active:
        raise NotFound(lazy_gettext("The procedure {procedure} is not in use at this office", procedure=procedure_code),
                       procedure_code=procedure_code)
    return proc


def checklist_for(session: Session, office_code: str, procedure_code: str) -> list[DocumentLine]:
    """The procedure's documents as an empty checklist (no counts yet) for the intake screen."""
    proc = active_procedure(session, office_code, procedure_code)
    return [DocumentLine(name=doc["name"], required=bool(doc.get("required", True)))
            for doc in proc.documents]


def _clean_documents(documents: list[DocumentLine]) -> list[DocumentLine]:
    cleaned = []
    for doc in documents:
        name = clean_name(doc.name or "")
        if not name:
            raise ValidationError(lazy_gettext("A paper's name cannot be empty"), field="documents")
        for what in ("originals", "certified", "copies"):
            value = getattr(doc, what)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(lazy_gettext("The number of {what} of «{name}» must be a whole number, not negative",
                                                   what=what, name=name),
                                      field="documents")
        cleaned.append(DocumentLine(name=name, required=bool(doc.required), originals=doc.originals,
                                    certified=doc.certified, copies=doc.copies, missing=bool(doc.missing)))
    return cleaned


def missing_documents(documents: list[DocumentLine], proc: Procedure) -> list[str]:
    """Names of required documents not brought, in checklist order.

    A required line marked missing or with no original, certified copy or photocopy counts.
    An empty checklist lists the procedure's required documents (a dossier is never
    received with no paper at all).
    """
    if not documents:
        return [clean_name(d["name"]) for d in proc.documents if d.get("required", True)]
    seen: set[str] = set()
    missing = []
    for doc in documents:
        if doc.is_missing and fold(doc.name) not in seen:
            seen.add(fold(doc.name))
            missing.append(doc.name)
    return missing


def _quote(session: Session, office_code: str, proc: Procedure, fee_input: FeeInput, received_at: datetime,
           with_verification: bool) -> tuple[FeeQuote, datetime, bool]:
    quote = compute_fee(FeeRule.from_dict(proc.fee_rule), fee_input)
    processing = ProcessingTime.from_dict(proc.processing)
    with_verification = bool(with_verification and processing.has_verification)
    due = due_moment(received_at, processing, calendar_for(session, office_code),
                     with_verification=with_verification)
    return quote, due.astimezone(timezone.utc), with_verification


def _fee_detail(proc: Procedure, fee_input: FeeInput, quote: FeeQuote) -> dict[str, Any]:
    return {
        "amount_vnd": quote.amount_vnd,
        "rule": dict(proc.fee_rule),
        "input": asdict(fee_input),
        "lines": list(quote.lines),
        "exemption_reason": quote.exemption_reason,
    }


def preview_intake(
    session: Session,
    office_code: str,
    procedure_code: str,
    *,
    documents: list[DocumentLine],
    fee_input: FeeInput = FeeInput(),
    with_verification: bool = False,
    now: datetime | None = None,
) -> IntakePreview:
    """Fee, due moment and missing documents of a dossier received at ``now``; writes nothing."""
    now = utc_now(now)
    proc = active_procedure(session, office_code, procedure_code)
    missing = missing_documents(_clean_documents(documents), proc)
    quote, due, _ = _quote(session, office_code, proc, fee_input, now, with_verification)
    return IntakePreview(procedure_code=proc.code, fee=quote, due_at=due, received_at=now,
                         missing_required=tuple(missing))


def dossier_code(unit_id: str, day: Any, seq: int) -> str:
    """``<unit id>-<YYMMDD>-<NNNN>``; the sequence grows past 9999 rather than wrap."""
    return f"{unit_id}-{day:%y%m%d}-{seq:04d}"


def receive_dossier(
    session: Session,
    actor: Actor,
    *,
    procedure_code: str,
    applicant: CitizenInput,
    documents: list[DocumentLine],
    fee_input: FeeInput = FeeInput(),
    sets: int = 1,
    request_content: str = "",
    counter_number: int | None = None,
    ticket_id: uuid.UUID | None = None,
    with_verification: bool = False,
    now: datetime | None = None,
) -> DossierInfo:
    """Receive a complete dossier: status ``received``, code, fee, due moment, history.

    Raises ValidationError(code="documents_missing", missing=[names]) when required
    documents are missing (all of them listed), NotFound for an unknown or inactive
    procedure, counter or ticket.
    """
    now = utc_now(now)
    office_code = actor.office_code
    office = get_office(session, office_code)
    proc = active_procedure(session, office_code, procedure_code)
    lines = _clean_documents(documents)
    missing = missing_documents(lines, proc)
    if missing:
        raise ValidationError(lazy_gettext("The dossier still lacks: {missing}", missing="; ".join(missing)),
                              code="documents_missing",
                              field="documents", missing=missing)
    if isinstance(sets, bool) or not isinstance(sets, int) or sets < 1:
        raise ValidationError(lazy_gettext("The number of sets must be 1 or more"), field="sets")
    quote, due, with_verification = _quote(session, office_code, proc, fee_input, now, with_verification)
    counter_id = counter_id_for(session, office_code, counter_number)
    if ticket_id is not None:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.office_code != office_code:
            raise NotFound(lazy_gettext("Queue number {ticket} not found", ticket=ticket_id), ticket_id=str(ticket_id))

    today = office_today(now)
    citizen = upsert_citizen(session, office_code, applicant, today=today)
    seq = journal.next_serial(session, f"dossier:{office_code}:{today.isoformat()}")
    code = dossier_code(office.unit_id, today, seq)
    fee_detail = _fee_detail(proc, fee_input, quote)
    content = " ".join((request_content or "").split())

    dossier = Dossier(
        office_code=office_code, code=code, procedure_id=proc.id, applicant_id=citizen.id,
        request_content=content, sets=sets, status=DossierStatus.RECEIVED.value,
        with_verification=with_verification, received_at=now, clock_started_at=now, due_at=due,
        original_due_at=due, reschedule_count=0, fee_vnd=quote.amount_vnd, fee_detail=fee_detail,
        fee_paid_vnd=0, counter_id=counter_id, received_by=actor.staff_id, ticket_id=ticket_id,
    )
    session.add(dossier)
    session.flush()
    for position, doc in enumerate(lines, start=1):
        session.add(DossierDocument(
            office_code=office_code, dossier_id=dossier.id, position=position, name=doc.name,
            required=doc.required, originals=doc.originals, certified=doc.certified, copies=doc.copies,
            missing=doc.missing))
    session.add(DossierEvent(
        office_code=office_code, dossier_id=dossier.id, at=now, action=DossierAction.RECEIVE.value,
        from_state=None, to_state=DossierStatus.RECEIVED.value, staff_id=actor.staff_id,
        counter_id=counter_id, note="", detail={"step": 1, "due_at": due.isoformat()}))
    journal.record(
        session, actor, entity="dossier", entity_id=dossier.id, op_type=DossierAction.RECEIVE.value,
        from_state=None, to_state=DossierStatus.RECEIVED.value, now=now,
        payload={
            "code": code, "office_code": office_code, "procedure_code": proc.code,
            "applicant": {
                "id": citizen.id, "full_name": citizen.full_name, "cccd": citizen.cccd, "phone": citizen.phone,
                "address": citizen.address, "email": citizen.email, "birth_date": citizen.birth_date,
                "gender": citizen.gender,
            },
            "documents": [asdict(doc) for doc in lines],
            "sets": sets, "request_content": content, "with_verification": with_verification,
            "fee_vnd": quote.amount_vnd, "fee_detail": fee_detail,
            "received_at": now, "clock_started_at": now, "due_at": due, "original_due_at": due,
            "status": DossierStatus.RECEIVED.value, "counter_number": counter_number,
            "received_by": actor.staff_id, "ticket_id": ticket_id,
        },
        audit_detail={"code": code, "procedure_code": proc.code},
    )
    session.flush()
    return dossier_info(session, dossier.id, now)


def counter_id_for(session: Session, office_code: str, counter_number: int | None) -> uuid.UUID | None:
    if counter_number is None:
        return None
    counter_id = session.scalar(select(Counter.id).where(
        Counter.office_code == office_code, Counter.number == counter_number))
    if counter_id is None:
        raise NotFound(lazy_gettext("There is no counter number {number}", number=counter_number),
                       counter_number=counter_number)
    return counter_id


__all__ = [
    "IntakePreview", "active_procedure", "checklist_for", "counter_id_for", "dossier_code",
    "missing_documents", "preview_intake", "receive_dossier",
]
