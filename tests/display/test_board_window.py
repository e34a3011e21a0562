"""The board as the hall sees and hears it: real widgets offscreen, a real database (SQLite and
PostgreSQL), calls made through the counters' queue operations."""

from __future__ import annotations

import logging
import time

from display.app import POLL_MS, DisplayWindow
from display.board_view import CALL_ROWS
from display.voice import wav_seconds
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.counters import set_counter_open
from tests.display.conftest import Desk, RecordingPlayer, open_board

ONE_CYCLE_MS = POLL_MS + 400  # the next poll, plus the read itself on a busy test machine


def card_text(board: DisplayWindow, counter: int) -> str:
    card = board.view.cards.get(counter)
    return card.code if card is not None else ""


def test_a_call_shows_at_its_counter_within_one_polling_cycle(qtbot, board: DisplayWindow, desk: Desk,  # type: ignore[no-untyped-def]
                                                              player: RecordingPlayer) -> None:
    assert board.view.cards[2].has_ticket is False
    desk.issue("HT")
    desk.issue("HT")
    ticket = desk.call(2)
    called = time.monotonic()
    qtbot.waitUntil(lambda: card_text(board, 2) == "A001", timeout=ONE_CYCLE_MS)
    assert (time.monotonic() - called) * 1000 < ONE_CYCLE_MS
    assert ticket.code == "A001"
    assert [c.code for c in board.view.cards.values() if c.has_ticket] == ["A001"]  # no other counter
    assert board.view.cards[2].state == "fresh"  # lit (blinking)
    first = board.view.call_rows[0]
    assert (first.code.text(), first.to.text()) == ("A001", "đến quầy 2")
    # and the hall hears it: the chime, then the sentence, for real lengths
    qtbot.waitUntil(lambda: len(player.clips) == 2, timeout=5000)
    assert player.kinds == ["chime", "vi"]
    chime, sentence = player.clips
    assert 0.5 < chime.seconds < 2.5 and chime.seconds == wav_seconds(chime.path)
    assert 2 < sentence.seconds < 8


def test_two_calls_at_once_are_announced_in_order_never_overlapping(qtbot, board: DisplayWindow, desk: Desk,  # type: ignore[no-untyped-def]
                                                                    player: RecordingPlayer) -> None:
    board.ctx.english = True  # this board repeats each call in English
    for service in ("HT", "CT", "XH"):
        desk.issue(service)
    board.pause()  # hold the reads while three counters call, so that one read finds them all
    a = desk.call(1)
    b = desk.call(3)
    d = desk.call(4)
    board.resume()
    qtbot.waitUntil(lambda: len(board.announcer.history) == 3, timeout=10_000)
    assert [(x.code, x.counter) for x in board.announcer.history] == [
        (a.code, 1), (b.code, 3), (d.code, 4)]
    assert player.kinds == ["chime", "vi", "en"] * 3
    assert player.overlaps == 0
    said = [s for x in board.announcer.history for _lang, s in x.sentences]
    assert said[:2] == ["Mời công dân có số thứ tự A, một, đến quầy số một.",
                        "Ticket number A, one, please go to counter one."]
    assert all(c.seconds > 0.5 for c in player.clips)
    assert {card_text(board, n) for n in (1, 3, 4)} == {"A001", "B001", "D001"}


def test_a_recall_is_announced_again(qtbot, display_ctx, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    board = open_board(qtbot, display_ctx, RecordingPlayer(), refresh_s=0.5)
    try:
        desk.issue("CT")
        ticket = desk.call(3)
        qtbot.waitUntil(lambda: len(board.announcer.history) == 1, timeout=5000)
        desk.recall(ticket, after_s=40)
        qtbot.waitUntil(lambda: len(board.announcer.history) == 2, timeout=5000)
        assert [(x.code, x.counter) for x in board.announcer.history] == [("B001", 3), ("B001", 3)]
        assert [(r.code.text(), r.to.text()) for r in board.view.call_rows if r.isVisible()] == [
            ("B001", "đến quầy 3")]  # announced twice, listed once
        reads = board.reads  # more reads, full ones among them: nothing is said a third time
        qtbot.waitUntil(lambda: board.reads >= reads + 4, timeout=POLL_MS * 10)
        assert len(board.announcer.history) == 2
    finally:
        board.shutdown()


def test_a_new_call_blinks_for_a_while_then_stays_lit_until_the_next(qtbot, display_ctx, desk: Desk,  # type: ignore[no-untyped-def]
                                                                     clock) -> None:
    from datetime import timedelta

    from local_db.ops.board import FRESH_SECONDS

    board = open_board(qtbot, display_ctx, RecordingPlayer(), refresh_s=0.5, blink_s=1.0)
    try:
        desk.issue("HT")
        desk.issue("HT")
        desk.call(1)
        qtbot.waitUntil(lambda: card_text(board, 1) == "A001", timeout=ONE_CYCLE_MS)
        seen = set()
        qtbot.waitUntil(lambda: seen.add(board.view.cards[1].state) or {"fresh", "flash"} <= seen, timeout=1000)
        clock.now += timedelta(seconds=FRESH_SECONDS + 1)  # the database's stamp is no longer fresh either
        qtbot.waitUntil(lambda: board.view.cards[1].state == "latest", timeout=3000)
        qtbot.wait(600)
        assert board.view.cards[1].state == "latest"  # steady now
        desk.call(2)
        qtbot.waitUntil(lambda: board.view.cards[2].state in ("fresh", "flash"), timeout=ONE_CYCLE_MS)
        assert board.view.cards[1].state == "serving"  # the light moved to the new call
    finally:
        board.shutdown()


def test_calls_made_before_the_board_started_are_shown_not_announced(qtbot, display_ctx, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.issue("HT")
    desk.call(1)
    player = RecordingPlayer()
    window = open_board(qtbot, display_ctx, player)
    try:
        assert card_text(window, 1) == "A001"
        qtbot.wait(POLL_MS * 2)
        assert window.announcer.history == [] and player.clips == []
    finally:
        window.shutdown()


def test_closed_counters_leave_the_board(qtbot, display_ctx, db: Database, office: OfficeRefs,  # type: ignore[no-untyped-def]
                                         clock) -> None:
    board = open_board(qtbot, display_ctx, RecordingPlayer(), refresh_s=0.5)
    try:
        assert list(board.view.cards) == [1, 2, 3, 4]
        with db.write() as s:
            set_counter_open(s, office.actor("admin"), 2, False, now=clock())
        # closing a counter is no operation (the change marker stays): the periodic full read sees it
        qtbot.waitUntil(lambda: list(board.view.cards) == [1, 3, 4], timeout=3000)
        with db.write() as s:
            for n in (1, 3, 4):
                set_counter_open(s, office.actor("admin"), n, False, now=clock())
        qtbot.waitUntil(lambda: not board.view.cards, timeout=3000)
        assert board.view.empty.isVisible() and "Chưa có quầy nào" in board.view.empty.text()
    finally:
        board.shutdown()


def test_waiting_counts_follow_the_queues(qtbot, board: DisplayWindow, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    for service in ("HT", "HT", "KD"):
        desk.issue(service)

    def counts() -> dict[str, str]:
        return {r.service.text(): r.count.text() for r in board.view.wait_rows if r.isVisible()}

    qtbot.waitUntil(lambda: counts().get("A · Hộ tịch") == "2", timeout=ONE_CYCLE_MS)
    assert counts() == {"A · Hộ tịch": "2", "B · Chứng thực": "0", "C · Đăng ký kinh doanh": "1",
                        "D · Bảo trợ xã hội": "0", "E · Trả kết quả": "0"}


def test_numbers_are_at_least_a_tenth_of_the_screen_high(qtbot, board: DisplayWindow, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.issue("HT")
    desk.call(1)
    qtbot.waitUntil(lambda: card_text(board, 1) == "A001", timeout=ONE_CYCLE_MS)
    qtbot.wait(20)  # the cards fit their numbers once laid out
    label = board.view.cards[1].code_label
    assert board.height() == 1080
    assert label.font().pixelSize() >= 0.10 * board.height()
    ink = label.fontMetrics().tightBoundingRect("A001")
    assert ink.height() >= 0.07 * board.height()  # the digits themselves, not only the line: ~108 px type
    assert label.height() >= label.fontMetrics().height()  # and the label is tall enough to show them


def test_the_board_keeps_every_last_call_row_short(qtbot, board: DisplayWindow, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    for _ in range(CALL_ROWS + 2):
        desk.issue("HT")
    for _ in range(CALL_ROWS + 2):
        ticket = desk.call(1)
        with desk.db.write() as s:
            from local_db.ops import queue as q

            q.mark_no_show(s, desk.office.actor("canbo1"), ticket.id, now=desk.clock())
    qtbot.waitUntil(lambda: board.view.call_rows[0].code.text() == f"A{CALL_ROWS + 2:03d}", timeout=3000)
    assert sum(r.isVisible() for r in board.view.call_rows) == CALL_ROWS


def test_no_sound_device_still_shows_calls_and_says_so_once(qtbot, display_ctx, desk: Desk, caplog) -> None:  # type: ignore[no-untyped-def]
    from display.announcer import QtPlayer

    caplog.set_level(logging.INFO, logger="display.announcer")
    window = open_board(qtbot, display_ctx, QtPlayer(outputs=lambda: []))
    try:
        for service in ("HT", "CT"):
            desk.issue(service)
        desk.call(1)
        qtbot.waitUntil(lambda: card_text(window, 1) == "A001", timeout=ONE_CYCLE_MS)
        desk.call(3)
        qtbot.waitUntil(lambda: card_text(window, 3) == "B001", timeout=ONE_CYCLE_MS)
        qtbot.waitUntil(lambda: len(window.announcer.history) == 2, timeout=3000)
        assert [x.skipped for x in window.announcer.history] == ["no sound device"] * 2
        lines = [r.getMessage() for r in caplog.records if r.name == "display.announcer"]
        assert lines == ["the board cannot play sound: no sound output device"]
    finally:
        window.shutdown()


def test_the_real_player_sees_this_machines_sound_outputs(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtMultimedia import QMediaDevices

    from display.announcer import QtPlayer
    from ui.app import make_app

    make_app()
    player = QtPlayer()
    assert (player.problem() is None) == bool(QMediaDevices.audioOutputs())


def test_the_board_closes_cleanly_in_the_middle_of_an_announcement(qtbot, display_ctx, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    """Qt's real player, a call being said, and the board closed right then: nothing hangs
    and nothing aborts (Qt Multimedia is touchy about sound objects deleted mid-way)."""
    from display.announcer import QtPlayer

    window = open_board(qtbot, display_ctx, QtPlayer(outputs=lambda: ["a device"]))
    desk.issue("HT")
    desk.call(1)
    qtbot.waitUntil(lambda: card_text(window, 1) == "A001", timeout=ONE_CYCLE_MS)
    window.close()  # (the test's clean-up then deletes it)
    qtbot.wait(50)
    assert window.announcer.pending == 0
