"""Phrases several kiosk screens say the same way (a waiting time, the counters to go to)."""

from __future__ import annotations

from core.i18n import _, ngettext


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
