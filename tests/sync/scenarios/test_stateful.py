"""Issue 7's stateful test: hypothesis mixes office work, link faults and sync rounds
against one office and one centre (state carries over between examples, which only makes
the backlog longer). After every round nothing is applied twice and nothing the office did
not make is applied; after every clean round THE INVARIANT holds in full."""

from __future__ import annotations

import collections
import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from sync.agent import Agent
from tests.support.centre import Centre
from tests.support.fault_proxy import FaultProxy
from tests.sync.agent.helpers import agent_for, applied_at_centre, at, enrol, office_ops
from tests.sync.scenarios.helpers import assert_invariant

FAULTS = ("drop", "cut", "fail", "duplicate", "down")
PATHS = ("/api/v1/push", "/api/v1/pull", "")


def test_office_work_faults_and_sync_rounds_in_any_order_keep_the_invariant(
        db: Database, office: OfficeRefs, centre: Centre, proxy: FaultProxy) -> None:
    enrollment = enrol(db, centre)
    agent = agent_for(db, proxy.base_url, enrollment, batch=3, page=5)
    minutes = itertools.count(0, 0.5)

    class Office(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.agent: Agent = agent
            proxy.clear()
            proxy.up()

        @rule(n=st.integers(1, 3))
        def issue(self, n: int) -> None:
            for _ in range(n):
                with db.write() as s:
                    q.issue_ticket(s, office.actor(None, "kiosk"), "HT", now=at(next(minutes)))

        @rule()
        def serve_next(self) -> None:
            clerk = office.actor("canbo1")
            with db.write() as s:
                called = q.call_next(s, clerk, 1, now=at(next(minutes)))
                if called is not None:
                    q.start_serving(s, clerk, called.id, now=at(next(minutes)))
                    q.finish_serving(s, clerk, called.id, now=at(next(minutes)))

        @rule(kind=st.sampled_from(FAULTS), path=st.sampled_from(PATHS), count=st.integers(1, 2))
        def fault(self, kind: str, path: str, count: int) -> None:
            if kind == "drop":
                proxy.drop_responses(count, path=path)
            elif kind == "cut":
                proxy.cut_requests(count, path=path)
            elif kind == "fail":
                proxy.fail(count, status=500, path=path)
            elif kind == "duplicate":
                proxy.duplicate(count, path=path)
            else:
                proxy.down()

        @rule()
        def sync_round(self) -> None:
            self.agent.run_once()
            applied = applied_at_centre(centre)
            made = office_ops(db)
            assert [op for op, n in collections.Counter(applied).items() if n > 1] == []
            assert set(applied) <= set(made)
            assert {op for op, state in made.items() if state == "acked"} <= set(applied)

        @rule()
        def clean_round(self) -> None:
            proxy.clear()
            proxy.up()
            for _ in range(3):
                if self.agent.run_once().ok:
                    break
            assert_invariant(db, centre)

    run_state_machine_as_test(Office, settings=settings(
        max_examples=6, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck)))
    proxy.clear()
    proxy.up()
    assert agent.run_once().ok
    assert_invariant(db, centre)
