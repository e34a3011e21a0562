"""Load the shipped font family into Qt, so screens and printouts use the same letters.

The OS may have no Vietnamese-capable font at all (a minimal kiosk image), and a fallback
font renders diacritics misplaced; the application font is ours, from printing/fonts.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from printing.fonts import FAMILY, FILES


@cache
def install_fonts() -> str:
    """Register the family with Qt's font database (once per process) and return its name.
    Needs a QGuiApplication."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("install_fonts() needs a running QGuiApplication")
    families: set[str] = set()
    for path in FILES.values():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise RuntimeError(f"Qt could not load the font file {path.name}")
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    if FAMILY not in families:
        raise RuntimeError(f"font files hold {sorted(families)}, expected {FAMILY!r}")
    return FAMILY


def use_app_font(app: QGuiApplication, point_size: float = 12.0) -> QFont:
    """Make the shipped family the application's default font."""
    font = QFont(install_fonts())
    font.setPointSizeF(point_size)
    app.setFont(font)
    return font
