"""Form 04: apology and new date to return the result (A5 portrait).

Sent by the body that is late (at most one reschedule per dossier, Decree 61 art. 19),
signed by its head: the name is printed when known, otherwise the line is left for the
hand signature and the seal.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from core.i18n import _, language, pgettext
from printing.documents import form_layout as fl
from printing.forms_content import ApologyContent

PAPER = "A5"


def apology_pdf(content: ApologyContent) -> bytes:
    with language(content.lang):
        a = content.applicant
        body = content.responsible_body
        code = fl.code_markup(content.dossier_code)
        story: list[Flowable] = [
            *fl.corner_note(PAPER, content.form_set, "apology"),
            fl.header(PAPER, content.issuer, department=False),
            fl.code_and_date(PAPER, code, content.issuer.place, content.issued_at),
            *fl.title(PAPER, _("APOLOGY AND NEW DATE FOR RETURNING THE RESULT")),
            *fl.with_tracking_qr(PAPER, [
                fl.para(PAPER, "<b>{}</b>".format(fl.esc(_("To: Mr/Ms {name}").format(name=a.name)))),
                fl.para(PAPER, fl.esc(_("On {date}, {body} received your dossier, code {code}.").format(
                    date=fl.short_date(content.received_at), body=body, code=content.dossier_code))),
                fl.field(PAPER, pgettext("form", "Request"), content.procedure_name, bold=True),
                fl.field(PAPER, _("Appointed time for the result"), fl.moment(content.original_due_at)),
            ], content.qr_text),
            fl.para(PAPER, fl.esc(_("However, {body} has not yet returned the result of your dossier.").format(
                body=body))),
            fl.field(PAPER, pgettext("form", "Reason"), content.reason),
            fl.para(PAPER, fl.esc(_(
                "This delay has caused you inconvenience. {body} apologises and will return the result "
                "of your dossier at:").format(body=body))),
            fl.para(PAPER, f"<b>{fl.esc(fl.moment(content.new_due_at))}</b>", "sign_title"),
            fl.italic(PAPER, _("Thank you sincerely.")),
            fl.signatures(PAPER, [
                fl.Signer(_("HEAD OF THE AGENCY"), _("(Sign, write full name and seal)"), content.signer_name),
            ], space=18 * mm),
        ]
        title = _("Apology {code}").format(code=content.dossier_code)
        return fl.build_pdf(PAPER, story, title=title, footer=content.dossier_code)


__all__ = ["apology_pdf"]
