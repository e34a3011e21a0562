"""The board's words, in the current language (msgctxt "display board": its own catalogue,
core/locale/vi/display.po, so another screen's "Waiting" never changes the board's)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from core.i18n import current_language, pgettext


def counter_words(number: int) -> str:
    return pgettext("display board", "Counter {n}").format(n=number)


def last_calls_words() -> str:
    return pgettext("display board", "Just called")


def waiting_words() -> str:
    return pgettext("display board", "Waiting")


def nobody_words() -> str:
    """On a counter's card while nobody is called there."""
    return pgettext("display board", "No number yet")


def to_counter_words(number: int | None) -> str:
    if number is None:
        return ""
    return pgettext("display board", "to counter {n}").format(n=number)


def no_counter_words() -> str:
    return pgettext("display board", "No counter is open yet. Please wait a moment.")


def no_calls_words() -> str:
    return pgettext("display board", "No number called yet today.")


def reconnecting_words() -> str:
    return pgettext("display board",
                    "Reconnecting to the office database… The numbers shown are the last ones received.")


def default_notice_words() -> str:
    """The ticker's line while the office has set no notice."""
    return pgettext("display board",
                    "Please take a number at the kiosk and wait until it is shown and called out. Thank you.")


def day_words(day: date) -> str:
    """``Thứ Hai, 23/11/2026`` / ``Monday, 23/11/2026``."""
    text = format_date(day, "EEEE, dd/MM/yyyy", locale=current_language())
    return text[:1].upper() + text[1:]


__all__ = ["counter_words", "day_words", "default_notice_words", "last_calls_words", "no_calls_words",
           "no_counter_words", "nobody_words", "reconnecting_words", "to_counter_words", "waiting_words"]
