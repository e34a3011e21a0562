"""The 80 mm thermal roll as a PDF page, and the small pieces the roll documents share.

A thermal roll has no page length: the printer feeds as much paper as the document needs
and cuts. So a roll document is ONE page, 80 mm wide, exactly as tall as its content:
:func:`roll_pdf` wraps every flowable against the printable width first, adds up their
heights, and only then opens the canvas with that height and draws them top to bottom.
Nothing is ever truncated: a long office name or a 15-item checklist just makes the paper
longer.

The printable width of an 80 mm head is about 72 mm, so the content sits 4 mm in from
each edge. Fonts are the shipped Noto Sans (registered once per process); styles are built
once at import, since a ticket must cost a few milliseconds, not a setup.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, black, white
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from core.working_calendar import OFFICE_TZ
from printing.fonts import BOLD, ITALIC, REGULAR, register_reportlab

register_reportlab()

PAGE_WIDTH = 80 * mm
MARGIN_X = 4 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X  # 72 mm: what an 80 mm print head reaches
MARGIN_TOP = 4 * mm
MARGIN_BOTTOM = 8 * mm  # room between the last line and the cutter
_UNBOUNDED = 10_000 * mm  # "as tall as you like" when wrapping for the roll

KEEP_WHOLE = 60 * mm  # a checklist item up to this tall is never cut by a page end
# Noto Sans: the cap height is 0.714 of the size (digits and capitals stand that tall).
CAP_HEIGHT = 0.714


def style(name: str, *, size: float = 9, leading: float | None = None, font: str = REGULAR,
          align: Literal[0, 1, 2, 4] = TA_LEFT, before: float = 0, after: float = 0, color: Color = black,
          indent: float = 0,
          first_indent: float = 0) -> ParagraphStyle:
    """A paragraph style of the family (``<b>`` and ``<i>`` work in its markup)."""
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading or round(size * 1.25, 1), alignment=align,
        spaceBefore=before, spaceAfter=after, textColor=color, leftIndent=indent, firstLineIndent=first_indent,
        wordWrap=None, splitLongWords=True, allowWidows=1, allowOrphans=1,
    )


def text(value: str) -> str:
    """Data text made safe for Paragraph markup (``&``, ``<`` and ``>`` escaped)."""
    return escape(value or "")


def para(value: str, st: ParagraphStyle) -> Paragraph:
    """A paragraph of plain data text (escaped), wrapping within its width."""
    return Paragraph(text(value), st)


def local(moment: datetime) -> datetime:
    """An aware moment on the office's wall clock."""
    return moment.astimezone(OFFICE_TZ)


class BigText(Flowable):
    """One line of big bold text, centred, as large as ``max_size`` or as fits the width.

    The ticket number is the thing a citizen reads from across the hall: it is drawn as
    big as the width allows, never wrapped (A015 must not break) and never clipped; a
    long code gets a smaller size instead. The box is exactly the capital height plus
    ``pad`` above and below, so the number does not float in white space.
    """

    def __init__(self, value: str, *, max_size: float, font: str = BOLD, pad: float = 1 * mm) -> None:
        super().__init__()
        self.value = value
        self.max_size = max_size
        self.font = font
        self.pad = pad
        self.size = max_size
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        natural = stringWidth(self.value, self.font, self.max_size) or 1.0
        self.size = min(self.max_size, self.max_size * avail_width / natural)
        self.width = avail_width
        self.height = self.size * CAP_HEIGHT + 2 * self.pad
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.size)
        self.canv.setFillColor(black)
        self.canv.drawCentredString(self.width / 2, self.pad, self.value)


class Rule(Flowable):
    """A horizontal line across the width (solid, or dashed like a tear-off line)."""

    def __init__(self, *, thickness: float = 0.6, dash: Sequence[float] | None = None, before: float = 2 * mm,
                 after: float = 2 * mm) -> None:
        super().__init__()
        self.thickness = thickness
        self.dash = dash
        self.spaceBefore = before
        self.spaceAfter = after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.thickness
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setLineWidth(self.thickness)
        if self.dash:
            c.setDash(list(self.dash))
        c.line(0, self.thickness / 2, self.width, self.thickness / 2)
        c.restoreState()


class CheckItem(Flowable):
    """One line of a checklist: an empty square to tick, then the item, wrapping under itself.

    The font has no ballot-box glyph, so the square is drawn. Long items wrap with a hanging
    indent (the text never runs under the box); across pages the item splits like a paragraph.
    """

    def __init__(self, item: str, st: ParagraphStyle, *, box: float | None = None, gap: float = 1.8 * mm,
                 number: int | None = None) -> None:
        super().__init__()
        self.item = item
        self.st = st
        self.box = box or st.fontSize * 0.85
        self.gap = gap
        self.number = number
        label = f"{number}. " if number is not None else ""
        self._para = Paragraph(text(label + item), st)
        self.spaceBefore = st.spaceBefore
        self.spaceAfter = st.spaceAfter

    @property
    def _indent(self) -> float:
        return self.box + self.gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        _, h = self._para.wrap(avail_width - self._indent, avail_height)
        self.height = h
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # An item moves to the next page whole; only one taller than KEEP_WHOLE (which no
        # page end should strand) is cut, the box staying with its first lines.
        _, height = self._para.wrap(avail_width - self._indent, avail_height)
        if height <= KEEP_WHOLE:
            return []
        parts = _halves(self._para.split(avail_width - self._indent, avail_height))
        if parts is None:
            return []
        head = _CheckPart(parts[0], self.box, self.gap, with_box=True)
        tail = _CheckPart(parts[1], self.box, self.gap, with_box=False)
        return [head, tail]

    def draw(self) -> None:
        _draw_box(self.canv, self.height, self.st, self.box)
        self._para.drawOn(self.canv, self._indent, 0)


class _CheckPart(Flowable):
    """A piece of a :class:`CheckItem` split across two pages (the box on the first piece)."""

    def __init__(self, paragraph: Paragraph, box: float, gap: float, *, with_box: bool) -> None:
        super().__init__()
        self._para = paragraph
        self.box = box
        self.gap = gap
        self.with_box = with_box

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        _, self.height = self._para.wrap(avail_width - self.box - self.gap, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts = _halves(self._para.split(avail_width - self.box - self.gap, avail_height))
        if parts is None:
            return []
        return [_CheckPart(parts[0], self.box, self.gap, with_box=self.with_box),
                _CheckPart(parts[1], self.box, self.gap, with_box=False)]

    def draw(self) -> None:
        if self.with_box:
            _draw_box(self.canv, self.height, self._para.style, self.box)
        self._para.drawOn(self.canv, self.box + self.gap, 0)


def _halves(parts: list[Flowable]) -> tuple[Paragraph, Paragraph] | None:
    """A paragraph's split in two (Paragraph.split answers paragraphs, typed as flowables), or
    None when it did not split."""
    if len(parts) < 2 or not isinstance(parts[0], Paragraph) or not isinstance(parts[1], Paragraph):
        return None
    return parts[0], parts[1]


def _draw_box(c: Canvas, height: float, st: ParagraphStyle, box: float) -> None:
    # Level with the first line: its baseline sits one font size below the top.
    baseline = height - st.fontSize * 1.0 - (st.leading - st.fontSize) / 2
    c.saveState()
    c.setLineWidth(0.7)
    c.rect(0, baseline - st.fontSize * 0.05, box, box, stroke=1, fill=0)
    c.restoreState()


def banner(value: str, st: ParagraphStyle, *, pad: float = 1.5 * mm) -> Table:
    """White text on a black bar (a priority ticket must stand out); wraps when long."""
    cell = Paragraph(text(value), ParagraphStyle(f"{st.name}-banner", parent=st, textColor=white))
    table = Table([[cell]], colWidths=[CONTENT_WIDTH])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else the table names Helvetica in the PDF
        ("BACKGROUND", (0, 0), (-1, -1), black),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 0.5),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]))
    table.spaceBefore = st.spaceBefore
    table.spaceAfter = st.spaceAfter
    return table


def label_value(rows: Iterable[tuple[str, Flowable | str]], label_style: ParagraphStyle,
                value_style: ParagraphStyle, *, width: float, label_width: float, gap: float = 2 * mm,
                space: float = 1.2 * mm) -> Table:
    """A two-column block, "Label:  value", the value wrapping in its column (plain strings
    are escaped data). Splits between rows when it meets a page end."""
    data = []
    for label, value in rows:
        cell = value if isinstance(value, Flowable) else para(value, value_style)
        data.append([Paragraph(text(label), label_style), cell])
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else the table names Helvetica in the PDF
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), gap),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), space),
    ]))
    return table


def roll_pdf(flowables: Sequence[Flowable], *, title: str, subject: str = "") -> bytes:
    """One 80 mm wide page exactly as tall as ``flowables`` laid out top to bottom.

    Each flowable is wrapped once against the printable width (so Paragraphs wrap, Tables
    size their rows), the page height is the sum of the heights and spaces, and the
    flowables are drawn in that order, each aligned by its ``hAlign``.
    """
    placed = []
    total = 0.0
    for i, f in enumerate(flowables):
        before = f.getSpaceBefore() if i else 0.0
        w, h = f.wrap(CONTENT_WIDTH, _UNBOUNDED)
        after = f.getSpaceAfter() if i < len(flowables) - 1 else 0.0
        placed.append((f, before, w, h, after))
        total += before + h + after
    height = MARGIN_TOP + total + MARGIN_BOTTOM

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_WIDTH, height), pageCompression=1, invariant=1,
               initialFontName=REGULAR)  # type: ignore[arg-type]  # types-reportlab: initialFontName is a str
    c.setTitle(title)
    c.setSubject(subject)
    c.setAuthor("MotCua")
    c.setCreator("MotCua")
    y = height - MARGIN_TOP
    for f, before, w, h, after in placed:
        y -= before + h
        f.drawOn(c, MARGIN_X, y, _sW=CONTENT_WIDTH - w)  # type: ignore[call-arg]  # types-reportlab lacks _sW
        y -= after
    c.showPage()
    c.save()
    return buffer.getvalue()


__all__ = [
    "BOLD", "CAP_HEIGHT", "CONTENT_WIDTH", "ITALIC", "MARGIN_BOTTOM", "MARGIN_TOP", "MARGIN_X", "PAGE_WIDTH",
    "REGULAR", "TA_CENTER", "TA_LEFT", "BigText", "CheckItem", "Rule", "banner", "label_value", "local",
    "para", "roll_pdf", "style", "text",
]
