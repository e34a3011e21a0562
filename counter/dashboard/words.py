"""What the dashboard says in words: numbers as a Vietnamese (or English) reader writes them, the period, failures."""

from __future__ import annotations

from datetime import date

from core.errors import MotcuaError
from core.i18n import _, current_language, ngettext, pgettext
from core.working_calendar import OFFICE_TZ
from local_db.ops.dashboard import Dashboard, percent
from ui.failures import failure_words


def period_words(period: str) -> str:
    return {
        "today": pgettext("counter dashboard", "Today"),
        "7d": pgettext("counter dashboard", "7 days"),
        "30d": pgettext("counter dashboard", "30 days"),
        "month": pgettext("counter dashboard", "This month"),
    }[period]


def count_words(n: int) -> str:
    """1.075 in Vietnamese, 1,075 in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if current_language() == "vi" else text


def number_words(value: float | None, decimals: int = 1) -> str:
    """12,5 in Vietnamese, 12.5 in English; "–" for no value."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if current_language() == "vi" else text


def percent_words(share: float | None) -> str:
    value = percent(share)
    return "–" if value is None else number_words(value) + "%"


def minutes_words(value: float | None) -> str:
    return "–" if value is None else pgettext("dashboard", "{minutes} min").format(minutes=number_words(value))


def date_words(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def period_line(d: Dashboard) -> str:
    """"Từ ngày 17/11/2026 đến ngày 19/11/2026 · Số liệu tính đến 15:30 19/11/2026"."""
    if d.since == d.until:
        days = pgettext("counter dashboard", "Day {day}").format(day=date_words(d.since))
    else:
        days = _("From {since} to {until}").format(since=date_words(d.since), until=date_words(d.until))
        n = (d.until - d.since).days + 1
        days += " " + ngettext("({n} day)", "({n} days)", n).format(n=count_words(n))
    when = d.now.astimezone(OFFICE_TZ).strftime("%H:%M %d/%m/%Y")
    return days + " · " + _("Figures as of {when}").format(when=when)


def error_words(exc: Exception) -> str:
    """A failed load in the supervisor's words."""
    return failure_words(exc, unavailable=pgettext(
        "counter dashboard", "The figures cannot be read from the office database right now. Choose the period again to retry."))


def save_error_words(exc: Exception) -> str:
    if isinstance(exc, MotcuaError):
        return exc.message
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return pgettext("counter dashboard", "The file could not be saved ({reason}). Choose another folder and try again.").format(reason=reason)
    return failure_words(exc, unavailable=pgettext("counter dashboard", "The report could not be made. Please try again."))


def print_problem_words(message: str) -> str:
    return pgettext("counter dashboard", "Printer problem: {message}. The report waits in the print queue and "
                    "prints when the printer is back.").format(message=message)


__all__ = ["count_words", "date_words", "error_words", "minutes_words", "number_words", "percent_words",
           "period_line", "period_words", "print_problem_words", "save_error_words"]
