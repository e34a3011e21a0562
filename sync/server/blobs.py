"""Attachments, content-addressed by SHA-256 and uploaded resumably (docs/ARCHITECTURE.md §5).

A scanned document can be megabytes on an office's weak link, so an upload cut halfway
resumes where it stopped: ``HEAD`` says how many bytes the centre has, ``PATCH`` appends a
chunk at exactly that offset (anything else is refused with the current offset, so a
replayed chunk can never be written twice). The blob is complete when its bytes hash to
its name; a client that sends ``Upload-Length`` gets the hash checked once at the end (and
a wrong file thrown away), otherwise it is checked after each chunk. Chunks are rows in the
centre database: every API worker sees them, and a chunk is stored or not, never half.
Blobs are per office: an office can neither see nor finish another office's upload.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.errors import DomainError, ValidationError
from sync.server.models import CentreBlob, CentreBlobChunk, utcnow

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class OffsetMismatch(DomainError):
    """The chunk does not start where the centre's copy ends (HTTP 409)."""

    code = "offset_mismatch"


class TooLarge(DomainError):
    """The blob would grow past the size limit (HTTP 413)."""

    code = "too_large"


@dataclass(frozen=True)
class BlobState:
    sha256: str
    size: int
    complete: bool
    mismatch: bool = False  # every announced byte came and they were not this file: thrown away (HTTP 422)


def check_name(name: str) -> str:
    if not SHA256_HEX.fullmatch(name or ""):
        raise ValidationError("a blob is named by its SHA-256 in lowercase hex", field="sha256")
    return name


def attachment_names(payload: dict[str, Any]) -> list[str]:
    """The blobs an op names: ``payload["attachments"]`` holds hex names or {"sha256": ...}."""
    found = payload.get("attachments") if isinstance(payload, dict) else None
    if not isinstance(found, list):
        return []
    names = []
    for item in found:
        name = item.get("sha256") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name.lower())
    return names


def complete_blobs(session: Session, office_code: str, names: Iterable[str]) -> set[str]:
    names = set(names)
    if not names:
        return set()
    return set(session.scalars(select(CentreBlob.sha256).where(
        CentreBlob.office_code == office_code, CentreBlob.sha256.in_(names), CentreBlob.complete.is_(True))))


def state(session: Session, office_code: str, name: str) -> BlobState | None:
    blob = session.get(CentreBlob, (office_code, check_name(name)))
    return BlobState(blob.sha256, blob.size, blob.complete) if blob is not None else None


def _digest(session: Session, office_code: str, name: str) -> str:
    h = hashlib.sha256()
    for chunk in session.scalars(select(CentreBlobChunk.data).where(
            CentreBlobChunk.office_code == office_code, CentreBlobChunk.sha256 == name)
            .order_by(CentreBlobChunk.offset).execution_options(yield_per=8)):
        h.update(chunk)
    return h.hexdigest()


def append(session: Session, office_code: str, name: str, offset: int, data: bytes, *, max_bytes: int,
           total_length: int | None = None, now: datetime | None = None) -> BlobState:
    """Append ``data`` at ``offset`` (which must be the size the centre has)."""
    now = now or utcnow()
    check_name(name)
    if total_length is not None and total_length > max_bytes:
        raise TooLarge(f"the file is larger than {max_bytes} bytes", limit=max_bytes)
    blob = session.get(CentreBlob, (office_code, name), with_for_update=True)
    if blob is None:
        blob = CentreBlob(office_code=office_code, sha256=name, size=0, complete=False, created_at=now)
        session.add(blob)
        session.flush()
    if blob.complete:
        return BlobState(name, blob.size, True)  # a replayed last chunk: nothing to do
    if offset != blob.size:
        raise OffsetMismatch(f"the centre has {blob.size} bytes of this file", offset=blob.size)
    if blob.size + len(data) > max_bytes:
        raise TooLarge(f"the file is larger than {max_bytes} bytes", limit=max_bytes)
    if total_length is not None and blob.size + len(data) > total_length:
        raise ValidationError("more bytes than Upload-Length announced", field="Upload-Length")
    if data:
        session.add(CentreBlobChunk(office_code=office_code, sha256=name, offset=blob.size, data=data))
        blob.size += len(data)
        session.flush()
    if total_length is None or blob.size == total_length:
        if _digest(session, office_code, name) == name:
            blob.complete = True
            blob.completed_at = now
        elif total_length is not None:
            # Every announced byte is here and the file is not the one named: start again.
            session.execute(delete(CentreBlobChunk).where(CentreBlobChunk.office_code == office_code,
                                                          CentreBlobChunk.sha256 == name))
            blob.size = 0
            session.flush()
            return BlobState(name, 0, False, mismatch=True)  # committed: the bad bytes must go
    session.flush()
    return BlobState(name, blob.size, blob.complete)


def drop_abandoned(session: Session, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete uploads started more than ``older_than`` ago and never completed (an office
    that comes back after that uploads the file again from its first byte; ops naming it
    wait meanwhile, as for any upload). Complete blobs are never deleted here. Returns how
    many uploads were dropped."""
    now = now or utcnow()
    stale = list(session.execute(select(CentreBlob.office_code, CentreBlob.sha256).where(
        CentreBlob.complete.is_(False), CentreBlob.created_at < now - older_than)))
    for office_code, name in stale:
        session.execute(delete(CentreBlobChunk).where(CentreBlobChunk.office_code == office_code,
                                                      CentreBlobChunk.sha256 == name))
        session.execute(delete(CentreBlob).where(CentreBlob.office_code == office_code, CentreBlob.sha256 == name,
                                                 CentreBlob.complete.is_(False)))
    return len(stale)


def read(session: Session, office_code: str, name: str) -> bytes | None:
    """The whole blob, if complete (for the centre's own use and the tests)."""
    blob = session.get(CentreBlob, (office_code, check_name(name)))
    if blob is None or not blob.complete:
        return None
    return b"".join(session.scalars(select(CentreBlobChunk.data).where(
        CentreBlobChunk.office_code == office_code, CentreBlobChunk.sha256 == name).order_by(CentreBlobChunk.offset)))


__all__ = ["BlobState", "OffsetMismatch", "TooLarge", "append", "attachment_names",
           "check_name", "complete_blobs", "drop_abandoned", "read", "state"]
