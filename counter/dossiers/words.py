"""What the dossiers page says: the keys of its moves, the words on its buttons, its
confirmations, refusals and deadline flags. Kept apart from the widgets so the page and the
tour say the same thing."""

from __future__ import annotations

from core.i18n import _, pgettext
from core.money import format_money
from counter.keys import key_text, with_key
from counter.dossiers.names import (
    CONTROL_SLIP,
    MOVES,
    RECEIPT,
    action_words,
    moment_words,
)
from counter.dossiers.rows import DossierView, Outcome, Row
from ui.failures import failure_words

# action -> its entry in the key map (counter/keys.py), in the order of the buttons
KEYS: dict[str, str] = {action: f"dossier.{action}" for action in (*MOVES, CONTROL_SLIP, RECEIPT)}
ACTIONS: tuple[str, ...] = (*MOVES, CONTROL_SLIP, RECEIPT)


def key_name(action: str) -> str:
    return key_text(KEYS[action])


def button_words(action: str) -> str:
    return with_key(action_words(action), KEYS[action])


def paper_words(kind: str) -> str:
    return {
        "supplement_request": _("the request to supplement (form 02)"),
        "refusal": _("the refusal (form 03)"),
        "apology": _("the apology with the new date (form 04)"),
        "control_slip": _("the control slip (form 05)"),
        "receipt": _("the receipt (form 01)"),
    }.get(kind, kind)


def done_words(outcome: Outcome) -> str:
    code = outcome.view.code
    text = {
        "send_to_processing": _("Dossier {code} was sent for processing."),
        "request_supplement": _("A supplement was requested for dossier {code}; its time is stopped."),
        "supplement_received": _("Supplement of dossier {code} received; new due date {when}."),
        "result_back": _("The result of dossier {code} is ready for the citizen."),
        "handle_at_desk": _("Dossier {code} was settled at the desk; the result is ready."),
        "return_result": _("The result of dossier {code} was handed over."),
        "reschedule": _("Dossier {code} has a new due date: {when}."),
        "reject": _("Dossier {code} was refused."),
        "withdraw": _("Dossier {code} was withdrawn."),
        CONTROL_SLIP: _("Dossier {code}:"),
        RECEIPT: _("Dossier {code}:"),
    }[outcome.action].format(code=code, when=moment_words(outcome.view.dossier.due_at))
    if outcome.paper:
        text += " " + _("Printing {paper}…").format(paper=paper_words(outcome.paper))
    return text


def error_words(exc: Exception) -> str:
    return failure_words(exc, unavailable=_(
        "The office database cannot be reached right now. Nothing was changed; please try again."))


def deadline_words(row: Row | DossierView) -> str:
    overdue = row.overdue if isinstance(row, Row) else row.dossier.overdue
    if overdue:
        return pgettext("counter dossiers", "Overdue")
    if row.due_today:
        return pgettext("counter dossiers", "Due today")
    return ""


def facts_words(v: DossierView) -> tuple[list[str], list[str]]:
    """(who and what, when): the two columns of facts."""
    d = v.dossier
    ids = [x for x in (_("CCCD {number}").format(number=d.applicant_cccd) if d.applicant_cccd else "",
                       _("phone {number}").format(number=d.applicant_phone) if d.applicant_phone else "") if x]
    facts = [_("Applicant: {name}").format(name=d.applicant_name)] + ([", ".join(ids)] if ids else [])
    facts += [_("Procedure: {name} ({code})").format(name=v.procedure, code=d.procedure_code),
              _("Processing time: {time}").format(time=v.processing)]
    fee = _("Fee: {amount}").format(amount=format_money(d.fee_vnd))
    if d.fee_paid_vnd:
        fee += " · " + _("paid {amount}").format(amount=format_money(d.fee_paid_vnd))
    facts.append(fee)
    lines: list[str] = []
    received = _("Received: {when}").format(when=moment_words(d.received_at))
    who = [x for x in (pgettext("counter dossiers", "Counter {number}").format(number=d.counter_number)
                       if d.counter_number is not None else "", d.received_by_name) if x]
    lines.append(received + (" · " + " · ".join(who) if who else ""))
    if d.status == "needs_supplement":
        lines.append(_("Due: the time is stopped until the supplement is brought"))
    elif d.due_at is not None:
        due = _("Due: {when}").format(when=moment_words(d.due_at))
        if v.rescheduled and d.original_due_at != d.due_at:
            due += " " + _("(first promised {when})").format(when=moment_words(d.original_due_at))
        lines.append(due)
    if d.ready_at is not None:
        lines.append(_("Result ready: {when}").format(when=moment_words(d.ready_at)))
    if d.returned_at is not None:
        lines.append(_("Handed over: {when} to {who}").format(when=moment_words(d.returned_at),
                                                              who=d.returned_to))
    if d.result_note and d.status in ("rejected", "withdrawn"):
        lines.append(_("Reason: {reason}").format(reason=d.result_note))
    return facts, lines


__all__ = ["ACTIONS", "KEYS", "button_words", "deadline_words", "done_words", "error_words", "facts_words",
           "key_name", "paper_words"]
