"""Queue tickets and their append-only history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, IdMixin, OfficeOwned, TimestampMixin, utcnow


class Ticket(IdMixin, TimestampMixin, OfficeOwned, Base):
    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("office_code", "service_id", "day", "number"),
        # waiting queues, and the latest finished tickets of a queue for its service time
        Index("ix_ticket_queue", "office_code", "day", "status", "queue_service_id", "finished_at"),
        # a counter's latest calls (the no-starvation rule, the counter's current ticket)
        Index("ix_ticket_counter_calls", "office_code", "day", "counter_id", "called_at"),
        Index("ix_ticket_appointment", "appointment_id"),
    )

    # The service that numbered the ticket (A015 stays A015 and unique for it all day), and
    # the queue it waits in now: the same until a transfer sends it to another service.
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service.id"))
    queue_service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service.id"))
    day: Mapped[date]  # the office's local date: numbers restart at its midnight
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(12))  # prefix + at least 3 digits: A015, A1000
    priority_reason: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # walk_in / appointment / counter
    status: Mapped[str] = mapped_column(String(16))  # a core.ticket_states.TicketStatus value
    counter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counter.id"))
    target_counter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counter.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))
    issued_at: Mapped[datetime]
    queued_at: Mapped[datetime]  # arrival order; a transfer keeps it so nobody loses their turn
    called_at: Mapped[datetime | None]
    serving_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    call_count: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default="")


class TicketEvent(IdMixin, OfficeOwned, Base):
    __tablename__ = "ticket_event"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(16))
    counter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counter.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
