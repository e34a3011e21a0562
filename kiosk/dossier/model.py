"""Checking a dossier at the kiosk, Qt-free: from a scanned receipt or a typed code to what
the citizen needs to know, in plain words.

Read-only: a citizen may look as often as they like. What is shown is the office's own
record; when the office has lost its link to the centre the screen says since when
(``as_of``), because a result the processing body sent back meanwhile is not known yet.
The applicant's name is always masked (the kiosk stands in a public hall).

The lookup returns language-free data (:class:`DossierView`, :class:`Lookup`); the words
are made by the functions below in the current language, so the screen can switch
language at any time without asking the database again.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from core.dossier_states import DossierStatus
from core.errors import NotFound
from core.i18n import N_, _, current_language, localized
from core.scanned import ScanKind, classify
from core.tokens import ReceiptToken, Result
from core.working_calendar import OFFICE_TZ
from kiosk.context import KioskContext
from local_db.ops.dossier_info import get_dossier
from local_db.ops.link_state import link_state
from local_db.ops.scan_check import check_scan

S = DossierStatus

#: Outcomes of a lookup.
FOUND, EMPTY, UNKNOWN, REFUSED, NOT_RECEIPT = "found", "empty", "unknown", "refused", "not_receipt"

_SPACES = re.compile(r"[\s_]+")


@dataclass(frozen=True)
class DossierView:
    """What the kiosk shows of one dossier (no personal data but the masked name)."""

    code: str
    status: str
    procedure_name_vi: str
    procedure_name_en: str
    applicant_masked: str
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    rescheduled: bool
    ready_at: datetime | None
    returned_at: datetime | None
    supplement_items: tuple[str, ...]  # what the office asked for (needs_supplement)
    online: bool
    as_of: datetime | None  # last contact with the centre, when offline (None: never / online)

    def procedure_name(self, lang: str | None = None) -> str:
        return localized(self.procedure_name_vi, self.procedure_name_en, lang)


@dataclass(frozen=True)
class Lookup:
    """The answer to one scan or typed code. ``messages`` (per language) for REFUSED."""

    outcome: str
    dossier: DossierView | None = None
    code: str = ""
    scanned: str = ""  # NOT_RECEIPT: what was scanned instead (ScanKind value)
    messages: dict[str, str] | None = None


def normalise_code(text: str) -> str:
    """A typed code as stored: no spaces, upper case (``000.00.04.h26 - 261123 - 0001``)."""
    return _SPACES.sub("", text or "").upper()


def _view(ctx: KioskContext, dossier: uuid.UUID | str) -> DossierView:
    now = ctx.now()
    with ctx.db.read() as s:
        d = get_dossier(s, dossier, now=now)
        if d.office_code != ctx.office_code:
            raise NotFound("other office")
        link = link_state(s, now)
    items: tuple[str, ...] = ()
    if d.status == S.NEEDS_SUPPLEMENT:
        for e in reversed(d.events):
            if e.action == "request_supplement":
                items = tuple(str(i) for i in e.detail.get("items", ()))
                break
    return DossierView(
        code=d.code, status=d.status, procedure_name_vi=d.procedure_name_vi, procedure_name_en=d.procedure_name_en,
        applicant_masked=d.applicant_name_masked, received_at=d.received_at, due_at=d.due_at, overdue=d.overdue,
        rescheduled=d.reschedule_count > 0, ready_at=d.ready_at, returned_at=d.returned_at,
        supplement_items=items, online=link.online, as_of=None if link.online else link.last_contact_at,
    )


def lookup_code(ctx: KioskContext, text: str) -> Lookup:
    """A code the citizen typed (case and spaces do not matter). A scanner typing into the
    box sends a receipt URL or token: that is treated as a scan."""
    if classify(text or "").is_token:
        return lookup_scan(ctx, text)
    code = normalise_code(text)
    if not code:
        return Lookup(EMPTY)
    try:
        return Lookup(FOUND, _view(ctx, code), code=code)
    except NotFound:
        return Lookup(UNKNOWN, code=code)


def lookup_scan(ctx: KioskContext, text: str) -> Lookup:
    """A scanned QR: only a genuine receipt of this office opens its dossier."""
    scanned = classify(text or "")
    if scanned.kind is not ScanKind.RECEIPT:
        if scanned.kind is ScanKind.UNKNOWN and not scanned.is_token:
            return Lookup(NOT_RECEIPT, scanned=ScanKind.UNKNOWN.value)
        return Lookup(NOT_RECEIPT, scanned=scanned.kind.value)
    with ctx.db.read() as s:
        check = check_scan(s, ctx.office_code, text, now=ctx.now(), expect_kind=ReceiptToken)
    if check.result is not Result.VALID or not isinstance(check.token, ReceiptToken):
        return Lookup(REFUSED, messages=dict(check.messages))
    try:
        return Lookup(FOUND, _view(ctx, check.token.entity_id), code=check.token.dossier_code)
    except NotFound:
        return Lookup(UNKNOWN, code=check.token.dossier_code)


# --- words ---------------------------------------------------------------------------------

STATUS_HEADLINES = {
    S.RECEIVED: N_("Received: waiting to be processed"),
    S.IN_PROCESSING: N_("Being processed"),
    S.NEEDS_SUPPLEMENT: N_("More documents are needed"),
    S.READY: N_("Ready: please come and collect the result"),
    S.RETURNED: N_("The result has been handed over"),
    S.REJECTED: N_("Not accepted for processing"),
    S.WITHDRAWN: N_("Withdrawn at the applicant's request"),
}


def when(moment: datetime) -> str:
    """An office-time moment the way forms write it: ``10:30, 25/11/2026``."""
    local = moment.astimezone(OFFICE_TZ)
    return local.strftime("%H:%M, %d/%m/%Y")


def headline(v: DossierView) -> str:
    return _(STATUS_HEADLINES[S(v.status)])


def explanation(v: DossierView) -> list[str]:
    """The lines under the headline: what it means for the citizen and what to do."""
    status = S(v.status)
    lines: list[str] = []
    if status in (S.RECEIVED, S.IN_PROCESSING):
        if v.due_at is not None:
            lines.append(_("Result due: {when}").format(when=when(v.due_at)))
        if v.overdue:
            lines.append(_("We are sorry: your dossier is taking longer than promised. The office will tell "
                           "you the new date; you may also ask at a counter."))
        elif v.rescheduled:
            lines.append(_("The return date was moved; we apologise for the delay."))
        lines.append(_("You do not need to do anything now."))
    elif status is S.NEEDS_SUPPLEMENT:
        lines.append(_("Please bring these documents to a counter:"))
        lines.extend(f"• {item}" for item in v.supplement_items)
        lines.append(_("The processing time starts again once the documents are received."))
    elif status is S.READY:
        if v.ready_at is not None:
            lines.append(_("Ready since {when}").format(when=when(v.ready_at)))
        lines.append(_("Please bring: your receipt and your ID card (CCCD). Someone collecting for you "
                       "needs a letter of authorisation and their own ID card."))
        lines.append(_("Take a queue number for result return (Trả kết quả)."))
    elif status is S.RETURNED:
        if v.returned_at is not None:
            lines.append(_("Handed over at {when}").format(when=when(v.returned_at)))
    elif status is S.REJECTED:
        lines.append(_("The reasons are written on the refusal notice you were given. Please ask at a counter "
                       "if you need help."))
    elif status is S.WITHDRAWN:
        lines.append(_("This dossier is closed. You may submit a new one at any time."))
    return lines


def as_of_words(v: DossierView) -> str:
    """Empty when the office is online; else since when its news may be missing."""
    if v.online:
        return ""
    if v.as_of is None:
        return _("The office is not connected to the centre right now: this is the office's own record.")
    return _("The office is not connected to the centre right now: information as of {when}.").format(
        when=when(v.as_of))


def refusal_words(result: Lookup) -> str:
    """The plain sentence for a lookup that found nothing to show."""
    if result.outcome == EMPTY:
        return _("Please type the dossier code printed on your receipt.")
    if result.outcome == UNKNOWN:
        return _("No dossier has the code {code}. Please check the code on your receipt, or ask at a "
                 "counter.").format(code=result.code)
    if result.outcome == NOT_RECEIPT:
        what = {
            ScanKind.TICKET.value: _("This is a queue ticket, not a dossier receipt."),
            ScanKind.APPOINTMENT.value: _("This is an appointment slip, not a dossier receipt."),
            ScanKind.ID_CARD.value: _("This is an ID card, not a dossier receipt."),
            ScanKind.BAD_ID_CARD.value: _("This is an ID card, not a dossier receipt."),
        }.get(result.scanned, _("This code is not a dossier receipt."))
        return what + " " + _("Please scan the QR code on your receipt (Giấy tiếp nhận hồ sơ).")
    if result.outcome == REFUSED:
        messages = result.messages or {}
        base = messages.get(current_language()) or messages.get("vi") or ""
        return (base + " " if base else "") + _("This receipt cannot be checked here. Please ask at a counter.")
    return ""


__all__ = [
    "EMPTY", "FOUND", "NOT_RECEIPT", "REFUSED", "UNKNOWN", "DossierView", "Lookup", "as_of_words", "explanation",
    "headline", "lookup_code", "lookup_scan", "normalise_code", "refusal_words", "when",
]
