"""What leaves the office and what is kept for the record: outbox, audit log, counters.

These are written in the same transaction as the change they describe, so a change and
its outbox row exist together or not at all (docs/ARCHITECTURE.md §5).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, IdMixin, OfficeOwned, TimestampMixin, utcnow


class Serial(Base):
    """Named counters: daily ticket numbers, dossier sequences, and the change sequence.

    A row is bumped with one UPSERT ... RETURNING inside the caller's transaction, so a rolled
    back operation gives its number back: numbers have no gaps.
    """

    __tablename__ = "serial"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class Outbox(OfficeOwned, Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_seq", "state", "seq"),
        Index("ix_outbox_entity", "entity", "entity_id"),
    )

    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # commit order in this office
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    op_type: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]]
    schema_version: Mapped[int] = mapped_column(default=1)
    device_time: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending/sent/held/acked/rejected/conflict/central
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]


class AuditLog(IdMixin, OfficeOwned, Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the first migration)."""

    __tablename__ = "audit_log"

    at: Mapped[datetime] = mapped_column(default=utcnow)  # ids are UUIDv7: id order is time order
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID | None]
    op_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Device(IdMixin, TimestampMixin, OfficeOwned, Base):
    """A device of this office (or the centre) and its Ed25519 key for signing QR tokens.

    The private key is present only for devices that live on this database's machines;
    other devices' rows (pulled from the centre) carry their public key alone.
    """

    __tablename__ = "device"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    credential: Mapped[str] = mapped_column(Text, default="")  # given by the centre at enrollment
    enrolled_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)


class SyncCursor(Base):
    __tablename__ = "sync_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncStatus(Base):
    """What the agent last saw, for the apps to show (online, last push/pull, errors)."""

    __tablename__ = "sync_status"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PrintJob(IdMixin, TimestampMixin, OfficeOwned, Base):
    """A document waiting to be printed; survives restarts so no receipt is lost.

    A printer hangs off one machine, so a job belongs to the device that queued it and only
    that device's print worker takes it (``device_id``). ``data`` is the document's content
    record (printing/content.py) as it was when the operation committed, so a reprint is the
    same paper. ``next_attempt_at`` spaces out the retries of a failing printer.
    """

    __tablename__ = "print_job"
    __table_args__ = (
        Index("ix_print_job_state", "state", "created_at"),
        Index("ix_print_job_device_state", "device_id", "state", "next_attempt_at"),
    )

    document: Mapped[str] = mapped_column(String(32))  # ticket / receipt / form02 ...
    ref_id: Mapped[uuid.UUID | None]
    printer: Mapped[str] = mapped_column(String(120))
    copies: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued/printing/done/failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    pdf_path: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    device_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200), default="")
    next_attempt_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]
