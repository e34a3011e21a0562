"""The queue as the kiosk, the counters and the display board use it (SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import threading
import time as time_module
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select, update

from core.errors import DomainError, NotFound, TransitionError, ValidationError
from local_db.database import Database
from local_db.models import Appointment, Citizen, Counter, Outbox, Serial, Service, Slot, Ticket, TicketEvent
from local_db.office_settings import set_rule
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q

# Monday 23 November 2026, 09:00 in Hà Nội.
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
DAY = date(2026, 11, 23)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def issue(db: Database, office: OfficeRefs, service: str, minutes: float = 0, **kw: object) -> q.TicketInfo:
    with db.write() as s:
        return q.issue_ticket(s, office.actor(None, "kiosk"), service, now=at(minutes), **kw)  # type: ignore[arg-type]


def call(db: Database, office: OfficeRefs, counter: int, minutes: float) -> q.TicketInfo | None:
    with db.write() as s:
        return q.call_next(s, office.actor("canbo1"), counter, now=at(minutes))


def serve_next(db: Database, office: OfficeRefs, counter: int, minutes: float, *, length: float = 1) -> str | None:
    """Call the next ticket at a counter and serve it for `length` minutes; its code, or None."""
    actor = office.actor("canbo1")
    with db.write() as s:
        t = q.call_next(s, actor, counter, now=at(minutes))
        if t is None:
            return None
        q.start_serving(s, actor, t.id, now=at(minutes))
        q.finish_serving(s, actor, t.id, now=at(minutes + length))
        return t.code


def outbox_trail(db: Database, ticket_id: uuid.UUID) -> list[tuple[str, str | None, str | None]]:
    with db.read() as s:
        rows = s.execute(select(Outbox.op_type, Outbox.from_state, Outbox.to_state)
                         .where(Outbox.entity == "ticket", Outbox.entity_id == ticket_id).order_by(Outbox.seq)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def events(db: Database, ticket_id: uuid.UUID) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(TicketEvent.action).where(TicketEvent.ticket_id == ticket_id)
                              .order_by(TicketEvent.at)))


# -- numbering ------------------------------------------------------------------------------

def test_numbers_count_per_service_and_restart_at_office_midnight(db: Database, office: OfficeRefs) -> None:
    assert [issue(db, office, "HT", i).code for i in range(3)] == ["A001", "A002", "A003"]
    first_ct = issue(db, office, "CT", 4)
    assert (first_ct.code, first_ct.number, first_ct.service_code) == ("B001", 1, "CT")
    assert first_ct.counters_serving == (2, 3)  # printed on the ticket
    with db.write() as s:
        late = q.issue_ticket(s, office.actor(), "HT", now=datetime(2026, 11, 23, 16, 59, tzinfo=timezone.utc))
        next_day = q.issue_ticket(s, office.actor(), "HT", now=datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc))
    assert (late.code, late.day) == ("A004", DAY)  # 23:59 in Hà Nội
    assert (next_day.code, next_day.day) == ("A001", date(2026, 11, 24))  # 00:00 the next day


def test_numbers_grow_past_999_and_never_wrap(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        s.add(Serial(key=f"ticket:{office.office_code}:HT:{DAY.isoformat()}", value=998))
    codes = [issue(db, office, "HT", i).code for i in range(3)]
    assert codes == ["A999", "A1000", "A1001"]
    with db.read() as s:
        assert sorted(s.scalars(select(Ticket.number))) == [999, 1000, 1001]


def test_issue_refuses_bad_input(db: Database, office: OfficeRefs) -> None:
    with pytest.raises(ValidationError):
        issue(db, office, "HT", priority_reason="vip")
    with pytest.raises(ValidationError):
        issue(db, office, "HT", source="phone")
    with pytest.raises(ValidationError):
        issue(db, office, "HT", source="appointment")  # without its appointment
    with pytest.raises(NotFound):
        issue(db, office, "ZZ")
    with pytest.raises(NotFound):
        issue(db, office, "HT", source="appointment", appointment_id=uuid.uuid4())
    with db.write() as s:
        s.execute(update(Service).where(Service.code == "XH").values(active=False))
    with pytest.raises(DomainError) as err:
        issue(db, office, "XH")
    assert err.value.code == "service_inactive"
    assert issue(db, office, "HT").code == "A001"  # refused attempts used no number


def _issue_many(url: str, service_codes: list[str], n: int, office: OfficeRefs, k: int, barrier: object,
                progress: object) -> None:
    """Issue n tickets, never more than a few ahead of the other process.

    Without the lockstep a loaded machine's scheduler (or SQLite's busy handler) can let one
    loop take every turn, and the two processes would simply run one after the other: the
    test would then show nothing about concurrency.
    """
    database = Database(url)
    done = progress  # multiprocessing Array('i', 2): tickets issued so far by each process
    try:
        barrier.wait(60)  # type: ignore[attr-defined]
        for i in range(n):
            with database.write() as s:
                q.issue_ticket(s, office.actor(), service_codes[i % len(service_codes)], now=at(k + i / 1000))
            done[k] = i + 1  # type: ignore[index]
            deadline = time_module.monotonic() + 60
            while done[1 - k] < min(i + 1, n) - 5 and time_module.monotonic() < deadline:  # type: ignore[index]
                time_module.sleep(0.001)
    finally:
        database.dispose()


@pytest.mark.slow
def test_two_processes_issuing_at_once_get_distinct_gap_free_numbers(db: Database, office: OfficeRefs) -> None:
    n = 100
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    progress = ctx.Array("i", 2)
    procs = [ctx.Process(target=_issue_many, args=(db.url, ["HT", "CT"], n, office, k, barrier, progress))
             for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with db.read() as s:
        rows = s.execute(select(Service.code, Ticket.number, Ticket.issued_at, Ticket.created_at)
                         .join(Service, Service.id == Ticket.service_id)).all()
    by_service: dict[str, list[int]] = defaultdict(list)
    for code, number, _, _ in rows:
        by_service[code].append(number)
    assert len(rows) == 2 * n
    # they really ran at once: each process's wall-clock span overlaps the other's
    spans = [[r.created_at for r in rows if (r.issued_at >= at(1)) == bool(k)] for k in range(2)]
    assert max(min(sp) for sp in spans) < min(max(sp) for sp in spans)
    for numbers in by_service.values():
        assert sorted(numbers) == list(range(1, n + 1))


# -- calling order --------------------------------------------------------------------------

def test_priority_first_but_never_more_than_the_rule_allows_in_a_row(db: Database, office: OfficeRefs) -> None:
    issue(db, office, "HT", 0)  # A001
    issue(db, office, "HT", 1)  # A002
    for i, reason in enumerate(["elderly", "pregnant", "disabled", "merit"]):
        issue(db, office, "HT", 2 + i, priority_reason=reason)  # A003..A006
    order = [serve_next(db, office, 1, 10 + 2 * i) for i in range(7)]
    # at most 2 priority calls in a row while a normal ticket waits; then priority only
    assert order == ["A003", "A004", "A001", "A005", "A006", "A002", None]


def test_priority_rule_is_configurable(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        set_rule(s, office.office_code, "priority_max_in_row", 1)
    for i in range(2):
        issue(db, office, "HT", i)  # A001, A002
    for i in range(3):
        issue(db, office, "HT", 2 + i, priority_reason="small_child")  # A003..A005
    order = [serve_next(db, office, 2, 10 + 2 * i) for i in range(5)]
    assert order == ["A003", "A001", "A004", "A002", "A005"]


def _appointment(db: Database, office: OfficeRefs, start: time, end: time, code: str) -> uuid.UUID:
    with db.write() as s:
        citizen = Citizen(office_code=office.office_code, full_name=f"Công dân {code}", name_folded=f"cong dan {code}")
        slot = Slot(office_code=office.office_code, service_id=office.services["HT"], day=DAY, start_time=start,
                    end_time=end, office_quota=5, online_quota=5, office_booked=1)
        s.add_all([citizen, slot])
        s.flush()
        appt = Appointment(office_code=office.office_code, code=code, slot_id=slot.id, citizen_id=citizen.id,
                           source="kiosk", status="checked_in", booked_at=at(-60 * 24), checked_in_at=at(0))
        s.add(appt)
        s.flush()
        return appt.id


def test_appointments_inside_their_window_are_called_first(db: Database, office: OfficeRefs) -> None:
    late_slot = _appointment(db, office, time(9, 45), time(10, 15), "LH0002")
    early_slot = _appointment(db, office, time(9, 30), time(9, 45), "LH0001")
    issue(db, office, "HT", -10)  # A001, normal
    issue(db, office, "HT", -5, priority_reason="elderly")  # A002
    later = issue(db, office, "HT", 0, source="appointment", appointment_id=late_slot)  # A003
    earlier = issue(db, office, "HT", 1, source="appointment", appointment_id=early_slot)  # A004
    assert (later.source, later.appointment_id) == ("appointment", late_slot)
    # 09:05: both windows still closed (they open 15 minutes before the slot): priority first
    assert serve_next(db, office, 1, 5) == "A002"
    # 09:35: both windows open; the earlier slot goes first though its ticket came later
    assert serve_next(db, office, 1, 35) == earlier.code == "A004"
    assert serve_next(db, office, 1, 37) == "A003"
    assert serve_next(db, office, 1, 39) == "A001"


def test_an_appointment_past_its_window_waits_like_everyone(db: Database, office: OfficeRefs) -> None:
    appt = _appointment(db, office, time(8, 0), time(8, 30), "LH0003")
    issue(db, office, "HT", -20)  # A001 at 08:40
    issue(db, office, "HT", -10, source="appointment", appointment_id=appt)  # A002 at 08:50, window closed 08:30
    assert serve_next(db, office, 1, 0) == "A001"
    assert serve_next(db, office, 1, 2) == "A002"


# -- lifecycle ------------------------------------------------------------------------------

def test_full_lifecycle_writes_events_and_outbox_with_the_new_state(db: Database, office: OfficeRefs) -> None:
    t = issue(db, office, "HT", 0)
    assert (t.status, t.people_ahead, t.call_count) == ("waiting", 0, 0)
    actor = office.actor("canbo2")
    with db.write() as s:
        called = q.call_next(s, actor, 2, now=at(1))
        assert called is not None and called.id == t.id
        assert (called.status, called.counter_number, called.call_count, called.called_at) == ("called", 2, 1, at(1))
        again = q.recall(s, actor, t.id, now=at(2))
        assert again.call_count == 2
        serving = q.start_serving(s, actor, t.id, now=at(3))
        assert (serving.status, serving.serving_at) == ("serving", at(3))
        done = q.finish_serving(s, actor, t.id, now=at(9))
        assert (done.status, done.finished_at) == ("done", at(9))
    assert events(db, t.id) == ["issue", "call", "recall", "serve", "finish"]
    assert outbox_trail(db, t.id) == [
        ("issue", None, "waiting"), ("call", "waiting", "called"), ("recall", "called", "called"),
        ("serve", "called", "serving"), ("finish", "serving", "done")]
    with db.read() as s:
        payload = s.scalars(select(Outbox.payload).where(Outbox.entity_id == t.id).order_by(Outbox.seq.desc())).first()
        row = s.get(Ticket, t.id)
        assert row is not None and row.staff_id == office.staff["canbo2"]
    assert payload["code"] == "A001" and payload["status"] == "done" and payload["counter_number"] == 2
    assert payload["finished_at"] == at(9).isoformat() and payload["service_code"] == "HT"


def test_no_show_and_recall(db: Database, office: OfficeRefs) -> None:
    t = issue(db, office, "CT", 0)
    actor = office.actor("canbo1")
    assert call(db, office, 3, 1) is not None
    with db.write() as s:
        q.recall(s, actor, t.id, now=at(2))
        assert q.recall(s, actor, t.id, now=at(3)).call_count == 3
        gone = q.mark_no_show(s, actor, t.id, now=at(4))
    assert (gone.status, gone.finished_at) == ("no_show", at(4))
    with pytest.raises(TransitionError):
        with db.write() as s:
            q.recall(s, actor, t.id, now=at(5))
    assert events(db, t.id) == ["issue", "call", "recall", "recall", "no_show"]
    assert outbox_trail(db, t.id)[-1] == ("no_show", "called", "no_show")
    assert call(db, office, 3, 6) is None  # the counter is free again, nobody waits


@pytest.mark.parametrize("move", ["finish", "serve", "no_show", "recall"])
def test_illegal_moves_on_a_waiting_ticket(db: Database, office: OfficeRefs, move: str) -> None:
    t = issue(db, office, "HT", 0)
    op = {"finish": q.finish_serving, "serve": q.start_serving, "no_show": q.mark_no_show, "recall": q.recall}[move]
    with pytest.raises(TransitionError) as err:
        with db.write() as s:
            op(s, office.actor("canbo1"), t.id, now=at(1))
    assert err.value.code == "illegal_transition"
    with db.read() as s:
        assert q.get_ticket(s, t.id).status == "waiting"
    assert outbox_trail(db, t.id) == [("issue", None, "waiting")]


def test_illegal_moves_on_finished_tickets(db: Database, office: OfficeRefs) -> None:
    t = issue(db, office, "HT", 0)
    assert serve_next(db, office, 1, 1) == "A001"
    actor = office.actor("canbo1")
    for op in (q.recall, q.start_serving, q.finish_serving, q.mark_no_show):
        with pytest.raises(TransitionError):
            with db.write() as s:
                op(s, actor, t.id, now=at(5))
    with pytest.raises(TransitionError):
        with db.write() as s:
            q.transfer(s, actor, t.id, to_service_code="CT", now=at(5))
    with pytest.raises(NotFound):
        with db.read() as s:
            q.get_ticket(s, uuid.uuid4())


def test_a_counter_must_settle_its_ticket_before_calling_the_next(db: Database, office: OfficeRefs) -> None:
    first = issue(db, office, "HT", 0)
    issue(db, office, "HT", 1)
    assert call(db, office, 1, 2) is not None
    with pytest.raises(DomainError) as err:
        call(db, office, 1, 3)  # still 'called': the clerk decides what happened to A001
    assert err.value.code == "counter_busy"
    with db.write() as s:
        q.start_serving(s, office.actor("canbo1"), first.id, now=at(3))
    with pytest.raises(DomainError) as err:
        call(db, office, 1, 4)
    assert err.value.code == "counter_busy"
    with db.write() as s:
        q.finish_serving(s, office.actor("canbo1"), first.id, now=at(5))
    nxt = call(db, office, 1, 6)
    assert nxt is not None and nxt.code == "A002"
    with pytest.raises(NotFound):
        call(db, office, 9, 7)


def test_two_counters_never_get_the_same_ticket(db: Database, office: OfficeRefs) -> None:
    for i in range(24):
        issue(db, office, "HT", i / 10)
    got: dict[int, list[str]] = {1: [], 2: []}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def counter(number: int) -> None:
        try:
            barrier.wait()
            for i in range(100):
                code = serve_next(db, office, number, 10 + i / 100 + number / 1000, length=0.001)
                if code is None:
                    return
                got[number].append(code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=counter, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert not set(got[1]) & set(got[2])
    assert sorted(got[1] + got[2]) == [f"A{i:03d}" for i in range(1, 25)]


# -- transfers ------------------------------------------------------------------------------

def test_transfer_to_another_service_keeps_number_and_place(db: Database, office: OfficeRefs) -> None:
    a1 = issue(db, office, "HT", 0)
    issue(db, office, "CT", 1)  # B001
    issue(db, office, "CT", 2)  # B002
    assert call(db, office, 1, 3) is not None  # A001 at counter 1 (HT, TK)
    with db.write() as s:
        moved = q.transfer(s, office.actor("canbo1"), a1.id, to_service_code="CT", note="cần chứng thực", now=at(4))
    assert (moved.code, moved.number, moved.status, moved.service_code) == ("A001", 1, "waiting", "CT")
    assert (moved.counter_number, moved.called_at, moved.call_count) == (None, None, 0)
    assert moved.counters_serving == (2, 3)
    assert outbox_trail(db, a1.id)[-1] == ("transfer", "called", "waiting")
    assert call(db, office, 1, 5) is None  # counter 1 does not serve CT
    with db.read() as s:
        overview = {sq.code: sq for sq in q.queue_overview(s, office.office_code, now=at(5))}
        assert (overview["HT"].waiting, overview["CT"].waiting) == (0, 3)
        assert q.position(s, a1.id, now=at(5)).people_ahead == 0  # it kept its place (arrived first)
    # counter 3 (CT, KD, TK): A001 arrived before B001 and B002
    assert [serve_next(db, office, 3, 6 + i) for i in range(4)] == ["A001", "B001", "B002", None]
    with db.read() as s:
        row = s.get(Ticket, a1.id)
        assert row is not None and row.service_id == office.services["HT"]  # the number stays HT's
        assert row.queued_at == at(0) and row.note == "cần chứng thực"
    assert issue(db, office, "HT", 20).code == "A002"  # numbering of both queues is untouched
    assert issue(db, office, "CT", 20).code == "B003"


def test_transfer_to_a_counter(db: Database, office: OfficeRefs) -> None:
    issue(db, office, "HT", 0)  # A001
    a2 = issue(db, office, "HT", 1)
    with db.write() as s:
        sent = q.transfer(s, office.actor("giamsat"), a2.id, to_counter_number=3, now=at(2))
    # counter 3 does not serve HT, but this ticket was sent to it by name
    assert (sent.status, sent.target_counter_number, sent.counters_serving, sent.service_code) == \
        ("waiting", 3, (3,), "HT")
    assert serve_next(db, office, 2, 3) == "A001"
    assert serve_next(db, office, 2, 5) is None  # A002 belongs to counter 3 now
    with db.read() as s:
        state = q.counter_state(s, office.office_code, 3, now=at(6))
        assert (state.waiting, state.transferred_here, state.waiting_by_service.get("HT")) == (1, 1, 1)
        assert q.position(s, a2.id, now=at(6)).people_ahead == 0
    assert serve_next(db, office, 3, 7) == "A002"
    assert events(db, a2.id) == ["issue", "transfer", "call", "serve", "finish"]


def test_a_ticket_cannot_be_transferred_to_a_closed_counter(db: Database, office: OfficeRefs) -> None:
    """Nobody would call it there: it would wait at a closed counter until the day ends."""
    from local_db.ops.counters import set_counter_open

    t = issue(db, office, "HT", 0)
    with db.write() as s:
        set_counter_open(s, office.actor("admin"), 4, False, now=at(1))
    trail = outbox_trail(db, t.id)
    with pytest.raises(DomainError) as closed, db.write() as s:
        q.transfer(s, office.actor("canbo1"), t.id, to_counter_number=4, now=at(2))
    assert closed.value.code == "transfer_counter_closed" and closed.value.details["counter"] == 4
    assert outbox_trail(db, t.id) == trail  # nothing written
    with db.write() as s:
        set_counter_open(s, office.actor("admin"), 4, True, now=at(3))
        sent = q.transfer(s, office.actor("canbo1"), t.id, to_counter_number=4, now=at(4))
    assert sent.target_counter_number == 4


def test_transfer_needs_a_destination(db: Database, office: OfficeRefs) -> None:
    t = issue(db, office, "HT", 0)
    actor = office.actor("canbo1")
    with pytest.raises(ValidationError):
        with db.write() as s:
            q.transfer(s, actor, t.id, now=at(1))
    with pytest.raises(ValidationError):
        with db.write() as s:
            q.transfer(s, actor, t.id, to_service_code="HT", now=at(1))  # already there
    with pytest.raises(NotFound):
        with db.write() as s:
            q.transfer(s, actor, t.id, to_counter_number=42, now=at(1))
    with db.write() as s:  # twice: the latest transfer decides the queue
        q.transfer(s, actor, t.id, to_service_code="CT", now=at(1))
        back = q.transfer(s, actor, t.id, to_service_code="KD", now=at(1))
    assert back.service_code == "KD"
    with db.read() as s:
        assert q.get_ticket(s, t.id).service_code == "KD"


# -- positions and waits --------------------------------------------------------------------

def _history(db: Database, office: OfficeRefs, minutes: list[float]) -> None:
    """Finished HT tickets on the previous Friday, served for these many minutes."""
    friday = T0 - timedelta(days=3)
    actor = office.actor("canbo1")
    for i, length in enumerate(minutes):
        start = friday + timedelta(minutes=30 * i)
        with db.write() as s:
            q.issue_ticket(s, actor, "HT", now=start)
            t = q.call_next(s, actor, 1, now=start)
            assert t is not None
            q.start_serving(s, actor, t.id, now=start + timedelta(minutes=1))
            q.finish_serving(s, actor, t.id, now=start + timedelta(minutes=1 + length))


def test_position_and_estimated_wait_from_recent_service_times(db: Database, office: OfficeRefs) -> None:
    _history(db, office, [5, 7, 9, 20, 6])  # median 7 minutes
    tickets = [issue(db, office, "HT", i) for i in range(5)]
    last = tickets[-1]
    # 4 people ahead x 7 min / 3 open counters serving HT (1, 2, 4) = 9.33 -> 10
    assert (last.people_ahead, last.estimated_wait_min, last.counters_serving) == (4, 10, (1, 2, 4))
    with db.write() as s:
        s.execute(update(Counter).where(Counter.number.in_([2, 4])).values(is_open=False))
    with db.read() as s:
        pos = q.position(s, last.id, now=at(5))
    assert (pos.people_ahead, pos.estimated_wait_min, pos.counters_serving) == (4, 28, (1,))
    prio = issue(db, office, "HT", 6, priority_reason="pregnant")
    assert (prio.people_ahead, prio.estimated_wait_min) == (0, 0)
    after = issue(db, office, "HT", 7)
    assert after.people_ahead == 6  # 5 normal before it and the priority ticket
    assert serve_next(db, office, 1, 8) == prio.code
    with db.read() as s:
        assert q.position(s, last.id, now=at(9)).people_ahead == 4
        assert q.position(s, tickets[0].id, now=at(9)).people_ahead == 0
        overview = {sq.code: sq for sq in q.queue_overview(s, office.office_code, now=at(9))}
    assert (overview["HT"].waiting, overview["HT"].priority_waiting, overview["HT"].counters_open) == (6, 0, (1,))
    # today's finished ticket (1 minute) joins the five older ones: median of 1,5,6,7,9,20 = 6.5
    assert overview["HT"].estimated_wait_min == 39  # 6 waiting x 6.5 min / 1 open counter
    with db.read() as s:
        assert q.position(s, last.id, now=at(9)).estimated_wait_min == 26


def test_a_new_queue_uses_the_default_service_time(db: Database, office: OfficeRefs) -> None:
    assert issue(db, office, "CT", 0).estimated_wait_min == 0
    second = issue(db, office, "CT", 1)
    # 1 ahead x 6 min (default) / 2 open counters (2, 3) = 3
    assert (second.people_ahead, second.estimated_wait_min) == (1, 3)
    with db.read() as s:
        assert q.position(s, second.id, now=at(2)).estimated_wait_min == 3
    called = call(db, office, 2, 3)
    assert called is not None
    with db.read() as s:
        here = q.position(s, called.id, now=at(4))
        assert (here.people_ahead, here.estimated_wait_min) == (0, 0)
        assert q.position(s, second.id, now=at(4)).people_ahead == 0


def test_counter_state_shows_the_current_ticket_and_its_waiting_queues(db: Database, office: OfficeRefs) -> None:
    issue(db, office, "HT", 0)
    issue(db, office, "CT", 1, priority_reason="merit")
    issue(db, office, "XH", 2)
    with db.read() as s:
        idle = q.counter_state(s, office.office_code, 2, now=at(3))
    assert (idle.current, idle.service_codes, idle.waiting, idle.priority_waiting) == (None, ("HT", "CT"), 2, 1)
    assert idle.waiting_by_service == {"HT": 1, "CT": 1}
    called = call(db, office, 2, 4)
    assert called is not None and called.code == "B001"  # priority first
    with db.read() as s:
        busy = q.counter_state(s, office.office_code, 2, now=at(5))
    assert busy.current is not None and (busy.current.code, busy.current.status) == ("B001", "called")
    assert (busy.waiting, busy.waiting_by_service) == (1, {"HT": 1, "CT": 0})


def test_yesterdays_leftovers_are_not_called_today(db: Database, office: OfficeRefs) -> None:
    old = issue(db, office, "HT", -3 * 24 * 60)  # last Friday, never called
    assert old.day == date(2026, 11, 20)
    assert call(db, office, 1, 0) is None
    with db.read() as s:
        stale = q.position(s, old.id, now=at(0))
    assert (stale.status, stale.people_ahead, stale.estimated_wait_min) == ("waiting", None, None)
    with pytest.raises(ValueError, match="naive"):
        with db.write() as s:
            q.issue_ticket(s, office.actor(), "HT", now=datetime(2026, 11, 23, 9, 0))


def test_every_change_leaves_one_event_and_one_outbox_row_matching_the_ticket(db: Database, office: OfficeRefs) -> None:
    """A busy morning on four counters; afterwards the outbox mirrors every ticket exactly."""
    services = ["HT", "CT", "KD", "XH", "TK"]
    reasons = [None, None, "elderly", None, "small_child", None, None]
    for i in range(20):
        issue(db, office, services[i % 5], i / 2, priority_reason=reasons[i % 7])
    actor = office.actor("canbo2")
    minute = 15.0
    for round_ in range(6):
        for number in (1, 2, 3, 4):
            minute += 0.5
            with db.write() as s:
                t = q.call_next(s, actor, number, now=at(minute))
                if t is None:
                    continue
                step = (round_ + number) % 4
                if step == 0:
                    q.mark_no_show(s, actor, t.id, now=at(minute + 0.1))
                elif step == 1:
                    q.recall(s, actor, t.id, now=at(minute + 0.1))
                    q.start_serving(s, actor, t.id, now=at(minute + 0.2))
                    q.finish_serving(s, actor, t.id, now=at(minute + 0.3))
                elif step == 2 and round_ < 4:
                    q.transfer(s, actor, t.id, to_service_code="KD" if t.service_code != "KD" else "CT",
                               now=at(minute + 0.1))
                else:
                    q.start_serving(s, actor, t.id, now=at(minute + 0.1))
                    q.finish_serving(s, actor, t.id, now=at(minute + 0.2))
    with db.read() as s:
        tickets = s.execute(select(Ticket.id, Ticket.status)).all()
        trail = s.execute(select(Outbox.entity_id, Outbox.op_type, Outbox.to_state)
                          .where(Outbox.entity == "ticket").order_by(Outbox.seq)).all()
        acts = s.execute(select(TicketEvent.ticket_id, TicketEvent.action)).all()
    assert {status for _, status in tickets} >= {"done", "no_show", "waiting"}
    ops: dict[uuid.UUID, list[tuple[str, str]]] = defaultdict(list)
    for entity_id, op_type, to_state in trail:
        ops[entity_id].append((op_type, to_state))
    for tid, status in tickets:
        assert ops[tid][0] == ("issue", "waiting")
        assert ops[tid][-1][1] == status
        assert sorted(a for t, a in acts if t == tid) == sorted(op for op, _ in ops[tid])
    assert any(op == "transfer" for row in ops.values() for op, _ in row)
