"""Scanned attachments between an office and a real centre on 127.0.0.1: uploaded from the
attachment store before the op that names them (resumably), marked uploaded once the centre
holds the op, pruned, fetched back; a file missing here holds only its own op."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from local_db.attachment_store import AttachmentStore
from local_db.database import Database
from local_db.models import DossierAttachment, Outbox
from local_db.office_setup import OfficeRefs
from local_db.ops.attachments import attach_scan, fetch_back, list_attachments, prune_local
from sync.client import BLOB_CHUNK, CentreClient, Refused, Unreachable
from sync.server import blobs
from sync.server.models import CentreBlob, CentreOp
from tests.support.centre import Centre
from tests.support.scans import big_pdf, built_pdf, dossier_with_checklist
from tests.sync.agent.helpers import FAST, NOW, agent_for, enrol
from tests.sync.server.helpers import Device

TOKHAI = "Tờ khai cấp giấy xác nhận tình trạng hôn nhân"
CCCD = "Giấy tờ tùy thân"


@pytest.fixture
def store(tmp_path: Path) -> AttachmentStore:
    return AttachmentStore.in_data_dir(tmp_path / "office-data")


def _attach_op(db: Database, attachment_id: uuid.UUID) -> Outbox:
    with db.read() as s:
        row = s.scalars(select(Outbox).where(Outbox.entity == "attachment", Outbox.entity_id == attachment_id)).one()
        s.expunge(row)
        return row


def _uploaded_at(db: Database, attachment_id: uuid.UUID):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(DossierAttachment, attachment_id).uploaded_at  # type: ignore[union-attr]


def test_a_scan_reaches_the_centre_whole_and_comes_back_after_pruning(db: Database, office: OfficeRefs,
                                                                      centre: Centre, store: AttachmentStore) -> None:
    enrollment = enrol(db, centre)
    dossier, docs = dossier_with_checklist(db, office, NOW)
    scan = built_pdf(3)
    with db.write() as s:
        info = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store, now=NOW)
    agent = agent_for(db, centre.base_url, enrollment, store=store, clock=lambda: NOW + timedelta(minutes=1))
    report = agent.run_once()
    assert report.ok and report.rejected == report.held == 0
    op = _attach_op(db, info.id)
    assert op.state == "acked"
    with centre.read() as s:
        held = blobs.read(s, "00004", scan.sha256)
        assert s.get(CentreOp, op.op_id).status == "applied"  # type: ignore[union-attr]
    assert held is not None and hashlib.sha256(held).hexdigest() == scan.sha256 == info.sha256
    projection = centre.entity("attachment", info.id)
    assert projection is not None and projection.data["sha256"] == scan.sha256
    assert projection.data["document_id"] == str(docs[TOKHAI]) and projection.data["version"] == 1
    assert _uploaded_at(db, info.id) == NOW + timedelta(minutes=1)

    with db.write() as s:
        assert prune_local(s, store, now=NOW + timedelta(days=31), office_code="00004").files_removed == 1
    assert not store.has(scan.sha256)
    with db.read() as s:
        assert [a.id for a in list_attachments(s, dossier)] == [info.id]  # the dossier still shows it
    client = CentreClient(centre.base_url, enrollment.credential, timeout=FAST)
    with db.write() as s:
        back = fetch_back(s, store, client, info.id)
    assert back.on_this_machine and store.read(scan.sha256) == scan.pdf


def test_an_upload_cut_halfway_resumes_and_the_op_waits_for_its_file(db: Database, office: OfficeRefs,
                                                                     centre: Centre, store: AttachmentStore) -> None:
    enrollment = enrol(db, centre)
    dossier, docs = dossier_with_checklist(db, office, NOW)
    scan = big_pdf(2 * BLOB_CHUNK + 12345)  # three chunks
    with db.write() as s:
        info = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store, now=NOW)
    agent = agent_for(db, centre.base_url, enrollment, store=store)
    real_send = agent.client._send
    patches: list[tuple[str, str]] = []

    def send(method, url_path, **kw):  # type: ignore[no-untyped-def]
        if method == "PATCH":
            patches.append((kw["headers"]["Upload-Offset"], kw["headers"]["Upload-Length"]))
            if len(patches) == 2:
                raise Unreachable("the link dropped")
        return real_send(method, url_path, **kw)

    agent.client._send = send  # type: ignore[method-assign]
    cut = agent.run_once()
    assert not cut.ok and _attach_op(db, info.id).state == "pending"
    with centre.read() as s:
        blob = s.get(CentreBlob, ("00004", scan.sha256))
        assert blob is not None and not blob.complete and blob.size == BLOB_CHUNK
        assert s.get(CentreOp, _attach_op(db, info.id).op_id) is None  # the op waited for its file
    assert _uploaded_at(db, info.id) is None

    done = agent.run_once()
    assert done.ok and _attach_op(db, info.id).state == "acked"
    total = str(len(scan.pdf))
    assert patches == [("0", total), (str(BLOB_CHUNK), total), (str(BLOB_CHUNK), total),
                       (str(2 * BLOB_CHUNK), total)]  # resumed at the byte the centre had, nothing sent twice
    with centre.read() as s:
        assert s.scalar(select(func.count()).select_from(CentreBlob)) == 1
        assert blobs.read(s, "00004", scan.sha256) == scan.pdf
        assert s.get(CentreOp, _attach_op(db, info.id).op_id).status == "applied"  # type: ignore[union-attr]
    assert _uploaded_at(db, info.id) is not None


def test_a_file_missing_here_holds_only_its_own_op(db: Database, office: OfficeRefs, centre: Centre,
                                                   store: AttachmentStore) -> None:
    enrollment = enrol(db, centre)
    dossier, docs = dossier_with_checklist(db, office, NOW)
    lost, fine = built_pdf(1, 1), built_pdf(2, 2)
    with db.write() as s:
        a_lost = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], lost, store=store, now=NOW)
        a_fine = attach_scan(s, office.actor("canbo1"), dossier, docs[CCCD], fine, store=store, now=NOW)
    store.remove(lost.sha256)  # a disk lost, a file deleted by hand
    agent = agent_for(db, centre.base_url, enrollment, store=store)
    report = agent.run_once()
    assert report.ok and report.held == 1 and report.rejected == 0
    assert _attach_op(db, a_lost.id).state == "held" and _attach_op(db, a_fine.id).state == "acked"
    assert _uploaded_at(db, a_lost.id) is None and _uploaded_at(db, a_fine.id) is not None
    assert centre.entity("attachment", a_lost.id) is None

    store.put(lost.pdf)  # restored from a backup: it goes up with the next round
    again = agent.run_once()
    assert again.ok and _attach_op(db, a_lost.id).state == "acked" and _uploaded_at(db, a_lost.id) is not None


def test_an_office_downloads_only_its_own_complete_files(db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)
    client = CentreClient(centre.base_url, enrollment.credential, timeout=FAST)
    whole, partial = b"%PDF-1.4 whole scan", b"%PDF-1.4 a scan cut halfway"
    sha_whole, sha_partial = hashlib.sha256(whole).hexdigest(), hashlib.sha256(partial).hexdigest()
    assert client.upload_blob(sha_whole, whole)
    r = client.session.patch(f"{centre.api_url}/blobs/{sha_partial}", data=partial[:10], timeout=5,
                             headers={"Upload-Offset": "0", "Upload-Length": str(len(partial))})
    assert r.status_code == 204
    assert client.download_blob(sha_whole) == whole
    with pytest.raises(Refused) as err:
        client.download_blob(sha_partial)  # not complete
    assert err.value.status == 404

    centre.create_office("00005")
    other = Device(centre, "00005")
    assert other.session.get(f"{centre.api_url}/blobs/{sha_whole}", timeout=5).status_code == 404
    assert other.session.get(f"{centre.api_url}/blobs/not-a-hash", timeout=5).status_code == 422
    assert client.session.get(f"{centre.api_url}/blobs/{sha_whole}", headers={"Authorization": "Bearer nope"},
                              timeout=5).status_code == 401


def test_the_agent_removes_scans_the_centre_has_kept_long_enough(db: Database, office: OfficeRefs,
                                                                 centre: Centre, store: AttachmentStore) -> None:
    """After a good round (at most hourly) the agent prunes: the file goes, the dossier keeps the scan."""
    enrollment = enrol(db, centre)
    dossier, docs = dossier_with_checklist(db, office, NOW)
    scan = built_pdf(2)
    with db.write() as s:
        info = attach_scan(s, office.actor("canbo1"), dossier, docs[TOKHAI], scan, store=store, now=NOW)
    leftover = built_pdf(1, seed=9)  # kept for an intake that ended with a form 02, two days ago
    store.put(leftover.pdf, thumbnail=leftover.thumbnail_png)
    then = time.time() - 2 * 86400
    os.utime(store.path(leftover.sha256), (then, then))
    os.utime(store.thumbnail_path(leftover.sha256), (then, then))
    moment = [NOW + timedelta(minutes=1)]
    agent = agent_for(db, centre.base_url, enrollment, store=store, clock=lambda: moment[0])
    assert agent.run_once().ok
    assert store.has(scan.sha256)  # uploaded a minute ago: kept here (attachment_keep_days, 30)
    assert not store.has(leftover.sha256) and not store.has_thumbnail(leftover.sha256)  # named by nothing
    moment[0] = NOW + timedelta(days=31)
    assert agent.run_once().ok
    assert not store.has(scan.sha256)
    with db.read() as s:
        [kept] = list_attachments(s, dossier)
    assert kept.id == info.id and not kept.on_this_machine
