"""Scanned attachments of a dossier: stored once by content, versioned per checklist item,
limited per dossier, safe on a full disk, pruned after the centre has them, fetched back."""

from __future__ import annotations

import errno
import hashlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from core.errors import ValidationError
from local_db import attachment_store
from local_db.attachment_store import AttachmentStore, AttachmentStoreFull
from local_db.check import run_check
from local_db.database import Database
from local_db.models import AuditLog, DossierAttachment, Outbox
from local_db.office_settings import load_rules, set_rule
from local_db.office_setup import OfficeRefs
from local_db.ops.attachments import (
    attach_scan,
    dossier_ids_missing_scans,
    drop_unused,
    fetch_back,
    list_attachments,
    mark_uploaded,
    missing_scans,
    prune_local,
)
from local_db.ops.dossiers import list_dossiers
from local_db.ops.drafts import save_draft
from tests.support.scans import big_pdf, built_pdf, dossier_with_checklist

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
TOKHAI = "Tờ khai cấp giấy xác nhận tình trạng hôn nhân"
CCCD = "Giấy tờ tùy thân"
MIB = 1024 * 1024


def files_in(store: AttachmentStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore.in_data_dir(tmp_path / "data")


# --- the store alone ---------------------------------------------------------------------------


def test_the_store_keeps_one_file_per_content_named_by_its_hash(store: AttachmentStore) -> None:
    scan = built_pdf(3)
    assert store.root.name == "attachments"
    sha = store.put(scan.pdf, thumbnail=scan.thumbnail_png)
    assert sha == scan.sha256 == hashlib.sha256(scan.pdf).hexdigest()
    assert store.path(sha) == store.root / sha[:2] / f"{sha}.pdf"
    assert store.put(scan.pdf) == sha  # the same content again: the same single file
    assert [p.name for p in files_in(store)] == [f"{sha}.pdf", f"{sha}.thumb.png"]
    assert store.read(sha) == scan.pdf and store.read_thumbnail(sha) == scan.thumbnail_png
    assert store.remove(sha) and not store.has(sha) and store.has_thumbnail(sha)  # the thumbnail stays
    with pytest.raises(FileNotFoundError):
        store.read(sha)


def test_a_damaged_file_in_the_store_is_noticed_when_read(store: AttachmentStore) -> None:
    sha = store.put(b"%PDF-1.4 a scan")
    store.path(sha).write_bytes(b"%PDF-1.4 a scan, changed on disk")
    with pytest.raises(attachment_store.AttachmentStoreError) as err:
        store.read(sha)
    assert err.value.code == "damaged"


# --- attaching ---------------------------------------------------------------------------------


def test_a_three_page_scan_is_stored_once_sent_by_hash_and_listed(db: Database, office: OfficeRefs,
                                                                  store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    scan = built_pdf(3)
    with db.write() as s:
        info = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store,
                           now=NOW + timedelta(minutes=5))
    assert (info.version, info.pages, info.size, info.sha256) == (1, 3, len(scan.pdf), scan.sha256)
    assert info.current and info.on_this_machine and info.created_by_name == "Nguyễn Văn Hoà"
    assert len(PdfReader(store.path(info.sha256)).pages) == 3
    assert store.read(info.sha256) == scan.pdf
    with db.read() as s:
        ops = s.scalars(select(Outbox).where(Outbox.entity == "attachment")).all()
        audit = s.scalars(select(AuditLog).where(AuditLog.entity == "attachment")).all()
        listed = list_attachments(s, dossier)
    assert len(ops) == 1 and ops[0].op_type == "attach" and ops[0].entity_id == info.id
    assert ops[0].payload == {
        "dossier_id": str(dossier), "document_id": str(docs[TOKHAI]), "document_name": TOKHAI, "version": 1,
        "sha256": scan.sha256, "size": len(scan.pdf), "pages": 3, "replaces": None,
        "attachments": [{"sha256": scan.sha256}]}
    assert str(store.root) not in repr(ops[0].payload)  # no machine path ever goes to the centre
    assert len(audit) == 1 and audit[0].detail["dossier_id"] == str(dossier)
    assert listed == [info]

    # The same paper scanned for another line (same bytes): still one file.
    with db.write() as s:
        attach_scan(s, office.actor("canbo1"), dossier, docs[CCCD], scan, store=store, now=NOW + timedelta(minutes=6))
    assert len([p for p in files_in(store) if p.suffix == ".pdf"]) == 1
    assert run_check(db).ok, run_check(db).problems  # `motcua db check` stays green


def test_a_rescan_is_version_two_and_history_keeps_who_attached_what_when(db: Database, office: OfficeRefs,
                                                                         store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    first, second = built_pdf(2, seed=1), built_pdf(3, seed=2)
    with db.write() as s:
        v1 = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], first, store=store,
                         now=NOW + timedelta(minutes=5))
    with db.write() as s:
        v2 = attach_scan(s, office.actor("canbo2"), dossier, docs[TOKHAI], second, store=store,
                         now=NOW + timedelta(days=3))
    with db.read() as s:
        listed = list_attachments(s, dossier)
        names = {a: n for a, n in s.execute(select(DossierAttachment.id, DossierAttachment.created_by))}
    assert [(a.version, a.current) for a in listed] == [(2, True), (1, False)]  # newest first
    new, old = listed
    assert new.id == v2.id and old.id == v1.id and old.replaced_by == v2.id
    assert old.created_at == NOW + timedelta(minutes=5) and new.created_at == NOW + timedelta(days=3)
    assert old.created_by == office.staff["canbo1"] and new.created_by == office.staff["canbo2"]
    assert (old.created_by_name, new.created_by_name) == ("Nguyễn Văn Hoà", "Phạm Thị Thuỷ")
    assert names[v1.id] == office.staff["canbo1"]
    assert store.has(first.sha256) and store.has(second.sha256)  # the old version's file is kept
    with db.read() as s:
        payloads = [o.payload for o in s.scalars(select(Outbox).where(Outbox.entity == "attachment")
                                                .order_by(Outbox.seq))]
    assert [p["version"] for p in payloads] == [1, 2] and payloads[1]["replaces"] == str(v1.id)


def test_over_the_dossier_size_limit_nothing_is_stored(db: Database, office: OfficeRefs,
                                                       store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    with db.read() as s:
        assert load_rules(s, office.office_code).attachment_limit_mb == 100  # the default
    with db.write() as s:
        set_rule(s, office.office_code, "attachment_limit_mb", 2)
    with db.write() as s:
        attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], big_pdf(MIB + MIB // 2), store=store, now=NOW)
    before = files_in(store)
    with db.read() as s:
        outbox_before = s.scalar(select(func.count()).select_from(Outbox))
    too_big = big_pdf(MIB)
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            attach_scan(s, office.actor("canbo1"), dossier, docs[CCCD], too_big, store=store, now=NOW)
    assert err.value.code == "attachment_limit"
    assert "2.5 MB" in err.value.message and "2 MB" in err.value.message  # what it would be, what is allowed
    assert files_in(store) == before and not store.has(too_big.sha256)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(DossierAttachment)) == 1
        assert s.scalar(select(func.count()).select_from(Outbox)) == outbox_before
    # A re-scan replaces its item's file: only the version in force counts.
    with db.write() as s:
        v2 = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], big_pdf(MIB + MIB // 2), store=store,
                         now=NOW)
    assert v2.version == 2


def test_a_full_disk_leaves_no_half_file_and_nothing_in_the_database(db: Database, office: OfficeRefs,
                                                                     store: AttachmentStore, monkeypatch) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    scan = big_pdf(3 * MIB)
    real_write = os.write
    calls = []

    def write(fd: int, data) -> int:  # type: ignore[no-untyped-def]
        calls.append(len(data))
        if len(calls) == 2:  # the first MiB went in; then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(attachment_store.os, "write", write)
    with pytest.raises(AttachmentStoreFull) as err:
        with db.write() as s:
            attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store, now=NOW)
    assert err.value.code == "disk_full" and "đầy" in err.value.message  # Vietnamese, the default language
    assert files_in(store) == []  # neither the PDF nor its temporary file
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(DossierAttachment)) == 0
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.entity == "attachment")) == 0
    monkeypatch.setattr(attachment_store.os, "write", real_write)  # space freed: saving again works
    with db.write() as s:
        attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store, now=NOW)
    assert store.read(scan.sha256) == scan.pdf


# --- what is still to scan ---------------------------------------------------------------------


def test_missing_scans_and_the_dossier_list_filter(db: Database, office: OfficeRefs, store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    other, other_docs = dossier_with_checklist(db, office, NOW + timedelta(minutes=1), name="Lê Thị Mai",
                                               cccd="001190054321")
    with db.read() as s:
        # the line marked missing (not handed in) is not a scan to make
        assert missing_scans(s, dossier) == [TOKHAI, CCCD]
        assert dossier_ids_missing_scans(s, office.office_code) == {dossier, other}
    with db.write() as s:
        attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], built_pdf(1, 1), store=store, now=NOW)
    with db.read() as s:
        assert missing_scans(s, dossier) == [CCCD]
        assert {d.id for d in list_dossiers(s, office.office_code, scans_missing=True, now=NOW)} == {dossier, other}
    with db.write() as s:
        attach_scan(s, office.actor("canbo1"), dossier, docs[CCCD], built_pdf(1, 2), store=store, now=NOW)
        attach_scan(s, office.actor("canbo1"), other, other_docs[TOKHAI], built_pdf(1, 3), store=store, now=NOW)
    with db.read() as s:
        assert missing_scans(s, dossier) == []
        assert [d.id for d in list_dossiers(s, office.office_code, scans_missing=True, now=NOW)] == [other]
        assert {d.id for d in list_dossiers(s, office.office_code, now=NOW)} == {dossier, other}
        assert dossier_ids_missing_scans(s, office.office_code, [dossier, other]) == {other}
        assert dossier_ids_missing_scans(s, office.office_code, [dossier]) == set()
        assert dossier_ids_missing_scans(s, office.office_code, []) == set()


# --- pruned after the centre has them, fetched back --------------------------------------------


class FakeCentre:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    def download_blob(self, sha256: str) -> bytes:
        self.asked.append(sha256)
        return self.files[sha256]


def test_pruned_after_keep_days_still_listed_and_fetched_back(db: Database, office: OfficeRefs,
                                                              store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    sent, unsent = built_pdf(3, 1), built_pdf(1, 2)
    with db.write() as s:
        a = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], sent, store=store, now=NOW)
        attach_scan(s, office.actor("canbo1"), dossier, docs[CCCD], unsent, store=store, now=NOW)
        assert mark_uploaded(s, [a.id], NOW + timedelta(hours=1)) == 1
    with db.read() as s:
        assert load_rules(s, office.office_code).attachment_keep_days == 30
    with db.write() as s:
        early = prune_local(s, store, now=NOW + timedelta(days=29), office_code=office.office_code)
    assert early.files_removed == 0 and store.has(sent.sha256)
    with db.write() as s:
        done = prune_local(s, store, now=NOW + timedelta(days=31), office_code=office.office_code)
    assert (done.files_removed, done.attachments_marked, done.bytes_freed) == (1, 1, len(sent.pdf))
    assert not store.has(sent.sha256) and store.has_thumbnail(sent.sha256)  # the dossier still shows it
    assert store.has(unsent.sha256)  # the centre does not have it yet: never pruned
    with db.read() as s:
        listed = {x.id: x for x in list_attachments(s, dossier)}
        assert missing_scans(s, dossier) == []  # pruned here is still scanned
    assert len(listed) == 2 and not listed[a.id].on_this_machine
    assert listed[a.id].local_removed_at == NOW + timedelta(days=31)

    with pytest.raises(ValidationError) as err:  # the centre sends something else: not kept
        with db.write() as s:
            fetch_back(s, store, FakeCentre({sent.sha256: b"not the scan"}), a.id)
    assert err.value.code == "hash_mismatch" and not store.has(sent.sha256)
    centre = FakeCentre({sent.sha256: sent.pdf})
    with db.write() as s:
        back = fetch_back(s, store, centre, a.id)
    assert back.on_this_machine and store.read(sent.sha256) == sent.pdf and centre.asked == [sent.sha256]
    with db.write() as s:
        fetch_back(s, store, centre, a.id)  # already here: the centre is not asked again
    assert centre.asked == [sent.sha256]


def age(store: AttachmentStore, sha: str, days: float) -> None:
    """Make a kept file (and its thumbnail) ``days`` old."""
    then = datetime.now(timezone.utc).timestamp() - days * 86400
    for path in (store.path(sha), store.thumbnail_path(sha)):
        if path.exists():
            os.utime(path, (then, then))


def test_scans_of_intakes_that_ended_without_a_dossier_leave_after_a_day(db: Database, office: OfficeRefs,
                                                                         store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    attached, drafted, refused, fresh = (built_pdf(1, seed) for seed in (11, 12, 13, 14))
    with db.write() as s:
        attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], attached, store=store, now=NOW)
        save_draft(s, office.actor("canbo1"), None, step="documents",  # an intake still going on
                   data={"documents": [{"name": CCCD, "scan_sha256": drafted.sha256, "scan_pages": 1}]})
    for kept in (drafted, refused, fresh):  # the intake keeps its scans in the store at once
        store.put(kept.pdf, thumbnail=kept.thumbnail_png)
    for kept in (attached, drafted, refused):
        age(store, kept.sha256, 2)
    with db.read() as s:
        assert drop_unused(s, store) == 1
    # the intake ended with a form 02/03: its scan is gone, PDF and thumbnail
    assert not store.has(refused.sha256) and not store.has_thumbnail(refused.sha256)
    # named by a dossier, by a draft, or less than a day old: kept
    assert store.has(attached.sha256) and store.has(drafted.sha256) and store.has(fresh.sha256)
    # a file kept again (the same pages saved once more) is young again: not swept before its row
    age(store, fresh.sha256, 2)
    store.put(fresh.pdf)
    with db.read() as s:
        assert drop_unused(s, store) == 0
    assert store.has(fresh.sha256)


def test_a_file_two_rows_share_goes_only_when_neither_needs_it(db: Database, office: OfficeRefs,
                                                              store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    scan = built_pdf(1, 5)
    with db.write() as s:
        a = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store, now=NOW)
        attach_scan(s, office.actor("canbo1"), dossier, docs[CCCD], scan, store=store, now=NOW)
        mark_uploaded(s, [a.id], NOW)
    with db.write() as s:
        report = prune_local(s, store, keep_days=1, now=NOW + timedelta(days=5))
    assert report.files_removed == 0 and store.has(scan.sha256)


def test_db_check_names_an_attachment_that_never_went_through_the_outbox(db: Database, office: OfficeRefs,
                                                                        store: AttachmentStore) -> None:
    dossier, docs = dossier_with_checklist(db, office, NOW)
    with db.write() as s:
        s.add(DossierAttachment(office_code=office.office_code, dossier_id=dossier, document_id=docs[TOKHAI],
                                version=1, sha256="ab" * 32, size=10, pages=1, created_at=NOW))
    report = run_check(db)
    assert not report.ok
    assert any("has no outbox row attaching it" in p for p in report.problems), report.problems


def test_one_file_over_what_the_centre_takes_is_refused_at_the_desk(db: Database, office: OfficeRefs,
                                                                     store: AttachmentStore, monkeypatch) -> None:
    """A scan the centre would never take (sync.protocol.MAX_BLOB_BYTES) is not saved here
    either: it would wait at the centre for ever."""
    from local_db.ops import attachments
    from sync.protocol import MAX_BLOB_BYTES

    assert attachments.MAX_ATTACHMENT_BYTES == MAX_BLOB_BYTES
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", MIB)  # (a 50 MB PDF would make the test slow)
    dossier, docs = dossier_with_checklist(db, office, NOW)
    with pytest.raises(ValidationError) as err:
        with db.write() as s:
            attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], big_pdf(MIB + MIB // 2), store=store, now=NOW)
    assert err.value.code == "attachment_too_large" and "1 MB" in err.value.message
    assert files_in(store) == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(DossierAttachment)) == 0
