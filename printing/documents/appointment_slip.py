"""The appointment slip (phiếu hẹn), on the 80 mm roll or on A5, as a PDF.

It answers what a citizen asks when they leave with a booking: when (day and time window,
and from when the kiosk takes the code), where (the office and its address), for what (the
procedure), what to bring (the procedure's documents, as a checklist to tick at home), and
how to check in (the QR code, or the appointment code read out on the phone).

On the roll the page grows with the content (:mod:`printing.documents.roll`); on A5 the
content flows onto a second page when a long checklist needs it, each page carrying the
appointment code so the pages stay together.
"""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.i18n import N_, _, language, pgettext
from printing.content import AppointmentSlipContent
from printing.documents.roll import (
    BOLD,
    CONTENT_WIDTH,
    ITALIC,
    REGULAR,
    TA_CENTER,
    BigText,
    CheckItem,
    Rule,
    label_value,
    local,
    para,
    roll_pdf,
    style,
    text,
)
from printing.qr_image import QrFlowable

PAPERS = ("80mm", "A5")
ROLL_QR = 30 * mm
A5_QR = 34 * mm
A5_MARGIN_X = 13 * mm
A5_MARGIN_TOP = 11 * mm
A5_MARGIN_BOTTOM = 14 * mm
A5_WIDTH = A5[0] - 2 * A5_MARGIN_X

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))

# --- 80 mm styles ---------------------------------------------------------------------------
_R_OFFICE = style("slip-r-office", size=9.5, leading=12, font=BOLD, align=TA_CENTER)
_R_ADDRESS = style("slip-r-address", size=8, leading=10, font=REGULAR, align=TA_CENTER, before=0.5 * mm)
_R_TITLE = style("slip-r-title", size=13, leading=16, font=BOLD, align=TA_CENTER)
_R_CAPTION = style("slip-r-caption", size=8, leading=10, font=REGULAR, align=TA_CENTER, before=1 * mm)
_R_DAY = style("slip-r-day", size=12, leading=15, font=BOLD, align=TA_CENTER, before=1 * mm)
_R_LABEL = style("slip-r-label", size=8.5, leading=11, font=REGULAR)
_R_VALUE = style("slip-r-value", size=9, leading=11.5, font=BOLD)
_R_PLAIN = style("slip-r-plain", size=9, leading=11.5, font=REGULAR)
_R_LINE = style("slip-r-line", size=9, leading=11.5, font=REGULAR, align=TA_CENTER, before=1 * mm)
_R_HEAD = style("slip-r-head", size=9.5, leading=12, font=BOLD, after=1 * mm)
_R_ITEM = style("slip-r-item", size=9, leading=11.5, font=REGULAR, after=0.8 * mm)
_R_QR_NOTE = style("slip-r-qr-note", size=8, leading=10, font=REGULAR, align=TA_CENTER, after=0.5 * mm)
_R_GUIDE = style("slip-r-guide", size=8.5, leading=11, font=ITALIC, align=TA_CENTER)
_R_SMALL = style("slip-r-small", size=7.5, leading=9.5, font=REGULAR, align=TA_CENTER, before=1.5 * mm)

# --- A5 styles ------------------------------------------------------------------------------
_A_PARENT = style("slip-a-parent", size=9, leading=11.5, font=REGULAR)
_A_OFFICE = style("slip-a-office", size=10.5, leading=13, font=BOLD)
_A_ADDRESS = style("slip-a-address", size=8.5, leading=11, font=REGULAR, before=1 * mm)
_A_CODE_LABEL = style("slip-a-code-label", size=8, leading=10, font=REGULAR, align=TA_CENTER)
_A_CODE = style("slip-a-code", size=12, leading=15, font=BOLD, align=TA_CENTER)
_A_TITLE = style("slip-a-title", size=16, leading=20, font=BOLD, align=TA_CENTER, before=4 * mm)
_A_SUBTITLE = style("slip-a-subtitle", size=10, leading=13, font=REGULAR, align=TA_CENTER, after=4 * mm)
_A_LABEL = style("slip-a-label", size=10, leading=13, font=REGULAR)
_A_VALUE = style("slip-a-value", size=10, leading=13, font=BOLD)
_A_PLAIN = style("slip-a-plain", size=10, leading=13, font=REGULAR)
_A_WHEN = style("slip-a-when", size=12, leading=15, font=BOLD)
_A_HEAD = style("slip-a-head", size=11, leading=14, font=BOLD, before=3 * mm, after=1.5 * mm)
_A_ITEM = style("slip-a-item", size=10, leading=13, font=REGULAR, after=1 * mm)
_A_GUIDE = style("slip-a-guide", size=9.5, leading=12.5, font=ITALIC)
_A_NOTE = style("slip-a-note", size=9.5, leading=12.5, font=REGULAR)
_A_FOOT = style("slip-a-foot", size=7.5, leading=9.5, font=REGULAR)


# --- words shared by both papers ------------------------------------------------------------


def day_text(moment: datetime) -> str:
    """``Thứ Hai, 23/11/2026`` / ``Monday, 23/11/2026`` (office-local), current language."""
    day = local(moment)
    return _("{weekday}, {date}").format(weekday=_(WEEKDAYS[day.weekday()]), date=f"{day:%d/%m/%Y}")


def window_text(start: datetime, end: datetime) -> str:
    """``08:00 – 08:30`` (office-local); the end's day too if the window runs past midnight."""
    a, b = local(start), local(end)
    if a.date() == b.date():
        return f"{a:%H:%M} – {b:%H:%M}"
    return f"{a:%H:%M} – {b:%H:%M %d/%m/%Y}"


def procedure_text(content: AppointmentSlipContent) -> str:
    if not content.procedure_name:
        return content.service_name
    if content.procedure_code:
        return f"{content.procedure_name} ({content.procedure_code})"
    return content.procedure_name


def check_in_text(content: AppointmentSlipContent, *, short: bool = False) -> str:
    """When the kiosk takes the code, or "" when the record does not say."""
    if content.check_in_from is None or content.check_in_until is None:
        return ""
    a, b = local(content.check_in_from), local(content.check_in_until)
    if short:
        return _("At the kiosk, from {start} to {end}").format(start=f"{a:%H:%M}", end=f"{b:%H:%M}")
    return _("Check in at the kiosk between {start} and {end}.").format(start=f"{a:%H:%M}", end=f"{b:%H:%M}")


def guidance_text(content: AppointmentSlipContent) -> str:
    if content.guidance:
        return content.guidance
    if content.office_phone:
        return _("If you cannot come, please cancel the appointment (phone {phone}) so that "
                 "someone else can have the place.").format(phone=content.office_phone)
    return _("If you cannot come, please cancel the appointment so that someone else can have the place.")


def printed_text(content: AppointmentSlipContent) -> str:
    at = local(content.issued_at)
    return _("Printed at {time} on {date}").format(time=f"{at:%H:%M}", date=f"{at:%d/%m/%Y}")


def _checklist(content: AppointmentSlipContent, head: ParagraphStyle, item: ParagraphStyle) -> list[Flowable]:
    heading = para(_("PLEASE BRING"), head)
    heading.keepWithNext = True
    parts: list[Flowable] = [heading]
    if content.documents:
        parts += [CheckItem(doc, item, number=i) for i, doc in enumerate(content.documents, 1)]
    else:
        parts.append(para(_("Your citizen ID card. The staff will tell you what else the procedure needs."), item))
    return parts


def _people_rows(content: AppointmentSlipContent) -> list[tuple[str, str]]:
    rows = [(pgettext("appointment slip", "Name"), content.masked_name)] if content.masked_name else []
    rows.append((pgettext("appointment slip", "Procedure"), procedure_text(content)))
    if content.procedure_name:
        rows.append((pgettext("appointment slip", "Service"), content.service_name))
    return rows


# --- 80 mm ----------------------------------------------------------------------------------


def roll_flowables(content: AppointmentSlipContent) -> list[Flowable]:
    parts: list[Flowable] = [para(content.office_name, _R_OFFICE)]
    if content.office_address:
        parts.append(para(content.office_address, _R_ADDRESS))
    parts += [
        Rule(thickness=0.5, before=2 * mm, after=2 * mm),
        para(_("APPOINTMENT SLIP"), _R_TITLE),
        para(_("Appointment code"), _R_CAPTION),
        BigText(content.appointment_code, max_size=26, pad=1.5 * mm),
        para(day_text(content.window_start), _R_DAY),
        BigText(window_text(content.window_start, content.window_end), max_size=22, pad=1.5 * mm),
    ]
    check_in = check_in_text(content)
    if check_in:
        parts.append(para(check_in, _R_LINE))
    parts.append(Rule(thickness=0.5, dash=(2, 2), before=2.5 * mm, after=2 * mm))
    parts.append(label_value(_people_rows(content), _R_LABEL, _R_VALUE, width=CONTENT_WIDTH, label_width=17 * mm))
    parts.append(Rule(thickness=0.5, dash=(2, 2), before=1 * mm, after=2 * mm))
    parts += _checklist(content, _R_HEAD, _R_ITEM)
    parts += [
        QrFlowable(content.token, ROLL_QR, before=2 * mm),
        para(_("Scan this code at the kiosk when you arrive."), _R_QR_NOTE),
        Rule(thickness=0.5, dash=(2, 2), before=1.5 * mm, after=2 * mm),
        para(guidance_text(content), _R_GUIDE),
        para(printed_text(content), _R_SMALL),
    ]
    return parts


# --- A5 -------------------------------------------------------------------------------------


def _a5_header(content: AppointmentSlipContent) -> Table:
    left: list[Flowable] = []
    if content.office_parent:
        left.append(para(content.office_parent, _A_PARENT))
    left.append(para(content.office_name, _A_OFFICE))
    if content.office_address:
        left.append(para(content.office_address, _A_ADDRESS))
    if content.office_phone:
        left.append(para(_("Phone: {phone}").format(phone=content.office_phone), _A_ADDRESS))
    right = [QrFlowable(content.token, A5_QR), para(_("Appointment code"), _A_CODE_LABEL),
             para(content.appointment_code, _A_CODE)]
    table = Table([[left, right]], colWidths=[A5_WIDTH - A5_QR - 4 * mm, A5_QR + 4 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else the table names Helvetica in the PDF
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
    ]))
    return table


def a5_flowables(content: AppointmentSlipContent) -> list[Flowable]:
    when = Paragraph(
        f"{text(day_text(content.window_start))}<br/>{text(window_text(content.window_start, content.window_end))}",
        _A_WHEN)
    rows: list[tuple[str, Flowable | str]] = [(pgettext("appointment slip", "Date and time"), when)]
    check_in = check_in_text(content, short=True)
    if check_in:
        rows.append((pgettext("appointment slip", "Check-in"), para(check_in, _A_PLAIN)))
    rows += _people_rows(content)
    if content.office_address:
        rows.append((pgettext("appointment slip", "Where"), para(content.office_address, _A_PLAIN)))
    parts: list[Flowable] = [
        _a5_header(content),
        para(_("APPOINTMENT SLIP"), _A_TITLE),
        para(_("Show this slip or its QR code at the kiosk when you arrive."), _A_SUBTITLE),
        label_value(rows, _A_LABEL, _A_VALUE, width=A5_WIDTH, label_width=30 * mm, space=2 * mm),
    ]
    parts += _checklist(content, _A_HEAD, _A_ITEM)
    parts += [
        Rule(thickness=0.5, before=3 * mm, after=2.5 * mm),
        para(guidance_text(content), _A_GUIDE),
        Spacer(0, 1.5 * mm),
        para(printed_text(content), _A_NOTE),
    ]
    return parts


def _a5_pdf(content: AppointmentSlipContent) -> bytes:
    buffer = io.BytesIO()
    footer = _("Appointment {code} - page {page}")

    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, _A_FOOT.fontSize)
        canvas.drawRightString(A5[0] - A5_MARGIN_X, A5_MARGIN_BOTTOM / 2,
                               footer.format(code=content.appointment_code, page=doc.page))
        canvas.restoreState()

    doc = BaseDocTemplate(
        buffer, pagesize=A5, leftMargin=A5_MARGIN_X, rightMargin=A5_MARGIN_X, topMargin=A5_MARGIN_TOP,
        bottomMargin=A5_MARGIN_BOTTOM, title=_("Appointment slip {code}").format(code=content.appointment_code),
        subject=content.office_name, author="MotCua", creator="MotCua", pageCompression=1, invariant=1,
        initialFontName=REGULAR,
    )
    frame = Frame(A5_MARGIN_X, A5_MARGIN_BOTTOM, A5_WIDTH, A5[1] - A5_MARGIN_TOP - A5_MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="slip", frames=[frame], onPage=on_page)])
    doc.build(a5_flowables(content))
    return buffer.getvalue()


def appointment_slip_pdf(content: AppointmentSlipContent) -> bytes:
    """The slip as a PDF on the record's paper: one 80 mm page as long as it needs, or A5
    (a second page only when the content does not fit on one)."""
    if content.paper not in PAPERS:
        raise ValueError(f"unknown paper {content.paper!r}; expected one of {', '.join(PAPERS)}")
    with language(content.lang):
        if content.paper == "A5":
            return _a5_pdf(content)
        return roll_pdf(roll_flowables(content),
                        title=_("Appointment slip {code}").format(code=content.appointment_code),
                        subject=content.office_name)


__all__ = ["PAPERS", "a5_flowables", "appointment_slip_pdf", "day_text", "roll_flowables", "window_text"]
