"""The procedures guide at the kiosk, Qt-free: browse by field or search by name, then what
to bring, the fee, how long it takes and where to submit; print the checklist.

The catalogue is read once per visit into :class:`GuideEntry` records holding both
languages, so the screen switches language without reading again. The checklist paper is
queued in one transaction like every kiosk print (kind ``"checklist"``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from core.due_date import ProcessingTime
from core.fees import FeeRule
from core.i18n import _, language, localized, ngettext
from core.text import fold
from kiosk.context import KioskContext
from local_db.ops import catalog
from printing.checklist_content import ChecklistContent, ChecklistItem
from printing.spool import queue_document

KIND = "checklist"


@dataclass(frozen=True)
class GuideEntry:
    code: str
    name_vi: str
    name_en: str
    field_vi: str
    field_en: str
    name_folded: str
    documents: tuple[ChecklistItem, ...]
    fee_rule: dict
    processing: dict
    service_name_vi: str
    service_name_en: str
    counters: tuple[int, ...]  # counters that receive this procedure's queue

    def name(self, lang: str | None = None) -> str:
        return localized(self.name_vi, self.name_en, lang)

    def field(self, lang: str | None = None) -> str:
        return localized(self.field_vi, self.field_en, lang)

    def fee_words(self) -> str:
        return FeeRule.from_dict(self.fee_rule).describe()

    def processing_words(self) -> str:
        return ProcessingTime.from_dict(self.processing).describe()

    def where_words(self) -> str:
        service = localized(self.service_name_vi, self.service_name_en)
        if not self.counters:
            return _("At the reception counters (queue: {service})").format(service=service)
        numbers = ", ".join(str(n) for n in self.counters)
        return ngettext("Counter {numbers} (take a number for: {service})",
                        "Counters {numbers} (take a number for: {service})",
                        len(self.counters)).format(numbers=numbers, service=service)


def load_guide(ctx: KioskContext) -> list[GuideEntry]:
    """Every active procedure of the office, by field then name."""
    with ctx.db.read() as s:
        counters: dict[uuid.UUID, list[int]] = {}
        for counter in catalog.active_counters(s, ctx.office_code):
            for service_id in counter.service_ids:
                counters.setdefault(service_id, []).append(counter.number)
        rows = catalog.active_procedures(s, ctx.office_code)
    entries = [
        GuideEntry(code=p.code, name_vi=p.name_vi, name_en=p.name_en, field_vi=p.field_vi, field_en=p.field_en,
                   name_folded=p.name_folded or fold(p.name_vi),
                   documents=tuple(ChecklistItem(str(d.get("name", "")), bool(d.get("required", True)))
                                   for d in p.documents),
                   fee_rule=p.fee_rule, processing=p.processing, service_name_vi=p.service_name_vi,
                   service_name_en=p.service_name_en, counters=tuple(sorted(counters.get(p.service_id, []))))
        for p in rows
    ]
    return sorted(entries, key=lambda e: (e.field_vi, e.name_vi))


def fields(entries: list[GuideEntry]) -> list[tuple[str, int]]:
    """The fields (by their Vietnamese name, the key) with how many procedures each has."""
    out: dict[str, int] = {}
    for e in entries:
        out[e.field_vi] = out.get(e.field_vi, 0) + 1
    return sorted(out.items())


def search(entries: list[GuideEntry], query: str = "", field_vi: str | None = None) -> list[GuideEntry]:
    """Entries of a field, or whose name (either language, accents ignored) or code has every
    word of ``query`` ("khai sinh" finds "Đăng ký khai sinh"; "ket hon" finds "kết hôn")."""
    words = fold(query).split()
    found = []
    for e in entries:
        if field_vi is not None and e.field_vi != field_vi:
            continue
        haystack = " ".join((e.name_folded, fold(e.name_en), e.code.lower()))
        if all(w in haystack for w in words):
            found.append(e)
    return found


def checklist_content(ctx: KioskContext, entry: GuideEntry, lang: str, now: datetime) -> ChecklistContent:
    with language(lang):
        return ChecklistContent(lang=lang, office_name=ctx.office_name(lang), procedure_name=entry.name(lang),
                                procedure_code=entry.code, field_name=entry.field(lang), documents=entry.documents,
                                fee=entry.fee_words(), processing=entry.processing_words(),
                                where=entry.where_words(), printed_at=now)


def print_checklist(ctx: KioskContext, entry: GuideEntry, lang: str) -> uuid.UUID:
    """Queue the checklist paper for this kiosk's printer; returns the print job's id."""
    now = ctx.now()
    content = checklist_content(ctx, entry, lang, now)
    with ctx.db.write() as s:
        job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind=KIND, content=content,
                             printer=ctx.printer, title=entry.code, now=now)
    return job.id


__all__ = ["KIND", "GuideEntry", "checklist_content", "fields", "load_guide", "print_checklist", "search"]
