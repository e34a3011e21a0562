"""Appointment slots with their two quotas, and the appointments booked into them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, IdMixin, OfficeOwned, TimestampMixin, utcnow


class Slot(IdMixin, TimestampMixin, OfficeOwned, Base):
    """A time window of one service on one day.

    The office quota (kiosk, counter, phone) and the online quota are kept apart so that
    bookings made offline in the office can never collide with bookings made online.
    The booked counts are kept on the row and moved by conditional updates, so no quota
    is exceeded even when two machines book the last place at once.
    """

    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("office_code", "service_id", "day", "start_time"),
        CheckConstraint("office_booked >= 0 AND office_booked <= office_quota", name="office_quota"),
        CheckConstraint("online_booked >= 0 AND online_booked <= online_quota", name="online_quota"),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service.id"))
    day: Mapped[date]
    start_time: Mapped[time]
    end_time: Mapped[time]
    office_quota: Mapped[int] = mapped_column(default=0)
    online_quota: Mapped[int] = mapped_column(default=0)
    office_booked: Mapped[int] = mapped_column(default=0)
    online_booked: Mapped[int] = mapped_column(default=0)


class Appointment(IdMixin, TimestampMixin, OfficeOwned, Base):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_slot_status", "slot_id", "status"),)

    code: Mapped[str] = mapped_column(String(16), unique=True)
    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("slot.id"))
    procedure_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("procedure.id"))
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # kiosk / counter / phone / online
    status: Mapped[str] = mapped_column(String(16))  # a core.appointment_states.AppointmentStatus value
    booked_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(500), default="")


class AppointmentEvent(IdMixin, OfficeOwned, Base):
    __tablename__ = "appointment_event"

    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
