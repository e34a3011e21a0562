"""The title of each app's window: which app, which office, then the product.

Three windows all titled "MotCua" could not be told apart in a task bar, an Alt+Tab list or
a support screenshot. A title names the app first (what a person looks for), then the
office, then MotCua: "Quầy 1 — UBND Phường Ba Đình — MotCua". A window on the training
clock (ui/training.py) says so first, so a training counter is never taken for a real one.
"""

from __future__ import annotations

from core.i18n import pgettext
from ui.training import badge_text

PRODUCT = "MotCua"
SEPARATOR = " — "


def window_title(app: str, office: str, *, training: bool = False) -> str:
    """``app — office — MotCua`` (the office left out when not known yet)."""
    parts = [app, office, PRODUCT] if office else [app, PRODUCT]
    title = SEPARATOR.join(parts)
    return f"[{badge_text()}] {title}" if training else title


def kiosk_words() -> str:
    return pgettext("window title", "Kiosk")


def counter_words(number: int | None) -> str:
    if number is None:
        return pgettext("window title", "Counter desk")
    return pgettext("window title", "Counter {number}").format(number=number)


def board_words() -> str:
    return pgettext("window title", "Queue board")


__all__ = ["PRODUCT", "board_words", "counter_words", "kiosk_words", "window_title"]
