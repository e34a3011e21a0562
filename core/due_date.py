"""When a dossier is due: the processing time of a procedure laid over the working calendar.

Rules (docs/ARCHITECTURE.md §4, Decree 61 art. 18, Civil Status Law art. 5(3)):

* ``working_days``: N working days = N x 8 working hours counted from the receipt moment
  within working hours; a receipt outside them starts the clock at the next working moment.
  A due moment landing exactly on the end of a period stays there (17:00 is a due moment).
* ``same_day``: received at or before the cutoff (15:00:00) on a working day -> closing time
  that day (also for a receipt before opening); later, or on a non-working day (a Saturday
  morning opening receives but adds no processing time) -> closing time of the next
  working day.
* ``calendar_days``: receipt date + N calendar days, at closing time, moved to the next
  working day when that date is not one.
* With verification, ``verification_extra_days`` more working days (8 h each) are added;
  a same-day procedure then becomes that many working days from receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from core.errors import ValidationError
from core.i18n import _, language, lazy_gettext, ngettext
from core.working_calendar import OFFICE_TZ, WORKING_DAY, WorkingCalendar, to_office_time

ProcessingKind = Literal["same_day", "working_days", "calendar_days"]
PROCESSING_KINDS: tuple[str, ...] = ("same_day", "working_days", "calendar_days")


@dataclass(frozen=True)
class ProcessingTime:
    kind: ProcessingKind
    days: int = 0
    verification_extra_days: int = 0

    def __post_init__(self) -> None:
        if self.kind not in PROCESSING_KINDS:
            raise ValidationError(lazy_gettext("Invalid kind of processing time: {kind}", kind=repr(self.kind)),
                                  field="processing")
        for name in ("days", "verification_extra_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(lazy_gettext("A number of days must be a whole number, not negative ({name})", name=name),
                                      field="processing")
        if self.kind == "same_day" and self.days != 0:
            raise ValidationError(lazy_gettext("A same-day procedure has no number of days"), field="processing")
        if self.kind != "same_day" and self.days < 1:
            raise ValidationError(lazy_gettext("The processing time must be 1 day or more"), field="processing")

    @property
    def has_verification(self) -> bool:
        return self.verification_extra_days > 0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind != "same_day":
            data["days"] = self.days
        if self.verification_extra_days:
            data["verification_extra_days"] = self.verification_extra_days
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessingTime:
        if not isinstance(data, dict) or "kind" not in data:
            raise ValidationError(lazy_gettext("The kind of processing time is missing"), field="processing")
        return cls(
            kind=data["kind"],
            days=data.get("days", 0),
            verification_extra_days=data.get("verification_extra_days", 0),
        )

    def describe(self) -> str:
        """The processing time in plain words, in the current language (core.i18n)."""
        if self.kind == "same_day":
            base = _("Same day")
        elif self.kind == "working_days":
            base = ngettext("{n} working day", "{n} working days", self.days).format(n=self.days)
        else:
            base = ngettext("{n} calendar day", "{n} calendar days", self.days).format(n=self.days)
        extra = self.verification_extra_days
        if not extra:
            return base
        if self.kind == "same_day":
            return ngettext(
                "{base}; {n} working day if verification is needed",
                "{base}; {n} working days if verification is needed",
                extra,
            ).format(base=base, n=extra)
        return ngettext(
            "{base}; +{n} working day if verification is needed",
            "{base}; +{n} working days if verification is needed",
            extra,
        ).format(base=base, n=extra)

    def describe_vi(self) -> str:
        with language("vi"):
            return self.describe()

    def describe_en(self) -> str:
        with language("en"):
            return self.describe()


def add_working_time(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """The moment ``duration`` of working time after ``start`` (aware, in OFFICE_TZ).

    The clock starts at the next working moment at or after ``start``; a result that lands
    exactly on a period end stays there rather than jumping to the next opening.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    moment = calendar.next_working_moment(start)
    remaining = duration
    day = moment.date()
    while True:
        for period_start, period_end in calendar.working_periods(day):
            if period_end <= moment:
                continue
            begin = max(moment, period_start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day = calendar.next_working_day(day)
        moment = calendar.working_periods(day)[0][0]


def working_time_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> timedelta:
    """Working time elapsed from ``start`` to ``end`` (zero if ``end`` is not after ``start``)."""
    a, b = to_office_time(start), to_office_time(end)
    if b <= a:
        return timedelta(0)
    total = timedelta(0)
    day = a.date()
    while day <= b.date():
        for period_start, period_end in calendar.working_periods(day):
            lo, hi = max(a, period_start), min(b, period_end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def _same_day_due(received: datetime, calendar: WorkingCalendar) -> datetime:
    day = received.date()
    if calendar.is_working_day(day) and received.time() <= calendar.hours.same_day_cutoff:
        return calendar.closing_time(day)
    return calendar.closing_time(calendar.next_working_day(day))


def due_moment(
    received_at: datetime,
    processing: ProcessingTime,
    calendar: WorkingCalendar,
    *,
    with_verification: bool = False,
) -> datetime:
    """The moment a dossier received at ``received_at`` is due, aware in OFFICE_TZ."""
    received = to_office_time(received_at)
    extra = processing.verification_extra_days if with_verification else 0

    if processing.kind == "working_days":
        return add_working_time(received, WORKING_DAY * (processing.days + extra), calendar)

    if processing.kind == "same_day":
        if extra:
            return add_working_time(received, WORKING_DAY * extra, calendar)
        return _same_day_due(received, calendar)

    # calendar_days
    target = received.date() + timedelta(days=processing.days)
    due = calendar.closing_time(calendar.working_day_on_or_after(target))
    if extra:
        due = add_working_time(due, WORKING_DAY * extra, calendar)
    return due.astimezone(OFFICE_TZ)


__all__ = [
    "PROCESSING_KINDS",
    "ProcessingKind",
    "ProcessingTime",
    "add_working_time",
    "due_moment",
    "working_time_between",
]
