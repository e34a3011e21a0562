"""What every screen of the kiosk's booking flow shares: the base screen, the words for a
time window and for the free places, and the choice the screen tour shows. A module of its
own so that the search/day/slot screens (``view``) and the details/done screens
(``details``) both import it without importing each other.
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtWidgets import QWidget

from core.i18n import _, ngettext
from kiosk.booking.model import (
    ProcedureChoice,
    SlotChoice,
    bookable_days,
    day_slots,
    search_procedures,
)
from kiosk.context import KioskContext
from ui.screen import Screen
from ui.tasks import TaskRunner


def window_words(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def free_words(free: int) -> str:
    if free <= 0:
        return _("Fully booked")
    return ngettext("{n} place free", "{n} places free", free).format(n=free)


class BookingScreen(Screen):
    """A screen of the booking flow: the kiosk's context and its TaskRunner."""

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks


def tour_choice(ctx: KioskContext) -> tuple[ProcedureChoice | None, date | None, SlotChoice | None]:
    """For the tour: a procedure a citizen could book, its first day with free places and
    that day's first free slot (reads only)."""
    procedures = search_procedures(ctx, "khai sinh") or search_procedures(ctx)
    if not procedures:
        return None, None, None
    procedure = procedures[0]
    day = next((d.day for d in bookable_days(ctx, procedure.service_code) if d.open), None)
    slot = next((s for s in day_slots(ctx, procedure.service_code, day) if s.bookable), None) if day else None
    return procedure, day, slot


__all__ = ["BookingScreen", "free_words", "tour_choice", "window_words"]
