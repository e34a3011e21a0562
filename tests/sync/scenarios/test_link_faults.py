"""Scenarios 1, 2, 3 and 11 of issue 7: the link between the office and the centre loses
answers, cuts requests, answers 500 for a while, duplicates and replays requests late, and
the whole exchange over TLS with the city's own CA. Each ends on THE INVARIANT
(helpers.assert_invariant)."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.sync_outbox import sync_summary
from sync.agent import Agent
from sync.client import CentreClient, Unreachable
from sync.enroll import enroll_office
from tests.support.centre import Centre, running_centre
from tests.support.fault_proxy import FaultProxy
from tests.support.tls_ca import make_test_ca
from tests.sync.agent.helpers import (
    FAST,
    NOW,
    agent_for,
    at,
    enrol,
    office_day,
    office_ops,
)
from tests.sync.scenarios.helpers import (
    all_acked,
    assert_invariant,
    busy_hour,
    running,
    until,
)

PUSH = "/api/v1/push"
PULL = "/api/v1/pull"


def test_1_answer_lost_after_the_centre_committed_is_retried_and_recorded_once(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    office_day(db, office)
    made = office_ops(db)
    agent = agent_for(db, proxy.base_url, enrollment, batch=5)
    proxy.drop_responses(1, path=PUSH)  # the first batch is applied, its answer never arrives
    lost = agent.run_once()
    assert not lost.ok and not lost.online and proxy.seen.dropped_responses == 1
    assert len(centre.ops("00004", status="applied")) == 5  # the centre did the work
    assert set(office_ops(db).values()) == {"pending"}  # the office does not know it yet
    proxy.drop_responses(1, path=PULL)  # and once more, a pull's answer
    again = agent.run_once()
    assert not again.ok and again.pushed == len(made)  # every push answered; the pull's answer lost
    third = agent.run_once()
    assert third.ok and third.pushed == 0
    assert_invariant(db, centre)


def test_2_a_connection_cut_mid_backlog_applies_every_op_once_in_order(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    busy_hour(db, office, tickets=12)
    office_day(db, office)
    made = office_ops(db)
    agent = agent_for(db, proxy.base_url, enrollment, batch=4)
    pushes = 0
    real_push = agent.client.push

    def push(ops):  # type: ignore[no-untyped-def]
        nonlocal pushes
        pushes += 1
        if pushes in (3, 6):  # a batch in the middle of the backlog: cut before it reaches the centre,
            proxy.cut_requests(1, path=PUSH)
        if pushes == 8:  # and one after the centre took it
            proxy.drop_responses(1, path=PUSH)
        return real_push(ops)

    agent.client.push = push  # type: ignore[method-assign]
    rounds = []
    while not all_acked(db) and len(rounds) < 10:
        rounds.append(agent.run_once())
    assert proxy.seen.cut == 2 and proxy.seen.dropped_responses == 1
    assert [r.ok for r in rounds] == [False, False, False, True]
    assert sum(r.acked for r in rounds) == len(made)
    assert_invariant(db, centre)


def test_3_the_centre_failing_for_a_while_then_back_drains_with_no_user_action(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    office_day(db, office)
    busy_hour(db, office, tickets=6, start=60)
    proxy.fail(6, status=500)  # every request for a while: pushes and pulls
    agent = agent_for(db, proxy.base_url, enrollment, interval=0.05, poll=0.02, batch=7)
    with running(agent):
        assert until(lambda: proxy.seen.failed == 6)
        assert until(lambda: all_acked(db))
        more = busy_hour(db, office, tickets=2, start=200)  # new work goes out by itself too
        assert until(lambda: all_acked(db) and all(centre.entity("ticket", t) for t in more))
        assert until(lambda: proxy.seen.requests > proxy.seen.failed + 3)  # a later pull went through
    assert_invariant(db, centre)
    with db.read() as s:
        summary = sync_summary(s, "00004", NOW)
    assert summary.pending == 0 and summary.problem_count == 0 and summary.last_error == ""


def test_11_duplicated_and_late_replayed_requests_change_nothing(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    tickets = busy_hour(db, office, tickets=6)
    agent = agent_for(db, proxy.base_url, enrollment, batch=3)
    proxy.record(3, path=PUSH)  # kept, to arrive again late
    proxy.duplicate(10)  # every other request (pushes and pulls) arrives twice
    assert agent.run_once().ok
    assert proxy.seen.duplicated >= 2 and len(proxy.recorded) == 3
    with db.write() as s:  # the office moves on: the waiting tickets are called
        clerk = office.actor("canbo1")
        for i in range(2):
            called = q.call_next(s, clerk, 1, now=at(40 + i))
            assert called is not None
            q.mark_no_show(s, clerk, called.id, now=at(41 + i))
    office_day(db, office)
    assert agent.run_once().ok
    assert_invariant(db, centre)
    before = {t: centre.entity("ticket", t).status for t in tickets}  # type: ignore[union-attr]
    assert proxy.replay_recorded(reverse=True) == [200, 200, 200]  # the old batches, late and backwards
    after = {t: centre.entity("ticket", t).status for t in tickets}  # type: ignore[union-attr]
    assert after == before and "no_show" in after.values()
    proxy.duplicate(4)
    assert agent.run_once().ok
    assert_invariant(db, centre)


def test_11_the_whole_exchange_over_tls_with_the_citys_own_ca(db: Database, office: OfficeRefs, centre_url: str,
                                                               tmp_path: Path) -> None:
    ca = make_test_ca(tmp_path / "ca")
    with running_centre(centre_url, tmp_path / "centre", ssl_certfile=str(ca.server_cert),
                        ssl_keyfile=str(ca.server_key)) as centre:
        assert centre.base_url.startswith("https://")
        with CentreClient(centre.base_url, timeout=FAST) as untrusting:  # the system's CAs: refused
            with pytest.raises(Unreachable) as refused:
                untrusting.time()
            assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value.details.get("error"))
        enrollment = enroll_office(db, centre.base_url, centre.enroll_code("00004"), device_name="office-agent",
                                   ca_bundle=ca.ca_cert, timeout=FAST, now=NOW)
        office_day(db, office)
        client = CentreClient(centre.base_url, enrollment.credential, ca_bundle=ca.ca_cert, timeout=FAST)
        agent = Agent(db, client, office_code="00004", batch=5)
        assert client.session.verify == str(ca.ca_cert)
        report = agent.run_once()
        assert report.ok and report.acked == len(office_ops(db))
        assert_invariant(db, centre)
