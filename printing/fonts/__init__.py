"""The one font family of every screen and printout: Noto Sans, static TTF, shipped here.

Shipped in the repository (OFL, see OFL.txt) rather than taken from the OS, so a receipt
prints the same on every machine and no Vietnamese letter falls back to a box. The files
are subset to Latin, Vietnamese, punctuation and a few symbols; :func:`missing_glyphs`
tells whether a text can be drawn in full.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FAMILY = "Noto Sans"
FOLDER = Path(__file__).resolve().parent
FILES = {
    "regular": FOLDER / "NotoSans-Regular.ttf",
    "bold": FOLDER / "NotoSans-Bold.ttf",
    "italic": FOLDER / "NotoSans-Italic.ttf",
}
# reportlab names of the registered faces; documents use these.
REGULAR = "MotcuaSans"
BOLD = "MotcuaSans-Bold"
ITALIC = "MotcuaSans-Italic"


def font_file(style: str = "regular") -> Path:
    return FILES[style]


@cache
def register_reportlab() -> None:
    """Register the family with reportlab once per process (bold and italic map so that
    ``<b>`` and ``<i>`` in Paragraph markup pick the right face)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(REGULAR, str(FILES["regular"])))
    pdfmetrics.registerFont(TTFont(BOLD, str(FILES["bold"])))
    pdfmetrics.registerFont(TTFont(ITALIC, str(FILES["italic"])))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)


@cache
def covered_codepoints(style: str = "regular") -> frozenset[int]:
    """Every code point the face has a glyph for (its cmap)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(FILES[style])).charToGlyph)


def missing_glyphs(text: str, style: str = "regular") -> set[str]:
    """Characters of ``text`` the face cannot draw (control characters aside)."""
    have = covered_codepoints(style)
    return {ch for ch in text if ord(ch) not in have and ch not in "\n\r\t"}
