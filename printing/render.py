"""Which builder makes which document: the one door from a print job to a PDF.

A print job names its document kind and stores the content record as JSON; this table
turns both back into PDF bytes. Builders are imported on first use so a process that
prints only tickets never loads the A4 forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from printing.content import from_data


@dataclass(frozen=True)
class DocumentKind:
    name: str
    content: str  # "module:Class" of the content record
    builder: str  # "module:function", function(content) -> PDF bytes
    paper: str  # "80mm", "A5", "A4" or "80mm|A5" (the record's ``paper`` field chooses)


KINDS: dict[str, DocumentKind] = {
    k.name: k
    for k in (
        DocumentKind("ticket", "printing.content:TicketContent", "printing.documents.ticket:ticket_pdf", "80mm"),
        DocumentKind(
            "appointment_slip",
            "printing.content:AppointmentSlipContent",
            "printing.documents.appointment_slip:appointment_slip_pdf",
            "80mm|A5",
        ),
        DocumentKind("receipt", "printing.forms_content:ReceiptContent", "printing.documents.receipt:receipt_pdf", "A5"),
        DocumentKind(
            "supplement_request",
            "printing.forms_content:SupplementRequestContent",
            "printing.documents.supplement_request:supplement_request_pdf",
            "A5",
        ),
        DocumentKind("refusal", "printing.forms_content:RefusalContent", "printing.documents.refusal:refusal_pdf", "A5"),
        DocumentKind("apology", "printing.forms_content:ApologyContent", "printing.documents.apology:apology_pdf", "A5"),
        DocumentKind(
            "control_slip",
            "printing.forms_content:ControlSlipContent",
            "printing.documents.control_slip:control_slip_pdf",
            "A4",
        ),
        DocumentKind("checklist", "printing.checklist_content:ChecklistContent",
                     "printing.documents.checklist:checklist_pdf", "80mm"),
        DocumentKind(
            "daily_report",
            "printing.forms_content:DailyReportContent",
            "printing.documents.daily_report:daily_report_pdf",
            "A4",
        ),
        DocumentKind(
            "dashboard_report",
            "printing.documents.dashboard_report:DashboardReportContent",
            "printing.documents.dashboard_report:dashboard_report_pdf",
            "A4",
        ),
    )
}


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def kind_of(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown document kind {name!r}; known: {', '.join(KINDS)}") from None


def content_class(name: str) -> type:
    return _load(kind_of(name).content)


def content_from_data(name: str, data: dict[str, Any]) -> Any:
    """The content record of a stored job."""
    return from_data(content_class(name), data)


def render_pdf(name: str, content: Any) -> bytes:
    """PDF bytes of one document; ``content`` is its record or the record's JSON dict."""
    if isinstance(content, dict):
        content = content_from_data(name, content)
    return _load(kind_of(name).builder)(content)
