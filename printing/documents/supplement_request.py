"""Form 02: request to supplement and complete a dossier (A5 portrait).

Lists every missing or incomplete item at once, each with its reason (Decree 61 art. 19:
the citizen should not be sent home once per missing paper).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from core.i18n import _, language, pgettext
from printing.documents import form_layout as fl
from printing.forms_content import SupplementRequestContent

PAPER = "A5"


def supplement_request_pdf(content: SupplementRequestContent) -> bytes:
    with language(content.lang):
        a = content.applicant
        code = fl.code_markup(content.dossier_code)
        story: list[Flowable] = [
            *fl.corner_note(PAPER, content.form_set, "supplement_request"),
            fl.header(PAPER, content.issuer),
            fl.code_and_date(PAPER, code, content.issuer.place, content.issued_at),
            *fl.title(PAPER, _("REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER")),
            *fl.with_tracking_qr(PAPER, [
                fl.field(PAPER, _("Dossier of"), a.name, bold=True),
                fl.field(PAPER, pgettext("form", "Address"), a.address or "–"),
                fl.fields_row(PAPER, [(pgettext("form", "Phone"), a.phone or "–"),
                                      (pgettext("form", "Email"), a.email or "–")]),
                fl.field(PAPER, pgettext("form", "Request"), content.procedure_name, bold=True),
            ], content.qr_text),
            fl.para(PAPER, fl.esc(_("The dossier must be supplemented and completed with the following:")),
                    "section"),
            fl.grid(
                PAPER,
                [pgettext("form", "No."), _("Paper or content to supplement or complete"), pgettext("form", "Reason")],
                [(str(i), item.name, item.reason) for i, item in enumerate(content.items, start=1)],
                widths=[7, 55, 38],
                align="cll",
            ),
            Spacer(1, 1.5 * mm),
        ]
        if content.note:
            story.append(fl.field(PAPER, pgettext("form", "Remark"), content.note))
        story.append(fl.field(PAPER, _("Bring the supplement to"), content.bring_to))
        if content.bring_by is not None:
            story.append(fl.field(PAPER, _("Please bring it by"), fl.short_date(content.bring_by), bold=True))
        if content.contact_phone:
            help_text = _("If anything is unclear while completing the dossier, please contact the {desk} "
                          "(phone {phone}) for guidance.").format(desk=fl.desk_name(), phone=content.contact_phone)
        else:
            help_text = _("If anything is unclear while completing the dossier, please contact the {desk} "
                          "for guidance.").format(desk=fl.desk_name())
        story.append(fl.para(PAPER, f"<i>{fl.esc(help_text)}</i>"))
        story.append(fl.signatures(PAPER, [
            fl.Signer(_("GUIDING OFFICER"), _("(Sign and write full name)"), content.officer_name),
        ]))
        title = _("Request to supplement {code}").format(code=content.dossier_code or a.name)
        return fl.build_pdf(PAPER, story, title=title, footer=content.dossier_code)


__all__ = ["supplement_request_pdf"]
