"""The centre's tables (its own MetaData; every name starts with ``centre_`` so the schema
can never be mistaken for, or collide with, an office database's).

* ``centre_office`` / ``centre_device`` / ``centre_enrollment``: who may talk to us. A device
  keeps only the SHA-256 of its credential: a stolen backup holds nothing reusable.
* ``centre_op``: every office op the server has judged, by op id (its idempotency key),
  with the verdict — the push of a retried batch finds it and changes nothing.
* ``centre_entity``: the projection, one row per office entity (ticket, appointment,
  dossier, feedback, citizen, ...): latest state and merged payload, and ``blocked_by``
  when an op on it was rejected or is in conflict (later ops are then "held").
* ``centre_slot``: appointment slots with both quotas; the online count moves by one
  conditional UPDATE, so the online quota holds under any concurrency.
* ``centre_change``: the change log offices pull, ``seq`` in commit order.
* catalog (``centre_service``, ``centre_procedure``), ``centre_staff``, ``centre_holiday``:
  what the centre owns and publishes.
* ``centre_blob`` / ``centre_blob_chunk``: attachments by SHA-256, appended chunk by chunk.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC (naive text on SQLite, timestamptz on PostgreSQL).
    Naive datetimes are refused, so a wall-clock time can never slip in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid); PostgreSQL gets a bigint.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}

    if TYPE_CHECKING:
        # Every class here is mapped to one Table (DeclarativeBase types it as any FromClause),
        # and the operations build Core inserts and updates on it.
        __table__: ClassVar[Table]


class CentreOffice(Base):
    __tablename__ = "centre_office"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_at: Mapped[datetime | None]  # first device enrolled: staff/catalog/holidays are ours from then
    last_contact_at: Mapped[datetime | None]


class CentreEnrollment(Base):
    """A one-time enrollment code (only its hash is kept)."""

    __tablename__ = "centre_enrollment"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("centre_office.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    device_id: Mapped[uuid.UUID | None]


class CentreDevice(Base):
    __tablename__ = "centre_device"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("centre_office.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]


class CentreKey(Base):
    """The centre's own Ed25519 key pair, signing online bookings' QR tokens."""

    __tablename__ = "centre_key"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class CentreOp(Base):
    """One office op as judged: ``applied`` / ``rejected`` / ``conflict`` (``resolved`` once
    a person has dealt with a conflict). Held ops are not stored: they are judged when
    they come again."""

    __tablename__ = "centre_op"
    __table_args__ = (
        Index("ix_centre_op_office_status", "office_code", "status"),
        Index("ix_centre_op_entity", "entity", "entity_id"),
    )

    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[uuid.UUID]  # the office device whose op it was
    pushed_by: Mapped[uuid.UUID]  # the enrolled device that pushed it
    seq: Mapped[int] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    op_type: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]]
    schema_version: Mapped[int] = mapped_column(default=1)
    device_time: Mapped[datetime]
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    server_state: Mapped[dict[str, Any] | None]


class CentreEntity(Base):
    """The projection of one office entity: its latest state and merged payload."""

    __tablename__ = "centre_entity"
    __table_args__ = (
        PrimaryKeyConstraint("entity_id", "entity"),  # entity_id first: a batch looks rows up by id
        Index("ix_centre_entity_office", "office_code", "entity"),
        Index("ix_centre_entity_code", "entity", "code"),
    )

    entity_id: Mapped[uuid.UUID]
    entity: Mapped[str] = mapped_column(String(32))
    office_code: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(40))  # appointment / dossier code, for look-ups
    status: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict[str, Any]]
    ops: Mapped[int] = mapped_column(default=0)
    last_op_id: Mapped[uuid.UUID | None]
    blocked_by: Mapped[uuid.UUID | None]  # the rejected / conflicting op later ops wait behind
    updated_at: Mapped[datetime]


class CentreSlot(Base):
    """An appointment slot. The office owns ``office_booked`` (mirrored from its ops); the
    centre owns ``online_booked`` and its CHECK keeps the online quota whatever happens."""

    __tablename__ = "centre_slot"
    __table_args__ = (
        CheckConstraint("online_booked >= 0 AND online_booked <= online_quota", name="online_quota"),
        Index("ix_centre_slot_office_day", "office_code", "day"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(String(16))
    service_id: Mapped[uuid.UUID | None]
    service_code: Mapped[str] = mapped_column(String(8), default="")
    day: Mapped[date]
    start_time: Mapped[time]
    end_time: Mapped[time]
    office_quota: Mapped[int] = mapped_column(default=0)
    online_quota: Mapped[int] = mapped_column(default=0)
    office_booked: Mapped[int] = mapped_column(default=0)
    online_booked: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CentreChange(Base):
    """One committed change for offices to pull (``office_code`` None: every office)."""

    __tablename__ = "centre_change"
    __table_args__ = (
        Index("ix_centre_change_office_seq", "office_code", "seq"),
        Index("ix_centre_change_entity", "entity", "entity_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    office_code: Mapped[str | None] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(8))  # upsert / delete
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class CentreMeta(Base):
    """Small named values: the change log's compaction floor, and the like."""

    __tablename__ = "centre_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)


class CentreService(Base):
    __tablename__ = "centre_service"
    __table_args__ = (UniqueConstraint("office_code", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("centre_office.code"))
    code: Mapped[str] = mapped_column(String(8))
    prefix: Mapped[str] = mapped_column(String(2))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class CentreProcedure(Base):
    __tablename__ = "centre_procedure"
    __table_args__ = (UniqueConstraint("office_code", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("centre_office.code"))
    code: Mapped[str] = mapped_column(String(32))
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300))
    field_vi: Mapped[str] = mapped_column(String(100))
    field_en: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre_service.id"))
    processing: Mapped[dict[str, Any]]
    fee_rule: Mapped[dict[str, Any]]
    fee_note: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[Any]]
    online_level: Mapped[int] = mapped_column(default=2)
    active: Mapped[bool] = mapped_column(default=True)


class CentreStaff(Base):
    __tablename__ = "centre_staff"
    __table_args__ = (UniqueConstraint("office_code", "username"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("centre_office.code"))
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(200))


class CentreHoliday(Base):
    """A national day off or make-up working day, published to every office."""

    __tablename__ = "centre_holiday"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # day_off / working_day
    source: Mapped[str] = mapped_column(String(16), default="national")


class CentreBlob(Base):
    """An attachment being uploaded (``size`` bytes so far) or complete (hashes to its name).
    Per office: an office can neither see nor complete another office's upload."""

    __tablename__ = "centre_blob"

    office_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class CentreBlobChunk(Base):
    __tablename__ = "centre_blob_chunk"

    office_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CentreWebBooking(Base):
    """A booking made on the citizens' web site: the SHA-256 of its private manage link's
    secret (the link itself is only in the citizen's hands), the phone it was made for (the
    per-phone limit counts these) and the address it came from. A move keeps the row (and
    the link) and points it at the new appointment."""

    __tablename__ = "centre_web_booking"
    __table_args__ = (Index("ix_centre_web_booking_phone", "phone"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    appointment_id: Mapped[uuid.UUID] = mapped_column(index=True)
    office_code: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str] = mapped_column(String(16))
    client_ip: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]


class CentreWebLimit(Base):
    """Hits counted per (kind, key, fixed window): one atomic upsert per hit, so every
    server worker shares the same counts (per-address booking attempts, look-ups)."""

    __tablename__ = "centre_web_limit"
    __table_args__ = (PrimaryKeyConstraint("kind", "key", "window_start"),)

    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(80))
    window_start: Mapped[datetime]
    hits: Mapped[int] = mapped_column(default=0)


__all__ = [
    "Base", "CentreBlob", "CentreBlobChunk", "CentreChange", "CentreDevice", "CentreEnrollment", "CentreEntity",
    "CentreHoliday", "CentreKey", "CentreMeta", "CentreOffice", "CentreOp", "CentreProcedure", "CentreService",
    "CentreSlot", "CentreStaff", "CentreWebBooking", "CentreWebLimit", "utcnow",
]
