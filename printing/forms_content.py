"""What the one-stop forms (01-05) and the daily counter report say, as plain data.

Like printing.content: a form is drawn from one of these records, never from the database,
so the print queue stores the record as JSON (printing.content.to_data) and a reprint is
the same paper. Strings taken from data (names, procedure, office) are already in the
record's ``lang``; fixed labels are translated when the form is drawn. Times are aware
datetimes; the forms print them in office time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Issuer:
    """The issuing body in the top-left corner of a form."""

    parent_name: str  # "UBND Thành phố Hà Nội" (printed in capitals)
    office_name: str  # "UBND Phường Ba Đình"
    place: str  # "Hà Nội": the place of the date line
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Applicant:
    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""  # CCCD, printed whole: the applicant's own paper


@dataclass(frozen=True)
class ReceivedDocument:
    """One row of form 01's table of documents received."""

    name: str
    originals: int = 0
    certified: int = 0
    copies: int = 0


@dataclass(frozen=True)
class ReceiptContent:
    """Form 01: receipt of a dossier and appointment to return the result (A5)."""

    lang: str
    form_set: str  # printing.form_sets key
    issuer: Issuer
    dossier_code: str
    qr_text: str  # core.tokens.receipt_url(host, signed ReceiptToken)
    applicant: Applicant
    procedure_name: str
    request_content: str  # what the citizen asks for in their words; "" = the procedure alone
    documents: tuple[ReceivedDocument, ...]
    sets: int
    processing_time: str  # "3 ngày làm việc", already in ``lang``
    received_at: datetime
    due_at: datetime
    return_place: str  # where the result is handed back
    fee_vnd: int
    officer_name: str
    fee_note: str = ""  # exemption reason or fee rule note
    tracking_host: str = ""  # shown beside the QR for people who type the code
    counter_number: int | None = None


@dataclass(frozen=True)
class SupplementItem:
    name: str
    reason: str = ""


@dataclass(frozen=True)
class SupplementRequestContent:
    """Form 02: request to supplement or complete a dossier, every item at once (A5)."""

    lang: str
    form_set: str
    issuer: Issuer
    issued_at: datetime
    dossier_code: str  # "" when the dossier was never received (incomplete at intake)
    applicant: Applicant
    procedure_name: str
    items: tuple[SupplementItem, ...]
    bring_to: str  # where to bring the papers
    officer_name: str
    note: str = ""  # the officer's general remark
    bring_by: date | None = None
    contact_phone: str = ""
    qr_text: str = ""  # the receipt QR (tracking page), when a signer was at hand


@dataclass(frozen=True)
class RefusalContent:
    """Form 03: refusal to receive or settle a dossier, with the specific reason (A5)."""

    lang: str
    form_set: str
    issuer: Issuer
    issued_at: datetime
    dossier_code: str
    applicant: Applicant
    procedure_name: str
    reason: str
    officer_name: str
    qr_text: str = ""  # the receipt QR (tracking page), when a signer was at hand


@dataclass(frozen=True)
class ApologyContent:
    """Form 04: apology and new date to return the result (A5)."""

    lang: str
    form_set: str
    issuer: Issuer
    issued_at: datetime
    dossier_code: str
    applicant: Applicant
    procedure_name: str
    received_at: datetime
    original_due_at: datetime
    new_due_at: datetime
    reason: str
    responsible_body: str  # the body that is late and apologises
    signer_name: str = ""  # its head; "" leaves the line for a hand signature
    qr_text: str = ""  # the receipt QR (tracking page), when a signer was at hand


@dataclass(frozen=True)
class HandOver:
    """One row of the control slip: who handed the dossier to whom, when, with what result."""

    at: datetime
    action: str  # core.dossier_states.DossierAction value
    from_party: str
    to_party: str
    result: str  # "Đúng hạn", "Chờ bổ sung", ... already in ``lang``
    note: str = ""
    staff_name: str = ""


@dataclass(frozen=True)
class ControlSlipContent:
    """Form 05: the control slip that travels with the dossier (A4)."""

    lang: str
    form_set: str
    issuer: Issuer
    issued_at: datetime
    dossier_code: str
    applicant: Applicant
    procedure_name: str
    processing_body: str  # who settles it
    received_at: datetime
    due_at: datetime | None  # None while the clock is stopped
    rows: tuple[HandOver, ...]
    qr_text: str = ""  # the receipt QR, when a signer was at hand


@dataclass(frozen=True)
class ServiceLine:
    """Tickets of one service in the daily report. Sums, not averages, so a totals row
    averages over tickets rather than over services."""

    service_name: str
    issued: int
    served: int  # finished at a desk
    no_show: int
    called: int  # tickets that were called (served or not): the wait is measured over these
    wait_seconds: int  # issue -> first call, summed over the called tickets
    timed: int  # served tickets with a start and a finish
    serve_seconds: int  # start -> finish, summed over the timed tickets

    @property
    def avg_wait_seconds(self) -> int | None:
        return round(self.wait_seconds / self.called) if self.called else None

    @property
    def avg_serve_seconds(self) -> int | None:
        return round(self.serve_seconds / self.timed) if self.timed else None


@dataclass(frozen=True)
class DossierLine:
    """A dossier that moved at the counter that day."""

    at: datetime
    code: str
    applicant_name: str
    procedure_name: str
    outcome: str  # "received" / "returned" / "needs_supplement" / "rejected"
    fee_vnd: int  # due (received) or collected (returned)
    staff_name: str = ""


@dataclass(frozen=True)
class DailyReportContent:
    """The counter's daily report (A4): queue figures and the dossiers of the day."""

    lang: str
    issuer: Issuer
    day: date
    printed_at: datetime
    services: tuple[ServiceLine, ...]
    dossiers: tuple[DossierLine, ...]
    fees_collected_vnd: int
    counter_number: int | None = None  # None = the whole office
    staff_name: str = ""  # "" = every clerk


OUTCOMES = ("received", "returned", "needs_supplement", "rejected")

__all__ = [
    "OUTCOMES",
    "ApologyContent",
    "Applicant",
    "ControlSlipContent",
    "DailyReportContent",
    "DossierLine",
    "HandOver",
    "Issuer",
    "ReceiptContent",
    "ReceivedDocument",
    "RefusalContent",
    "ServiceLine",
    "SupplementItem",
    "SupplementRequestContent",
]
