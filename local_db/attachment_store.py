"""The office's attachment files, content-addressed by SHA-256, beside its database.

``<root>/<aa>/<sha256>.pdf`` (``aa``: the first two hex digits, so no folder holds more
than a few thousand files) and its thumbnail ``<sha256>.thumb.png`` next to it. The
database only names a file by its hash (local_db/models/attachments.py); no machine path
is ever stored or sent to the centre, so the folder can move with the data directory.

Writes are atomic: a temporary file in the same folder, every byte written and
``fsync``-ed, then renamed over the final name (and the folder ``fsync``-ed), so a power
cut or a full disk leaves either the whole file or none — never half of one under its
name. The same content put twice is one file. A full disk raises
:class:`AttachmentStoreFull` with a message a clerk can act on, after removing the
temporary file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from pathlib import Path

from core.errors import MotcuaError
from core.i18n import lazy_gettext

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
FOLDER = "attachments"  # under the machine's data_dir
PDF_SUFFIX = ".pdf"
THUMB_SUFFIX = ".thumb.png"
WRITE_CHUNK = 1024 * 1024


class AttachmentStoreError(MotcuaError):
    """The file could not be written or read (a disk problem, not a person's mistake)."""

    code = "attachment_store"


class AttachmentStoreFull(AttachmentStoreError):
    code = "disk_full"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(sha256: str) -> str:
    if not SHA256_HEX.fullmatch(sha256 or ""):
        raise ValueError(f"not a SHA-256 in lowercase hex: {sha256!r}")
    return sha256


def _write_all(fd: int, data: bytes) -> None:
    """Every byte of ``data`` to ``fd`` (os.write may write less than asked)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:WRITE_CHUNK])
        view = view[written:]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on every platform (Windows): the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AttachmentStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> AttachmentStore:
        """The store of a machine: ``<data_dir>/attachments`` (core/settings.py ``data_dir``)."""
        return cls(Path(data_dir) / FOLDER)

    def __repr__(self) -> str:
        return f"AttachmentStore({str(self.root)!r})"

    # --- names ------------------------------------------------------------------------------

    def path(self, sha256: str) -> Path:
        sha256 = _check(sha256)
        return self.root / sha256[:2] / f"{sha256}{PDF_SUFFIX}"

    def thumbnail_path(self, sha256: str) -> Path:
        sha256 = _check(sha256)
        return self.root / sha256[:2] / f"{sha256}{THUMB_SUFFIX}"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def has_thumbnail(self, sha256: str) -> bool:
        return self.thumbnail_path(sha256).is_file()

    # --- writing ----------------------------------------------------------------------------

    def put(self, data: bytes, *, thumbnail: bytes | None = None) -> str:
        """Store ``data`` under its SHA-256 (returned); with ``thumbnail``, its PNG beside it.

        Content already there is not written again. Raises :class:`AttachmentStoreFull`
        (disk full) or :class:`AttachmentStoreError`; nothing half-written stays behind.
        """
        sha256 = sha256_of(data)
        target = self.path(sha256)
        if not (target.is_file() and target.stat().st_size == len(data)):
            self._write_atomic(target, data)
        else:  # kept again: young again, so the sweep of unused files leaves it to its row
            try:
                os.utime(target)
            except OSError:
                pass
        if thumbnail is not None:
            self.put_thumbnail(sha256, thumbnail)
        return sha256

    def put_thumbnail(self, sha256: str, png: bytes) -> None:
        target = self.thumbnail_path(sha256)
        if not (target.is_file() and target.stat().st_size == len(png)):
            self._write_atomic(target, png)

    def _write_atomic(self, target: Path, data: bytes) -> None:
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise AttachmentStoreFull(
                    lazy_gettext("The disk of this computer is full: the scanned file was not saved. Free some space "
                                 "(or ask the IT staff to) and save again."),
                    folder=str(self.root), error=str(exc)) from exc
            raise AttachmentStoreError(
                lazy_gettext("The scanned file could not be saved on this computer: {error}", error=exc.strerror or exc),
                folder=str(self.root), error=str(exc)) from exc

    # --- reading and removing ---------------------------------------------------------------

    def read(self, sha256: str, *, verify: bool = True) -> bytes:
        """The file's bytes (FileNotFoundError when it is not here); ``verify`` checks the hash
        (AttachmentStoreError when the file on disk was damaged)."""
        data = self.path(sha256).read_bytes()
        if verify and sha256_of(data) != sha256:
            raise AttachmentStoreError(
                lazy_gettext("The stored file {name} is damaged (its content does not match its name).", name=sha256),
                code="damaged", sha256=sha256)
        return data

    def read_thumbnail(self, sha256: str) -> bytes | None:
        path = self.thumbnail_path(sha256)
        return path.read_bytes() if path.is_file() else None

    def files(self) -> dict[str, float]:
        """Every file kept here, PDF or thumbnail, by SHA-256: the newest modification time
        (epoch seconds) of the two. Temporary files of a write in progress are skipped."""
        found: dict[str, float] = {}
        if not self.root.is_dir():
            return found
        for folder in self.root.iterdir():
            if len(folder.name) != 2 or not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                name = entry.name
                if name.startswith("."):
                    continue
                sha = name.removesuffix(PDF_SUFFIX).removesuffix(THUMB_SUFFIX)
                if len(sha) != 64 or sha == name:
                    continue
                try:
                    mtime = entry.stat().st_mtime
                except OSError:
                    continue
                found[sha] = max(mtime, found.get(sha, 0.0))
        return found

    def remove(self, sha256: str, *, thumbnail: bool = False) -> bool:
        """Delete the file (and, with ``thumbnail``, its thumbnail); True if the file was here.

        The thumbnail is kept by default: a pruned attachment still shows in the dossier.
        """
        path = self.path(sha256)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        if thumbnail:
            self.thumbnail_path(sha256).unlink(missing_ok=True)
        return existed


__all__ = ["AttachmentStore", "AttachmentStoreError", "AttachmentStoreFull", "FOLDER", "sha256_of"]
