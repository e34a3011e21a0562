"""What the dossiers page shows, as frozen rows read once: the list and its counts, one dossier with its history, a move's outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from core.i18n import _, localized, pgettext
from counter.dossiers.names import PAPERS, event_words, moment_words
from local_db.ops.dossier_info import DossierDetail


def _pick(vi: str, en: str) -> str:
    return localized(vi, en)


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    code: str
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    applicant_name: str  # clerks see full names
    status: str
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    due_today: bool  # still open and due during today (office time), overdue or not
    counter_number: int | None
    clerk_name: str
    received_by: uuid.UUID | None
    rescheduled: bool

    @property
    def procedure(self) -> str:
        return _pick(self.procedure_name_vi, self.procedure_name_en)


@dataclass(frozen=True)
class Counts:
    """The numbers on the filter chips (office-wide, whatever else is chosen)."""

    overdue: int = 0
    due_today: int = 0
    mine: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    scans_missing: int = 0  # a checklist item handed in without a scan

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class Listing:
    rows: tuple[Row, ...]
    counts: Counts
    query: str
    status: str | None
    due_today: bool
    overdue: bool
    mine: bool
    limit: int
    read_at: datetime
    scans_missing: bool = False

    @property
    def truncated(self) -> bool:
        return len(self.rows) >= self.limit


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    action: str
    staff_name: str
    counter_number: int | None
    what: str  # the action in words (current language at read time: redrawn with words())
    details: tuple[str, ...]  # items, reasons, dates, who collected the result

    def words(self) -> tuple[str, str]:
        """(head, details) in the current language."""
        who = self.staff_name or pgettext("counter dossiers", "(unknown)")
        if self.counter_number is not None:
            who = _("{name}, counter {number}").format(name=who, number=self.counter_number)
        head = _("{when} · {what} · {who}").format(when=moment_words(self.at), what=event_words(self.action),
                                                  who=who)
        return head, "\n".join(self.details)

@dataclass(frozen=True)
class DossierView:
    """One dossier as the detail pane shows it."""

    dossier: DossierDetail
    history: tuple[HistoryLine, ...]
    actions: tuple[str, ...]  # the moves its status allows (reschedule even when used up: it says why)
    due_today: bool
    read_at: datetime

    @property
    def id(self) -> uuid.UUID:
        return self.dossier.id

    @property
    def code(self) -> str:
        return self.dossier.code

    @property
    def status(self) -> str:
        return self.dossier.status

    @property
    def rescheduled(self) -> bool:
        return self.dossier.reschedule_count > 0

    @property
    def procedure(self) -> str:
        return _pick(self.dossier.procedure_name_vi, self.dossier.procedure_name_en)

    @property
    def processing(self) -> str:
        return _pick(self.dossier.processing_vi, self.dossier.processing_en)

    def allows(self, action: str) -> bool:
        if action in PAPERS:
            return True
        return action in self.actions

    @property
    def missing_documents(self) -> tuple[str, ...]:
        """Checklist lines marked missing (the supplement dialog starts from them)."""
        return tuple(doc.name for doc in self.dossier.documents if doc.is_missing)

@dataclass(frozen=True)
class Outcome:
    """After a move or a paper: the dossier as it is now, and the print job queued (if any)."""

    view: DossierView
    action: str
    print_job_id: uuid.UUID | None = None
    paper: str = ""  # document kind queued: supplement_request / refusal / apology / control_slip / receipt


__all__ = ["Counts", "DossierView", "HistoryLine", "Listing", "Outcome", "Row"]
