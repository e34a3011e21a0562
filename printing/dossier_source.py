"""Content records of the one-stop forms, read from the office database.

Each function reads what one form needs (read-only, in the caller's session) and returns
its frozen record, ready to draw or to queue as JSON. Strings from data are chosen in the
record's language (procedure and office names in Vietnamese or English); the few phrases
composed here (where to collect the result, who handed the dossier to whom) are
translated here, inside ``language(lang)``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dossier_states import DossierAction
from core.errors import DomainError
from core.i18n import _, check_language, language, lazy_gettext, localized, pgettext
from core.text import fold, nfc
from core.ticket_states import TicketStatus
from core.tokens import ReceiptToken, Signer, receipt_url
from core.working_calendar import OFFICE_TZ
from local_db.models import (
    Citizen,
    Counter,
    Dossier,
    DossierEvent,
    Procedure,
    Service,
    Staff,
    Ticket,
)
from local_db.office_settings import get_office
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossier_info import (
    DossierDetail,
    DossierEventInfo,
    get_dossier,
    utc_now,
)
from local_db.ops.dossier_intake import active_procedure
from printing.form_sets import form_set_for
from printing.forms_content import (
    ApologyContent,
    Applicant,
    ControlSlipContent,
    DailyReportContent,
    DossierLine,
    HandOver,
    Issuer,
    ReceiptContent,
    ReceivedDocument,
    RefusalContent,
    ServiceLine,
    SupplementItem,
    SupplementRequestContent,
)

A = DossierAction
_PLACE_PREFIX = re.compile(r"^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+", re.IGNORECASE)
_UNIT_PREFIX = re.compile(r"^(thành phố|tỉnh|tp\.?)\s+", re.IGNORECASE)


# --- shared pieces ---------------------------------------------------------------------------------


def place_of(parent_name: str, fallback: str = "") -> str:
    """The place of the date line: "UBND Thành phố Hà Nội" -> "Hà Nội"."""
    text = _UNIT_PREFIX.sub("", _PLACE_PREFIX.sub("", nfc(parent_name).strip())).strip()
    return text or fallback


def issuer_for(session: Session, office_code: str, lang: str) -> Issuer:
    office = get_office(session, office_code)
    name = localized(office.name_vi, office.name_en, lang)
    return Issuer(parent_name=office.parent_name_vi, office_name=name,
                  place=place_of(office.parent_name_vi, office.name_vi), address=office.address, phone=office.phone)


def _desk_at(issuer: Issuer) -> str:
    """"Bộ phận tiếp nhận và trả kết quả, UBND Phường Ba Đình (Số 1 Đội Cấn ...)" in the current language."""
    text = _("{desk}, {office}").format(desk=_("Reception and Result Return Desk"), office=issuer.office_name)
    return f"{text} ({issuer.address})" if issuer.address else text


def _applicant(d: DossierDetail) -> Applicant:
    return Applicant(name=d.applicant_name, address=d.applicant_address, phone=d.applicant_phone or "",
                     email=d.applicant_email, id_number=d.applicant_cccd or "")


def _procedure_name(d: DossierDetail, lang: str) -> str:
    return localized(d.procedure_name_vi, d.procedure_name_en, lang)


def _form_set_key(when: datetime) -> str:
    return form_set_for(when.astimezone(OFFICE_TZ).date()).key


def _latest(d: DossierDetail, action: DossierAction) -> DossierEventInfo:
    found = [e for e in d.events if e.action == action.value]
    if not found:
        raise DomainError(lazy_gettext("Dossier {dossier} has no step «{action}» yet", dossier=d.code, action=action.value),
                          code="no_such_step",
                          dossier=d.code, action=action.value)
    return found[-1]


def _when(value: Any) -> datetime | None:
    """A moment from an event's JSON detail (ISO text) or as stored."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


# --- form 01 -------------------------------------------------------------------------------------


def receipt_content(session: Session, dossier_id: uuid.UUID | str, *, signer: Signer, tracking_host: str,
                    lang: str = "vi", now: datetime | None = None) -> ReceiptContent:
    """Form 01 of a received dossier, its QR signed by ``signer`` now.

    The times are those of the complete dossier: received when the clock started (the
    receipt, or the supplement that restarted it) and due at the moment promised then, so
    a reprint after a reschedule still shows what the first paper said.
    """
    check_language(lang)
    now = utc_now(now)
    d = get_dossier(session, dossier_id, now=now)
    token = signer.sign(ReceiptToken(entity_id=d.id, office_code=d.office_code, issued_at=now,
                                     dossier_code=d.code))
    with language(lang):
        issuer = issuer_for(session, d.office_code, lang)
        return_place = _desk_at(issuer)
    return ReceiptContent(
        lang=lang,
        form_set=_form_set_key(d.received_at),
        issuer=issuer,
        dossier_code=d.code,
        # No central server set: the bare signed code, which the office's kiosk reads (core/server_link.py).
        qr_text=receipt_url(tracking_host, token) if tracking_host else token.upper(),
        applicant=_applicant(d),
        procedure_name=_procedure_name(d, lang),
        # Only what the citizen added: a request that merely repeats the procedure is not printed twice.
        request_content="" if fold(d.request_content) in ("", fold(d.procedure_name_vi)) else d.request_content,
        documents=tuple(ReceivedDocument(name=doc.name, originals=doc.originals, certified=doc.certified,
                                         copies=doc.copies) for doc in d.documents if doc.received_any),
        sets=d.sets,
        processing_time=localized(d.processing_vi, d.processing_en, lang),
        received_at=d.clock_started_at,
        due_at=d.original_due_at,
        return_place=return_place,
        fee_vnd=d.fee_vnd,
        officer_name=d.received_by_name,
        fee_note=str(d.fee_detail.get("exemption_reason") or ""),
        tracking_host=tracking_host.upper(),
        counter_number=d.counter_number,
    )


# --- form 02 -------------------------------------------------------------------------------------


def _items(raw: Sequence[Any], reasons: Mapping[str, str] | None) -> tuple[SupplementItem, ...]:
    """Items as stored (text, or {"name", "reason"}), with ``reasons`` (by item text) added."""
    reasons = reasons or {}
    items = []
    for item in raw:
        if isinstance(item, Mapping):
            name, reason = str(item.get("name", "")), str(item.get("reason", ""))
        else:
            name, reason = str(item), ""
        items.append(SupplementItem(name=name, reason=reasons.get(name, reason)))
    return tuple(items)


def _tracking_qr(d: Any, signer: Signer | None, tracking_host: str, now: datetime) -> str:
    """The receipt QR (the dossier's tracking page) a later form carries too, so the citizen
    holding only that paper can still follow the dossier; "" without a signer. With no
    central server set, the bare signed code, as on the receipt (core/server_link.py)."""
    if signer is None or not d.code:
        return ""
    token = signer.sign(ReceiptToken(entity_id=d.id, office_code=d.office_code, issued_at=now, dossier_code=d.code))
    return receipt_url(tracking_host, token) if tracking_host else token.upper()


def supplement_request_content(session: Session, dossier_id: uuid.UUID | str, *, lang: str = "vi",
                               reasons: Mapping[str, str] | None = None, bring_by: date | None = None,
                               signer: Signer | None = None, tracking_host: str = "",
                               now: datetime | None = None) -> SupplementRequestContent:
    """Form 02 of the dossier's latest request to supplement (every item it listed); with a
    ``signer`` and ``tracking_host`` it carries the tracking QR."""
    check_language(lang)
    d = get_dossier(session, dossier_id, now=now)
    event = _latest(d, A.REQUEST_SUPPLEMENT)
    with language(lang):
        issuer = issuer_for(session, d.office_code, lang)
        bring_to = _desk_at(issuer)
    return SupplementRequestContent(
        lang=lang, form_set=_form_set_key(event.at), issuer=issuer, issued_at=event.at, dossier_code=d.code,
        applicant=_applicant(d), procedure_name=_procedure_name(d, lang),
        items=_items(event.detail.get("items", []), reasons), bring_to=bring_to,
        officer_name=event.staff_name, note=event.note, bring_by=bring_by, contact_phone=issuer.phone,
        qr_text=_tracking_qr(d, signer, tracking_host, utc_now(now)),
    )


def supplement_request_for_intake(session: Session, office_code: str, *, procedure_code: str,
                                  applicant: CitizenInput, missing: Sequence[str], officer_name: str,
                                  lang: str = "vi", reasons: Mapping[str, str] | None = None,
                                  note: str = "", bring_by: date | None = None,
                                  now: datetime | None = None) -> SupplementRequestContent:
    """Form 02 for a dossier refused at intake as incomplete (never received, so no code):
    ``missing`` is the list receive_dossier's ValidationError carries."""
    check_language(lang)
    now = utc_now(now)
    proc = active_procedure(session, office_code, procedure_code)
    with language(lang):
        issuer = issuer_for(session, office_code, lang)
        bring_to = _desk_at(issuer)
    person = Applicant(name=nfc(applicant.full_name), address=nfc(applicant.address), phone=applicant.phone or "",
                       email=applicant.email, id_number=applicant.cccd or "")
    return SupplementRequestContent(
        lang=lang, form_set=_form_set_key(now), issuer=issuer, issued_at=now, dossier_code="", applicant=person,
        procedure_name=localized(proc.name_vi, proc.name_en, lang),
        items=_items(list(missing), reasons), bring_to=bring_to, officer_name=officer_name, note=note,
        bring_by=bring_by, contact_phone=issuer.phone,
    )


# --- forms 03 and 04 -----------------------------------------------------------------------------


def refusal_content(session: Session, dossier_id: uuid.UUID | str, *, lang: str = "vi",
                    signer: Signer | None = None, tracking_host: str = "",
                    now: datetime | None = None) -> RefusalContent:
    """Form 03 of a refused dossier, with the reason the officer recorded."""
    check_language(lang)
    d = get_dossier(session, dossier_id, now=now)
    event = _latest(d, A.REJECT)
    return RefusalContent(
        lang=lang, form_set=_form_set_key(event.at), issuer=issuer_for(session, d.office_code, lang),
        issued_at=event.at, dossier_code=d.code, applicant=_applicant(d), procedure_name=_procedure_name(d, lang),
        reason=str(event.detail.get("reason") or event.note), officer_name=event.staff_name,
        qr_text=_tracking_qr(d, signer, tracking_host, utc_now(now)),
    )


def apology_content(session: Session, dossier_id: uuid.UUID | str, *, lang: str = "vi", signer_name: str = "",
                    responsible_body: str = "", signer: Signer | None = None, tracking_host: str = "",
                    now: datetime | None = None) -> ApologyContent:
    """Form 04 of a rescheduled dossier: the due moment before and after, and why.

    ``responsible_body`` defaults to the office; ``signer_name`` (its head) may be left
    empty for a hand signature.
    """
    check_language(lang)
    d = get_dossier(session, dossier_id, now=now)
    event = _latest(d, A.RESCHEDULE)
    issuer = issuer_for(session, d.office_code, lang)
    old_due, new_due = _when(event.detail.get("old_due_at")), _when(event.detail.get("new_due_at"))
    assert old_due is not None and new_due is not None  # written by reschedule()
    return ApologyContent(
        lang=lang, form_set=_form_set_key(event.at), issuer=issuer, issued_at=event.at, dossier_code=d.code,
        applicant=_applicant(d), procedure_name=_procedure_name(d, lang), received_at=d.received_at,
        original_due_at=old_due, new_due_at=new_due, reason=str(event.detail.get("reason") or event.note),
        responsible_body=responsible_body or issuer.office_name, signer_name=signer_name,
        qr_text=_tracking_qr(d, signer, tracking_host, utc_now(now)),
    )


# --- form 05 -------------------------------------------------------------------------------------


def _timeliness(at: datetime, due: datetime | None) -> str:
    """Early (a day or more ahead), on time, or late, against the due moment then in force."""
    if due is None:
        return pgettext("form", "On time")
    if at > due:
        return pgettext("form", "Late")
    if at.astimezone(OFFICE_TZ).date() < due.astimezone(OFFICE_TZ).date():
        return pgettext("form", "Early")
    return pgettext("form", "On time")


def _hand_overs(d: DossierDetail, desk: str, body: str) -> tuple[HandOver, ...]:
    """The dossier's history as the control slip's rows (current language)."""
    applicant = d.applicant_name
    due: datetime | None = None
    rows = []
    for e in d.events:
        detail = e.detail
        note = e.note
        action = e.action
        if action == A.RECEIVE:
            due = _when(detail.get("due_at"))
            giver, taker, result = applicant, desk, _("Received; due {when}").format(when=_short_moment(due))
        elif action == A.SEND_TO_PROCESSING:
            giver, taker, result = desk, body, _("Sent for processing")
        elif action == A.REQUEST_SUPPLEMENT:
            giver = body if e.from_state == "in_processing" else desk
            taker, result = applicant, _("Supplement requested (clock stopped)")
            items = "; ".join(i["name"] if isinstance(i, Mapping) else str(i) for i in detail.get("items", []))
            note = "; ".join(x for x in (items, note) if x)
            due = None
        elif action == A.SUPPLEMENT_RECEIVED:
            due = _when(detail.get("due_at"))
            giver, taker = applicant, desk
            result = _("Supplement received; due {when}").format(when=_short_moment(due))
        elif action == A.RESULT_BACK:
            giver, taker, result = body, desk, _timeliness(e.at, due)
        elif action == A.HANDLE_AT_DESK:
            giver, taker = desk, desk
            result = _("Settled at the desk: {timeliness}").format(timeliness=_timeliness(e.at, due))
        elif action == A.RETURN_RESULT:
            giver, taker, result = desk, str(detail.get("returned_to") or applicant), pgettext("form", "Result returned")
        elif action == A.REJECT:
            giver, taker, result = desk, applicant, pgettext("form", "Refused")
        elif action == A.WITHDRAW:
            giver, taker, result = desk, applicant, _("Withdrawn by the applicant")
        elif action == A.RESCHEDULE:
            due = _when(detail.get("new_due_at"))
            giver, taker = body, desk
            result = _("New due moment {when}").format(when=_short_moment(due))
        else:  # an action added later prints as itself rather than not at all
            giver, taker, result = desk, desk, action
        rows.append(HandOver(at=e.at, action=action, from_party=giver, to_party=taker, result=result, note=note,
                             staff_name=e.staff_name))
    return tuple(rows)


def _short_moment(when: datetime | None) -> str:
    return f"{when.astimezone(OFFICE_TZ):%H:%M %d/%m/%Y}" if when is not None else "–"


def control_slip_content(session: Session, dossier_id: uuid.UUID | str, *, lang: str = "vi",
                         signer: Signer | None = None, tracking_host: str = "",
                         now: datetime | None = None) -> ControlSlipContent:
    """Form 05: the dossier's facts and one row per hand-over so far. With a ``signer``
    and ``tracking_host`` the slip carries the receipt QR too."""
    check_language(lang)
    now = utc_now(now)
    d = get_dossier(session, dossier_id, now=now)
    fields = session.execute(select(Procedure.field_vi, Procedure.field_en)
                             .join(Dossier, Dossier.procedure_id == Procedure.id).where(Dossier.id == d.id)).first()
    field = localized(fields.field_vi, fields.field_en, lang) if fields else ""
    qr = _tracking_qr(d, signer, tracking_host, now)
    with language(lang):
        issuer = issuer_for(session, d.office_code, lang)
        desk = _("{desk}, {office}").format(desk=_("Reception and Result Return Desk"), office=issuer.office_name)
        body = _("Specialist officer ({field})").format(field=field) if field else _("Specialist officer")
        rows = _hand_overs(d, desk, body)
    return ControlSlipContent(
        lang=lang, form_set=_form_set_key(d.received_at), issuer=issuer, issued_at=now, dossier_code=d.code,
        applicant=_applicant(d), procedure_name=_procedure_name(d, lang), processing_body=body,
        received_at=d.clock_started_at, due_at=d.due_at, rows=rows, qr_text=qr,
    )


# --- daily report --------------------------------------------------------------------------------

_REPORTED = {
    A.RECEIVE.value: "received",
    A.RETURN_RESULT.value: "returned",
    A.REQUEST_SUPPLEMENT.value: "needs_supplement",
    A.REJECT.value: "rejected",
}


@dataclass
class _Tally:
    issued: int = 0
    served: int = 0
    no_show: int = 0
    called: int = 0
    wait: float = 0.0
    timed: int = 0
    serve: float = 0.0


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=OFFICE_TZ)
    return start, start + timedelta(days=1)


def daily_report_content(session: Session, office_code: str, day: date, *, counter_number: int | None = None,
                         staff_id: uuid.UUID | None = None, lang: str = "vi",
                         now: datetime | None = None) -> DailyReportContent:
    """The day's figures of the office, or of one counter and/or one clerk.

    Tickets: of the office-local ``day``; with a counter or clerk, the tickets that counter
    or clerk called. Waits run from issue to call, service from start to finish.
    Dossiers: the receipts, returns, requests to supplement and refusals recorded that
    day (at that counter / by that clerk), oldest first; the fee of a receipt is the fee
    due, the fee of a return what was collected.
    """
    check_language(lang)
    now = utc_now(now)
    counter: Counter | None = None
    counter_id = None
    if counter_number is not None:
        counter = session.scalars(select(Counter).where(Counter.office_code == office_code,
                                                        Counter.number == counter_number)).first()
        if counter is None:
            raise DomainError(lazy_gettext("There is no counter number {number}", number=counter_number),
                              code="no_such_counter", counter=counter_number)
        counter_id = counter.id
    staff_name = ""
    if staff_id is not None:
        staff_name = session.scalar(select(Staff.full_name).where(Staff.id == staff_id)) or ""

    services = session.scalars(select(Service).where(Service.office_code == office_code)
                               .order_by(Service.sort_order, Service.code)).all()
    stmt = select(Ticket.service_id, Ticket.status, Ticket.issued_at, Ticket.called_at, Ticket.serving_at,
                  Ticket.finished_at).where(Ticket.office_code == office_code, Ticket.day == day)
    if counter_id is not None:
        stmt = stmt.where(Ticket.counter_id == counter_id)
    if staff_id is not None:
        stmt = stmt.where(Ticket.staff_id == staff_id)
    tallies: dict[uuid.UUID, _Tally] = {}
    for service_id, status, issued_at, called_at, serving_at, finished_at in session.execute(stmt):
        t = tallies.setdefault(service_id, _Tally())
        t.issued += 1
        if status == TicketStatus.DONE:
            t.served += 1
            if serving_at is not None and finished_at is not None:
                t.timed += 1
                t.serve += (finished_at - serving_at).total_seconds()
        elif status == TicketStatus.NO_SHOW:
            t.no_show += 1
        if called_at is not None:
            t.called += 1
            t.wait += max(0.0, (called_at - issued_at).total_seconds())
    shown = {s.id for s in services if s.active and counter_id is None and staff_id is None}
    if counter is not None:
        shown |= {s.id for s in counter.services}
    shown |= set(tallies)
    lines = tuple(
        ServiceLine(service_name=localized(s.name_vi, s.name_en, lang), issued=t.issued,
                    served=t.served, no_show=t.no_show, called=t.called, wait_seconds=round(t.wait),
                    timed=t.timed, serve_seconds=round(t.serve))
        for s in services if s.id in shown
        for t in [tallies.get(s.id, _Tally())]
    )

    start, end = _day_bounds(day)
    ev = (select(DossierEvent.at, DossierEvent.action, DossierEvent.detail, Dossier.code, Dossier.fee_vnd,
                 Citizen.full_name, Procedure.name_vi, Procedure.name_en, Staff.full_name)
          .join(Dossier, Dossier.id == DossierEvent.dossier_id)
          .join(Citizen, Citizen.id == Dossier.applicant_id)
          .join(Procedure, Procedure.id == Dossier.procedure_id)
          .outerjoin(Staff, Staff.id == DossierEvent.staff_id)
          .where(DossierEvent.office_code == office_code, DossierEvent.at >= start, DossierEvent.at < end,
                 DossierEvent.action.in_(list(_REPORTED))))
    if counter_id is not None:
        ev = ev.where(DossierEvent.counter_id == counter_id)
    if staff_id is not None:
        ev = ev.where(DossierEvent.staff_id == staff_id)
    dossiers = []
    collected = 0
    for at, action, detail, code, fee_vnd, name, pname_vi, pname_en, who in session.execute(ev):
        if action == A.RETURN_RESULT.value:
            fee = int((detail or {}).get("fee_paid_vnd") or 0)
            collected += fee
        elif action == A.RECEIVE.value:
            fee = fee_vnd
        else:
            fee = 0
        dossiers.append(DossierLine(at=at, code=code, applicant_name=name,
                                    procedure_name=localized(pname_vi, pname_en, lang),
                                    outcome=_REPORTED[action], fee_vnd=fee, staff_name=who or ""))
    dossiers.sort(key=lambda line: (line.at, line.code))
    return DailyReportContent(
        lang=lang, issuer=issuer_for(session, office_code, lang), day=day, printed_at=now,
        services=lines, dossiers=tuple(dossiers), fees_collected_vnd=collected, counter_number=counter_number,
        staff_name=staff_name,
    )


__all__ = [
    "apology_content", "control_slip_content", "daily_report_content", "issuer_for", "place_of",
    "receipt_content", "refusal_content", "supplement_request_content", "supplement_request_for_intake",
]
