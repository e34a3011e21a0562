"""What every one-stop form shares: page, header and motto, date line, title, fields,
tables, signatures (Nghị định 30/2020 layout, scaled to A5; A4 for the control slip and
the daily report).

Everything is a platypus flowable in one frame, so text that is longer than expected (a
120-character name, fifteen documents, a long reason) wraps inside its box and, if need
be, flows on to a second page with the table header repeated, instead of running off the
paper. Labels are translated with ``_()`` by the caller, inside ``language(content.lang)``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.i18n import _, current_language, pgettext
from core.money import format_vnd, format_vnd_en
from core.working_calendar import OFFICE_TZ
from printing.fonts import BOLD, ITALIC, REGULAR, register_reportlab
from printing.form_sets import form_set
from printing.forms_content import Issuer
from printing.qr_image import QrFlowable


@dataclass(frozen=True)
class Paper:
    name: str
    size: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float
    font_size: float  # body text

    @property
    def width(self) -> float:
        """Width of the text frame."""
        return self.size[0] - self.left - self.right


# Margins leave every printer's unprintable border (5 mm at most on office lasers) white.
PAPERS = {
    "A5": Paper("A5", A5, left=14 * mm, right=11 * mm, top=10 * mm, bottom=13 * mm, font_size=8.5),
    "A4": Paper("A4", A4, left=20 * mm, right=15 * mm, top=14 * mm, bottom=16 * mm, font_size=9.5),
}


# A Table sets its cells' font even when they hold flowables; without this it would be
# Helvetica, the one font of the file that is not embedded.
FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)


# --- styles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    field: ParagraphStyle  # a "label: value" line, hanging indent
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    head_left: ParagraphStyle
    head_right: ParagraphStyle
    corner: ParagraphStyle
    date: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    sign_title: ParagraphStyle
    sign_hint: ParagraphStyle
    sign_name: ParagraphStyle
    section: ParagraphStyle


@cache
def styles(paper_name: str) -> Styles:
    register_reportlab()
    size = PAPERS[paper_name].font_size
    lead = size * 1.3

    def style(name: str, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = {"fontName": REGULAR, "fontSize": size, "leading": lead, "splitLongWords": 1}
        base.update(kw)
        return ParagraphStyle(name, **base)

    cell = size - 1
    head = size - 1
    return Styles(
        body=style("body", alignment=TA_JUSTIFY, spaceAfter=1.5),
        field=style("field", leftIndent=0, spaceAfter=1.5),
        small=style("small", fontSize=size - 1.5, leading=(size - 1.5) * 1.3),
        cell=style("cell", fontSize=cell, leading=cell * 1.25),
        cell_center=style("cell_c", fontSize=cell, leading=cell * 1.25, alignment=TA_CENTER),
        cell_right=style("cell_r", fontSize=cell, leading=cell * 1.25, alignment=TA_RIGHT),
        cell_head=style("cell_h", fontName=BOLD, fontSize=cell, leading=cell * 1.2, alignment=TA_CENTER),
        head_left=style("head_l", fontSize=head, leading=head * 1.25, alignment=TA_CENTER),
        head_right=style("head_r", fontName=BOLD, fontSize=head, leading=head * 1.25, alignment=TA_CENTER),
        corner=style("corner", fontName=ITALIC, fontSize=size - 2, leading=(size - 2) * 1.2, alignment=TA_RIGHT),
        date=style("date", fontName=ITALIC, alignment=TA_RIGHT),
        title=style("title", fontName=BOLD, fontSize=size + 3, leading=(size + 3) * 1.25, alignment=TA_CENTER,
                    spaceBefore=4, spaceAfter=1),
        subtitle=style("subtitle", fontName=ITALIC, alignment=TA_CENTER, spaceAfter=2),
        sign_title=style("sign_t", fontName=BOLD, alignment=TA_CENTER),
        sign_hint=style("sign_h", fontName=ITALIC, fontSize=size - 1, leading=(size - 1) * 1.25, alignment=TA_CENTER),
        sign_name=style("sign_n", fontName=BOLD, alignment=TA_CENTER),
        section=style("section", fontName=BOLD, spaceBefore=4, spaceAfter=2, alignment=TA_LEFT),
    )


def esc(text: Any) -> str:
    """Data as Paragraph markup (names may hold '&' or '<')."""
    return escape(str(text))


# --- dates, times, money -------------------------------------------------------------------------

_MONTHS = (
    lambda: pgettext("date line", "January"),
    lambda: pgettext("date line", "February"),
    lambda: pgettext("date line", "March"),
    lambda: pgettext("date line", "April"),
    lambda: pgettext("date line", "May"),
    lambda: pgettext("date line", "June"),
    lambda: pgettext("date line", "July"),
    lambda: pgettext("date line", "August"),
    lambda: pgettext("date line", "September"),
    lambda: pgettext("date line", "October"),
    lambda: pgettext("date line", "November"),
    lambda: pgettext("date line", "December"),
)


def local_day(when: date | datetime) -> date:
    return when.astimezone(OFFICE_TZ).date() if isinstance(when, datetime) else when


def date_line(place: str, when: date | datetime) -> str:
    """"Hà Nội, ngày 05 tháng 01 năm 2026" (Nghị định 30: a zero before days under 10 and
    months 1 and 2, which the month's translation carries) / "Hà Nội, 05 January 2026"."""
    day = local_day(when)
    return _("{place}, {day} {month} {year}").format(
        place=place, day=f"{day.day:02d}", month=_MONTHS[day.month - 1](), year=day.year
    )


def short_date(when: date | datetime) -> str:
    return f"{local_day(when):%d/%m/%Y}"


def moment(when: datetime) -> str:
    """"09 giờ 00 phút, ngày 23/11/2026" / "09:00, 23/11/2026" in office time."""
    local = when.astimezone(OFFICE_TZ)
    return _("{hour}:{minute}, {date}").format(hour=f"{local:%H}", minute=f"{local:%M}", date=f"{local:%d/%m/%Y}")


def clock(when: datetime) -> str:
    return f"{when.astimezone(OFFICE_TZ):%H:%M}"


def money(amount: int) -> str:
    return format_vnd(amount) if current_language() == "vi" else format_vnd_en(amount)


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(int(seconds), 60)
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=f"{secs:02d}")


# --- building blocks -------------------------------------------------------------------------------


def desk_name() -> str:
    """The department's name inside a sentence."""
    return _("Reception and Result Return Desk")


def corner_note(paper: str, form_set_key: str, kind: str) -> list[Flowable]:
    note = form_set(form_set_key).corner_note(kind)
    if note is None:
        return []
    number, basis = note
    return [Paragraph(f"<b>{esc(number)}</b> {esc(basis)}", styles(paper).corner), Spacer(1, 1.5 * mm)]


def header(paper: str, issuer: Issuer, *, department: bool = True) -> Flowable:
    """Issuing body (left) and national motto (right), each with its short rule."""
    st = styles(paper)
    width = PAPERS[paper].width
    left_w, right_w = width * 0.45, width * 0.55
    left: list[Flowable] = []
    if issuer.parent_name:
        left.append(Paragraph(esc(issuer.parent_name.upper()), st.head_left))
    left.append(Paragraph(esc(issuer.office_name.upper()), st.head_right))
    if department:
        left.append(Paragraph(esc(_("RECEPTION AND RESULT RETURN DESK")), st.head_right))
    left.append(HRFlowable(width=min(left_w * 0.35, 30 * mm), thickness=0.6, color=colors.black,
                           spaceBefore=3, spaceAfter=0, hAlign="CENTER"))
    right: list[Flowable] = [
        Paragraph(esc(_("SOCIALIST REPUBLIC OF VIETNAM")), st.head_right),
        Paragraph(esc(_("Independence - Freedom - Happiness")), st.head_right),
        HRFlowable(width=min(right_w * 0.6, 60 * mm), thickness=0.6, color=colors.black,
                   spaceBefore=3, spaceAfter=0, hAlign="CENTER"),
    ]
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([
        FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def code_and_date(paper: str, code_text: str, place: str, when: date | datetime) -> Flowable:
    """"Mã hồ sơ: ..." on the left, the italic place and date on the right, one line."""
    st = styles(paper)
    width = PAPERS[paper].width
    left = Paragraph(code_text, st.field) if code_text else Spacer(1, 1)
    table = Table([[left, Paragraph(esc(date_line(place, when)), st.date)]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle([
        FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def title(paper: str, text: str, subtitle: str = "") -> list[Flowable]:
    st = styles(paper)
    out: list[Flowable] = [Paragraph(esc(text), st.title)]
    if subtitle:
        out.append(Paragraph(esc(subtitle), st.subtitle))
    out.append(Spacer(1, 1.5 * mm))
    return out


def field(paper: str, label: str, value: str, *, bold: bool = False) -> Paragraph:
    """"Label: value" wrapping under itself; ``value`` is data (escaped here)."""
    shown = f"<b>{esc(value)}</b>" if bold else esc(value)
    return Paragraph(f"{esc(label)}: {shown}", styles(paper).field)


def fields_row(paper: str, pairs: Sequence[tuple[str, str]], *, width: float | None = None,
               split: float | None = None) -> Flowable:
    """Short fields side by side (phone and email), each wrapping in its own column:
    equal columns, or with two fields the first ``split`` of the width for the first."""
    width = width or PAPERS[paper].width
    cells = [field(paper, label, value) for label, value in pairs]
    if split is not None and len(cells) == 2:
        widths = [width * split, width * (1 - split)]
    else:
        widths = [width / len(cells)] * len(cells)
    table = Table([cells], colWidths=widths)
    table.setStyle(TableStyle([
        FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def para(paper: str, markup: str, style: str = "body") -> Paragraph:
    return Paragraph(markup, getattr(styles(paper), style))


def italic(paper: str, text: str, style: str = "body") -> Paragraph:
    """Plain text (escaped here) in italics."""
    return Paragraph("<i>" + esc(text) + "</i>", getattr(styles(paper), style))


def code_markup(code: str) -> str:
    """"Mã hồ sơ: <b>000.00.04.H26-261123-0001</b>" as Paragraph markup; "" for no code."""
    if not code:
        return ""
    label = pgettext("form", "Dossier code")
    return esc(label) + ": <b>" + esc(code) + "</b>"


def grid(paper: str, head: Sequence[str], rows: Iterable[Sequence[str | Flowable]], widths: Sequence[float], *,
         align: Sequence[str] | None = None, total: Sequence[str] | None = None) -> Table:
    """A ruled table: header repeated on every page, every cell a wrapping Paragraph
    (``rows`` hold plain data text, or a ready flowable), optional bold totals row.
    ``align``: "l", "c" or "r" per column; ``widths`` are relative (scaled to the frame)."""
    st = styles(paper)
    kinds = {"l": st.cell, "c": st.cell_center, "r": st.cell_right}
    align = align or ["l"] * len(head)
    data: list[list[Flowable]] = [[Paragraph(esc(h), st.cell_head) for h in head]]
    for row in rows:
        data.append([v if isinstance(v, Flowable) else Paragraph(esc(v).replace("\n", "<br/>"), kinds[a])
                     for v, a in zip(row, align)])
    if total is not None:
        data.append([Paragraph(f"<b>{esc(v)}</b>", kinds[a]) for v, a in zip(total, align)])
    scale = PAPERS[paper].width / sum(widths)
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        FONT,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]
    table.setStyle(TableStyle(style))
    return table


@dataclass(frozen=True)
class Signer:
    title: str  # "NGƯỜI NỘP HỒ SƠ"
    hint: str  # "(Ký và ghi rõ họ tên)"
    name: str = ""  # printed under the blank space; "" leaves the line for handwriting


def signatures(paper: str, signers: Sequence[Signer], *, space: float = 15 * mm) -> Flowable:
    """Signature blocks side by side, kept together on one page."""
    st = styles(paper)
    width = PAPERS[paper].width
    cells = []
    for s in signers:
        block: list[Flowable] = [Paragraph(esc(s.title), st.sign_title), Paragraph(esc(s.hint), st.sign_hint),
                                 Spacer(1, space)]
        if s.name:
            block.append(Paragraph(esc(s.name), st.sign_name))
        cells.append(block)
    if len(cells) == 1:  # a single signer signs on the right, as on every official paper
        cells.insert(0, [Spacer(1, 1)])
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([
        FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return KeepTogether([Spacer(1, 3 * mm), table])


# --- the document --------------------------------------------------------------------------------


def _numbered_canvas(paper: Paper, footer: str) -> type[Canvas]:
    """A canvas that knows the page count when the document is saved, so a form that ran
    on to a second page says "Trang 1/2" on each page (and a one-page form says nothing)."""

    page_text = _("Page {page}/{pages}")

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # types-reportlab lacks Canvas's private state

        def save(self) -> None:
            pages = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                if pages > 1:
                    self.setFont(ITALIC, 7)
                    page = self._pageNumber  # type: ignore[attr-defined]  # as above
                    text = page_text.format(page=page, pages=pages)
                    if footer:
                        text = f"{footer} · {text}"
                    self.drawRightString(paper.size[0] - paper.right, paper.bottom - 6 * mm, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(paper_name: str, story: list[Flowable], *, title: str, footer: str = "") -> bytes:
    """The story laid out on ``paper_name`` ("A5"/"A4") pages, as PDF bytes."""
    register_reportlab()
    paper = PAPERS[paper_name]
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=paper.size, leftMargin=paper.left, rightMargin=paper.right, topMargin=paper.top,
        bottomMargin=paper.bottom, title=title, author="MotCua", creator="MotCua", invariant=1,
        pageCompression=1,
        # Not Helvetica: a base-14 font would be the one font of the file not embedded.
        initialFontName=REGULAR, initialFontSize=paper.font_size,
    )
    frame = Frame(paper.left, paper.bottom, paper.width, paper.size[1] - paper.top - paper.bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    # Binary streams instead of ASCII85 text: a smaller file, and the encoding (pure
    # Python without the optional rl_accel) was a fifth of the receipt's time. Read when
    # the file is written, so it is set around this build only.
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story, canvasmaker=_numbered_canvas(paper, footer))
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue()


__all__ = [
    "PAPERS",
    "Paper",
    "Signer",
    "Styles",
    "build_pdf",
    "clock",
    "beside_qr",
    "code_and_date",
    "code_markup",
    "corner_note",
    "with_tracking_qr",
    "date_line",
    "desk_name",
    "duration",
    "esc",
    "field",
    "fields_row",
    "grid",
    "header",
    "italic",
    "local_day",
    "moment",
    "money",
    "para",
    "short_date",
    "signatures",
    "styles",
    "title",
]


def beside_qr(paper: str, block: list[Flowable], qr_text: str, qr_size: float, gap: float = 3 * mm) -> Flowable:
    """``block`` (the applicant's details, say) with the QR code at its top right."""
    width = PAPERS[paper].width
    table = Table([[block, QrFlowable(qr_text, qr_size)]], colWidths=[width - qr_size - gap, qr_size + gap])
    table.setStyle(TableStyle([
        FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


TRACKING_QR_SIZE = 28 * mm  # as on the receipt: ~2.7 px a module at 150 dpi (25 mm failed 1 scan in 150)


def with_tracking_qr(paper: str, block: list[Flowable], qr_text: str) -> list[Flowable]:
    """``block`` with the dossier's tracking QR at its right, or ``block`` alone without one."""
    return [beside_qr(paper, block, qr_text, TRACKING_QR_SIZE)] if qr_text else block
