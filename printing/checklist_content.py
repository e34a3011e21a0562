"""The content of the procedures guide's checklist (80 mm roll): what a citizen takes home
from the kiosk to get their papers together before they queue.

Every text is already in the language the citizen chose (``lang``), except the document
names, which are the catalogue's official Vietnamese names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ChecklistItem:
    name: str
    required: bool = True


@dataclass(frozen=True)
class ChecklistContent:
    lang: str
    office_name: str
    procedure_name: str
    procedure_code: str  # national code, e.g. "1.001193"
    field_name: str
    documents: tuple[ChecklistItem, ...]
    fee: str  # in plain words (core.fees.FeeRule.describe)
    processing: str  # in plain words (core.due_date.ProcessingTime.describe)
    where: str  # "Counters 1, 2, 4 (queue: Civil status)"
    printed_at: datetime  # aware


__all__ = ["ChecklistContent", "ChecklistItem"]
