"""The training clock: apps that live at a chosen office time (``--now "2026-12-08 09:00"``).

A demonstration or a training session outside office hours needs the office to be open:
at night the kiosk refuses numbers and the counter has nothing due today. The apps already
read every "now" from their context's clock (the seam the tests use); a training clock
starts at the chosen office time and runs on from there at the real pace, measured on the
monotonic clock, so what the wall clock says (night, or a clock changed meanwhile) never
shows through.

What is made under it is not real service: the apps show a "training" badge on every
window, and the database it runs on is kept away from the centre (local_db/training.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from core.errors import ValidationError
from core.i18n import lazy_gettext
from core.working_calendar import OFFICE_TZ

FORMAT = "%Y-%m-%d %H:%M"


class TrainingClock:
    """Aware UTC now, starting at ``start`` when made and running at the real pace."""

    def __init__(self, start: datetime, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("a training clock starts at an aware moment")
        self.start = start.astimezone(timezone.utc)
        self._monotonic = monotonic
        self._started = monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self._monotonic() - self._started)

    def __repr__(self) -> str:
        return f"TrainingClock(start={self.start.astimezone(OFFICE_TZ):{FORMAT}} office time)"


def parse_office_time(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` in office time (UTC+7), as an aware UTC moment."""
    try:
        local = datetime.strptime(text.strip(), FORMAT)
    except ValueError as exc:
        raise ValidationError(lazy_gettext("The training time must read YYYY-MM-DD HH:MM (office time), for example "
                                           "2026-12-08 09:00; got {text}.", text=text), field="now",
                              code="bad_training_time") from exc
    return local.replace(tzinfo=OFFICE_TZ).astimezone(timezone.utc)


def training_clock(text: str) -> TrainingClock:
    """The clock of ``--now TEXT``."""
    return TrainingClock(parse_office_time(text))


__all__ = ["FORMAT", "TrainingClock", "parse_office_time", "training_clock"]
