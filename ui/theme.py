"""The one theme: a stylesheet template (theme.qss) and its variants.

Screens never set colours or sizes themselves; they give widgets a ``role`` property
(``title``, ``huge``, ``choice``, ``primary``, ``key``, ...) and the stylesheet does the
rest, so the large-text and high-contrast modes change every screen at once. Sizes are
in pixels for the 1080-wide kiosk panel (``desk``: for the counter's desktop window); the
large-text mode scales them by 1.3. No state
is told by colour alone: error and success labels also carry words and a border.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from printing.fonts import FAMILY

MIN_TOUCH_PX = 64  # every touch target on the 1080x1920 panel, at normal size

_TEMPLATE = Template((Path(__file__).resolve().parent / "theme.qss").read_text(encoding="utf-8"))

_DESK_SIZES = {  # the counter's desktop window on a 1920x1080 monitor, used with a mouse and keyboard
    "body": 15, "small": 13, "subtitle": 17, "title": 24, "big": 28, "huge": 72, "button": 15,
    "choice": 56, "choice_text": 17, "key": 15, "big_input": 16, "touch": 34, "pad": 8,
}
_SIZES = {  # px at normal size
    "body": 28, "small": 24, "subtitle": 30, "title": 44, "big": 56, "huge": 180, "button": 28,
    "choice": 132, "choice_text": 36, "key": 32, "big_input": 34, "touch": MIN_TOUCH_PX, "pad": 14,
}
_NORMAL = {
    "fg": "#1b1f24", "bg": "#f4f6f8", "panel": "#ffffff", "border": "#8a96a3", "muted": "#5b6670",
    "accent": "#0b5cad", "accent_fg": "#ffffff", "accent_pressed": "#084a8c", "link": "#0b5cad",
    "button_bg": "#ffffff", "button_fg": "#1b1f24", "pressed": "#dde7f2", "disabled_bg": "#e3e7eb",
    "input_bg": "#ffffff", "header_bg": "#0b5cad", "header_fg": "#ffffff",
    "error_fg": "#7a1010", "error_bg": "#fdecec", "error_border": "#b42318",
    "ok_fg": "#0d4d25", "ok_bg": "#e8f6ec", "ok_border": "#1e7b3a",
    "info_bg": "#eef4fb", "info_border": "#0b5cad",
    "warn_bg": "#fff5d6", "warn_border": "#a86b00",
}
_HIGH_CONTRAST = {
    "fg": "#ffffff", "bg": "#000000", "panel": "#000000", "border": "#ffffff", "muted": "#e0e0e0",
    "accent": "#ffd400", "accent_fg": "#000000", "accent_pressed": "#ffea70", "link": "#ffd400",
    "button_bg": "#000000", "button_fg": "#ffffff", "pressed": "#333333", "disabled_bg": "#333333",
    "input_bg": "#000000", "header_bg": "#000000", "header_fg": "#ffffff",
    "error_fg": "#ffffff", "error_bg": "#000000", "error_border": "#ff5c5c",
    "ok_fg": "#ffffff", "ok_bg": "#000000", "ok_border": "#5cff8a",
    "info_bg": "#000000", "info_border": "#ffd400",
    "warn_bg": "#000000", "warn_border": "#ffd400",
}


@dataclass(frozen=True)
class Theme:
    large_text: bool = False
    high_contrast: bool = False
    desk: bool = False  # the counter's desktop sizes instead of the kiosk panel's

    @property
    def scale(self) -> float:
        return 1.3 if self.large_text else 1.0

    def px(self, name: str) -> int:
        """A size of the theme in pixels (for the few widgets that draw themselves)."""
        return round((_DESK_SIZES if self.desk else _SIZES)[name] * self.scale)

    def color(self, name: str) -> str:
        return (_HIGH_CONTRAST if self.high_contrast else _NORMAL)[name]

    def stylesheet(self) -> str:
        values: dict[str, str | int] = {name: self.px(name) for name in _SIZES}
        values.update(_HIGH_CONTRAST if self.high_contrast else _NORMAL)
        values["family"] = FAMILY
        # A row of ten keys must fit the panel's width whatever the text size: keys grow
        # taller and their letters bigger in large text, never wider than the touch minimum.
        values["key_width"] = _DESK_SIZES["touch"] if self.desk else MIN_TOUCH_PX
        return _TEMPLATE.substitute(values)


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Restyle the whole application (every widget is polished again: skipped when nothing
    changes)."""
    sheet = theme.stylesheet()
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    app.setProperty("motcua_theme", theme)


def current_theme(app: QApplication | None = None) -> Theme:
    instance = app or QApplication.instance()
    theme = instance.property("motcua_theme") if instance is not None else None
    return theme if isinstance(theme, Theme) else Theme()


def set_role(widget: QWidget, role: str) -> QWidget:
    """Give a widget its role in the stylesheet (re-polished if it is already shown)."""
    return set_role_property(widget, "role", role)


def set_role_property(widget: QWidget, name: str, value: object) -> QWidget:
    """Set a property the stylesheet selects on (``role``, ``on``) and re-polish."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    # Without this a widget already shown keeps its old padding and border in its size hint.
    QApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))
    return widget
