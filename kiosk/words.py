"""Phrases several kiosk screens say the same way (a waiting time, the counters to go to, a day)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from core.i18n import _, current_language, ngettext


def wait_words(minutes: int | None) -> str:
    if minutes is None:
        return _("Waiting time: not known yet")
    if minutes <= 0:
        return _("You will be called very soon")
    return ngettext("About {n} minute of waiting", "About {n} minutes of waiting", minutes).format(n=minutes)


def counters_words(counters: tuple[int, ...]) -> str:
    if not counters:
        return _("The counter will be shown when you are called")
    return ngettext("Go to counter {numbers} when called", "Go to counters {numbers} when called",
                    len(counters)).format(numbers=", ".join(str(n) for n in counters))


def no_counter_words() -> str:
    """Said instead of a wait for a service that no clerk is serving now."""
    return _("No counter is serving this right now")


def day_words(day: date) -> str:
    """``Thứ Hai, 23/11/2026`` / ``Monday, 23/11/2026``."""
    text = format_date(day, "EEEE, dd/MM/yyyy", locale=current_language())
    return text[:1].upper() + text[1:]


def closed_words(opens_at: datetime) -> str:
    """Why no number is given now, and when it will be (``opens_at`` in office time)."""
    return _("The office is closed now, so no number can be given. Numbers are given again from {time} "
             "on {day}.").format(time=f"{opens_at:%H:%M}", day=day_words(opens_at.date()))
