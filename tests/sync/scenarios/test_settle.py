"""A supervisor at the office settles a dossier conflict (keeps the centre's version) and the
next round unblocks the dossier; office device keys reach the centre's key ring. A real
centre on 127.0.0.1, the real agent, a proxy to cut the link; each ends on THE INVARIANT
(helpers.assert_invariant), less the op discarded on purpose."""

from __future__ import annotations

from sqlalchemy import select

from core.ids import new_id
from core.tokens import ReceiptToken, Result, verify
from local_db.check import run_check
from local_db.database import Database
from local_db.models import Device, Dossier, Outbox
from local_db.office_setup import OfficeRefs, ensure_device
from local_db.ops.dossiers import result_back, supplement_received
from local_db.ops.signing import device_signer, revoke_device_key
from local_db.ops.sync_outbox import sync_summary
from local_db.ops.sync_settle import settle_problem
from sync.server import dossiers
from sync.server.keys import office_key_ring
from tests.support.centre import Centre
from tests.support.fault_proxy import FaultProxy
from tests.sync.agent.helpers import NOW, agent_for, at, enrol, office_day
from tests.sync.scenarios.helpers import assert_invariant, office_states


def _dossier_status(db: Database, dossier_id: object) -> str:
    with db.read() as s:
        return s.scalar(select(Dossier.status).where(Dossier.id == dossier_id))  # type: ignore[return-value]


def test_a_conflict_settled_at_the_office_unblocks_the_dossier_and_both_sides_agree(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    day = office_day(db, office)  # the dossier is in processing, on both sides after this round
    agent = agent_for(db, proxy.base_url, enrollment)
    assert agent.run_once().ok
    with db.write() as s:  # the result comes back at the counter ...
        result_back(s, office.actor("canbo1"), day.dossier, now=at(60))
    with centre.write() as s:  # ... while the processing body asks the citizen for more papers
        dossiers.move_dossier(s, day.dossier, "request_supplement", by="so-tu-phap", note="Thiếu tờ khai", now=at(55))
    report = agent.run_once()
    assert report.ok and report.conflict == 1
    losing = next(op for op, st in office_states(db).items() if st == "conflict")
    # the pull brought the centre's move: the office already shows the centre's state
    assert _dossier_status(db, day.dossier) == "needs_supplement"
    with db.write() as s:  # the citizen brings the papers: a move on the dossier, held behind the conflict
        supplement_received(s, office.actor("canbo1"), day.dossier, now=at(70))
    held = _last_op(db, day.dossier)
    assert agent.run_once().ok
    assert office_states(db)[held] == "pending"  # waits behind the conflict: not even sent
    assert centre.entity("dossier", day.dossier).status == "needs_supplement"  # type: ignore[union-attr]

    with db.write() as s:  # the supervisor keeps the centre's version
        settle_problem(s, office.actor("giamsat"), losing, now=at(75))
    proxy.down()
    down = agent.run_once()
    assert not down.ok and office_states(db)[losing] == "settling"  # a dead link keeps it for the next round
    proxy.up()
    report = agent.run_once()
    assert report.ok and report.settled == 1 and report.acked >= 1 and report.conflict == report.held == 0
    assert office_states(db)[losing] == "settled"
    assert centre.entity("dossier", day.dossier).status == "received"  # type: ignore[union-attr]
    assert _dossier_status(db, day.dossier) == "received"
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
    assert summary.problem_count == 0 and summary.settling == () and summary.pending == 0
    assert [op.code for op in centre.ops("00004") if op.op_id == losing] == ["resolved_discarded"]
    assert_invariant(db, centre, not_applied={losing})
    assert run_check(db).ok  # `motcua db check` knows the new states; the dossier's trail matches


def _last_op(db: Database, dossier_id: object):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(Outbox.op_id).where(Outbox.entity_id == dossier_id, Outbox.state != "central")
                        .order_by(Outbox.seq.desc()).limit(1))


def test_a_counter_key_made_at_the_office_verifies_receipts_at_the_centre_until_revoked(
        db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)  # the test office's own counter key goes with the enrollment
    with db.write() as s:  # a new counter desk, keyed after the office enrolled
        counter = ensure_device(s, "00004", "counter-7", "counter").id
        receipt = device_signer(s, counter).sign(ReceiptToken(entity_id=new_id(), office_code="00004",
                                                              issued_at=at(5), dossier_code="H12-0007"))
        old = device_signer(s, office.device_id).sign(ReceiptToken(entity_id=new_id(), office_code="00004",
                                                                   issued_at=at(6), dossier_code="H12-0008"))
    agent = agent_for(db, centre.base_url, enrollment)
    assert agent.run_once().ok
    with centre.read() as s:
        ring = office_key_ring(s, "00004")
    assert verify(receipt, ring, office_code="00004", now=at(10)).result is Result.VALID
    assert verify(old, ring, office_code="00004", now=at(10)).result is Result.VALID
    with db.write() as s:  # the desk is stolen: the admin revokes it
        revoke_device_key(s, office.actor("admin"), counter, now=at(20))
    assert agent.run_once().ok
    with centre.read() as s:
        ring = office_key_ring(s, "00004")
    assert verify(receipt, ring, office_code="00004", now=at(30)).result is not Result.VALID
    assert verify(old, ring, office_code="00004", now=at(30)).result is Result.VALID
    assert agent.run_once().ok  # the pull brings nothing back as a duplicate device
    with db.read() as s:
        assert len(s.scalars(select(Device).where(Device.name.like("counter-7%"))).all()) == 1
    assert_invariant(db, centre)
