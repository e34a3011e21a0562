"""The procedures guide's checklist on the 80 mm roll: a box to tick beside each document
to bring, then the fee, the processing time and where to submit.

As long as its content (see :mod:`printing.documents.roll`): a procedure with fifteen
documents just makes a longer strip of paper.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from core.i18n import _, language
from printing.checklist_content import ChecklistContent
from printing.documents.roll import (
    BOLD,
    ITALIC,
    TA_CENTER,
    CheckItem,
    Rule,
    label_value,
    local,
    para,
    roll_pdf,
    style,
)

_OFFICE = style("checklist-office", size=9, font=BOLD, align=TA_CENTER)
_HEAD = style("checklist-head", size=8.5, align=TA_CENTER, before=1 * mm)
_TITLE = style("checklist-title", size=12, leading=15, font=BOLD, align=TA_CENTER, before=1 * mm)
_SMALL = style("checklist-small", size=8, align=TA_CENTER)
_SECTION = style("checklist-section", size=9.5, font=BOLD, before=1 * mm, after=1.5 * mm)
_ITEM = style("checklist-item", size=9, leading=11.5, after=1.6 * mm)
_LABEL = style("checklist-label", size=8.5, font=BOLD)
_VALUE = style("checklist-value", size=8.5)
_FOOT = style("checklist-foot", size=7.5, font=ITALIC, align=TA_CENTER, before=1 * mm)


def checklist_pdf(content: ChecklistContent) -> bytes:
    with language(content.lang):
        flow = [
            para(content.office_name, _OFFICE),
            para(_("Documents to bring"), _HEAD),
            para(content.procedure_name, _TITLE),
            para(_("Procedure code {code} · {field}").format(code=content.procedure_code,
                                                               field=content.field_name), _SMALL),
            Rule(),
            para(_("Tick each document when you have it:"), _SECTION),
        ]
        for number, item in enumerate(content.documents, start=1):
            name = item.name if item.required else _("{name} (if applicable)").format(name=item.name)
            flow.append(CheckItem(name, _ITEM, number=number))
        if not content.documents:
            flow.append(para(_("No documents are needed."), _ITEM))
        flow.append(Rule())
        flow.append(label_value([
            (_("Fee"), content.fee),
            (_("Processing time"), content.processing),
            (_("Where to submit"), content.where),
        ], _LABEL, _VALUE, width=72 * mm, label_width=24 * mm))
        flow.append(para(_("Printed at {when}. Please ask at a counter if anything is unclear.").format(
            when=local(content.printed_at).strftime("%H:%M %d/%m/%Y")), _FOOT))
        title = _("Checklist: {procedure}").format(procedure=content.procedure_name)
    return roll_pdf(flow, title=title, subject=content.procedure_code)


__all__ = ["checklist_pdf"]
