"""The board's sizes and its stylesheet (display/board.qss, filled in for one window).

Every size is a share of the window's height, so the board reads the same from the back
of the hall on a 1080p TV and on a 4K one. Colours are the shared theme's (ui/theme.py),
so the high-contrast variant changes the board too.
"""

from __future__ import annotations

import math
from pathlib import Path
from string import Template

from ui.theme import Theme

HEIGHT = 1080  # the board is made for 1920x1080 (landscape)
BOARD_SIZE = (1920, 1080)
CODE_MIN_SHARE = 0.10  # a called number is at least this share of the screen's height (issue 6)
CODE_MAX_SHARE = 0.22

SHARES = {  # of the window's height
    "office": 0.046, "clock": 0.072, "date": 0.028, "header": 0.11,
    "card_title": 0.056, "card_name": 0.026, "card_border": 0.003, "flash_border": 0.008, "empty": 0.045,
    "side_title": 0.032, "call_code": 0.05, "call_to": 0.034, "wait": 0.03,
    "status": 0.03, "ticker": 0.044, "ticker_bar": 0.075, "margin": 0.022, "gap": 0.02,
}
_TEMPLATE = Template((Path(__file__).resolve().parent / "board.qss").read_text(encoding="utf-8"))
_COLOURS = ("fg", "bg", "panel", "border", "muted", "accent", "accent_fg", "header_bg", "header_fg",
            "info_bg", "info_border", "warn_bg", "warn_border")


def px(name: str, height: int) -> int:
    return max(1, round(SHARES[name] * height))


def code_px_range(height: int) -> tuple[int, int]:
    """Smallest and largest pixel size of a called number in a window ``height`` high."""
    return math.ceil(CODE_MIN_SHARE * height), round(CODE_MAX_SHARE * height)


def board_stylesheet(height: int, theme: Theme) -> str:
    values: dict[str, str | int] = {name: px(name, height) for name in SHARES}
    values.update({name: theme.color(name) for name in _COLOURS})
    return _TEMPLATE.substitute(values)


__all__ = ["BOARD_SIZE", "CODE_MAX_SHARE", "CODE_MIN_SHARE", "HEIGHT", "SHARES", "board_stylesheet",
           "code_px_range", "px"]
