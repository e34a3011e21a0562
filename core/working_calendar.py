"""The office's working calendar: which days count, and which hours of them.

Processing times in Vietnam count official working days: Monday to Friday, minus public
holidays and the extra days off the government announces each year, plus the official
make-up Saturdays/Sundays that pay those days back. National holidays come from the
``holidays`` package (Vietnam calendar, computed on the Vietnamese lunar calendar), which
also knows the announced swaps it has been taught (e.g. 2026-08-31 off, 2026-08-22 worked).
The office keeps an editable table on top (``days_off`` / ``working_days``) because the
government announces swaps each year, sometimes late.

All wall-clock times are in the office's time zone, :data:`OFFICE_TZ` (UTC+7, no DST).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

import holidays as _holidays

from core.errors import ValidationError
from core.i18n import LazyText, lazy_gettext

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: One working day is always eight working hours, whatever the office's opening hours
#: (production systems keep durations in hours, 1 working day = 8 h).
WORKING_DAY = timedelta(hours=8)

_DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)


def _parse_hhmm(value: str | time, what: LazyText) -> time:
    if isinstance(value, time):
        return value
    try:
        hh, mm = str(value).strip().split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            lazy_gettext("Invalid time ({what}): {value}; it must look like HH:MM", what=what, value=repr(value)),
            field="working_hours",
        ) from exc


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


@dataclass(frozen=True)
class WorkingHours:
    """Daily working periods (wall-clock times in OFFICE_TZ) and the same-day cutoff.

    Periods must be ordered and must not overlap. They need not add up to eight hours: a
    working day still counts as eight working hours (:data:`WORKING_DAY`), so an office
    with shorter hours simply spreads a day of processing over more than one calendar day.
    """

    periods: tuple[tuple[time, time], ...] = _DEFAULT_PERIODS
    same_day_cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        periods = tuple((s, e) for s, e in self.periods)
        object.__setattr__(self, "periods", periods)
        if not periods:
            raise ValidationError(lazy_gettext("At least one period of working hours is needed"), field="working_hours")
        for start, end in periods:
            if not isinstance(start, time) or not isinstance(end, time):
                raise ValidationError(lazy_gettext("Working hours must be hours:minutes"), field="working_hours")
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValidationError(lazy_gettext("Working hours are local times, without a time zone"),
                                      field="working_hours")
            if not start < end:
                raise ValidationError(
                    lazy_gettext("Period {start}–{end}: the start must be before the end", start=_hhmm(start),
                                 end=_hhmm(end)),
                    field="working_hours",
                )
        for (_, prev_end), (next_start, _) in zip(periods, periods[1:]):
            if next_start < prev_end:
                raise ValidationError(
                    lazy_gettext("Periods of working hours must be in order and must not overlap"),
                    field="working_hours",
                )
        # A cutoff after closing would make a same-day dossier due before it was received.
        if self.same_day_cutoff > periods[-1][1]:
            raise ValidationError(
                lazy_gettext("The same-day cutoff must not be after closing time"), field="same_day_cutoff"
            )

    @property
    def opening(self) -> time:
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        return self.periods[-1][1]

    @property
    def daily_duration(self) -> timedelta:
        return sum(
            (datetime.combine(date.min, e) - datetime.combine(date.min, s) for s, e in self.periods),
            timedelta(),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "periods": [[_hhmm(s), _hhmm(e)] for s, e in self.periods],
            "same_day_cutoff": _hhmm(self.same_day_cutoff),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkingHours:
        kwargs: dict[str, Any] = {}
        if "periods" in data:
            try:
                kwargs["periods"] = tuple(
                    (_parse_hhmm(s, lazy_gettext("start of a working period")),
                     _parse_hhmm(e, lazy_gettext("end of a working period"))) for s, e in data["periods"]
                )
            except (TypeError, ValueError) as exc:
                raise ValidationError(lazy_gettext("Invalid list of working periods"), field="working_hours") from exc
        if "same_day_cutoff" in data:
            kwargs["same_day_cutoff"] = _parse_hhmm(data["same_day_cutoff"], lazy_gettext("same-day cutoff time"))
        return cls(**kwargs)


_LANGUAGES = {"vi": "vi", "en": "en_US", "en_US": "en_US"}
_populate_lock = Lock()


@lru_cache(maxsize=4)
def _vietnam_holidays(language: str) -> _holidays.HolidayBase:
    # One expanding holiday object per language, shared by all calendars: computing a year
    # of lunar holidays is the slow part, and the object only ever grows by whole years.
    try:
        lang = _LANGUAGES[language]
    except KeyError:
        raise ValueError(f"unsupported language {language!r}; use 'vi' or 'en'") from None
    return _holidays.country_holidays("VN", language=lang)


def _populate(h: _holidays.HolidayBase, year: int) -> None:
    # Swaps can cross a year boundary (the 2015 entry makes 2014-12-27 a working Saturday,
    # the 2018 one 2019-01-05), so a year's make-up days are only complete once the years
    # around it are loaded too. Loading mutates the shared object: one thread at a time.
    needed = (year - 1, year, year + 1)
    if all(y in h.years for y in needed):
        return
    with _populate_lock:
        for y in needed:
            if y not in h.years:
                h.get(date(y, 1, 1))


def national_holidays(year: int, language: str = "vi") -> list[tuple[date, str]]:
    """Public holidays, observed and substituted days off in ``year``, sorted by date."""
    h = _vietnam_holidays(language)
    _populate(h, year)
    return sorted((d, name) for d, name in h.items() if d.year == year)


def national_makeup_days(year: int, language: str = "vi") -> list[tuple[date, str]]:
    """Official make-up working weekend days in ``year`` (paying back a substituted day off).

    Taken from the ``holidays`` package's ``weekend_workdays``; each is labelled after the
    day off it pays for, found by the "substituted from dd/mm/yyyy" holiday name.
    """
    h = _vietnam_holidays(language)
    _populate(h, year)
    result = []
    for d in sorted(x for x in h.weekend_workdays if x.year == year):
        key_vi, key_en = d.strftime("%d/%m/%Y"), d.strftime("%m/%d/%Y")
        paid_for = sorted(
            off for off, name in h.items() if abs(off.year - year) <= 1 and (key_vi in name or key_en in name)
        )
        if _LANGUAGES[language] == "vi":
            label = "Ngày làm bù" + (f" cho ngày nghỉ {paid_for[0].strftime('%d/%m/%Y')}" if paid_for else "")
        else:
            label = "Make-up working day" + (f" for the day off on {paid_for[0].isoformat()}" if paid_for else "")
        result.append((d, label))
    return result


class WorkingCalendar:
    """Working days and working moments of one office.

    ``days_off`` are extra official days off (the office's editable table); ``working_days``
    are official make-up working days (usually Saturdays). The office tables win over the
    national calendar: a date in ``working_days`` works even if it is a national holiday.
    With ``national_holidays=False`` only the office tables count, for an office whose table
    was seeded from :func:`national_holidays` / :func:`national_makeup_days` and then edited.
    """

    def __init__(
        self,
        hours: WorkingHours | None = None,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        national_holidays: bool = True,
    ) -> None:
        self.hours = hours if hours is not None else WorkingHours()
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        overlap = self.days_off & self.working_days
        if overlap:
            first = min(overlap)
            raise ValidationError(
                lazy_gettext("{day} is both a day off and a make-up working day", day=first.strftime("%d/%m/%Y")),
                field="days_off",
            )
        self.uses_national_holidays = national_holidays

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(hours={self.hours!r}, days_off={len(self.days_off)} dates, "
            f"working_days={len(self.working_days)} dates, national_holidays={self.uses_national_holidays})"
        )

    # --- days -------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = d.date()
        if d in self.working_days:
            return True
        if d in self.days_off:
            return False
        weekend = d.weekday() >= 5
        if not self.uses_national_holidays:
            return not weekend
        h = _vietnam_holidays("vi")
        _populate(h, d.year)
        if weekend:
            return d in h.weekend_workdays
        return d not in h

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d = d + timedelta(days=1)
        for _ in range(366):
            if self.is_working_day(d):
                return d
            d += timedelta(days=1)
        raise ValidationError(lazy_gettext("There is no working day in the coming year"), field="days_off")

    def working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    # --- moments ----------------------------------------------------------------------

    def working_periods(self, d: date) -> list[tuple[datetime, datetime]]:
        """The day's working periods as aware datetimes in OFFICE_TZ ([] on a day off)."""
        if not self.is_working_day(d):
            return []
        return [
            (datetime.combine(d, s, tzinfo=OFFICE_TZ), datetime.combine(d, e, tzinfo=OFFICE_TZ))
            for s, e in self.hours.periods
        ]

    def closing_time(self, d: date) -> datetime:
        """End of the last working period on ``d`` (whether or not ``d`` is a working day)."""
        return datetime.combine(d, self.hours.closing, tzinfo=OFFICE_TZ)

    def opening_time(self, d: date) -> datetime:
        return datetime.combine(d, self.hours.opening, tzinfo=OFFICE_TZ)

    def is_working_moment(self, dt: datetime) -> bool:
        """True if ``dt`` lies inside a working period, start included, end excluded."""
        local = to_office_time(dt)
        return any(s <= local < e for s, e in self.working_periods(local.date()))

    def next_working_moment(self, dt: datetime) -> datetime:
        """``dt`` itself if it lies in a period [start, end), else the start of the next one."""
        local = to_office_time(dt)
        for start, end in self.working_periods(local.date()):
            if local < start:
                return start
            if local < end:
                return local
        return self.working_periods(self.next_working_day(local.date()))[0][0]

    # --- national calendar -------------------------------------------------------------

    @staticmethod
    def national_holidays(year: int, language: str = "vi") -> list[tuple[date, str]]:
        """National days off in ``year``, for seeding the office's editable holiday table."""
        return national_holidays(year, language)

    @staticmethod
    def national_makeup_days(year: int, language: str = "vi") -> list[tuple[date, str]]:
        """National make-up working weekend days in ``year``, for seeding ``working_days``."""
        return national_makeup_days(year, language)


def to_office_time(dt: datetime) -> datetime:
    """Convert an aware datetime to OFFICE_TZ; naive datetimes are refused (ambiguous)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return dt.astimezone(OFFICE_TZ)


__all__ = [
    "OFFICE_TZ",
    "WORKING_DAY",
    "WorkingCalendar",
    "WorkingHours",
    "national_holidays",
    "national_makeup_days",
    "to_office_time",
]
