"""What the appointments page shows, as frozen rows read once: services, slots and their bookings, a move's outcome, hits, choices."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from core.appointment_states import AppointmentStatus
from core.citizen import mask_phone
from core.i18n import localized
from core.text import fold


def _pick(vi: str | None, en: str | None) -> str:
    return localized(vi, en)


@dataclass(frozen=True)
class ServiceOption:
    code: str
    prefix: str
    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        return _pick(self.name_vi, self.name_en)


@dataclass(frozen=True)
class ApptRow:
    """One appointment of the day as the clerk sees it (full phone: staff only see this page)."""

    id: uuid.UUID
    code: str
    citizen_name: str
    phone: str
    status: str  # booked / checked_in / no_show / cancelled
    source: str  # kiosk / phone / counter / online
    ticket_code: str | None
    procedure_code: str | None
    procedure_name_vi: str
    procedure_name_en: str
    booked_at: datetime
    checked_in_at: datetime | None
    window_closed: bool  # the check-in window is over (a booked one is then absent)

    @property
    def procedure_name(self) -> str:
        return _pick(self.procedure_name_vi, self.procedure_name_en)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    @property
    def overdue(self) -> bool:
        return self.booked and self.window_closed


@dataclass(frozen=True)
class SlotRow:
    id: uuid.UUID
    service: ServiceOption
    day: date
    start: time
    end: time
    office_quota: int
    office_booked: int
    online_quota: int
    online_booked: int
    check_in_from: datetime  # office-local
    check_in_until: datetime
    over: bool  # the slot has ended (no new booking)
    appointments: tuple[ApptRow, ...] = ()

    @property
    def office_free(self) -> int:
        return max(self.office_quota - self.office_booked, 0)

    @property
    def online_free(self) -> int:
        return max(self.online_quota - self.online_booked, 0)

    @property
    def bookable(self) -> bool:
        return not self.over and self.office_free > 0


@dataclass(frozen=True)
class Done:
    """What a move did, for the page's status line."""

    kind: str
    code: str = ""  # appointment code
    ticket_code: str = ""
    count: int = 0
    day: date | None = None
    start: time | None = None
    end: time | None = None
    print_job_id: uuid.UUID | None = None
    appointment_id: uuid.UUID | None = None
    slot_id: uuid.UUID | None = None


@dataclass(frozen=True)
class DayView:
    day: date
    today: date
    prev_day: date  # the working days around it (the day picker's Alt+Left / Alt+Right)
    next_day: date
    working_day: bool
    services: tuple[ServiceOption, ...]
    slots: tuple[SlotRow, ...]  # by time, then service order
    can_manage: bool  # the clerk may change capacity and create slots (supervisor, admin)
    read_at: datetime
    done: Done | None = field(default=None)

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    def slots_of(self, service_code: str | None) -> tuple[SlotRow, ...]:
        if not service_code:
            return self.slots
        return tuple(s for s in self.slots if s.service.code == service_code)

    @property
    def overdue(self) -> int:
        """Booked appointments of the day whose check-in window has closed."""
        return sum(1 for s in self.slots for a in s.appointments if a.overdue)

    def find(self, appointment_id: uuid.UUID) -> tuple[SlotRow, ApptRow] | None:
        for s in self.slots:
            for a in s.appointments:
                if a.id == appointment_id:
                    return s, a
        return None

    def slot(self, slot_id: uuid.UUID) -> SlotRow | None:
        return next((s for s in self.slots if s.id == slot_id), None)


@dataclass(frozen=True)
class SearchHit:
    id: uuid.UUID
    code: str
    day: date
    start: time
    end: time
    status: str
    citizen_name: str
    service_code: str


@dataclass(frozen=True)
class ProcedureOption:
    code: str
    name_vi: str
    name_en: str
    service_code: str
    folded: str  # what the folded search looks in

    @property
    def name(self) -> str:
        return _pick(self.name_vi, self.name_en)

    def matches(self, query: str) -> bool:
        return all(w in self.folded for w in fold(query).split())


@dataclass(frozen=True)
class SlotChoices:
    """The bookable future: procedures (booking only) and the slots of the next working
    days with their free office places, read once when a dialog opens."""

    days: tuple[date, ...]
    slots: tuple[SlotRow, ...]
    procedures: tuple[ProcedureOption, ...] = ()
    services: tuple[ServiceOption, ...] = ()

    def slots_for(self, service_code: str, day: date | None = None) -> tuple[SlotRow, ...]:
        return tuple(s for s in self.slots if s.service.code == service_code and (day is None or s.day == day))

    def matching(self, query: str) -> tuple[ProcedureOption, ...]:
        return tuple(p for p in self.procedures if p.matches(query))


__all__ = ["ApptRow", "DayView", "Done", "ProcedureOption", "SearchHit", "ServiceOption", "SlotChoices", "SlotRow"]
