"""The agent and a real central server on 127.0.0.1: enrollment, push, pull, failures.

Invariant checked throughout: the set of ops the centre applied is the set the office made,
each exactly once, and both sides agree on every entity's state.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select, update

from core.errors import DomainError
from local_db import journal
from local_db.check import run_check
from local_db.database import Database
from local_db.models import (
    Appointment,
    Device,
    Office,
    Outbox,
    Procedure,
    Service,
    Staff,
)
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import check_in
from local_db.ops.link_state import link_state
from local_db.ops.signing import office_key_ring
from local_db.ops.staff import attempt_login, create_staff
from local_db.ops.sync_outbox import sync_summary
from sync.client import CentreClient, Unreachable
from sync.enroll import enroll_office
from sync.server import admin, bookings, catalog, dossiers
from tests.support.centre import Centre
from tests.sync.agent.helpers import (
    FAST,
    NOW,
    agent_for,
    applied_at_centre,
    at,
    disagreements,
    enrol,
    more_tickets,
    office_day,
    office_ops,
)


def check_problems(db: Database) -> list[str]:
    """``motcua db check`` on the office, less its list of known outbox states (which must
    learn the agent's ``held``/``conflict``/``central``)."""
    return [p for p in run_check(db).problems if "unknown state" not in p]


def test_enrolled_office_pushes_everything_once_and_then_nothing(db: Database, office: OfficeRefs,
                                                                 centre: Centre) -> None:
    enrollment = enrol(db, centre)
    with db.read() as s:
        assert s.scalar(select(Office.enrolled))
        assert len(office_key_ring(s, "00004").keys) == 3  # the counter, the agent and the centre
    office_day(db, office)
    made = office_ops(db)
    assert len(made) > 10 and set(made.values()) == {"pending"}
    agent = agent_for(db, centre.base_url, enrollment, batch=4)  # several batches
    report = agent.run_once()
    assert report.ok and report.online and report.pushed == len(made) and report.acked == len(made)
    assert sorted(applied_at_centre(centre)) == sorted(made)
    assert set(office_ops(db).values()) == {"acked"}
    assert disagreements(db, centre) == []
    again = agent.run_once()
    assert again.ok and again.pushed == 0
    assert sorted(applied_at_centre(centre)) == sorted(made)
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
        assert summary.online and summary.pending == 0 and summary.problem_count == 0 and summary.notices == ()
        assert link_state(s, summary.last_contact_at).online  # type: ignore[arg-type]
    assert check_problems(db) == []


def test_what_the_centre_publishes_reaches_the_office(db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)
    with centre.write() as s:
        catalog.publish_catalog(s, "00004")
        catalog.publish_holidays(s, 2027)
        catalog.upsert_staff(s, "00004", "canbo9", full_name="Vũ Thị Lan", role="clerk", password="trungtam123")
    report = agent_for(db, centre.base_url, enrollment).run_once()
    # the same demo catalog and national holidays the office already had: only the new account changes anything
    assert report.ok and report.pages == 1 and report.pulled == 1
    # the account made centrally signs in at the office, offline
    me = attempt_login(db, "00004", "canbo9", "trungtam123", device_id=office.device_id, now=NOW)
    assert me.full_name == "Vũ Thị Lan"
    with db.read() as s:
        assert sync_summary(s, "00004", NOW).notices == ()  # every change applied
        assert s.scalar(select(Staff.id).where(Staff.username == "canbo9")) is not None
        assert s.scalar(select(func.count()).select_from(Procedure)) == 20
        assert s.scalar(select(func.count()).select_from(Service)) == 5
    # the office's own catalog rows were matched, not duplicated: tickets still work
    made = more_tickets(db, office, 2)
    assert len(made) == 2
    assert check_problems(db) == []
    # and the staff account is the centre's now: the office cannot edit it
    with pytest.raises(DomainError), db.write() as s:
        create_staff(s, office.actor("admin"), username="canbo10", full_name="Ai Đó", role="clerk",
                     password="matkhau123", now=NOW)


def test_online_booking_and_check_in_travel_both_ways(db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)
    day = office_day(db, office)
    agent = agent_for(db, centre.base_url, enrollment)
    assert agent.run_once().ok  # the slots reach the centre
    with centre.write() as s:
        online = bookings.book_online(s, "00004", day.slots[0], full_name="Lê Văn Tám", phone="0912345678",
                                      now=at(30))
        other = bookings.book_online(s, "00004", day.slots[0], full_name="Hà Thị Năm", phone="0912345679",
                                     now=at(31))
    assert agent.run_once().ok
    with db.write() as s:
        checked = check_in(s, office.actor(None, "kiosk"), online.id, now=at(-10))
    assert checked.appointment.status == "checked_in"
    with centre.write() as s:  # the citizen cancels on the portal before the office's check-in arrives
        bookings.cancel_online(s, "00004", other.id, now=at(32))
        bookings.cancel_online(s, "00004", online.id, now=at(33))
    report = agent.run_once()
    assert report.ok and report.conflict == 1
    with db.read() as s:
        assert s.get(Appointment, other.id).status == "cancelled"  # type: ignore[union-attr]
        assert s.get(Appointment, online.id).status == "checked_in"  # type: ignore[union-attr]
        summary = sync_summary(s, "00004", NOW)
    # never silently dropped: the refused check-in is listed, and staff are told
    assert [p.op_type for p in summary.problems] == ["check_in"]
    assert [n.kind for n in summary.notices] == ["cancelled_after_check_in"]
    assert check_problems(db) == []


def test_a_dossier_moved_on_both_sides_has_one_legal_state(db: Database, office: OfficeRefs, centre: Centre) -> None:
    from local_db.ops.dossiers import result_back

    enrollment = enrol(db, centre)
    day = office_day(db, office)
    agent = agent_for(db, centre.base_url, enrollment)
    assert agent.run_once().ok
    with db.write() as s:  # the result comes back at the counter, offline
        result_back(s, office.actor("canbo1"), day.dossier, now=at(60))
    with centre.write() as s:  # meanwhile the processing body refuses it
        dossiers.move_dossier(s, day.dossier, "reject", by="so-tu-phap", note="Sai thẩm quyền", now=at(55))
    report = agent.run_once()
    assert report.ok and report.conflict == 1
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
    assert [p.state for p in summary.problems] == ["conflict"]
    assert [n.kind for n in summary.notices] == ["dossier_moved_centrally"]
    assert disagreements(db, centre) == []  # both say "rejected"


def test_a_refused_op_is_shown_and_holds_only_its_entity(db: Database, office: OfficeRefs, centre: Centre) -> None:
    gadget = uuid.uuid4()
    with db.write() as s:  # a kind of record a newer office app writes and this centre does not know
        journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="create",
                       payload={"name": "máy lấy số"}, now=NOW, to_state="active")
    tickets = more_tickets(db, office, 3, start=2)
    with db.write() as s:
        journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="update",
                       payload={"name": "máy lấy số 2"}, now=at(5), from_state="active", to_state="active")
    enrollment = enrol(db, centre)
    agent = agent_for(db, centre.base_url, enrollment)
    report = agent.run_once()
    assert report.ok and report.rejected == 1 and report.acked == 4  # (+1: the counter's key, registered at enrollment)
    with db.read() as s:
        states = dict(s.execute(select(Outbox.op_type, Outbox.state).where(Outbox.entity_id == gadget)).all())
        summary = sync_summary(s, "00004", NOW)
    assert states == {"create": "rejected", "update": "held"}  # waits behind the refused one, never judged alone
    assert summary.problem_count == 1 and "gadget" in summary.problems[0].reason  # the reason, for staff
    assert (summary.pending, summary.held) == (1, 1)
    assert {centre.entity("ticket", t).status for t in tickets} == {"waiting"}  # type: ignore[union-attr]
    again = agent.run_once()  # the held op is not sent again while its entity is blocked
    assert again.ok and again.pushed == 0


def test_server_down_then_failing_then_back_drains_with_no_one_doing_anything(
        db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)
    office_day(db, office)
    made = office_ops(db)
    centre.stop()
    agent = agent_for(db, centre.base_url, enrollment, interval=0.05, poll=0.02)
    down = agent.run_once()
    assert not down.ok and not down.online and down.pushed == 0
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
        assert not summary.online and summary.pending == len(made) and summary.problem_count == 0
        assert summary.last_error  # why, for the status line
    centre.start()
    centre.faults.fail(503, times=4)  # back, but answering errors for a while
    stop = threading.Event()
    runner = threading.Thread(target=agent.run_forever, args=(stop,), daemon=True)
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while set(office_ops(db).values()) != {"acked"} and time.monotonic() < deadline:
            time.sleep(0.05)
        more = more_tickets(db, office, 2, start=100)  # new work goes out by itself too
        while len(applied_at_centre(centre)) < len(made) + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        runner.join(10)
    assert not runner.is_alive()
    assert centre.faults.injected == 4
    assert sorted(applied_at_centre(centre)) == sorted(office_ops(db))
    assert len(office_ops(db)) == len(made) + len(more)
    with db.read() as s:
        assert sync_summary(s, "00004", NOW).last_error == ""


def test_a_revoked_credential_keeps_every_op_waiting(db: Database, office: OfficeRefs, centre: Centre) -> None:
    enrollment = enrol(db, centre)
    more_tickets(db, office, 3)
    with centre.write() as s:
        admin.revoke_device(s, uuid.UUID(enrollment.centre_device_id))
    report = agent_for(db, centre.base_url, enrollment).run_once()
    assert not report.ok and report.credential_refused and not report.online
    assert set(office_ops(db).values()) == {"pending"}  # nothing rejected
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
    assert summary.credential_refused and summary.problem_count == 0 and summary.pending == 4  # (+1: the counter's key, registered at enrollment)
    # enrolled again with a new code: everything goes out
    enrollment = enrol(db, centre)
    assert agent_for(db, centre.base_url, enrollment).run_once().ok
    assert set(office_ops(db).values()) == {"acked"}


def test_enrollment_refuses_a_bad_code_and_a_dead_server(db: Database, office: OfficeRefs, centre: Centre) -> None:
    with pytest.raises(DomainError) as bad:
        enroll_office(db, centre.base_url, "NOT-A-REAL-CODE", device_name="office-agent", timeout=FAST)
    assert bad.value.code == "bad_enrollment_code"
    with db.read() as s:
        assert not s.scalar(select(Office.enrolled))
        assert s.scalar(select(Device.id).where(Device.credential != "")) is None
    with pytest.raises(Unreachable), CentreClient("http://127.0.0.1:9", timeout=(0.5, 0.5)) as client:
        client.time()
    with db.write() as s:  # an office whose database says it is another office is refused
        s.execute(update(Office).values(code="00099"))
    with pytest.raises(DomainError) as wrong:
        enrol(db, centre)
    assert wrong.value.code == "wrong_office"
