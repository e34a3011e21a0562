"""The statuses of an appointment (docs/ARCHITECTURE.md §4), named once.

``booked -> checked_in`` (its queue ticket is issued) ``| no_show | cancelled``. The moves
themselves are local_db/ops/appointments.py's. The values are what the database stores and
the sync protocol carries, on both sides, so they never change.
"""

from __future__ import annotations

from enum import StrEnum


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


A = AppointmentStatus

#: Appointments that keep their place in the slot's quota (a cancelled one gives it back).
HOLDING: tuple[AppointmentStatus, ...] = (A.BOOKED, A.CHECKED_IN, A.NO_SHOW)
