"""The dossier intake wizard, Qt-free: procedure -> documents -> applicant -> preview -> done.

The wizard's whole state is ONE plain dataclass, :class:`IntakeState`, turned into JSON
(:meth:`IntakeState.to_data`) and saved as an intake draft (local_db/ops/drafts.py) at every
step and after a pause in typing, each time in its own small write transaction: a closed
window, a crash or a SIGKILL loses at most the last second of typing.

Each ending is ONE transaction:

* :func:`save` with every required document: ``receive_dossier`` + the form 01 receipt print
  job + the draft deleted. The paper is owed exactly when the dossier exists.
* :func:`save` with documents missing: no dossier is received; form 02 (request to supplement,
  every missing item at once) is queued, an audit row records it, the draft is deleted.
* :func:`refuse`: form 03 with the clerk's reason. A refusal AT INTAKE is a paper, not a
  dossier record: the existing ``reject`` move needs a received dossier, and a refused
  dossier was, by definition, not received (no code, nothing in the on-time figures). The
  audit log keeps who refused what and why.

Screens call these through the TaskRunner (never on the GUI thread).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from core.actor import Actor
from core.citizen import normalize_phone, validate_cccd
from core.due_date import ProcessingTime
from core.errors import MotcuaError, ValidationError
from core.fees import FeeInput, FeeRule
from core.i18n import _, current_language, localized
from core.money import format_money
from core.scanned import ScanKind, classify
from core.text import clean_name, fold, nfc
from core.working_calendar import to_office_time
from counter.context import CounterContext
from counter.scanning.work import attach_kept, attachment_store
from local_db import journal
from local_db.office_settings import office_today
from local_db.ops import catalog
from local_db.ops import citizens as citizen_ops
from local_db.ops.citizens import CitizenInfo, CitizenInput
from local_db.ops.dossier_info import DocumentLine
from local_db.ops.dossier_intake import (
    active_procedure,
    missing_documents,
    preview_intake,
    receive_dossier,
)
from local_db.ops.drafts import DraftInfo, discard_draft, open_drafts, save_draft
from printing.dossier_source import (
    issuer_for,
    receipt_content,
    supplement_request_for_intake,
)
from printing.form_sets import form_set_for
from printing.forms_content import Applicant, RefusalContent
from printing.spool import queue_document

STEPS: tuple[str, ...] = ("procedure", "documents", "applicant", "preview", "done")
RECENT_LIMIT = 8

# --- the wizard's state ----------------------------------------------------------------------


@dataclass
class DocumentEntry:
    """One line of the checklist as the clerk fills it."""

    name: str
    required: bool = True
    originals: int = 0
    certified: int = 0
    copies: int = 0
    missing: bool = False
    scan_sha256: str = ""  # the item's scan, kept in the attachment store until the dossier is saved
    scan_pages: int = 0

    def line(self) -> DocumentLine:
        return DocumentLine(name=self.name, required=self.required, originals=self.originals,
                            certified=self.certified, copies=self.copies, missing=self.missing)

    @property
    def received_any(self) -> bool:
        return self.line().received_any

    @property
    def is_missing(self) -> bool:
        return self.line().is_missing


@dataclass
class IntakeState:
    """Everything the clerk has typed, as typed (a half-written date stays half-written)."""

    step: str = "procedure"
    procedure_code: str = ""
    procedure_name: str = ""
    documents: list[DocumentEntry] = field(default_factory=list)
    full_name: str = ""
    cccd: str = ""
    phone: str = ""
    birth_date: str = ""  # dd/mm/yyyy
    gender: str = ""  # "", "male", "female"
    address: str = ""
    email: str = ""
    id_card_read: bool = False  # the applicant came from the ID card's QR
    copies: int = 1
    pages: int = 1
    days_since_event: str = ""
    variant: str = ""
    exemption_reason: str = ""
    with_verification: bool = False
    sets: int = 1
    request_content: str = ""
    ticket_id: str = ""  # the queue ticket being served, when the intake started from it

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> IntakeState:
        """The state of a saved draft; unknown keys (a newer version's) are ignored, missing
        ones take their defaults, so an old draft still opens."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        docs = values.pop("documents", []) or []
        doc_fields = {f.name for f in fields(DocumentEntry)}
        state = cls(**values)
        state.documents = [DocumentEntry(**{k: v for k, v in d.items() if k in doc_fields})
                           for d in docs if isinstance(d, dict) and d.get("name")]
        if state.step not in STEPS or state.step == "done":
            state.step = "procedure"
        return state

    @property
    def is_empty(self) -> bool:
        return self == IntakeState(step=self.step)

    def missing_names(self) -> list[str]:
        return [d.name for d in self.documents if d.is_missing]


# --- procedures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureChoice:
    code: str
    name: str  # in the language of the screen that asked
    field: str
    processing: str
    folded: str  # code, names and field folded: what a search matches
    recent: bool = False
    at_this_counter: bool = False


def _name(vi: str, en: str, lang: str) -> str:
    return localized(vi, en, lang)


def procedure_catalog(ctx: CounterContext) -> list[ProcedureChoice]:
    """The office's active procedures for this desk, best first: the ones this clerk or this
    counter received most recently, then those of the counter's services, then the rest by
    name. "Recent" comes from the dossiers themselves: no table of its own."""
    lang = current_language()
    staff_id = ctx.staff.id if ctx.staff is not None else None
    with ctx.db.read() as s:
        counter = None
        if ctx.counter_number is not None:
            counter = catalog.counter_entry(s, ctx.office_code, ctx.counter_number)
        served = counter.service_ids if counter is not None else frozenset()
        recent = catalog.recent_procedure_ids(s, ctx.office_code, staff_id=staff_id,
                                              counter_id=counter.id if counter is not None else None,
                                              limit=RECENT_LIMIT)
        procs = catalog.active_procedures(s, ctx.office_code)
    rank = {pid: i for i, pid in enumerate(recent)}
    out = []
    for p in procs:
        try:
            processing = ProcessingTime.from_dict(p.processing).describe()
        except MotcuaError:
            processing = ""
        out.append((rank.get(p.id, len(rank)), p.service_id not in served, fold(_name(p.name_vi, p.name_en, lang)),
                    ProcedureChoice(code=p.code, name=_name(p.name_vi, p.name_en, lang),
                                    field=_name(p.field_vi, p.field_en, lang), processing=processing,
                                    folded=fold(f"{p.code} {p.name_vi} {p.name_en} {p.field_vi} {p.field_en}"),
                                    recent=p.id in rank, at_this_counter=p.service_id in served)))
    out.sort(key=lambda t: t[:3])
    return [t[3] for t in out]


def filter_procedures(catalog: list[ProcedureChoice], query: str) -> list[ProcedureChoice]:
    """The catalog entries matching every word of ``query`` (diacritics and case ignored:
    "khai sinh" finds "Đăng ký khai sinh"), keeping the catalog's order except that names
    starting with the query come first."""
    words = fold(query).split()
    if not words:
        return list(catalog)
    hits = [c for c in catalog if all(w in c.folded for w in words)]
    head = fold(query).strip()
    return sorted(hits, key=lambda c: not (fold(c.name).startswith(head) or c.code.startswith(head)))


@dataclass(frozen=True)
class ProcedureDetails:
    code: str
    name: str
    field: str
    processing: str
    fee_rule_text: str
    checklist: tuple[DocumentEntry, ...]
    needs_copies: bool
    needs_pages: bool
    free_within_days: int | None
    variants: tuple[tuple[str, str], ...]  # (key, label)
    has_verification: bool


def procedure_details(ctx: CounterContext, code: str) -> ProcedureDetails:
    """What the later steps need of a procedure: its checklist and what its fee depends on."""
    lang = current_language()
    with ctx.db.read() as s:
        p = active_procedure(s, ctx.office_code, code)
        rule = FeeRule.from_dict(p.fee_rule)
        processing = ProcessingTime.from_dict(p.processing)
        docs = tuple(DocumentEntry(name=clean_name(d["name"]), required=bool(d.get("required", True)))
                     for d in p.documents)
        return ProcedureDetails(
            code=p.code, name=_name(p.name_vi, p.name_en, lang), field=_name(p.field_vi, p.field_en, lang),
            processing=processing.describe(), fee_rule_text=rule.describe(), checklist=docs,
            needs_copies=rule.kind in ("per_copy", "per_page"), needs_pages=rule.kind == "per_page",
            free_within_days=rule.free_within_days,
            variants=tuple((v.key, localized(v.label_vi, v.label_en, lang)) for v in rule.variants),
            has_verification=processing.has_verification)


def checklist_for_state(state: IntakeState, details: ProcedureDetails) -> list[DocumentEntry]:
    """The checklist of the procedure chosen, keeping what was already counted for the
    same procedure (going back and forth loses nothing)."""
    before = {d.name: d for d in state.documents} if state.procedure_code == details.code else {}
    return [DocumentEntry(**asdict(before[d.name])) if d.name in before else DocumentEntry(**asdict(d))
            for d in details.checklist]


# --- applicant ----------------------------------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def parse_birth_date(text: str) -> date | None:
    """dd/mm/yyyy (also with dots or dashes, or ddmmyyyy); None for an empty text;
    ValidationError(field="birth_date") otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    m = _DATE.match(text)
    if m is None and re.fullmatch(r"\d{8}", text):
        m = re.match(r"(\d{2})(\d{2})(\d{4})", text)
    if m is None:
        raise ValidationError(_("Birth date: write it as day/month/year, e.g. 05/03/1990."), field="birth_date")
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise ValidationError(_("Birth date: {text} is not a real date.").format(text=text),
                              field="birth_date") from None


def _core_message(exc: ValidationError, english: str) -> str:
    """core/'s messages are Vietnamese (and precise); an English screen gets a plain one."""
    return exc.message if current_language() == "vi" else english


def applicant_errors(state: IntakeState, today: date) -> dict[str, str]:
    """Every field of the applicant that is wrong, with what to fix (current language)."""
    errors: dict[str, str] = {}
    if not clean_name(state.full_name):
        errors["full_name"] = _("Write the applicant's full name.")
    if state.cccd.strip():
        try:
            validate_cccd(state.cccd, today=today)
        except ValidationError as exc:
            errors["cccd"] = _core_message(exc, _("The CCCD number is not valid: check the 12 digits printed on the ID card."))
    if state.phone.strip():
        try:
            normalize_phone(state.phone)
        except ValidationError as exc:
            errors["phone"] = _core_message(exc, _("A mobile number has 10 digits and starts with 03, 05, 07, 08 "
                                                   "or 09."))
    try:
        born = parse_birth_date(state.birth_date)
        if born is not None and born > today:
            errors["birth_date"] = _("Birth date: {text} is after today.").format(text=state.birth_date.strip())
    except ValidationError as exc:
        errors["birth_date"] = exc.message
    if state.email.strip() and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", state.email.strip()):
        errors["email"] = _("The email address is not complete (name@domain).")
    return errors


def applicant_input(state: IntakeState, today: date) -> CitizenInput:
    """The applicant as the operations take it; ValidationError (first wrong field) if not valid."""
    errors = applicant_errors(state, today)
    if errors:
        field_name, message = next(iter(errors.items()))
        raise ValidationError(message, field=field_name, errors=errors)
    return CitizenInput(full_name=clean_name(state.full_name), cccd=state.cccd.strip() or None,
                        phone=normalize_phone(state.phone) if state.phone.strip() else None,
                        address=" ".join(nfc(state.address).split()), email=state.email.strip(),
                        birth_date=parse_birth_date(state.birth_date), gender=state.gender)


@dataclass(frozen=True)
class ScanOutcome:
    """A scan seen by the intake: an ID card (``card``) or a message for the clerk."""

    ok: bool
    message: str
    full_name: str = ""
    cccd: str = ""
    birth_date: str = ""
    gender: str = ""
    address: str = ""


def read_scan(text: str, today: date) -> ScanOutcome:
    """What a scanned text gives the applicant step (pure: no database)."""
    scanned = classify(text, today=today)
    if scanned.kind is ScanKind.ID_CARD and scanned.id_card is not None:
        card = scanned.id_card
        return ScanOutcome(True, _("ID card read: {name}. Check the details and add the phone number.").format(
            name=card.full_name), full_name=card.full_name, cccd=card.cccd,
            birth_date=f"{card.birth_date:%d/%m/%Y}", gender=card.gender_code, address=card.address)
    if scanned.kind is ScanKind.BAD_ID_CARD:
        detail = scanned.error or ""
        return ScanOutcome(False, _("The ID card's QR code could not be read correctly ({detail}). Scan it again "
                                    "or type the details.").format(detail=detail) if current_language() == "vi" and detail
                           else _("The ID card's QR code could not be read correctly. Scan it again or type the "
                                  "details."))
    if scanned.is_token:
        return ScanOutcome(False, _("This is a queue ticket, appointment or receipt code, not an ID card. Scan the "
                                    "QR code on the citizen's ID card."))
    return ScanOutcome(False, _("This code is not a citizen ID card. Scan the QR code on the citizen's ID card."))


def find_citizens(ctx: CounterContext, *, cccd: str = "", phone: str = "") -> list[CitizenInfo]:
    """Known citizens with this CCCD, or this phone (newest first; several people may share
    a family phone). Nothing for a value that is not a valid number."""
    with ctx.db.read() as s:
        return citizen_ops.find_citizens(s, ctx.office_code, cccd=cccd, phone=phone, today=office_today(ctx.now()))


def fill_from_citizen(state: IntakeState, c: CitizenInfo) -> IntakeState:
    """The known citizen's details in the fields the clerk left empty (never overwrite)."""
    s = IntakeState.from_data(state.to_data())
    s.step = state.step
    for name, value in (("full_name", c.full_name), ("cccd", c.cccd or ""), ("phone", c.phone or ""),
                        ("address", c.address), ("email", c.email),
                        ("birth_date", f"{c.birth_date:%d/%m/%Y}" if c.birth_date else ""), ("gender", c.gender)):
        if value and not str(getattr(s, name)).strip():
            setattr(s, name, value)
    return s


# --- preview ------------------------------------------------------------------------------------


def _int(text: Any) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def fee_input(state: IntakeState) -> FeeInput:
    days = None
    if str(state.days_since_event).strip():
        days = _int(state.days_since_event)
        if days is None or days < 0:
            raise ValidationError(_("Days since the event: write a whole number (0 or more)."),
                                  field="days_since_event")
    return FeeInput(copies=max(1, int(state.copies or 1)), pages=max(1, int(state.pages or 1)), days_since_event=days,
                    variant=state.variant or None, exemption_reason=state.exemption_reason.strip() or None)


def due_words(moment: datetime) -> str:
    local = to_office_time(moment)
    return _("{time} on {date}").format(time=f"{local:%H:%M}", date=f"{local:%d/%m/%Y}")


@dataclass(frozen=True)
class PreviewInfo:
    fee_vnd: int | None  # None while the fee cannot be worked out (``error`` says why)
    fee_text: str
    fee_lines: tuple[str, ...]
    due_at: datetime | None
    due_text: str
    missing: tuple[str, ...]
    error: str = ""
    error_field: str = ""


def preview(ctx: CounterContext, state: IntakeState) -> PreviewInfo:
    """Fee, due moment (office time) and missing documents if saved now; writes nothing."""
    now = ctx.now()
    missing = tuple(state.missing_names())
    try:
        inp = fee_input(state)
        with ctx.db.read() as s:
            p = preview_intake(s, ctx.office_code, state.procedure_code, documents=[d.line() for d in state.documents],
                               fee_input=inp, with_verification=state.with_verification, now=now)
    except ValidationError as exc:
        message = exc.message
        if exc.details.get("field") == "days_since_event" and current_language() != "vi":
            message = _("The fee depends on the number of days since the event: fill it in.")
        return PreviewInfo(None, "", (), None, "", missing, error=message, error_field=str(exc.details.get("field", "")))
    return PreviewInfo(fee_vnd=p.fee.amount_vnd, fee_text=format_money(p.fee.amount_vnd), fee_lines=p.fee.lines,
                       due_at=p.due_at, due_text=due_words(p.due_at), missing=p.missing_required)


# --- drafts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftOffer:
    id: uuid.UUID
    updated_at: datetime
    step: str
    procedure_name: str
    applicant_name: str
    state: IntakeState


def autosave(ctx: CounterContext, draft_id: uuid.UUID, state: IntakeState, actor: Actor | None = None) -> DraftInfo:
    """The whole state into the draft ``draft_id`` (created the first time), one transaction.
    ``actor``: the clerk when the screen asked (the desk may have been locked and taken over
    by another clerk before this runs)."""
    with ctx.db.write() as s:
        return save_draft(s, actor or ctx.actor, draft_id, step=state.step, data=state.to_data(), now=ctx.now())


def drafts_to_offer(ctx: CounterContext) -> list[DraftOffer]:
    """This clerk's unfinished intakes at this desk, newest first."""
    if ctx.staff is None:
        return []
    with ctx.db.read() as s:
        drafts = open_drafts(s, ctx.device_id, ctx.staff.id)
    out = []
    for d in drafts:
        state = IntakeState.from_data(d.data)
        out.append(DraftOffer(id=d.id, updated_at=d.updated_at, step=d.step, procedure_name=state.procedure_name,
                              applicant_name=clean_name(state.full_name), state=state))
    return out


def discard(ctx: CounterContext, draft_id: uuid.UUID) -> bool:
    with ctx.db.write() as s:
        return discard_draft(s, draft_id)


# --- the endings -----------------------------------------------------------------------------------

RECEIVED, SUPPLEMENT, REFUSED = "received", "supplement", "refused"


@dataclass(frozen=True)
class Outcome:
    kind: str  # received / supplement / refused
    print_job_id: uuid.UUID
    dossier_id: uuid.UUID | None = None
    dossier_code: str = ""
    due_at: datetime | None = None
    fee_vnd: int = 0
    missing: tuple[str, ...] = ()
    applicant_name: str = ""


def _audit(s: Session, ctx: CounterContext, action: str, detail: dict[str, Any], now: datetime) -> None:
    actor = ctx.actor
    journal.audit(s, actor, action=action, entity="dossier", now=now, detail=detail)


def _ticket(state: IntakeState) -> uuid.UUID | None:
    try:
        return uuid.UUID(state.ticket_id) if state.ticket_id else None
    except ValueError:
        return None


def save(ctx: CounterContext, state: IntakeState, draft_id: uuid.UUID | None = None, *, lang: str = "vi") -> Outcome:
    """Receive the dossier and queue its receipt (form 01), or, with required documents
    missing, queue form 02 listing every one of them and receive nothing. One transaction,
    which also deletes the draft. ``lang``: the paper's language (official forms: Vietnamese)."""
    now = ctx.now()
    today = office_today(now)
    applicant = applicant_input(state, today)
    documents = [d.line() for d in state.documents]
    with ctx.db.write() as s:
        proc = active_procedure(s, ctx.office_code, state.procedure_code)
        missing = missing_documents(documents, proc)
        if missing:
            content = supplement_request_for_intake(
                s, ctx.office_code, procedure_code=proc.code, applicant=applicant, missing=missing,
                officer_name=ctx.staff.full_name, lang=lang, now=now)
            job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="supplement_request",
                                 content=content, printer=ctx.printer, title=applicant.full_name, now=now)
            _audit(s, ctx, "intake_supplement", {
                "procedure_code": proc.code, "applicant": applicant.full_name, "cccd": applicant.cccd,
                "missing": missing, "counter_number": ctx.counter_number, "print_job_id": str(job.id)}, now)
            if draft_id is not None:
                discard_draft(s, draft_id)
            return Outcome(SUPPLEMENT, print_job_id=job.id, missing=tuple(missing),
                           applicant_name=applicant.full_name)
        info = receive_dossier(
            s, ctx.actor, procedure_code=proc.code, applicant=applicant, documents=documents,
            fee_input=fee_input(state), sets=max(1, int(state.sets or 1)), request_content=state.request_content,
            counter_number=ctx.counter_number, ticket_id=_ticket(state), with_verification=state.with_verification,
            now=now)
        receipt = receipt_content(s, info.id, signer=ctx.signer(s), tracking_host=ctx.tracking_host, lang=lang,
                                  now=now)
        job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="receipt", content=receipt,
                             printer=ctx.printer, ref_id=info.id, title=info.code, now=now)
        kept = [(position, d.scan_sha256, d.scan_pages) for position, d in enumerate(state.documents, start=1)
                if d.scan_sha256]
        if kept:  # scans made before the dossier existed: attached in its own transaction
            attach_kept(s, ctx.actor, info.id, kept, attachment_store(ctx), now=now)
        if draft_id is not None:
            discard_draft(s, draft_id)
    return Outcome(RECEIVED, print_job_id=job.id, dossier_id=info.id, dossier_code=info.code, due_at=info.due_at,
                   fee_vnd=info.fee_vnd, applicant_name=info.applicant_name)


def refuse(ctx: CounterContext, state: IntakeState, reason: str, draft_id: uuid.UUID | None = None, *,
           lang: str = "vi") -> Outcome:
    """Refuse to receive the dossier: form 03 with the reason, an audit row, the draft
    deleted; one transaction. No dossier record (see the module's docstring)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Write the reason for the refusal: it is printed on the form."), field="reason")
    now = ctx.now()
    applicant = applicant_input(state, office_today(now))
    with ctx.db.write() as s:
        proc = active_procedure(s, ctx.office_code, state.procedure_code)
        content = RefusalContent(
            lang=lang, form_set=form_set_for(office_today(now)).key, issuer=issuer_for(s, ctx.office_code, lang),
            issued_at=now, dossier_code="",
            applicant=Applicant(name=applicant.full_name, address=applicant.address, phone=applicant.phone or "",
                                email=applicant.email, id_number=applicant.cccd or ""),
            procedure_name=_name(proc.name_vi, proc.name_en, lang), reason=reason, officer_name=ctx.staff.full_name)
        job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="refusal", content=content,
                             printer=ctx.printer, title=applicant.full_name, now=now)
        _audit(s, ctx, "intake_refuse", {
            "procedure_code": proc.code, "applicant": applicant.full_name, "cccd": applicant.cccd, "reason": reason,
            "counter_number": ctx.counter_number, "print_job_id": str(job.id)}, now)
        if draft_id is not None:
            discard_draft(s, draft_id)
    return Outcome(REFUSED, print_job_id=job.id, applicant_name=applicant.full_name)


__all__ = [
    "RECEIVED", "REFUSED", "STEPS", "SUPPLEMENT", "DocumentEntry", "DraftOffer", "IntakeState", "Outcome",
    "PreviewInfo", "ProcedureChoice", "ProcedureDetails", "ScanOutcome", "applicant_errors", "applicant_input",
    "autosave", "checklist_for_state", "discard", "drafts_to_offer", "due_words", "fee_input", "fill_from_citizen",
    "filter_procedures", "find_citizens", "parse_birth_date", "preview", "procedure_catalog", "procedure_details",
    "read_scan", "refuse", "save",
]
