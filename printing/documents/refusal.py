"""Form 03: refusal to receive and settle a dossier, with the specific reason (A5 portrait)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from core.i18n import _, language, pgettext
from printing.documents import form_layout as fl
from printing.forms_content import RefusalContent

PAPER = "A5"


def refusal_pdf(content: RefusalContent) -> bytes:
    with language(content.lang):
        a = content.applicant
        code = fl.code_markup(content.dossier_code)
        story: list[Flowable] = [
            *fl.corner_note(PAPER, content.form_set, "refusal"),
            fl.header(PAPER, content.issuer),
            fl.code_and_date(PAPER, code, content.issuer.place, content.issued_at),
            *fl.title(PAPER, _("REFUSAL TO RECEIVE AND SETTLE THE DOSSIER")),
            fl.para(PAPER, fl.esc(_("The {desk} of {office} has received the dossier of:").format(
                desk=fl.desk_name(), office=content.issuer.office_name))),
            *fl.with_tracking_qr(PAPER, [
                fl.field(PAPER, pgettext("form", "Full name"), a.name, bold=True),
                fl.field(PAPER, pgettext("form", "Address"), a.address or "–"),
                fl.fields_row(PAPER, [(pgettext("form", "Phone"), a.phone or "–"),
                                      (pgettext("form", "Email"), a.email or "–")]),
                fl.field(PAPER, pgettext("form", "Request"), content.procedure_name, bold=True),
            ], content.qr_text),
            fl.para(PAPER, fl.esc(_(
                "After review, the {desk} of {office} refuses to receive and settle this dossier "
                "for the following specific reason:").format(desk=fl.desk_name(), office=content.issuer.office_name))),
            fl.para(PAPER, f"<b>{fl.esc(content.reason)}</b>"),
            fl.italic(PAPER, _("We respectfully inform you.")),
            fl.signatures(PAPER, [
                fl.Signer(_("RECEIVING OFFICER"), _("(Sign and write full name)"), content.officer_name),
            ]),
        ]
        title = _("Refusal {code}").format(code=content.dossier_code or a.name)
        return fl.build_pdf(PAPER, story, title=title, footer=content.dossier_code)


__all__ = ["refusal_pdf"]
