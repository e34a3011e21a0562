"""Form 05: the control slip that travels with the dossier (A4 portrait).

One row per hand-over, from the dossier's event history: who gave it to whom and when,
with the result at that step (early / on time / late once the result is back), and two
blank columns for the giver's and the receiver's signatures.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from core.i18n import _, language, pgettext
from printing.documents import form_layout as fl
from printing.forms_content import ControlSlipContent

PAPER = "A4"
QR_SIZE = 28 * mm  # ~2.7 px a module at 150 dpi: below ~2.5 a scan at that resolution fails now and then
SIGN_SPACE = 11 * mm


def _facts(content: ControlSlipContent) -> list[Flowable]:
    a = content.applicant
    due = fl.moment(content.due_at) if content.due_at is not None else _(
        "clock stopped (waiting for the supplement)")
    return [
        fl.field(PAPER, pgettext("form", "Applicant"), a.name, bold=True),
        fl.field(PAPER, pgettext("form", "Address"), a.address or "–"),
        fl.field(PAPER, pgettext("form", "Request"), content.procedure_name, bold=True),
        fl.field(PAPER, _("Settling body"), content.processing_body),
        fl.field(PAPER, _("Dossier received at"), fl.moment(content.received_at)),
        fl.field(PAPER, _("Result to be returned at"), due, bold=True),
    ]


def control_slip_pdf(content: ControlSlipContent) -> bytes:
    with language(content.lang):
        code = fl.code_markup(content.dossier_code)
        facts = _facts(content)
        story: list[Flowable] = [
            *fl.corner_note(PAPER, content.form_set, "control_slip"),
            fl.header(PAPER, content.issuer),
            fl.code_and_date(PAPER, code, content.issuer.place, content.issued_at),
            *fl.title(PAPER, _("DOSSIER PROCESSING CONTROL SLIP"),
                      _("(Copy kept with the dossier at the {desk})").format(desk=fl.desk_name())),
        ]
        if content.qr_text:
            story.append(fl.beside_qr(PAPER, facts, content.qr_text, QR_SIZE, gap=4 * mm))
        else:
            story += facts
        rows = []
        for i, r in enumerate(content.rows, start=1):
            parties = _("From: {giver}\nTo: {receiver}").format(giver=r.from_party, receiver=r.to_party)
            note = r.note
            if r.staff_name:
                note = (note + "\n" if note else "") + _("Recorded by: {name}").format(name=r.staff_name)
            rows.append((str(i), parties, f"{fl.clock(r.at)}\n{fl.short_date(r.at)}", r.result, note, Spacer(1, SIGN_SPACE), ""))
        story += [
            Spacer(1, 3 * mm),
            fl.grid(
                PAPER,
                [pgettext("form", "No."), _("Handed over (from → to)"), _("Time of hand-over"),
                 _("Result of processing"), pgettext("form", "Note"), pgettext("form", "Giver"), pgettext("form", "Receiver")],
                rows,
                widths=[5, 32, 12, 17, 16, 9, 9],
                align="clcclcc",
            ),
            Spacer(1, 2 * mm),
            fl.para(PAPER, "<i>{}</i>".format(fl.esc(_(
                "Result of processing: early, on time or late against the due moment, or the state the "
                "dossier was left in at that step."))), "small"),
        ]
        title = _("Control slip {code}").format(code=content.dossier_code)
        return fl.build_pdf(PAPER, story, title=title, footer=content.dossier_code)


__all__ = ["control_slip_pdf"]
