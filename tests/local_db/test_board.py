"""What the display board reads: counters with their numbers, calls to announce, queues."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from local_db.database import Database
from local_db.office_settings import set_rule
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.board import FRESH_SECONDS, board_state, calls_since
from local_db.ops.counters import set_counter_open

# Monday 23 November 2026, 09:00 in Hà Nội.
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def issue(db: Database, office: OfficeRefs, service: str, seconds: float = 0) -> q.TicketInfo:
    with db.write() as s:
        return q.issue_ticket(s, office.actor(None, "kiosk"), service, now=at(seconds))


def call(db: Database, office: OfficeRefs, counter: int, seconds: float) -> q.TicketInfo | None:
    with db.write() as s:
        return q.call_next(s, office.actor("canbo1"), counter, now=at(seconds))


def state(db: Database, office: OfficeRefs, seconds: float):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return board_state(s, office.office_code, now=at(seconds))


def test_an_idle_office_shows_its_open_counters_with_nobody_called(db: Database, office: OfficeRefs) -> None:
    board = state(db, office, 0)
    assert board.office_name_vi == "UBND Phường Ba Đình"
    assert [c.number for c in board.counters] == [1, 2, 3, 4]
    assert all(c.ticket_code is None and not c.fresh for c in board.counters)
    assert board.last_calls == () and board.latest is None
    assert board.announce_style == "number" and board.announce_english is False
    assert board.notices == ()


def test_the_office_settings_for_reading_numbers_reach_the_board(db: Database, office: OfficeRefs) -> None:
    from local_db.office_settings import set_rule

    with db.write() as s:  # as the counter's admin page saves them
        set_rule(s, office.office_code, "announce_style", "digits")
        set_rule(s, office.office_code, "announce_english", True)
    board = state(db, office, 0)
    assert (board.announce_style, board.announce_english) == ("digits", True)


def test_a_call_shows_at_its_counter_and_is_fresh_for_a_few_seconds(db: Database, office: OfficeRefs) -> None:
    before = state(db, office, 0).change_marker
    a1 = issue(db, office, "HT", 1)
    issue(db, office, "HT", 2)
    called = call(db, office, 2, 30)
    assert called is not None and called.code == a1.code == "A001"

    board = state(db, office, 32)
    assert board.change_marker > before
    two = board.counter(2)
    assert two is not None and (two.ticket_code, two.status, two.called_at, two.fresh) == ("A001", "called", at(30), True)
    assert board.counter(1).ticket_code is None  # type: ignore[union-attr]
    assert [(c.code, c.counter_number, c.action) for c in board.last_calls] == [("A001", 2, "call")]
    assert board.counter(2).fresh is True  # type: ignore[union-attr]
    later = state(db, office, 30 + FRESH_SECONDS + 1)
    assert later.counter(2).ticket_code == "A001" and later.counter(2).fresh is False  # type: ignore[union-attr]


def test_serving_still_shows_the_number_and_a_finished_one_leaves_the_board(db: Database,
                                                                              office: OfficeRefs) -> None:
    issue(db, office, "CT", 0)
    t = call(db, office, 3, 10)
    assert t is not None
    actor = office.actor("canbo1")
    with db.write() as s:
        q.start_serving(s, actor, t.id, now=at(20))
    assert state(db, office, 21).counter(3).status == "serving"  # type: ignore[union-attr]
    with db.write() as s:
        q.finish_serving(s, actor, t.id, now=at(60))
    board = state(db, office, 61)
    assert board.counter(3).ticket_code is None  # type: ignore[union-attr]
    assert [c.code for c in board.last_calls] == ["B001"]  # the call stays in the list of last calls


def test_a_recall_is_a_new_call_and_makes_the_counter_fresh_again(db: Database, office: OfficeRefs) -> None:
    issue(db, office, "HT", 0)
    t = call(db, office, 1, 10)
    assert t is not None
    with db.write() as s:
        q.recall(s, office.actor("canbo1"), t.id, now=at(100))
    with db.read() as s:
        calls = calls_since(s, office.office_code, at(0), now=at(101))
    assert [(c.code, c.counter_number, c.action, c.at) for c in calls] == [
        ("A001", 1, "call", at(10)), ("A001", 1, "recall", at(100))]
    assert calls[0].id != calls[1].id
    one = state(db, office, 102).counter(1)
    assert one is not None and one.called_at == at(100) and one.fresh


def test_a_recall_moves_the_number_to_the_top_of_the_last_calls_once(db: Database, office: OfficeRefs) -> None:
    """The board's "Vừa gọi" list: A001 recalled after B001 was called is listed once, first."""
    issue(db, office, "HT", 0)
    issue(db, office, "CT", 0)
    a = call(db, office, 1, 10)
    call(db, office, 3, 20)
    assert a is not None
    with db.write() as s:
        q.recall(s, office.actor("canbo1"), a.id, now=at(30))
        q.recall(s, office.actor("canbo1"), a.id, now=at(40))
    board = state(db, office, 41)
    assert [(c.code, c.counter_number, c.action, c.at) for c in board.last_calls] == [
        ("A001", 1, "recall", at(40)), ("B001", 3, "call", at(20))]
    with db.read() as s:  # a short list is still full: the repeats are not counted against it
        assert [c.code for c in board_state(s, office.office_code, now=at(41), last_calls=1).last_calls] == ["A001"]


def test_calls_that_commit_out_of_order_are_all_found_in_the_window(db: Database, office: OfficeRefs) -> None:
    """Counter 2 stamps its call first but commits second: a board that asked in between
    must still find it with the next window, and say each call once."""
    issue(db, office, "HT", 0)
    issue(db, office, "CT", 0)
    call(db, office, 3, 20)  # B001 stamped 20 s
    seen: dict[object, str] = {}

    def poll(now: float) -> list[str]:
        with db.read() as s:
            found = calls_since(s, office.office_code, at(now - 60), now=at(now))
        new = [c for c in found if c.id not in seen]
        seen.update({c.id: c.code for c in new})
        return [c.code for c in new]

    assert poll(21) == ["B001"]
    call(db, office, 2, 15)  # A001 stamped 15 s, committed after the board's read
    assert poll(22) == ["A001"]
    assert poll(23) == []
    with db.read() as s:
        ordered = calls_since(s, office.office_code, at(0), now=at(23))
    assert [c.code for c in ordered] == ["A001", "B001"]  # oldest first


def test_only_todays_calls_count(db: Database, office: OfficeRefs) -> None:
    yesterday = -24 * 3600
    issue(db, office, "HT", yesterday)
    call(db, office, 1, yesterday + 60)
    with db.read() as s:
        assert calls_since(s, office.office_code, at(yesterday - 60), now=at(0)) == []
        board = board_state(s, office.office_code, now=at(0))
    assert board.last_calls == ()
    assert board.counter(1).ticket_code is None  # type: ignore[union-attr]


def test_closed_counters_are_not_shown(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        set_counter_open(s, office.actor("admin"), 2, False, now=at(0))
        set_counter_open(s, office.actor("admin"), 4, False, now=at(0))
    board = state(db, office, 1)
    assert [c.number for c in board.counters] == [1, 3]


def test_waiting_counts_per_service(db: Database, office: OfficeRefs) -> None:
    for i, service in enumerate(["HT", "HT", "HT", "CT", "XH", "HT"]):
        issue(db, office, service, i)
    call(db, office, 1, 30)  # one HT leaves the queue
    board = state(db, office, 31)
    counts = {w.service_code: (w.prefix, w.waiting) for w in board.waiting}
    assert counts == {"HT": ("A", 3), "CT": ("B", 1), "KD": ("C", 0), "XH": ("D", 1), "TK": ("E", 0)}
    ht = next(w for w in board.waiting if w.service_code == "HT")
    assert ht.name("vi") == "Hộ tịch" and ht.name("en") == "Civil status"
    assert ht.counters_open == (1, 2, 4)


def test_notices_and_the_speaking_style_come_from_the_office_settings(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        set_rule(s, office.office_code, "notices", ["Bộ phận một cửa làm việc từ 7 giờ 30.", "Xin cảm ơn."])
        set_rule(s, office.office_code, "announce_style", "digits")
    board = state(db, office, 0)
    assert board.notices == ("Bộ phận một cửa làm việc từ 7 giờ 30.", "Xin cảm ơn.")
    assert board.announce_style == "digits"


def test_the_last_calls_are_newest_first_and_limited(db: Database, office: OfficeRefs) -> None:
    actor = office.actor("canbo1")
    for i in range(5):
        issue(db, office, "HT", i)
    for i in range(5):
        t = call(db, office, 1, 10 + i * 10)
        assert t is not None
        with db.write() as s:
            q.mark_no_show(s, actor, t.id, now=at(15 + i * 10))
    with db.read() as s:
        board = board_state(s, office.office_code, now=at(100), last_calls=3)
    assert [c.code for c in board.last_calls] == ["A005", "A004", "A003"]
