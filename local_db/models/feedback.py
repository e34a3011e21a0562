"""Citizens' ratings of the service (Circular 01/2018 arts. 12-14)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, IdMixin, OfficeOwned, TimestampMixin


class Feedback(IdMixin, TimestampMixin, OfficeOwned, Base):
    __tablename__ = "feedback"

    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ticket.id"), unique=True)  # one rating each
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("dossier.id"), unique=True)
    counter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counter.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    rating: Mapped[str] = mapped_column(String(20))  # very_satisfied / satisfied / unsatisfied
    criteria: Mapped[dict[str, Any]] = mapped_column(default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    given_at: Mapped[datetime]
