"""Screens draw Vietnamese with the shipped font, whatever fonts the OS has."""

from __future__ import annotations

import unicodedata

from PySide6.QtGui import QFontInfo, QFontMetrics

from ui.fonts import use_app_font

VIETNAMESE = "".join(
    unicodedata.normalize("NFC", base + mark)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for mark in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
) + "đĐ₫"


def test_the_application_font_is_the_shipped_family_and_covers_vietnamese(qapp):
    font = use_app_font(qapp, 14)
    assert QFontInfo(qapp.font()).family() == "Noto Sans"
    metrics = QFontMetrics(font)
    missing = [ch for ch in VIETNAMESE if not metrics.inFontUcs4(ord(ch))]
    assert missing == []
    assert metrics.horizontalAdvance("Nguyễn Thị Thuỷ Tiên") > 0
