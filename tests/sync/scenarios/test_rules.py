"""Scenarios 4, 7, 8, 9, 10 and 14 of issue 7: what the centre's rules do with what the
office did offline — a refused op, a compacted change log, a dossier moved on both sides,
both sides booking the same slots, a device clock a day off, a revoked credential. Each
ends on THE INVARIANT (helpers.assert_invariant), less the ops refused on purpose."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.errors import QuotaExceeded
from local_db import journal
from local_db.database import Database
from local_db.models import Appointment, Outbox, Slot, Staff, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.appointments import appointments_for_day, book, check_in
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import result_back
from local_db.ops.sync_outbox import sync_summary
from sync.server import admin, bookings, catalog, changelog, dossiers
from sync.server.models import CentreEntity, CentreSlot
from tests.support.centre import Centre
from tests.support.fault_proxy import FaultProxy
from tests.sync.agent.helpers import NOW, agent_for, at, enrol, office_day, office_ops
from tests.sync.scenarios.helpers import (
    all_acked,
    assert_invariant,
    busy_hour,
    office_states,
)


def test_4_one_refused_op_lets_the_others_through_and_holds_its_entity(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    office_day(db, office)
    gadget = uuid.uuid4()
    with db.write() as s:  # a kind of record a newer office app writes and this centre does not know
        refused = journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="create",
                                 payload={"name": "máy lấy số"}, now=at(60), to_state="active")
    busy_hour(db, office, tickets=4, start=61)
    with db.write() as s:
        waiting = journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="update",
                                 payload={"name": "máy lấy số 2"}, now=at(90), from_state="active",
                                 to_state="active")
    busy_hour(db, office, tickets=2, start=91)
    refused_id, waiting_id = _op_id(refused), _op_id(waiting)
    agent = agent_for(db, proxy.base_url, enrollment, batch=6)
    report = agent.run_once()
    assert report.ok and report.rejected == 1
    states = office_states(db)
    # the later op on the refused entity waits: not sent (it was in a later batch), never judged
    assert states[refused_id] == "rejected" and states[waiting_id] in ("pending", "held")
    assert waiting_id not in {op.op_id for op in centre.ops("00004")}
    assert {st for op, st in states.items() if op not in (refused_id, waiting_id)} == {"acked"}
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
    assert summary.problem_count == 1 and summary.problems[0].op_id == refused_id
    assert summary.problems[0].state == "rejected" and "gadget" in summary.problems[0].reason
    assert (summary.pending, summary.held) == (1, 1)
    pushed_before = proxy.seen.paths.count("/api/v1/push")
    again = agent.run_once()
    assert again.ok and again.pushed == 0 and proxy.seen.paths.count("/api/v1/push") == pushed_before
    assert_invariant(db, centre, not_applied={refused_id, waiting_id})
    assert {op.op_id for op in centre.ops("00004", status="rejected")} == {refused_id}


def _op_id(recorded: object) -> uuid.UUID:
    return recorded if isinstance(recorded, uuid.UUID) else recorded.op_id  # type: ignore[attr-defined]


def test_7_a_cursor_older_than_the_centre_keeps_refetches_and_the_outbox_survives(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    with centre.write() as s:
        catalog.publish_catalog(s, "00004")
        catalog.upsert_staff(s, "00004", "canbo9", full_name="Vũ Thị Lan", role="clerk", password="trungtam123")
    agent = agent_for(db, proxy.base_url, enrollment, page=7)
    assert agent.run_once().ok
    office_day(db, office)  # the office works on; none of it is pushed yet
    made = office_ops(db)
    with centre.write() as s:  # the centre edits the account twice and compacts its log meanwhile
        catalog.upsert_staff(s, "00004", "canbo9", full_name="Vũ Thị Lan Anh", role="clerk", password="trungtam123")
        catalog.upsert_staff(s, "00004", "canbo9", full_name="Vũ Lan Anh", role="supervisor",
                             password="trungtam456")
        removed = changelog.compact(s, timedelta(0), now=datetime.now(timezone.utc) + timedelta(days=1))
        assert removed >= 2 and changelog.floor(s) > 0
    before = len(proxy.seen.paths)
    report = agent.run_once()
    assert report.ok and report.acked == sum(st == "pending" for st in made.values())  # (the key went at enrollment)
    pulls = [p for p in proxy.seen.paths[before:] if p.startswith("/api/v1/pull")]
    assert "after=0" not in pulls[0] and "after=0&" in pulls[1]  # told to refetch, it started over
    with db.read() as s:
        staff = s.scalars(select(Staff).where(Staff.username == "canbo9")).one()
        assert (staff.full_name, staff.role) == ("Vũ Lan Anh", "supervisor")  # the latest version
        assert s.scalar(select(Outbox.op_id).where(Outbox.op_id.in_(list(made))).limit(1)) is not None
    assert set(office_ops(db)) == set(made)  # the outbox kept every op it had
    assert agent.run_once().ok
    assert_invariant(db, centre)


def test_8_a_dossier_moved_offline_and_centrally_ends_in_one_legal_state(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    day = office_day(db, office)
    agent = agent_for(db, proxy.base_url, enrollment)
    assert agent.run_once().ok
    proxy.down()
    with db.write() as s:  # the result comes back at the counter while the link is down
        losing = result_back(s, office.actor("canbo1"), day.dossier, now=at(60))
    with centre.write() as s:  # meanwhile the processing body refuses it
        dossiers.move_dossier(s, day.dossier, "reject", by="so-tu-phap", note="Sai thẩm quyền", now=at(55))
    assert not agent.run_once().ok
    proxy.up()
    report = agent.run_once()
    assert report.ok and report.conflict == 1
    conflict = [op for op, st in office_states(db).items() if st == "conflict"]
    assert len(conflict) == 1
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
        local = s.scalar(select(Outbox.to_state).where(Outbox.op_id == conflict[0]))
    assert local == losing.status  # the losing move, kept and reported
    assert [p.state for p in summary.problems] == ["conflict"]
    assert [n.kind for n in summary.notices] == ["dossier_moved_centrally"]
    assert centre.entity("dossier", day.dossier).status == "rejected"  # type: ignore[union-attr]
    assert_invariant(db, centre, not_applied=set(conflict))  # both sides say "rejected"


def test_9_office_and_online_bookings_of_the_same_slots_while_offline_all_stand(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    day = office_day(db, office)  # two slots, each 2 office + 2 online places; one phone booking in slot 2
    agent = agent_for(db, proxy.base_url, enrollment)
    assert agent.run_once().ok
    proxy.down()
    online = []
    with centre.write() as s:
        for slot in day.slots:
            for i in range(2):
                online.append(bookings.book_online(s, "00004", slot, full_name=f"Công Dân {i}",
                                                   phone=f"091234560{i}", now=at(30 + i)).id)
        with pytest.raises(QuotaExceeded):  # the online side is full; the centre says so at once
            bookings.book_online(s, "00004", day.slots[0], full_name="Người Thừa", phone="0912345699", now=at(33))
    clerk = office.actor("canbo1")
    at_office = []
    with db.write() as s:
        for i, slot in enumerate([day.slots[0], day.slots[0], day.slots[1]]):
            at_office.append(book(s, clerk, slot, CitizenInput(full_name=f"Khách Quầy {i}", phone=f"098765430{i}"),
                                  source="phone", now=at(34 + i)).id)
    with pytest.raises(QuotaExceeded), db.write() as s:  # the office side is full too
        book(s, clerk, day.slots[1], CitizenInput(full_name="Người Thừa", phone="0987654399"), source="phone",
             now=at(38))
    with db.write() as s:  # one of the online citizens arrives before the link is back: unknown here yet
        assert s.get(Appointment, online[0]) is None
    proxy.up()
    assert agent.run_once().ok
    with db.write() as s:
        check_in(s, office.actor(None, "kiosk"), online[0], now=at(-10))
    assert agent.run_once().ok
    everyone = set(online) | set(at_office) | {day.appointment}
    with db.read() as s:
        here = {a.id: a.status for a in appointments_for_day(s, "00004", NOW.date())}
        slots = {sl.id: (sl.office_booked, sl.online_booked, sl.office_quota, sl.online_quota)
                 for sl in s.scalars(select(Slot).where(Slot.id.in_(day.slots)))}
    with centre.read() as s:
        there = dict(s.execute(select(CentreEntity.entity_id, CentreEntity.status).where(
            CentreEntity.entity == "appointment", CentreEntity.office_code == "00004")).all())
        central_slots = {sl.id: (sl.office_booked, sl.online_booked, sl.office_quota, sl.online_quota)
                         for sl in s.scalars(select(CentreSlot).where(CentreSlot.id.in_(day.slots)))}
    assert set(here) == set(there) == everyone  # nobody's booking dropped, both sides list the same
    assert here == there and here[online[0]] == "checked_in"
    assert slots == central_slots == {day.slots[0]: (2, 2, 2, 2), day.slots[1]: (2, 2, 2, 2)}
    assert_invariant(db, centre)


def test_10_a_device_clock_a_day_ahead_loses_rejects_and_reorders_nothing(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    kiosk, clerk = office.actor(None, "kiosk"), office.actor("canbo1")
    wrong, right = timedelta(days=1), timedelta(0)
    tickets = []
    for n, skew in enumerate([wrong, wrong, right, right, wrong, right]):  # the clock is fixed, then wrong again
        with db.write() as s:
            tickets.append(q.issue_ticket(s, kiosk, "HT", now=at(n) + skew).id)
    with db.write() as s:  # called with the right clock: its device time is BEFORE its issue
        called = q.call_next(s, clerk, 1, now=at(10))
        assert called is not None
        q.start_serving(s, clerk, called.id, now=at(11))
    with db.write() as s:
        q.finish_serving(s, clerk, called.id, now=at(12) + wrong)
    office_day(db, office)
    ahead = lambda: datetime.now(timezone.utc) + wrong  # noqa: E731
    agent = agent_for(db, proxy.base_url, enrollment, clock=ahead, batch=3)
    report = agent.run_once()
    assert report.ok and report.rejected == report.conflict == report.held == 0
    assert_invariant(db, centre)
    assert centre.entity("ticket", called.id).status == "done"  # type: ignore[union-attr]
    with db.read() as s:
        codes = s.execute(select(Ticket.day, Ticket.code)).all()
        summary = sync_summary(s, "00004", datetime.now(timezone.utc) + wrong)
    assert len(codes) == len(set(codes))  # a ticket code is unique on its day
    with centre.read() as s:
        central = s.execute(select(CentreEntity.data["day"].as_string(), CentreEntity.code, CentreEntity.data["code"]
                                   .as_string()).where(CentreEntity.entity == "ticket")).all()
    assert len({(d, c) for d, _code, c in central}) == len(codes)
    assert summary.clock_warning and summary.clock_skew_seconds is not None
    assert abs(summary.clock_skew_seconds - wrong.total_seconds()) < 120


def test_14_a_credential_revoked_while_offline_keeps_every_op_waiting_until_enrolled_again(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    agent = agent_for(db, proxy.base_url, enrollment)
    assert agent.run_once().ok
    proxy.down()
    office_day(db, office)
    busy_hour(db, office, tickets=4, start=60)
    made = {op: st for op, st in office_ops(db).items() if st == "pending"}  # (the counter's key went before)
    with centre.write() as s:  # the IT revokes the device while the office is cut off
        admin.revoke_device(s, uuid.UUID(enrollment.centre_device_id))
    assert not agent.run_once().ok
    proxy.up()
    for _round in range(3):
        refused = agent.run_once()
        assert not refused.ok and refused.credential_refused and refused.rejected == 0
    assert {st for op, st in office_ops(db).items() if op in made} == {"pending"}  # nothing marked rejected
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
    assert summary.credential_refused and summary.problem_count == 0 and summary.pending == len(made)
    assert [op.entity for op in centre.ops("00004")] == ["device"]  # only the key, before the cut
    enrollment = enrol(db, centre, proxy.base_url)  # a person enrols it again
    report = agent_for(db, proxy.base_url, enrollment).run_once()
    assert report.ok and report.acked == len(made)
    assert all_acked(db)
    assert_invariant(db, centre)
