"""The counter's dossiers page, Qt-free: finding dossiers, one dossier with its history, and
every move after receipt, each with the paper the law gives it.

Every function is one user action on its own session and returns plain dataclasses. A
move runs the operation (local_db/ops/dossier_moves.py) AND queues its paper in the same
transaction (printing.spool.queue_document), so the paper is owed exactly when the move
is saved, and returns the dossier as it is after the move, read in that transaction:

* request to supplement -> form 02 listing every item at once;
* refusal -> form 03 with the reason;
* reschedule (once) -> form 04, the apology with the new date;
* the control slip (form 05) and a reprint of the receipt (form 01) on request.

The other moves (to processing, supplement received, result back, settled at the desk,
handed to the citizen, withdrawn) print nothing: no form belongs to them.

Papers are Vietnamese (official forms); what the page says follows the clerk's language.
Data typed by the clerk (reasons, items, who collected the result) is stored as typed.

What the page calls things (moves, papers, statuses, events) is in names.py; the rows it is
given (the list, one dossier with its history, a move's outcome) are in rows.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from core.dossier_states import TRANSITIONS, DossierAction, DossierStatus
from core.errors import DomainError, MotcuaError, NotFound, ValidationError
from core.i18n import _, language, pgettext
from core.money import format_money
from core.tokens import ReceiptToken, Result, extract_token
from counter.context import CounterContext
from counter.dossiers.names import CONTROL_SLIP, MOVES, RECEIPT, moment_words
from counter.dossiers.rows import (
    Counts,
    DossierView,
    HistoryLine,
    Listing,
    Outcome,
    Row,
)
from local_db import journal
from local_db.ops import dossier_moves as moves
from local_db.ops.attachments import dossier_ids_missing_scans
from local_db.ops.dossier_info import (
    OPEN_STATES,
    DossierEventInfo,
    DossierInfo,
    get_dossier,
    due_today_window,
)
from local_db.ops.dossier_info import list_dossiers as list_op
from local_db.ops.dossier_desk import desk_counts, received_by
from local_db.ops.scan_check import check_scan
from local_db.ops.search import search_dossiers
from printing.dossier_source import (
    apology_content,
    control_slip_content,
    receipt_content,
    refusal_content,
    supplement_request_content,
)
from printing.spool import queue_document

A = DossierAction
LIMIT = 200  # rows on the page; a search or a filter narrows it


# --- the list -----------------------------------------------------------------------------------

def _due_today(info: Any, start: datetime, end: datetime) -> bool:
    return info.status in OPEN_STATES and info.due_at is not None and start <= info.due_at < end


def _counts(s: Session, ctx: CounterContext, now: datetime) -> Counts:
    c = desk_counts(s, ctx.office_code, now=now, staff_id=ctx.staff.id if ctx.staff is not None else None)
    return Counts(overdue=c.overdue, due_today=c.due_today, mine=c.mine, by_status=c.by_status,
                  scans_missing=c.scans_missing)


def _rows(s: Session, infos: list[DossierInfo], now: datetime) -> list[Row]:
    if not infos:
        return []
    extra = received_by(s, [i.id for i in infos])
    start, end = due_today_window(now)
    rows = []
    for i in infos:
        by = extra.get(i.id)
        number, name, by_id = (by.counter_number, by.clerk_name, by.staff_id) if by else (None, "", None)
        rows.append(Row(
            id=i.id, code=i.code, procedure_code=i.procedure_code, procedure_name_vi=i.procedure_name_vi,
            procedure_name_en=i.procedure_name_en, applicant_name=i.applicant_name, status=i.status,
            received_at=i.received_at, due_at=i.due_at, overdue=i.overdue, due_today=_due_today(i, start, end),
            counter_number=number, clerk_name=name, received_by=by_id, rescheduled=i.reschedule_count > 0))
    return rows


def list_dossiers(ctx: CounterContext, *, query: str = "", status: str | None = None, due_today: bool = False,
                  overdue: bool = False, mine: bool = False, scans_missing: bool = False, limit: int = LIMIT) -> Listing:
    """The office's dossiers (newest first; soonest due first with "due today"/"overdue"),
    or those a typed query finds (code, CCCD, phone, a name without its accents); the
    filters combine with AND. ``mine``: received by the clerk signed in. ``scans_missing``: a
    checklist item was handed in but has no scan yet."""
    now = ctx.now()
    query = " ".join((query or "").split())
    staff_id = ctx.staff.id if ctx.staff is not None else None
    with ctx.db.read() as s:
        if query:
            found = search_dossiers(s, ctx.office_code, query, limit=limit, now=now)
            if scans_missing:
                keep = dossier_ids_missing_scans(s, ctx.office_code, [f.id for f in found])
                found = [f for f in found if f.id in keep]
            rows = _rows(s, found, now)
            start, end = due_today_window(now)
            rows = [r for r in rows
                    if (status is None or r.status == status) and (not overdue or r.overdue)
                    and (not due_today or _due_today(r, start, end)) and (not mine or r.received_by == staff_id)]
        else:
            infos = list_op(s, ctx.office_code, status=status, due_today=due_today, overdue=overdue,
                            received_by=staff_id if mine else None, scans_missing=scans_missing, now=now,
                            limit=limit)
            if mine and staff_id is None:
                infos = []
            rows = _rows(s, infos, now)
        return Listing(rows=tuple(rows), counts=_counts(s, ctx, now), query=query, status=status,
                       due_today=due_today, overdue=overdue, mine=mine, limit=limit, read_at=now,
                       scans_missing=scans_missing)


# --- one dossier -------------------------------------------------------------------------------

def _history_details(e: DossierEventInfo) -> tuple[str, ...]:
    d = e.detail
    lines: list[str] = []
    if e.action == A.RECEIVE.value and d.get("due_at"):
        lines.append(_("Due {when}").format(when=moment_words(_when(d.get("due_at")))))
    elif e.action == A.REQUEST_SUPPLEMENT.value:
        items = [i["name"] if isinstance(i, dict) else str(i) for i in d.get("items", [])]
        lines.append(_("To bring: {items}").format(items="; ".join(items)))
    elif e.action == A.SUPPLEMENT_RECEIVED.value and d.get("due_at"):
        lines.append(_("New due moment {when}").format(when=moment_words(_when(d.get("due_at")))))
    elif e.action == A.RESCHEDULE.value:
        lines.append(_("Due moment moved from {old} to {new}").format(
            old=moment_words(_when(d.get("old_due_at"))), new=moment_words(_when(d.get("new_due_at")))))
    elif e.action == A.RETURN_RESULT.value:
        lines.append(_("Collected by {who}").format(who=d.get("returned_to") or ""))
        if d.get("fee_paid_vnd") is not None:
            lines.append(_("Fee paid: {amount}").format(amount=format_money(int(d.get("fee_paid_vnd") or 0))))
    elif e.action in (A.RESULT_BACK.value, A.HANDLE_AT_DESK.value) and "on_time" in d:
        lines.append(pgettext("counter dossiers", "On time") if d.get("on_time")
                     else pgettext("counter dossiers", "Late"))
    if e.action in (A.REJECT.value, A.WITHDRAW.value, A.RESCHEDULE.value) and d.get("reason"):
        lines.append(_("Reason: {reason}").format(reason=d.get("reason")))
    elif e.note:
        lines.append(_("Note: {note}").format(note=e.note))
    return tuple(lines)


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def actions_for(status: str) -> tuple[str, ...]:
    return tuple(a for a in MOVES if DossierStatus(status) in TRANSITIONS[DossierAction(a)][0])


def _view(s: Session, ctx: CounterContext, dossier_id: uuid.UUID | str, now: datetime) -> DossierView:
    d = get_dossier(s, dossier_id, now=now)
    if d.office_code != ctx.office_code:
        raise NotFound(_("This dossier is not in this office."), code="not_found", dossier=str(dossier_id))
    start, end = due_today_window(now)
    history = tuple(HistoryLine(at=e.at, action=e.action, staff_name=e.staff_name, counter_number=e.counter_number,
                                what=e.action, details=_history_details(e)) for e in d.events)
    return DossierView(dossier=d, history=history, actions=actions_for(d.status),
                       due_today=_due_today(d, start, end), read_at=now)


def detail(ctx: CounterContext, dossier_id: uuid.UUID | str) -> DossierView:
    """Everything of one dossier, its full history and the moves its status allows."""
    now = ctx.now()
    with ctx.db.read() as s:
        return _view(s, ctx, dossier_id, now)


# --- finding a dossier by its receipt QR -------------------------------------------------------

def looks_like_scan(text: str) -> bool:
    """A receipt URL or a bare token (what a scanner types), not a name or a code."""
    t = (text or "").strip()
    return len(t) >= 40 and extract_token(t) is not None


def _scan_refusal(result: Result, kind: type | None) -> str:
    if result is Result.TAMPERED:
        return _("This receipt code has been altered or damaged: it is not a receipt of this office. "
                 "Find the dossier by its code or the citizen's name instead.")
    if result is Result.UNKNOWN_KEY:
        return _("This receipt code was signed by a device this office does not know. Find the dossier by its "
                 "code or the citizen's name, and tell the supervisor.")
    if result is Result.WRONG_OFFICE:
        return _("This receipt belongs to another one-stop office. The result cannot be returned here.")
    if result is Result.NOT_OURS and kind is not None:
        return _("This is not a dossier receipt (it is a queue number or an appointment code). "
                 "Scan the QR code on the receipt (form 01).")
    return _("This code is not a dossier receipt. Scan the QR code on the receipt (form 01).")


def find_by_scan(ctx: CounterContext, text: str) -> DossierView:
    """The dossier of a scanned receipt QR (URL or bare token), its signature checked with
    the office's keys. A forged, foreign or other kind of code raises DomainError with a
    sentence for the clerk (code ``scan_<result>``)."""
    from core.scanned import token_kind

    now = ctx.now()
    with ctx.db.read() as s:
        check = check_scan(s, ctx.office_code, text, now=now, expect_kind=ReceiptToken)
        if check.result is not Result.VALID or not isinstance(check.token, ReceiptToken):
            token = extract_token(text or "")
            kind = token_kind(token) if token is not None else None
            raise DomainError(_scan_refusal(check.result, kind if check.result is Result.NOT_OURS else None),
                              code=f"scan_{check.result.value}")
        try:
            return _view(s, ctx, check.token.entity_id, now)
        except NotFound:
            raise NotFound(_("The receipt of dossier {code} is genuine, but the dossier is not in this office's "
                             "database yet (it may not have arrived from the centre).").format(
                code=check.token.dossier_code), code="scan_unknown_dossier") from None


# --- the moves ---------------------------------------------------------------------------------

def clerk_words(exc: MotcuaError) -> MotcuaError:
    """An operation's refusal worded for the clerk in the page's language."""
    if exc.code == "already_rescheduled":
        return DomainError(_("Dossier {code} has already been rescheduled once; the law allows only one new date. "
                             "Nothing was changed.").format(code=exc.details.get("dossier", "")),
                           code=exc.code, **exc.details)
    if exc.code == "illegal_transition":
        return DomainError(_("The dossier has changed meanwhile (at another desk). The page now shows it as it is; "
                             "nothing was changed."), code=exc.code, **exc.details)
    field_ = exc.details.get("field")
    if isinstance(exc, ValidationError) and field_ == "new_due_at":
        if "working hours" in exc.english:  # the operation's two refusals of a new date (any page language)
            return ValidationError(_("The new date must be within working hours on a working day."),
                                   field="new_due_at")
        return ValidationError(_("The new date must be later than the current due date and than now."),
                               field="new_due_at")
    return exc


def _audit(s: Session, ctx: CounterContext, action: str, dossier_id: uuid.UUID, detail: dict[str, Any],
           now: datetime) -> None:
    """Papers printed on request change no state, but who printed what is in the audit log."""
    actor = ctx.actor
    journal.audit(s, actor, action=action, entity="dossier", entity_id=dossier_id, now=now, detail=detail)


def _queue(s: Session, ctx: CounterContext, kind: str, content: Any, view: DossierView, now: datetime) -> uuid.UUID:
    job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind=kind, content=content,
                         printer=ctx.printer, ref_id=view.id, title=view.code, now=now)
    return job.id


def _run(ctx: CounterContext, dossier_id: uuid.UUID, action: str, op: Any, paper: str = "",
         content: Any = None, **kwargs: Any) -> Outcome:
    """One move: the operation, then its paper (``content(session, now)``), one transaction."""
    now = ctx.now()
    try:
        with ctx.db.write() as s:
            info = op(s, ctx.actor, dossier_id, counter_number=ctx.counter_number, now=now, **kwargs)
            job_id = None
            if paper:
                job_id = queue_document(
                    s, office_code=ctx.office_code, device_id=ctx.device_id, kind=paper, content=content(s, now),
                    printer=ctx.printer, ref_id=info.id, title=info.code, now=now).id
            return Outcome(view=_view(s, ctx, dossier_id, now), action=action, print_job_id=job_id, paper=paper)
    except MotcuaError as exc:
        raise clerk_words(exc) from exc


def _note(note: str) -> str:
    return " ".join((note or "").split())


def send_to_processing(ctx: CounterContext, dossier_id: uuid.UUID, *, note: str = "") -> Outcome:
    return _run(ctx, dossier_id, A.SEND_TO_PROCESSING.value, moves.send_to_processing, note=_note(note))


def request_supplement(ctx: CounterContext, dossier_id: uuid.UUID, items: list[str] | str, *, note: str = "",
                       lang: str = "vi") -> Outcome:
    """Ask for every missing item at once (a list, or text with one item per line); the
    clock stops; form 02 listing every item is queued."""
    if isinstance(items, str):
        items = items.splitlines()
    cleaned = [" ".join(i.split()) for i in items]
    cleaned = [i for i in cleaned if i]
    if not cleaned:
        raise ValidationError(_("Write what the citizen has to bring, one item per line."), field="items")

    def paper(s: Session, now: datetime) -> Any:
        return supplement_request_content(s, dossier_id, lang=lang, signer=ctx.signer(s),
                                          tracking_host=ctx.tracking_host, now=now)

    return _run(ctx, dossier_id, A.REQUEST_SUPPLEMENT.value, moves.request_supplement, "supplement_request", paper,
                items=cleaned, note=_note(note))


def supplement_received(ctx: CounterContext, dossier_id: uuid.UUID, *, note: str = "") -> Outcome:
    """The citizen brought what was asked: back to received, the full time counted from now."""
    return _run(ctx, dossier_id, A.SUPPLEMENT_RECEIVED.value, moves.supplement_received, note=_note(note))


def result_back(ctx: CounterContext, dossier_id: uuid.UUID, *, note: str = "") -> Outcome:
    return _run(ctx, dossier_id, A.RESULT_BACK.value, moves.result_back, note=_note(note))


def handle_at_desk(ctx: CounterContext, dossier_id: uuid.UUID, *, note: str = "") -> Outcome:
    return _run(ctx, dossier_id, A.HANDLE_AT_DESK.value, moves.handle_at_desk, note=_note(note))


def return_result(ctx: CounterContext, dossier_id: uuid.UUID, *, proxy_name: str = "", proxy_id: str = "",
                  applicant_name: str = "", fee_paid_vnd: int | None = None, note: str = "") -> Outcome:
    """Hand the result over: to the applicant (no proxy given) or to an authorised person,
    whose name AND ID document number are both required; ``fee_paid_vnd`` what was collected."""
    proxy_name, proxy_id = " ".join(proxy_name.split()), "".join(proxy_id.split())
    if proxy_name or proxy_id:
        if not proxy_name:
            raise ValidationError(_("Write the full name of the authorised person."), field="proxy_name")
        if len(proxy_id) < 6:
            raise ValidationError(_("Write the ID document number of the authorised person (CCCD, passport...)."),
                                  field="proxy_id")
        returned_to = proxy_name
        with language("vi"):  # the register is kept in Vietnamese
            who = _("Authorised person, ID document no. {number}").format(number=proxy_id)
        note = "; ".join(x for x in (who, _note(note)) if x)
    else:
        returned_to = applicant_name
        if not returned_to:
            with ctx.db.read() as s:
                returned_to = get_dossier(s, dossier_id).applicant_name
    if fee_paid_vnd is not None and fee_paid_vnd < 0:
        raise ValidationError(_("The fee paid cannot be negative."), field="fee_paid_vnd")
    return _run(ctx, dossier_id, A.RETURN_RESULT.value, moves.return_result, returned_to=returned_to,
                fee_paid_vnd=fee_paid_vnd, note=_note(note))


def reschedule(ctx: CounterContext, dossier_id: uuid.UUID, new_due_at: datetime, reason: str, *,
               lang: str = "vi") -> Outcome:
    """A new return date, once per dossier, with the reason; form 04 (the apology) is queued."""
    if not " ".join((reason or "").split()):
        raise ValidationError(_("Write the reason for the new date: it is printed on the apology."), field="reason")

    def paper(s: Session, now: datetime) -> Any:
        return apology_content(s, dossier_id, lang=lang, signer=ctx.signer(s), tracking_host=ctx.tracking_host,
                               now=now)

    return _run(ctx, dossier_id, A.RESCHEDULE.value, moves.reschedule, "apology", paper,
                new_due_at=new_due_at.astimezone(UTC), reason=reason)


def reject(ctx: CounterContext, dossier_id: uuid.UUID, reason: str, *, lang: str = "vi") -> Outcome:
    """Refuse the dossier with its specific reason; form 03 is queued."""
    if not " ".join((reason or "").split()):
        raise ValidationError(_("Write the reason for the refusal: it is printed on the form."), field="reason")

    def paper(s: Session, now: datetime) -> Any:
        return refusal_content(s, dossier_id, lang=lang, signer=ctx.signer(s), tracking_host=ctx.tracking_host,
                               now=now)

    return _run(ctx, dossier_id, A.REJECT.value, moves.reject, "refusal", paper, reason=reason)


def withdraw(ctx: CounterContext, dossier_id: uuid.UUID, reason: str) -> Outcome:
    """The citizen withdraws the dossier; the reason (their request) is required here."""
    if not " ".join((reason or "").split()):
        raise ValidationError(_("Write why the dossier is withdrawn (the citizen's request)."), field="reason")
    return _run(ctx, dossier_id, A.WITHDRAW.value, moves.withdraw, reason=reason)


def print_control_slip(ctx: CounterContext, dossier_id: uuid.UUID, *, lang: str = "vi") -> Outcome:
    """Form 05 as the dossier's history stands now (it travels with the dossier)."""
    now = ctx.now()
    with ctx.db.write() as s:
        view = _view(s, ctx, dossier_id, now)
        content = control_slip_content(s, dossier_id, lang=lang, signer=ctx.signer(s),
                                       tracking_host=ctx.tracking_host, now=now)
        job_id = _queue(s, ctx, "control_slip", content, view, now)
        _audit(s, ctx, "print_control_slip", view.id, {"code": view.code, "print_job_id": str(job_id)}, now)
        return Outcome(view=view, action=CONTROL_SLIP, print_job_id=job_id, paper="control_slip")


def reprint_receipt(ctx: CounterContext, dossier_id: uuid.UUID, *, lang: str = "vi") -> Outcome:
    """Form 01 again (a lost receipt); its QR is signed anew by this desk."""
    now = ctx.now()
    with ctx.db.write() as s:
        view = _view(s, ctx, dossier_id, now)
        content = receipt_content(s, dossier_id, signer=ctx.signer(s), tracking_host=ctx.tracking_host, lang=lang,
                                  now=now)
        job_id = _queue(s, ctx, "receipt", content, view, now)
        _audit(s, ctx, "reprint_receipt", view.id, {"code": view.code, "print_job_id": str(job_id)}, now)
        return Outcome(view=view, action=RECEIPT, print_job_id=job_id, paper="receipt")


__all__ = [
    "LIMIT", "actions_for", "clerk_words", "detail", "find_by_scan", "handle_at_desk", "list_dossiers",
    "looks_like_scan", "print_control_slip", "reject", "reprint_receipt", "request_supplement", "reschedule",
    "result_back", "return_result", "send_to_processing", "supplement_received", "withdraw",
]
