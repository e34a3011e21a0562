"""Citizens, the dossiers they submit, the documents in them and their full history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, IdMixin, OfficeOwned, TimestampMixin, utcnow


class Citizen(IdMixin, TimestampMixin, OfficeOwned, Base):
    """A person's data, stored once and referenced by their dossiers and appointments."""

    __tablename__ = "citizen"

    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    cccd: Mapped[str | None] = mapped_column(String(12), index=True)
    phone: Mapped[str | None] = mapped_column(String(12), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[date | None]
    gender: Mapped[str] = mapped_column(String(8), default="")  # male / female / "" (shown translated)


# Prefix searches (token >= 'hoa' AND token < 'hoa\uffff') need byte order on PostgreSQL,
# whatever the server's locale: the C collation gives it and lets the index serve the range.
SortableText = lambda n: String(n).with_variant(String(n, collation="C"), "postgresql")  # noqa: E731


class CitizenNameToken(Base):
    """One folded word of a citizen's name: finds "nguyen van hoa" and "van hoa" by index."""

    __tablename__ = "citizen_name_token"
    __table_args__ = (Index("ix_citizen_name_token_citizen", "citizen_id"),)

    token: Mapped[str] = mapped_column(SortableText(60), primary_key=True)
    citizen_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"),
                                                  primary_key=True)


class Dossier(IdMixin, TimestampMixin, OfficeOwned, Base):
    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_status_due", "office_code", "status", "due_at"),
        Index("ix_dossier_applicant", "applicant_id", "received_at"),
    )

    code: Mapped[str] = mapped_column(SortableText(40), unique=True)  # <unit id>-<YYMMDD>-<NNNN>
    procedure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("procedure.id"))
    applicant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("citizen.id"))
    request_content: Mapped[str] = mapped_column(Text, default="")
    sets: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20))
    with_verification: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(index=True)
    clock_started_at: Mapped[datetime]  # receipt, or the last supplement (clock restarts)
    due_at: Mapped[datetime | None]  # None while waiting for a supplement (clock stopped)
    original_due_at: Mapped[datetime]
    ready_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reschedule_count: Mapped[int] = mapped_column(default=0)
    fee_vnd: Mapped[int] = mapped_column(default=0)
    fee_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fee_paid_vnd: Mapped[int] = mapped_column(default=0)
    counter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counter.id"))
    received_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ticket.id"))
    returned_to: Mapped[str] = mapped_column(String(200), default="")
    result_note: Mapped[str] = mapped_column(Text, default="")


class DossierDocument(IdMixin, OfficeOwned, Base):
    """One line of the documents checklist with original / certified / photocopy counts."""

    __tablename__ = "dossier_document"

    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(default=True)
    originals: Mapped[int] = mapped_column(default=0)
    certified: Mapped[int] = mapped_column(default=0)
    copies: Mapped[int] = mapped_column(default=0)
    missing: Mapped[bool] = mapped_column(default=False)


class DossierEvent(IdMixin, OfficeOwned, Base):
    __tablename__ = "dossier_event"

    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossier.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    counter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counter.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class IntakeDraft(IdMixin, TimestampMixin, OfficeOwned, Base):
    """An intake in progress at a counter, saved at every step of the wizard so that a
    closed window, a crash or a SIGKILL loses nothing typed. Local to the office (never
    synced); deleted when its dossier is saved or the clerk discards it."""

    __tablename__ = "intake_draft"
    __table_args__ = (Index("ix_intake_draft_device", "device_id", "updated_at"),)

    device_id: Mapped[uuid.UUID]
    staff_id: Mapped[uuid.UUID | None]
    step: Mapped[str] = mapped_column(String(32), default="procedure")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
