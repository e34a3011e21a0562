"""Scanned documents of a dossier: attach, list with history, what is still to scan,
prune after the centre has them, fetch back (issue 9), Qt-free.

* :func:`attach_scan` stores a built PDF (scanning/pages.py ``BuiltPdf``: pdf bytes, pages,
  thumbnail PNG, sha256) in the office's :class:`~local_db.attachment_store.AttachmentStore`
  and references it from one checklist item of the dossier as a new version. A re-scan
  (the citizen supplements) makes version 2, 3, ...; the previous row points at it
  (``replaced_by``) and keeps who attached it and when. The file is written *before* any
  row: a full disk raises before the database is touched, and a refused size limit stores
  nothing at all. (A database failure after the file is written leaves an unreferenced
  file in the store: content-addressed, harmless, and reused if the same scan is saved again.)
* One outbox op per attach — entity ``attachment``, op_type ``attach``, the payload names the
  file by its hash only (``attachments: [{"sha256": ...}]``, never a path): the sync agent
  uploads it from the store before pushing the op, and the centre holds the op until the
  file is complete. The audit row of that op is the dossier's record of the attach (no
  DossierEvent: those are the dossier's state moves, replayed by ``motcua db check``).
* When the centre acknowledges the op, the agent calls :func:`mark_uploaded`; after the
  office rule ``attachment_keep_days`` :func:`prune_local` removes the PDF here (the
  thumbnail stays, so the dossier still shows it), and :func:`fetch_back` downloads it
  again, checking its hash.
* A scan kept for an intake that never became a dossier (it ended with form 02, papers to
  complete, or form 03, a refusal; or its draft was thrown away) is named by no row and no draft: :func:`drop_unused` removes it
  after a day (the agent's hourly tidy-up and the counter's sign-in call it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from core.actor import Actor
from core.errors import NotFound, ValidationError
from core.i18n import lazy_gettext
from core.ids import new_id
from core.limits import MAX_ATTACHMENT_BYTES
from local_db import journal
from local_db.attachment_store import AttachmentStore, sha256_of
from local_db.database import rowcount
from local_db.models import (
    Dossier,
    DossierAttachment,
    DossierDocument,
    IntakeDraft,
    Staff,
)
from local_db.office_settings import load_rules

ENTITY = "attachment"
OP_ATTACH = "attach"
MIB = 1024 * 1024


class BuiltPdfLike(Protocol):
    """What :func:`attach_scan` reads of ``scanning.pages.BuiltPdf``."""

    @property
    def pdf(self) -> bytes: ...
    @property
    def pages(self) -> int: ...
    @property
    def thumbnail_png(self) -> bytes: ...
    @property
    def sha256(self) -> str: ...


class BlobSource(Protocol):
    """What :func:`fetch_back` needs of the centre (sync/client.py ``CentreClient``)."""

    def download_blob(self, sha256: str) -> bytes: ...


@dataclass(frozen=True)
class AttachmentInfo:
    id: uuid.UUID
    dossier_id: uuid.UUID
    document_id: uuid.UUID
    document_name: str
    version: int
    sha256: str
    size: int
    pages: int
    thumbnail_sha256: str | None
    created_at: datetime
    created_by: uuid.UUID | None
    created_by_name: str  # "" when no staff member is known (a kiosk, a tool)
    replaced_by: uuid.UUID | None
    uploaded_at: datetime | None
    local_removed_at: datetime | None

    @property
    def current(self) -> bool:
        """The version in force for its checklist item (not replaced by a newer scan)."""
        return self.replaced_by is None

    @property
    def on_this_machine(self) -> bool:
        """Not pruned: the PDF can be opened here without asking the centre."""
        return self.local_removed_at is None


@dataclass(frozen=True)
class PruneReport:
    files_removed: int
    attachments_marked: int
    bytes_freed: int


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime")
    return now.astimezone(timezone.utc)


def _mib(n: int) -> str:
    return f"{n / MIB:.1f}".rstrip("0").rstrip(".")


# --- attaching ---------------------------------------------------------------------------------


def attach_scan(session: Session, actor: Actor, dossier_id: uuid.UUID, document_id: uuid.UUID,
                built: BuiltPdfLike, *, store: AttachmentStore, now: datetime | None = None) -> AttachmentInfo:
    """Attach ``built`` to checklist item ``document_id`` of the dossier as its newest version.

    Raises NotFound (no such dossier or item in this office), ValidationError
    ``attachment_limit`` (the dossier's files would pass the office rule
    ``attachment_limit_mb``; nothing is stored) and the store's errors (disk full: nothing
    in the database either, the caller's transaction rolls back).
    """
    now = _utc(now)
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.office_code != actor.office_code:
        raise NotFound(lazy_gettext("This dossier does not exist in this office."), code="dossier_not_found")
    doc = session.get(DossierDocument, document_id)
    if doc is None or doc.dossier_id != dossier.id:
        raise NotFound(lazy_gettext("This document is not on the dossier's checklist."), code="document_not_found")
    if not built.pdf or built.pages < 1:
        raise ValidationError(lazy_gettext("The scan has no pages: nothing was saved."), code="empty_scan", field="pages")
    sha256 = sha256_of(built.pdf)
    if built.sha256 and built.sha256 != sha256:
        raise ValueError("BuiltPdf.sha256 does not match its pdf bytes")

    previous = session.scalars(select(DossierAttachment).where(
        DossierAttachment.document_id == doc.id, DossierAttachment.replaced_by.is_(None))
        .order_by(DossierAttachment.version.desc()).limit(1)).first()
    last_version = session.scalar(select(func.max(DossierAttachment.version)).where(
        DossierAttachment.document_id == doc.id)) or 0

    rules = load_rules(session, dossier.office_code)
    limit = max(0, int(rules.attachment_limit_mb)) * MIB
    in_force = int(session.scalar(select(func.coalesce(func.sum(DossierAttachment.size), 0)).where(
        DossierAttachment.dossier_id == dossier.id, DossierAttachment.replaced_by.is_(None))) or 0)
    total = in_force - (previous.size if previous is not None else 0) + len(built.pdf)
    if total > limit:
        raise ValidationError(
            lazy_gettext("The scanned files of this dossier would take {total} MB, over the office's limit of {limit} MB "
                         "per dossier: this scan was not saved. Scan in black and white or at a lower resolution, or "
                         "remove pages.", total=_mib(total), limit=rules.attachment_limit_mb),
            code="attachment_limit", field="attachments", total_bytes=total, limit_bytes=limit)

    if len(built.pdf) > MAX_ATTACHMENT_BYTES:  # the centre takes no bigger file: it would wait there for ever
        raise ValidationError(
            lazy_gettext("This scan makes a {size} MB file, over the {limit} MB one file may have: this scan was not saved. "
                         "Scan in black and white or at a lower resolution, or split it.", size=_mib(len(built.pdf)), limit=MAX_ATTACHMENT_BYTES // MIB),
            code="attachment_too_large", field="attachments", size_bytes=len(built.pdf),
            limit_bytes=MAX_ATTACHMENT_BYTES)

    thumb = built.thumbnail_png or None
    store.put(built.pdf, thumbnail=thumb)  # before any row: a full disk leaves the database untouched

    row = DossierAttachment(
        id=new_id(), office_code=dossier.office_code, dossier_id=dossier.id,
        document_id=doc.id, version=last_version + 1, sha256=sha256, size=len(built.pdf), pages=int(built.pages),
        thumbnail_sha256=sha256_of(thumb) if thumb else None, created_at=now, created_by=actor.staff_id,
        replaced_by=None, uploaded_at=None, local_removed_at=None)
    session.add(row)
    session.flush()
    if previous is not None:
        previous.replaced_by = row.id
    journal.record(session, actor, entity=ENTITY, entity_id=row.id, op_type=OP_ATTACH, now=now, payload={
        "dossier_id": dossier.id, "document_id": doc.id, "document_name": doc.name, "version": row.version,
        "sha256": sha256, "size": row.size, "pages": row.pages,
        "replaces": previous.id if previous is not None else None,
        "attachments": [{"sha256": sha256}],
    }, audit_detail={"dossier_id": dossier.id, "dossier_code": dossier.code, "document": doc.name,
                     "version": row.version, "sha256": sha256, "size": row.size, "pages": row.pages})
    session.flush()
    return _info(row, doc.name, _staff_name(session, actor.staff_id))


def _staff_name(session: Session, staff_id: uuid.UUID | None) -> str:
    if staff_id is None:
        return ""
    return session.scalar(select(Staff.full_name).where(Staff.id == staff_id)) or ""


def _info(row: Any, document_name: str, created_by_name: str) -> AttachmentInfo:
    return AttachmentInfo(
        id=row.id, dossier_id=row.dossier_id, document_id=row.document_id, document_name=document_name,
        version=row.version, sha256=row.sha256, size=row.size, pages=row.pages,
        thumbnail_sha256=row.thumbnail_sha256, created_at=row.created_at, created_by=row.created_by,
        created_by_name=created_by_name, replaced_by=row.replaced_by, uploaded_at=row.uploaded_at,
        local_removed_at=row.local_removed_at)


# --- reading -----------------------------------------------------------------------------------


_A = DossierAttachment


def _select_infos() -> Any:
    return (select(_A.id, _A.dossier_id, _A.document_id, DossierDocument.name.label("document_name"), _A.version,
                   _A.sha256, _A.size, _A.pages, _A.thumbnail_sha256, _A.created_at, _A.created_by,
                   func.coalesce(Staff.full_name, "").label("created_by_name"), _A.replaced_by, _A.uploaded_at,
                   _A.local_removed_at)
            .join(DossierDocument, DossierDocument.id == _A.document_id)
            .outerjoin(Staff, Staff.id == _A.created_by))


def _row_info(r: Any) -> AttachmentInfo:
    return AttachmentInfo(**r._asdict())


def list_attachments(session: Session, dossier_id: uuid.UUID) -> list[AttachmentInfo]:
    """Every version of every scanned item of the dossier: items in checklist order, and
    per item the newest version first (``current``), then its history."""
    rows = session.execute(_select_infos().where(_A.dossier_id == dossier_id)
                           .order_by(DossierDocument.position, _A.document_id, _A.version.desc())).all()
    return [_row_info(r) for r in rows]


def get_attachment(session: Session, attachment_id: uuid.UUID) -> AttachmentInfo:
    row = session.execute(_select_infos().where(_A.id == attachment_id)).first()
    if row is None:
        raise NotFound(lazy_gettext("This attachment does not exist."), code="attachment_not_found")
    return _row_info(row)


def _received() -> ColumnElement[bool]:
    """A checklist line the citizen handed in (something counted, not marked missing)."""
    d = DossierDocument
    return and_(d.missing.is_(False), (d.originals + d.certified + d.copies) > 0)


def _scanned(document_id: Any) -> ColumnElement[bool]:
    return exists().where(_A.document_id == document_id, _A.replaced_by.is_(None))


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a dossier's checklist, as the scan screens list it."""

    document_id: uuid.UUID
    position: int
    name: str
    received: bool  # handed in (not missing, at least one paper)


def checklist_items(session: Session, office_code: str, dossier_id: uuid.UUID) -> list[ChecklistItem] | None:
    """The dossier's checklist in order; None when the office has no such dossier."""
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.office_code != office_code:
        return None
    docs = session.scalars(select(DossierDocument).where(DossierDocument.dossier_id == dossier_id)
                           .order_by(DossierDocument.position))
    return [ChecklistItem(document_id=d.id, position=d.position, name=d.name,
                          received=not d.missing and (d.originals + d.certified + d.copies) > 0) for d in docs]


def missing_scans(session: Session, dossier_id: uuid.UUID) -> list[str]:
    """Names of the checklist items received but not scanned yet, in checklist order."""
    d = DossierDocument
    return list(session.scalars(select(d.name).where(d.dossier_id == dossier_id, _received(), ~_scanned(d.id))
                                .order_by(d.position)))


def scans_missing_clause(dossier_id: Any = Dossier.id) -> ColumnElement[bool]:
    """SQL: the dossier has a received checklist item without a current scan (the dossier
    list's "scans missing" filter, local_db/ops/dossier_info.py ``list_dossiers``)."""
    d = aliased(DossierDocument)
    a = aliased(DossierAttachment)
    return exists().where(d.dossier_id == dossier_id, d.missing.is_(False),
                          (d.originals + d.certified + d.copies) > 0,
                          ~exists().where(a.document_id == d.id, a.replaced_by.is_(None)))


def dossier_ids_missing_scans(session: Session, office_code: str,
                              ids: Iterable[uuid.UUID] | None = None) -> set[uuid.UUID]:
    """Of ``ids`` (every dossier of the office when None), those with scans missing."""
    stmt = select(Dossier.id).where(Dossier.office_code == office_code, scans_missing_clause())
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return set()
        stmt = stmt.where(Dossier.id.in_(wanted))
    return set(session.scalars(stmt))


# --- after the centre has them -----------------------------------------------------------------


def mark_uploaded(session: Session, attachment_ids: Sequence[uuid.UUID], now: datetime | None = None) -> int:
    """The centre acknowledged these attachments' ops: it holds their files. Returns rows changed."""
    if not attachment_ids:
        return 0
    result = session.execute(update(DossierAttachment).where(
        DossierAttachment.id.in_(list(attachment_ids)), DossierAttachment.uploaded_at.is_(None))
        .values(uploaded_at=_utc(now)).execution_options(synchronize_session=False))
    return rowcount(result)


def prune_local(session: Session, store: AttachmentStore, *, keep_days: int | None = None,
                now: datetime | None = None, office_code: str | None = None) -> PruneReport:
    """Remove here the PDFs the centre has held for more than ``keep_days`` (default: the
    office rule ``attachment_keep_days``). Rows stay, with ``local_removed_at``; thumbnails
    stay. A file shared by several rows (the same scan saved twice) goes only when none of
    them still needs it here (one not uploaded yet, or uploaded too recently)."""
    now = _utc(now)
    if keep_days is None:
        if office_code is None:
            office_code = session.scalar(select(DossierAttachment.office_code).limit(1))
        keep_days = load_rules(session, office_code).attachment_keep_days if office_code else 30
    cutoff = now - timedelta(days=max(0, int(keep_days)))
    a = DossierAttachment
    due = set(session.scalars(select(a.sha256).where(a.local_removed_at.is_(None), a.uploaded_at.is_not(None),
                                                     a.uploaded_at <= cutoff).distinct()))
    if not due:
        return PruneReport(0, 0, 0)
    needed = set(session.scalars(select(a.sha256).where(
        a.sha256.in_(due), a.local_removed_at.is_(None),
        (a.uploaded_at.is_(None)) | (a.uploaded_at > cutoff)).distinct()))
    gone = sorted(due - needed)
    if not gone:
        return PruneReport(0, 0, 0)
    marked = session.execute(update(a).where(a.sha256.in_(gone), a.local_removed_at.is_(None))
                             .values(local_removed_at=now).execution_options(synchronize_session=False))
    session.flush()
    removed = freed = 0
    for sha in gone:
        path = store.path(sha)
        size = path.stat().st_size if path.is_file() else 0
        if store.remove(sha):
            removed += 1
            freed += size
    return PruneReport(removed, rowcount(marked), freed)


UNUSED_GRACE = timedelta(days=1)  # a file this young may be on its way into a row


def drop_unused(session: Session, store: AttachmentStore, *, grace: timedelta = UNUSED_GRACE) -> int:
    """Remove from the store the files (PDF and thumbnail) that no attachment row and no
    intake draft names and that are older than ``grace``; returns how many SHA-256s went.
    Reads the database only. The grace keeps a file written a moment before its row. Age is
    measured on the file system's own clock (its modification times), never an app clock."""
    kept = store.files()
    if not kept:
        return 0
    cutoff = time.time() - grace.total_seconds()
    old = {sha for sha, mtime in kept.items() if mtime < cutoff}
    if not old:
        return 0
    named = set(session.scalars(select(DossierAttachment.sha256).distinct()))
    for data in session.scalars(select(IntakeDraft.data)):
        for doc in (data or {}).get("documents", []) or []:
            if isinstance(doc, dict) and doc.get("scan_sha256"):
                named.add(str(doc["scan_sha256"]))
    gone = 0
    for sha in sorted(old - named):
        try:
            store.remove(sha, thumbnail=True)
            gone += 1
        except OSError:
            continue  # tried again next time
    return gone


def download_to_store(store: AttachmentStore, client: BlobSource, sha256: str) -> None:
    """Download one file from the centre into the store, checking its hash. No database:
    call it outside a write transaction (it waits on the network), then :func:`fetch_back`."""
    if store.has(sha256):
        return
    data = client.download_blob(sha256)
    if sha256_of(data) != sha256:
        raise ValidationError(lazy_gettext("The file received from the central server is not the one asked for (its "
                                           "SHA-256 does not match); it was not kept. Try again."),
                              code="hash_mismatch", sha256=sha256)
    store.put(data)


def fetch_back(session: Session, store: AttachmentStore, client: BlobSource, attachment_id: uuid.UUID,
               now: datetime | None = None) -> AttachmentInfo:
    """Bring a pruned attachment's PDF back from the centre (when online) and clear
    ``local_removed_at`` on every row naming that file. A file already here (fetched by
    :func:`download_to_store` beforehand, which keeps the network out of the transaction)
    is only checked. Raises the client's errors when the centre cannot be reached."""
    info = get_attachment(session, attachment_id)
    download_to_store(store, client, info.sha256)
    store.read(info.sha256, verify=True)
    session.execute(update(DossierAttachment).where(DossierAttachment.sha256 == info.sha256,
                                                    DossierAttachment.local_removed_at.is_not(None))
                    .values(local_removed_at=None).execution_options(synchronize_session=False))
    session.flush()
    return get_attachment(session, attachment_id)


__all__ = [
    "AttachmentInfo", "BlobSource", "BuiltPdfLike", "ChecklistItem", "ENTITY", "OP_ATTACH", "PruneReport",
    "UNUSED_GRACE", "attach_scan", "checklist_items", "download_to_store", "drop_unused", "dossier_ids_missing_scans",
    "fetch_back", "get_attachment",
    "list_attachments", "mark_uploaded", "missing_scans", "prune_local", "scans_missing_clause",
]
