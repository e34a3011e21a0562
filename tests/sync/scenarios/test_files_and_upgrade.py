"""Scenarios 12 and 13 of issue 7: an office whose app was upgraded (a new migration) with
operations still waiting pushes every one of them; an attachment whose upload is cut
halfway ends as one blob at the centre, and the op naming it waits until it is complete."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import func, select

from local_db import journal, migrate
from local_db.attachment_store import AttachmentStore
from local_db.database import Database
from local_db.models import Citizen
from local_db.office_setup import OfficeRefs
from sync.server.models import CentreBlob, CentreBlobChunk, CentreOp
from tests.support.centre import Centre, running_centre
from tests.support.fault_proxy import FaultProxy
from tests.sync.agent.helpers import agent_for, at, enrol, office_day, office_ops
from tests.sync.scenarios.helpers import assert_invariant, office_states

FROZEN = Path(__file__).resolve().parents[2] / "local_db" / "frozen"
BLOBS = "/api/v1/blobs/"


def test_12_an_office_upgraded_with_a_full_outbox_still_syncs_every_pending_op(
        centre_url: str, tmp_path: Path) -> None:
    oldest = sorted(FROZEN.glob("*.sqlite3"))[0]  # the first schema, with a day of work never pushed
    shutil.copy(oldest, tmp_path / "office.db")
    db = Database(f"sqlite:///{tmp_path / 'office.db'}")
    try:
        assert migrate.current_revision(db) == oldest.stem != migrate.head_revision()
        waiting = office_ops(db)
        assert len(waiting) > 1000 and set(waiting.values()) == {"pending"}
        migrate.upgrade(db)  # the new app version starts
        assert office_ops(db) == waiting
        with running_centre(centre_url, tmp_path / "centre") as centre:
            enrollment = enrol(db, centre)
            report = agent_for(db, centre.base_url, enrollment).run_once()
            # (+1: the office's counter key, registered at enrollment)
            assert report.ok and report.acked == len(waiting) + 1 and report.rejected == report.conflict == 0
            assert_invariant(db, centre)
    finally:
        db.dispose()


def _attach(db: Database, office: OfficeRefs, sha256: str) -> uuid.UUID:
    """The scan of the applicant's ID card, attached to their record (an op naming a blob by
    its hash only: the agent finds the file in the office's attachment store)."""
    with db.read() as s:
        citizen = s.scalars(select(Citizen.id)).first()
    assert citizen is not None
    with db.write() as s:
        return journal.record(s, office.actor("canbo1"), entity="citizen", entity_id=citizen, op_type="attach_scan",
                              payload={"attachments": [{"sha256": sha256}]}, now=at(70))


def test_13_an_upload_cut_halfway_makes_one_blob_and_its_op_waits_for_it(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy, tmp_path: Path) -> None:
    enrollment = enrol(db, centre)
    office_day(db, office)
    scan = os.urandom(2 * 1024 * 1024 + 12345)  # three chunks of the client's 1 MiB
    name = hashlib.sha256(scan).hexdigest()
    store = AttachmentStore(tmp_path / "attachments")
    op = _attach(db, office, name)
    agent = agent_for(db, proxy.base_url, enrollment, batch=50, store=store)

    # the scanner has not finished writing the file: the op goes, and the centre holds it
    first = agent.run_once()
    assert first.ok and first.held == 1 and office_states(db)[op] == "held"
    assert op not in {o.op_id for o in centre.ops("00004")}

    assert store.put(scan) == name  # the file is there now; the link cuts the second chunk
    real_send = agent.client._send
    patches = []

    def send(method, url_path, **kw):  # type: ignore[no-untyped-def]
        if method == "PATCH":
            patches.append(kw["headers"]["Upload-Offset"])
            if len(patches) == 2:
                proxy.cut_requests(1, path=BLOBS)
        return real_send(method, url_path, **kw)

    agent.client._send = send  # type: ignore[method-assign]
    cut = agent.run_once()
    assert not cut.ok and proxy.seen.cut == 1
    assert office_states(db)[op] == "held"  # still waiting, not refused
    with centre.read() as s:
        blob = s.get(CentreBlob, ("00004", name))
        assert blob is not None and not blob.complete and blob.size == 1024 * 1024

    done = agent.run_once()  # resumes at the byte the centre has
    assert done.ok and office_states(db)[op] == "acked"
    assert patches == ["0", str(1024 * 1024), str(1024 * 1024), str(2 * 1024 * 1024)]  # nothing sent twice
    with centre.read() as s:
        assert s.scalar(select(func.count()).select_from(CentreBlob)) == 1
        blob = s.get(CentreBlob, ("00004", name))
        assert blob is not None and blob.complete and blob.size == len(scan)
        stored = b"".join(s.scalars(select(CentreBlobChunk.data).where(CentreBlobChunk.sha256 == name)
                                    .order_by(CentreBlobChunk.offset)))
        assert hashlib.sha256(stored).hexdigest() == name
        assert s.get(CentreOp, op).status == "applied"  # type: ignore[union-attr]
    assert agent.run_once().ok  # nothing left to upload or push
    assert proxy.seen.paths.count(f"{BLOBS}{name}") == len(patches) + 2  # + one HEAD in each of the two rounds
    assert_invariant(db, centre)
