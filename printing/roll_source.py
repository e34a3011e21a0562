"""The content records of the roll documents, read from the office database.

Called in the transaction that issued the ticket or booked the appointment (or later, for a
reprint), so what is printed is what the database says at that moment: the people ahead,
the wait estimate, the counters that call the queue, the procedure's documents. The QR
token is signed here with the printing device's key (``signer``), so any device of the
office can verify it offline.

Strings from the database are taken in the document's language where the database has
both (office, service and procedure names); addresses and document names exist in
Vietnamese only and are printed as they are.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import N_, _, check_language, language, localized
from core.text import mask_name
from core.tokens import MAX_MASKED_NAME_BYTES, AppointmentToken, Signer, TicketToken
from local_db.models import Appointment, Office, Procedure, Service, Ticket
from local_db.ops.appointments import check_in_window, get_appointment, slot_end, slot_start
from local_db.ops.queue_status import position
from local_db.ops.staffing import staffed_counters
from printing.content import AppointmentSlipContent, TicketContent

PAPERS = ("80mm", "A5")
PRIORITY_LABELS = {
    "elderly": N_("Elderly person"),
    "disabled": N_("Person with a disability"),
    "pregnant": N_("Pregnant woman"),
    "small_child": N_("Person with a small child"),
    "merit": N_("Person with meritorious service"),
}


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware time (UTC)")
    return now


def _office(session: Session, office_code: str) -> Office:
    return session.scalars(select(Office).where(Office.code == office_code)).one()


def _pick(lang: str, vi: str | None, en: str | None) -> str:
    """The English text on an English document when there is one, else the Vietnamese."""
    return localized(vi, en, lang)


def priority_label(reason: str | None, lang: str) -> str:
    """The priority reason as printed on the ticket, in ``lang`` ("" for none)."""
    if not reason:
        return ""
    with language(lang):
        return _(PRIORITY_LABELS[reason]) if reason in PRIORITY_LABELS else reason


def ticket_content(session: Session, ticket_id: uuid.UUID, *, signer: Signer, lang: str = "vi",
                   now: datetime | None = None) -> TicketContent:
    """What the ticket says now: its number and queue, the counters that call it, the
    people ahead and the wait (as :func:`~local_db.ops.queue_status.position` counts them),
    and a ticket token signed by ``signer`` for the day the ticket was issued."""
    check_language(lang)
    now = _now(now)
    info = position(session, ticket_id, now=now)  # NotFound for an unknown ticket
    office_code = session.scalars(select(Ticket.office_code).where(Ticket.id == info.id)).one()
    office = _office(session, office_code)
    token = TicketToken(entity_id=info.id, office_code=office_code, issued_at=info.issued_at, day=info.day,
                        ticket_code=info.code)
    # A counter marked open with nobody signed in at it calls no one (local_db/ops/staffing.py):
    # the paper sends the citizen to the counters someone is at, and promises no wait when
    # there are none.
    staffed = staffed_counters(session, office_code)
    at_work = tuple(n for n in info.counters_serving if n in staffed)
    return TicketContent(
        lang=lang,
        office_name=_pick(lang, office.name_vi, office.name_en),
        ticket_code=info.code,
        service_name=_pick(lang, info.service_name_vi, info.service_name_en),
        counters=at_work or tuple(info.counters_serving),
        ahead=info.people_ahead or 0,
        wait_minutes=info.estimated_wait_min,
        issued_at=info.issued_at,
        token=signer.sign(token),
        priority=priority_label(info.priority_reason, lang),
        staffed=bool(at_work),
    )


def token_name(masked: str) -> str:
    """The masked name as the token carries it, within the token's byte limit: middle
    initials are dropped first (``N. V. T. Hoà`` -> ``N. Hoà``), so the given name the kiosk
    shows survives; only a given name too long by itself is cut, at a whole character. The
    printed slip shows the masked name in full."""

    def size(value: str) -> int:
        return len(value.encode("utf-8"))

    words = masked.split(" ")
    while size(" ".join(words)) > MAX_MASKED_NAME_BYTES and len(words) > 2:
        del words[1]
    out = " ".join(words)
    while size(out) > MAX_MASKED_NAME_BYTES:
        out = out[:-1]
    return out.rstrip()


def appointment_slip_content(session: Session, appointment_id: uuid.UUID | str, *, signer: Signer,
                             lang: str = "vi", paper: str = "80mm",
                             now: datetime | None = None) -> AppointmentSlipContent:
    """What the slip says: the slot's day and window, the office and its address, the
    procedure and its documents, the citizen's masked name, when the kiosk takes the code,
    and an appointment token signed by ``signer`` (valid until the slot's window ends)."""
    check_language(lang)
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; expected one of {', '.join(PAPERS)}")
    now = _now(now)
    info = get_appointment(session, appointment_id)
    office_code = session.scalars(select(Appointment.office_code).where(Appointment.id == info.id)).one()
    office = _office(session, office_code)
    service = session.scalars(select(Service).where(Service.office_code == office_code,
                                                    Service.code == info.slot.service_code)).one()
    procedure = None
    if info.procedure_code:
        procedure = session.scalars(select(Procedure).where(Procedure.office_code == office_code,
                                                            Procedure.code == info.procedure_code)).first()
    start, end = slot_start(info.slot), slot_end(info.slot)
    opens, closes = check_in_window(session, office_code, info.slot)
    masked = info.citizen_name_masked or mask_name(info.citizen_name)
    token = AppointmentToken(entity_id=info.id, office_code=office_code, issued_at=now,
                             service_code=info.slot.service_code, window_start=start, window_end=end,
                             masked_name=token_name(masked))
    return AppointmentSlipContent(
        lang=lang,
        paper=paper,
        office_name=_pick(lang, office.name_vi, office.name_en),
        office_address=office.address or "",
        office_phone=office.phone or "",
        appointment_code=info.code,
        service_name=_pick(lang, service.name_vi, service.name_en),
        procedure_name=_pick(lang, procedure.name_vi, procedure.name_en) if procedure else "",
        procedure_code=procedure.code if procedure else "",
        window_start=start.astimezone(timezone.utc),
        window_end=end.astimezone(timezone.utc),
        masked_name=masked,
        documents=tuple(_documents(procedure, lang)) if procedure else (),
        token=signer.sign(token),
        issued_at=now.astimezone(timezone.utc),
        check_in_from=opens.astimezone(timezone.utc),
        check_in_until=closes.astimezone(timezone.utc),
        office_parent=office.parent_name_vi if lang == "vi" else "",
    )


def _documents(procedure: Procedure, lang: str) -> list[str]:
    """The procedure's documents, one line each; optional ones say so."""
    out = []
    with language(lang):
        for doc in procedure.documents or []:
            if isinstance(doc, str):
                out.append(doc)
                continue
            name = localized(str(doc.get("name") or ""), str(doc.get("name_en") or ""), lang).strip()
            if not name:
                continue
            if doc.get("required", True) is False:
                name = _("{document} (if any)").format(document=name)
            out.append(name)
    return out


__all__ = ["PRIORITY_LABELS", "appointment_slip_content", "priority_label", "ticket_content", "token_name"]
