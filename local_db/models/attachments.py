"""Scanned documents attached to a dossier's checklist items (issue 9).

The file itself is not in the database: it lives content-addressed beside it
(local_db/attachment_store.py, ``<data_dir>/attachments/<aa>/<sha256>.pdf``) and a row here
says which checklist item it belongs to, which version it is, who attached it and when.
A re-scan adds a new row (version + 1) and points the previous one at it (``replaced_by``):
history is never overwritten.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, IdMixin, OfficeOwned, utcnow


class DossierAttachment(IdMixin, OfficeOwned, Base):
    """One version of the scan of one checklist item (``DossierDocument``) of a dossier."""

    __tablename__ = "dossier_attachment"
    __table_args__ = (
        Index("ix_dossier_attachment_dossier", "dossier_id", "document_id", "version", unique=True),
        Index("ix_dossier_attachment_sha256", "sha256"),
    )

    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossier.id"))
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossier_document.id"))
    version: Mapped[int]  # 1, 2, ... per checklist item
    sha256: Mapped[str] = mapped_column(String(64))  # the PDF's name in the attachment store
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int]
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))  # the PNG's hash (kept beside the PDF)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    replaced_by: Mapped[uuid.UUID | None]  # the newer version of the same item, once there is one
    uploaded_at: Mapped[datetime | None]  # the centre acknowledged the op (it holds the file)
    local_removed_at: Mapped[datetime | None]  # the file was pruned here (the centre keeps it)
