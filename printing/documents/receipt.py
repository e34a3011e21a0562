"""Form 01: receipt of a dossier and appointment to return the result (A5 portrait).

Carries the dossier code twice in machine form: a Code 128 barcode (the counter's
handheld scanner reads it when the citizen comes back) and the signed QR, a URL of the
central tracking page that a phone opens and the kiosk verifies offline.
"""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from core.i18n import _, language, pgettext
from printing.documents import form_layout as fl
from printing.forms_content import ReceiptContent

PAPER = "A5"
QR_SIZE = 28 * mm  # ~2.7 px a module at 150 dpi: below ~2.5 a scan at that resolution fails now and then
# 0.96 pt = 1/75 inch a module: 2 pixels at 150 dpi, 4 at 300, so the bars land on whole
# pixels of a printer or a scan (thinner or fractional modules stop zbar at 150 dpi).
BAR_WIDTH = 0.96
BAR_HEIGHT = 8 * mm


def barcode(code: str, width: float) -> Flowable:
    """Code 128 of the dossier code, centred, 1/75-inch modules unless the code is too long
    for the line (then as wide as the line allows)."""
    bar = Code128(code, barWidth=BAR_WIDTH, barHeight=BAR_HEIGHT, humanReadable=False, quiet=1)
    bar.wrap(width, BAR_HEIGHT)
    if bar.width > width:
        bar = Code128(code, barWidth=BAR_WIDTH * width / bar.width, barHeight=BAR_HEIGHT, humanReadable=False,
                      quiet=1)
    bar.hAlign = "CENTER"
    return bar


def _with_qr(content: ReceiptContent, left: list[Flowable]) -> Flowable:
    """The applicant's block with the QR beside it (top right)."""
    return fl.beside_qr(PAPER, left, content.qr_text, QR_SIZE)


def _count(n: int) -> str:
    return str(n) if n else ""


def receipt_pdf(content: ReceiptContent) -> bytes:
    with language(content.lang):
        a = content.applicant
        office = content.issuer.office_name
        width = fl.PAPERS[PAPER].width
        st = fl.styles(PAPER)
        story: list[Flowable] = [
            *fl.corner_note(PAPER, content.form_set, "receipt"),
            fl.header(PAPER, content.issuer),
            fl.code_and_date(PAPER, "", content.issuer.place, content.received_at),
            *fl.title(PAPER, _("RECEIPT OF DOSSIER AND APPOINTMENT FOR THE RESULT")),
            barcode(content.dossier_code, width),
            Spacer(1, 0.8 * mm),
            Paragraph(fl.code_markup(content.dossier_code), st.sign_hint),
            Spacer(1, 2.5 * mm),
        ]
        story.append(fl.para(PAPER, fl.esc(_("The {desk} of {office} has received the dossier of:").format(
            desk=fl.desk_name(), office=office)), "field"))
        block: list[Flowable] = [
            fl.field(PAPER, pgettext("form", "Full name"), a.name, bold=True),
            fl.field(PAPER, pgettext("form", "Address"), a.address or "–"),
            fl.fields_row(PAPER, [(pgettext("form", "Phone"), a.phone or "–"),
                                  (pgettext("form", "Email"), a.email or "–")],
                          width=width - QR_SIZE - 3 * mm, split=0.46),
            fl.field(PAPER, _("Personal ID number (CCCD)"), a.id_number or "–"),
            fl.field(PAPER, pgettext("form", "Request"), content.procedure_name, bold=True),
        ]
        story.append(_with_qr(content, block))
        if content.request_content:
            story.append(fl.field(PAPER, _("Details of the request"), content.request_content))
        story += [
            fl.para(PAPER, fl.esc("1. " + _("Documents submitted:")), "section"),
            fl.grid(
                PAPER,
                [pgettext("form", "No."), pgettext("form", "Document"), pgettext("form", "Original"),
                 pgettext("form", "Certified copy"), pgettext("form", "Photocopy")],
                [(str(i), d.name, _count(d.originals), _count(d.certified), _count(d.copies))
                 for i, d in enumerate(content.documents, start=1)],
                widths=[6, 53, 13, 16, 13],
                align="clccc",
            ),
            Spacer(1, 1.5 * mm),
            fl.field(PAPER, "2. " + _("Number of dossier sets"),
                     _("{count} (sets)").format(count=f"{content.sets:02d}")),
            fl.field(PAPER, "3. " + _("Processing time by regulation"), content.processing_time),
            fl.field(PAPER, "4. " + _("Dossier received at"), fl.moment(content.received_at)),
            fl.field(PAPER, "5. " + _("Result to be returned at"), fl.moment(content.due_at), bold=True),
            fl.field(PAPER, "6. " + _("Place to collect the result"), content.return_place),
        ]
        fee = fl.money(content.fee_vnd) if content.fee_vnd else _("No fee")
        if content.fee_note:
            fee = f"{fee} ({content.fee_note})"
        story.append(fl.field(PAPER, "7. " + _("Fees and charges"), fee))
        if content.tracking_host:
            guidance = _("To follow your dossier: scan the QR code or enter the dossier code at {host}.").format(
                host=content.tracking_host.lower())
        else:
            # No central tracking site yet (core/server_link.py): the office's own lookup.
            guidance = _("To follow your dossier: scan the QR code at the kiosk of the one-stop office, or show "
                         "this receipt at the counter.")
        story.append(fl.para(PAPER, f"<i>{fl.esc(guidance)}</i>", "field"))
        story.append(fl.signatures(PAPER, [
            fl.Signer(_("SUBMITTER"), _("(Sign and write full name)"), a.name),
            fl.Signer(_("RECEIVING OFFICER"), _("(Sign and write full name)"), content.officer_name),
        ], space=12 * mm))
        return fl.build_pdf(PAPER, story, title=_("Dossier receipt {code}").format(code=content.dossier_code),
                            footer=content.dossier_code)


__all__ = ["receipt_pdf"]
