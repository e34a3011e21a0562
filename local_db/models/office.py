"""The office itself and what it is made of: counters, services, procedures, staff, holidays."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from local_db.base import Base, IdMixin, JSONType, OfficeOwned, TimestampMixin


class Office(IdMixin, TimestampMixin, Base):
    __tablename__ = "office"

    code: Mapped[str] = mapped_column(String(16), unique=True)  # commune code, e.g. 00004
    unit_id: Mapped[str] = mapped_column(String(40))  # QCVN 102 unit id used in dossier codes
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_name_vi: Mapped[str] = mapped_column(String(200), default="")  # e.g. UBND Thành phố Hà Nội
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    enrolled: Mapped[bool] = mapped_column(default=False)


class OfficeSetting(Base):
    """Office-wide settings edited from the admin screens, the same on every machine."""

    __tablename__ = "office_setting"

    office_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[datetime]


counter_service = Table(
    "counter_service",
    Base.metadata,
    Column("counter_id", ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class Service(IdMixin, TimestampMixin, OfficeOwned, Base):
    """A queue: procedures of one field share it and its ticket prefix."""

    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("office_code", "code"), UniqueConstraint("office_code", "prefix"))

    code: Mapped[str] = mapped_column(String(8))
    prefix: Mapped[str] = mapped_column(String(2))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Counter(IdMixin, TimestampMixin, OfficeOwned, Base):
    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("office_code", "number"),)

    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(100), default="")
    is_open: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    services: Mapped[list[Service]] = relationship(secondary=counter_service, lazy="selectin")


class Procedure(IdMixin, TimestampMixin, OfficeOwned, Base):
    """One administrative procedure of the catalog (national code, rules, documents)."""

    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("office_code", "code"),)

    code: Mapped[str] = mapped_column(String(32))
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300))
    field_vi: Mapped[str] = mapped_column(String(100))
    field_en: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service.id"))
    processing: Mapped[dict[str, Any]]
    fee_rule: Mapped[dict[str, Any]]
    fee_note: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[Any]]
    online_level: Mapped[int] = mapped_column(default=2)
    active: Mapped[bool] = mapped_column(default=True)


class Staff(IdMixin, TimestampMixin, OfficeOwned, Base):
    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("office_code", "username"),)

    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # clerk / supervisor / admin
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]


class Holiday(IdMixin, TimestampMixin, OfficeOwned, Base):
    """One day of the editable calendar: a day off, or a make-up working day."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("office_code", "day"),)

    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # day_off / working_day
    source: Mapped[str] = mapped_column(String(16), default="announced")  # national / announced
