"""The invariant every scenario ends on, and office work done through the real local_db ops.

THE INVARIANT (issue 7): the set of ops the centre applied equals the set the office made,
each exactly once, and both sides agree on every entity's final state.
"""

from __future__ import annotations

import collections
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import select

from local_db.database import Database
from local_db.models import Outbox
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.sync_outbox import CENTRAL_STATE
from sync.agent import Agent
from tests.support.centre import Centre
from tests.sync.agent.helpers import applied_at_centre, at, disagreements, office_ops


def assert_invariant(db: Database, centre: Centre, *, not_applied: Iterable[uuid.UUID] = ()) -> None:
    """Every office op (but ``not_applied``: refused or in conflict on purpose) is applied at the
    centre exactly once, nothing else is, each entity's last applied op is the office's last
    one on it (per-entity order) and both sides hold the same state of every entity."""
    made = office_ops(db)
    left_out = set(not_applied)
    applied = applied_at_centre(centre)
    twice = [op for op, n in collections.Counter(applied).items() if n > 1]
    assert twice == [], f"applied more than once: {twice}"
    assert set(applied) == set(made) - left_out, (
        f"missing at the centre: {sorted(map(str, set(made) - left_out - set(applied)))[:5]}; "
        f"unknown to the office: {sorted(map(str, set(applied) - set(made)))[:5]}")
    assert {op: state for op, state in made.items() if op not in left_out} == dict.fromkeys(set(made) - left_out,
                                                                                             "acked")
    with db.read() as s:
        rows = s.execute(select(Outbox.op_id, Outbox.entity, Outbox.entity_id, Outbox.state)
                         .where(Outbox.state != CENTRAL_STATE).order_by(Outbox.seq)).all()
    blocked = {(entity, entity_id) for op_id, entity, entity_id, _state in rows if op_id in left_out}
    last: dict[tuple[str, uuid.UUID], uuid.UUID] = {}
    count: collections.Counter[tuple[str, uuid.UUID]] = collections.Counter()
    for op_id, entity, entity_id, _state in rows:
        if (entity, entity_id) not in blocked:
            last[(entity, entity_id)] = op_id
            count[(entity, entity_id)] += 1
    for (entity, entity_id), op_id in last.items():
        held = centre.entity(entity, entity_id)
        assert held is not None, f"{entity} {entity_id} unknown at the centre"
        assert held.last_op_id == op_id, f"{entity} {entity_id}: the centre's last op is not the office's last"
        assert held.ops == count[(entity, entity_id)], f"{entity} {entity_id}: {held.ops} ops applied"
    assert disagreements(db, centre) == []


def office_states(db: Database) -> dict[uuid.UUID, str]:
    with db.read() as s:
        return dict(s.execute(select(Outbox.op_id, Outbox.state).where(Outbox.state != CENTRAL_STATE)).all())


def busy_hour(db: Database, office: OfficeRefs, *, tickets: int, start: float = 0) -> list[uuid.UUID]:
    """Tickets issued at the kiosk, then about half of them called, served and finished at
    counter 1 (several ops per ticket: per-entity order matters)."""
    kiosk, clerk = office.actor(None, "kiosk"), office.actor("canbo1")
    made = []
    for i in range(tickets):
        with db.write() as s:
            made.append(q.issue_ticket(s, kiosk, "HT", now=at(start + i / 20)).id)
    for i in range(tickets // 2):
        with db.write() as s:
            called = q.call_next(s, clerk, 1, now=at(start + 10 + i))
            if called is None:
                break
            q.start_serving(s, clerk, called.id, now=at(start + 10.2 + i))
            q.finish_serving(s, clerk, called.id, now=at(start + 10.5 + i))
    return made


def until(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@contextmanager
def running(agent: Agent) -> Iterator[threading.Thread]:
    """The agent's run_forever in a thread, stopped (and joined) at the end."""
    stop = threading.Event()
    thread = threading.Thread(target=agent.run_forever, args=(stop,), daemon=True, name="scenario-agent")
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive(), "the agent did not stop"


def all_acked(db: Database) -> bool:
    return set(office_states(db).values()) == {"acked"}
