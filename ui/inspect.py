"""What a careful look at a screen would notice, as functions (tests and ``motcua tour``).

* :func:`elided_labels`: text that does not fit its label or button (a clipped Vietnamese
  word is often the one that mattered);
* :func:`small_targets`: touch targets under the minimum size;
* :func:`untranslated_texts`: English left on a Vietnamese screen — a visible text that is
  a msgid the Vietnamese catalogue translates (so it should have been shown translated);
* :func:`is_blank`: a near-uniform picture (a screen that failed to draw);
* :func:`overflow`: a window that needs more room than its panel (its minimum size, which
  a window manager or a full-screen panel would cut, not only its picture);
* :func:`contrast_ratio` and :func:`text_colours`: whether a text can be read on its
  background (WCAG 2's ratio; 4.5:1 for normal text).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from functools import cache
from typing import TypeVar

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QWidget,
)

from ui.theme import MIN_TOUCH_PX

SLACK_PX = 1  # rounding between font metrics and layout


W = TypeVar("W", bound=QWidget)


def _shown_tree(root: QWidget) -> list[QWidget]:
    """The widgets under ``root`` that are shown, in the order findChildren gives them.

    Walked by hand so a hidden subtree is skipped whole: a window holds every page of the
    app and only one is shown, so findChildren over all of them (and a visibility test of
    each) cost most of a look."""
    found: list[QWidget] = []

    def walk(parent: QWidget) -> None:
        for child in parent.children():
            if isinstance(child, QWidget) and not child.isHidden():
                if child.width() > 0 and child.height() > 0:
                    found.append(child)
                walk(child)

    walk(root)
    return found


def _visible(root: QWidget, kind: type[W]) -> list[W]:
    found = [w for w in _shown_tree(root) if isinstance(w, kind)]
    if isinstance(root, kind):
        found.insert(0, root)
    return found


def describe(widget: QWidget) -> str:
    """A short name for a finding: object name (or class) and the start of its text."""
    text = widget.text() if hasattr(widget, "text") else ""
    name = widget.objectName() or type(widget).__name__
    short = " ".join(str(text).split())
    return f"{name} {short[:60]!r}" if short else name


def elided_labels(root: QWidget) -> list[QWidget]:
    """Labels and buttons whose text does not fit them.

    A wrapping label needs ``heightForWidth(width)`` of height; a non-wrapping one needs
    its text's bounding rectangle inside its contents rectangle; a button needs its size
    hint (text plus the stylesheet's padding)."""
    found: list[QWidget] = []
    for lab in _visible(root, QLabel):
        text = lab.text()
        if not text or lab.pixmap() is not None and not lab.pixmap().isNull():
            continue
        if lab.wordWrap():
            need = lab.heightForWidth(lab.width())
            if need > lab.height() + SLACK_PX:
                found.append(lab)
            continue
        rect = lab.contentsRect()
        margin = lab.margin() * 2
        box = lab.fontMetrics().boundingRect(QRect(0, 0, 100_000, 100_000), int(lab.alignment()), text)
        if box.width() > rect.width() - margin + SLACK_PX or box.height() > rect.height() - margin + SLACK_PX:
            found.append(lab)
    for b in _visible(root, QAbstractButton):
        if not b.text():
            continue
        hint = b.sizeHint()
        if hint.width() > b.width() + SLACK_PX or hint.height() > b.height() + SLACK_PX:
            found.append(b)
    return found


def small_targets(root: QWidget, min_px: int = MIN_TOUCH_PX) -> list[str]:
    """Visible buttons, text fields and list rows smaller than ``min_px`` either way."""
    found: list[str] = []
    for w in _visible(root, QAbstractButton) + _visible(root, QLineEdit):
        if isinstance(w.parent(), QLineEdit):
            continue  # a line edit's own clear button: the field itself is the target
        if w.height() < min_px or w.width() < min_px:
            found.append(f"{describe(w)} {w.width()}x{w.height()}")
    for view in _visible(root, QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        for row in range(model.rowCount()):
            rect = view.visualRect(model.index(row, 0))
            if rect.isValid() and rect.intersects(view.viewport().rect()) and rect.height() < min_px:
                found.append(f"{describe(view)} row {row} {rect.height()} px high")
    return found


@cache
def _leak_patterns() -> tuple[frozenset[str], re.Pattern[str] | None]:
    """English msgids that Vietnamese translates differently: exact texts, and one pattern
    for the ones with {placeholders} (a formatted string that escaped translation) — one
    alternation, matched once per line: a thousand patterns tried one by one on every line
    of every screen were a seventh of a tour's time."""
    from core.i18n import load_catalog

    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for message in load_catalog("vi"):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
        for msgid in ids:
            if not msgid or msgid in strings or not re.search(r"[A-Za-z]{2}", msgid):
                continue
            for line in msgid.split("\n"):
                line = line.strip()
                if not re.search(r"[A-Za-z]{3}", line):
                    continue
                if "{" in line:
                    parts = re.split(r"\{[a-z_0-9]*\}", line)
                    if sum(len(p.strip()) for p in parts) >= 8:  # enough fixed words to be sure
                        patterns.append(re.compile(".+?".join(re.escape(p) for p in parts)))
                else:
                    exact.add(line)
    combined = re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None
    return frozenset(exact), combined


def _texts(root: QWidget) -> list[str]:
    texts = [w.text() for w in _visible(root, QLabel) + _visible(root, QAbstractButton)]
    texts += [w.placeholderText() for w in _visible(root, QLineEdit)]
    for view in _visible(root, QAbstractItemView):
        model = view.model()
        if model is not None:
            texts += [str(model.index(r, 0).data() or "") for r in range(model.rowCount())]
    return [t for t in texts if t]


def untranslated_texts(root: QWidget, lang: str | None = None) -> list[str]:
    """Visible English texts on a screen meant to be Vietnamese (empty for English)."""
    from core.i18n import current_language

    if (lang or current_language()) != "vi":
        return []
    exact, pattern = _leak_patterns()
    leaks: list[str] = []
    for text in _texts(root):
        for line in text.split("\n"):
            line = line.strip()
            if line in exact or pattern is not None and pattern.fullmatch(line):
                leaks.append(line)
    return leaks


def is_blank(image: QImage | QPixmap, tolerance: float = 0.002) -> bool:
    """True when (nearly) every pixel has the same colour: less than ``tolerance`` of a
    small copy differs from its most common colour."""
    img = image.toImage() if isinstance(image, QPixmap) else image
    if img.isNull() or img.width() == 0 or img.height() == 0:
        return True
    small = img.scaled(135, 240, Qt.AspectRatioMode.IgnoreAspectRatio,
                       Qt.TransformationMode.FastTransformation).convertToFormat(QImage.Format.Format_RGB32)
    pixels = array("I", bytes(small.constBits())[: small.sizeInBytes()])  # one 32-bit word a pixel
    counts = Counter(pixels)
    total = len(pixels)
    return (total - max(counts.values())) / total < tolerance


def overflow(window: QWidget, panel: tuple[int, int]) -> list[str]:
    """What of ``window`` does not fit a ``panel`` (width, height): its minimum size, the
    layout's (the size hint) and any set on it — what Qt holds the window to, whatever the
    panel. Empty when it fits. (A text that needs more height at its width than its label
    has is :func:`elided_labels`' finding.)

    The picture alone does not tell: offscreen, a window may be drawn at the panel's size
    while asking for more, and a real screen or window manager then cuts it."""
    width, height = panel
    need_w = max(window.minimumSizeHint().width(), window.minimumSize().width())
    need_h = max(window.minimumSizeHint().height(), window.minimumSize().height())
    found = []
    if need_w > width:
        found.append(f"wider than the {width}x{height} panel: needs {need_w} px")
    if need_h > height:
        found.append(f"taller than the {width}x{height} panel: needs {need_h} px")
    return found


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colours(widget: QWidget) -> tuple[QColor, QColor]:
    """The colour a widget's text is drawn in and the colour behind it, as the stylesheet
    paints them in the widget's present state (checked, high contrast...): read off its
    picture, since a state's colours are in no palette (a checked button's fill and text
    colour are applied as it paints). The background is the most common colour; the text's
    is, of the colours that cover a fair share of the rest (the cores of the letters, not
    their anti-aliased edges), the one that stands out most from the background."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    counts = Counter(array("I", bytes(image.constBits())[: image.sizeInBytes()]))
    (bg_rgb, bg_count), *rest = counts.most_common()
    background = QColor.fromRgb(bg_rgb)
    others = sum(n for _rgb, n in rest)
    common = [QColor.fromRgb(rgb) for rgb, n in rest if n >= 0.05 * others] or [background]
    return max(common, key=lambda c: contrast_ratio(c, background)), background
