"""What the dossiers page calls things: the moves and papers it offers, each status, move and history event in words."""

from __future__ import annotations

from datetime import datetime

from core.dossier_states import DossierAction, DossierStatus
from core.i18n import pgettext
from core.working_calendar import to_office_time

A = DossierAction

#: The page's actions (the state machine's moves, and the two papers on request), in the
#: order of the buttons.
MOVES: tuple[str, ...] = (
    A.SEND_TO_PROCESSING.value, A.REQUEST_SUPPLEMENT.value, A.SUPPLEMENT_RECEIVED.value, A.RESULT_BACK.value,
    A.HANDLE_AT_DESK.value, A.RETURN_RESULT.value, A.RESCHEDULE.value, A.REJECT.value, A.WITHDRAW.value,
)
CONTROL_SLIP = "control_slip"
RECEIPT = "receipt"
PAPERS: tuple[str, ...] = (CONTROL_SLIP, RECEIPT)
STATUSES: tuple[str, ...] = tuple(s.value for s in DossierStatus)


def moment_words(moment: datetime | None) -> str:
    """"17:00 25/11/2026" in office time ("–" for none)."""
    if moment is None:
        return "–"
    return f"{to_office_time(moment):%H:%M %d/%m/%Y}"


def status_words(status: str) -> str:
    # Spelled out so the extractor sees each msgid.
    return {
        "received": pgettext("counter dossier status", "Received"),
        "in_processing": pgettext("counter dossier status", "In processing"),
        "needs_supplement": pgettext("counter dossier status", "Waiting for a supplement"),
        "ready": pgettext("counter dossier status", "Result ready"),
        "returned": pgettext("counter dossier status", "Returned to the citizen"),
        "rejected": pgettext("counter dossier status", "Refused"),
        "withdrawn": pgettext("counter dossier status", "Withdrawn"),
    }.get(status, status)


def action_words(action: str) -> str:
    """The name of a button (and of a dialog)."""
    return {
        "send_to_processing": pgettext("counter dossier action", "Send for processing"),
        "request_supplement": pgettext("counter dossier action", "Request a supplement"),
        "supplement_received": pgettext("counter dossier action", "Supplement received"),
        "result_back": pgettext("counter dossier action", "Result back"),
        "handle_at_desk": pgettext("counter dossier action", "Settle at the desk"),
        "return_result": pgettext("counter dossier action", "Hand over the result"),
        "reschedule": pgettext("counter dossier action", "Reschedule"),
        "reject": pgettext("counter dossier action", "Refuse"),
        "withdraw": pgettext("counter dossier action", "Withdraw"),
        "control_slip": pgettext("counter dossier action", "Print the control slip"),
        "receipt": pgettext("counter dossier action", "Reprint the receipt"),
    }[action]


def event_words(action: str) -> str:
    """What a history line says happened."""
    return {
        "receive": pgettext("counter dossier event", "Received at the desk"),
        "send_to_processing": pgettext("counter dossier event", "Sent for processing"),
        "request_supplement": pgettext("counter dossier event", "Supplement requested (form 02)"),
        "supplement_received": pgettext("counter dossier event", "Supplement received, the time counts again"),
        "result_back": pgettext("counter dossier event", "Result back from processing"),
        "handle_at_desk": pgettext("counter dossier event", "Settled at the desk"),
        "return_result": pgettext("counter dossier event", "Result handed over"),
        "reject": pgettext("counter dossier event", "Refused (form 03)"),
        "withdraw": pgettext("counter dossier event", "Withdrawn by the citizen"),
        "reschedule": pgettext("counter dossier event", "Rescheduled (apology, form 04)"),
    }.get(action, action)


__all__ = ["CONTROL_SLIP", "MOVES", "PAPERS", "RECEIPT", "STATUSES", "action_words", "event_words", "moment_words",
           "status_words"]
