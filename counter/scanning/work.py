"""What the scan screens run off the UI thread, Qt-free: page previews, building and keeping
a PDF, attaching it to a dossier, the scans of a dossier per checklist item.

Attachments made BEFORE the dossier exists (at the intake) are built and written to the
content-addressed :class:`~local_db.attachment_store.AttachmentStore` at once
(:func:`build_and_keep`); the intake's draft keeps only their sha256 and page count per
checklist item, and the intake's save attaches them in the dossier's own transaction
(:func:`attach_kept`). A draft thrown away (or an intake ended with form 02 or 03) leaves
a file no row names: :func:`tidy_store` (at sign-in) and the sync agent remove such files
after a day (local_db.ops.attachments.drop_unused).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import _
from local_db.attachment_store import AttachmentStore
from local_db.ops.attachments import (
    AttachmentInfo,
    attach_scan,
    checklist_items,
    download_to_store,
    drop_unused,
    fetch_back,
    get_attachment,
    list_attachments,
)
from local_db.ops.enrollment import current_enrollment
from scanning.pages import BuiltPdf, PageImage, build_pdf
from sync.client import DEFAULT_TIMEOUT, CentreClient
from ui.failures import failure_words

PREVIEW_PX = 900  # the big preview's longer side; thumbnails are scaled from it on screen
DEFAULT_WATCH_FOLDER = ""  # no watched folder unless the machine's settings name one


def attachment_store(ctx: Any) -> AttachmentStore:
    """The office's attachment store on this machine: ``ctx.attachments`` when the app (or a
    test) set one, else ``<data_dir>/attachments`` of the machine settings."""
    store = getattr(ctx, "attachments", None)
    if store is not None:
        return store
    from core.settings import load_settings
    return AttachmentStore.in_data_dir(load_settings().data_dir)


def tidy_store(ctx: Any) -> int:
    """Remove the scans no dossier and no draft names any more (kept for an intake that
    ended without a dossier), once they are a day old; returns how many went."""
    with ctx.db.read() as s:
        return drop_unused(s, attachment_store(ctx))


def watch_folder(ctx: Any) -> str:
    """The folder a network scanner drops its files into ("" when none): ``ctx.scan_folder``
    or the machine setting ``scan_folder``."""
    folder = getattr(ctx, "scan_folder", None)
    if folder is not None:
        return str(folder)
    try:
        from core.settings import load_settings
        return str(getattr(load_settings(), "scan_folder", DEFAULT_WATCH_FOLDER) or "")
    except Exception:  # noqa: BLE001 - a broken settings file must not stop the dialog
        return DEFAULT_WATCH_FOLDER


# --- previews ----------------------------------------------------------------------------------


def page_preview(page: PageImage, px: int = PREVIEW_PX) -> bytes:
    """A PNG of the page as it came in (``px`` on its longer side, the page's own rotation NOT
    applied: the screen turns the picture, so a rotation costs no new render)."""
    if page.kind == "image":
        with Image.open(io.BytesIO(page.data)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.draft("RGB", (px * 2, px * 2))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.thumbnail((px, px), Image.Resampling.BILINEAR)
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()
    with tempfile.TemporaryDirectory(prefix="motcua-preview-") as tmp:
        src = Path(tmp) / "page.pdf"
        src.write_bytes(page.data)
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to", str(px), str(src),
                        str(Path(tmp) / "out")], capture_output=True, timeout=60, check=True)
        return (Path(tmp) / "out.png").read_bytes()


def previews(pages: Sequence[PageImage], px: int = PREVIEW_PX) -> list[bytes]:
    return [page_preview(p, px) for p in pages]


# --- building and saving -----------------------------------------------------------------------


@dataclass(frozen=True)
class KeptScan:
    """A PDF built and written to the store, not yet attached (the intake's draft keeps it)."""

    sha256: str
    pages: int
    size: int


def build_and_keep(pages: Sequence[PageImage], store: AttachmentStore) -> KeptScan:
    """Build the PDF and write it (and its thumbnail) to the store; ValidationError before
    anything is written when the pages cannot make a PDF."""
    built = build_pdf(pages)
    store.put(built.pdf, thumbnail=built.thumbnail_png or None)
    return KeptScan(sha256=built.sha256, pages=built.pages, size=len(built.pdf))


def kept_pdf(store: AttachmentStore, sha256: str, pages: int) -> BuiltPdf:
    """A kept scan read back as the BuiltPdf attach_scan takes (hash checked)."""
    pdf = store.read(sha256)
    return BuiltPdf(pdf=pdf, pages=pages, thumbnail_png=store.read_thumbnail(sha256) or b"", sha256=sha256)


def attach_kept(session: Session, actor: Actor, dossier_id: uuid.UUID, kept: Sequence[tuple[int, str, int]],
                store: AttachmentStore, *, now: Any = None) -> list[AttachmentInfo]:
    """Attach scans kept before the dossier existed: ``kept`` is (checklist position, sha256,
    pages) per item. Runs in the caller's transaction (the intake's save)."""
    docs = {d.position: d.document_id for d in checklist_items(session, actor.office_code, dossier_id) or ()}
    out = []
    for position, sha256, pages in kept:
        if position not in docs:
            raise NotFound(_("This document is not on the dossier's checklist."), code="document_not_found")
        out.append(attach_scan(session, actor, dossier_id, docs[position], kept_pdf(store, sha256, pages),
                               store=store, now=now))
    return out


def build_and_attach(ctx: Any, dossier_id: uuid.UUID, document_id: uuid.UUID,
                     pages: Sequence[PageImage]) -> AttachmentInfo:
    """A scan (or a new version) of one checklist item of an existing dossier: the PDF is
    built first, then attached in one transaction; any refusal leaves nothing saved."""
    built = build_pdf(pages)
    store = attachment_store(ctx)
    with ctx.db.write() as s:
        return attach_scan(s, ctx.actor, dossier_id, document_id, built, store=store, now=ctx.now())


# --- a dossier's scans ------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScans:
    """One checklist item of a dossier with its scan versions, newest first."""

    document_id: uuid.UUID
    name: str
    received: bool
    versions: tuple[AttachmentInfo, ...]

    @property
    def current(self) -> AttachmentInfo | None:
        return self.versions[0] if self.versions and self.versions[0].current else None


def dossier_scans(ctx: Any, dossier_id: uuid.UUID | str) -> tuple[ItemScans, ...]:
    """Every checklist item of the dossier, in order, with its scans (history included)."""
    dossier_id = uuid.UUID(str(dossier_id))
    with ctx.db.read() as s:
        docs = checklist_items(s, ctx.office_code, dossier_id)
        if docs is None:
            raise NotFound(_("This dossier does not exist in this office."), code="dossier_not_found")
        infos = list_attachments(s, dossier_id)
        by_doc: dict[uuid.UUID, list[AttachmentInfo]] = {}
        for info in infos:
            by_doc.setdefault(info.document_id, []).append(info)
        return tuple(ItemScans(document_id=d.document_id, name=d.name, received=d.received,
                               versions=tuple(sorted(by_doc.get(d.document_id, []), key=lambda a: -a.version)))
                     for d in docs)


def read_pdf(ctx: Any, sha256: str) -> bytes:
    """The PDF of an attachment from this machine's store (NotFound when pruned here)."""
    store = attachment_store(ctx)
    if not store.has(sha256):
        raise NotFound(_("This scan is no longer kept on this computer; it is at the centre. Fetch it back when "
                         "the link is up."), code="attachment_pruned")
    return store.read(sha256)


# --- fetching a pruned scan back ---------------------------------------------------------------


def centre_client(ctx: Any) -> CentreClient:
    """A client of the central server as this office's enrollment names it (server_url and
    credential; the machine setting ``ca_bundle``, or ``ctx.ca_bundle`` when set).
    DomainError "not_enrolled" when the office is not linked to a centre."""
    with ctx.db.read() as s:
        enrollment = current_enrollment(s)
    if enrollment is None or not enrollment.server_url:
        raise DomainError(_("This office is not linked to the central server yet, so the scan cannot be fetched "
                            "back. Ask the administrator to enrol the office."), code="not_enrolled")
    ca_bundle = getattr(ctx, "ca_bundle", None)
    if ca_bundle is None:
        try:
            from core.settings import load_settings
            ca_bundle = load_settings().ca_bundle
        except Exception:  # noqa: BLE001 - no settings file: the system's certificates
            ca_bundle = ""
    timeout = getattr(ctx, "centre_timeout", None) or DEFAULT_TIMEOUT
    return CentreClient(enrollment.server_url, enrollment.credential, ca_bundle=ca_bundle or None, timeout=timeout)


def fetch_scan(ctx: Any, attachment_id: uuid.UUID) -> bytes:
    """Bring a scan pruned on this machine back from the centre and return its PDF. The
    download runs outside any transaction (it waits on the network); only then the rows
    naming the file are marked "here again", in one write. Offline or not enrolled: the
    client's or :func:`centre_client`'s error, nothing changed."""
    with ctx.db.read() as s:
        sha256 = get_attachment(s, attachment_id).sha256
    store = attachment_store(ctx)
    with centre_client(ctx) as client:
        download_to_store(store, client, sha256)
        with ctx.db.write() as s:
            fetch_back(s, store, client, attachment_id, now=ctx.now())
    return store.read(sha256)


def error_text(exc: BaseException) -> str:
    """What the dialog says for a refusal: the message of our own errors, a plain line else."""
    message = getattr(exc, "message", "")
    if message:
        return str(message)
    if isinstance(exc, (OSError, subprocess.SubprocessError)):
        return _("The file could not be read or written: {reason}").format(reason=str(exc) or type(exc).__name__)
    return failure_words(exc, unavailable=_(
        "The office database cannot be reached right now. Nothing was changed; please try again."))


def validation_code(exc: BaseException) -> str:
    return str(getattr(exc, "code", "")) if isinstance(exc, ValidationError) else ""


Runner = Callable[..., Any]

__all__ = [
    "DEFAULT_WATCH_FOLDER",
    "PREVIEW_PX",
    "ItemScans",
    "KeptScan",
    "attach_kept",
    "attachment_store",
    "build_and_attach",
    "build_and_keep",
    "centre_client",
    "dossier_scans",
    "error_text",
    "fetch_scan",
    "kept_pdf",
    "page_preview",
    "previews",
    "read_pdf",
    "tidy_store",
    "validation_code",
    "watch_folder",
]
