"""A display board on the test office database, offscreen at 1920x1080, with a player that
records what the hall would hear (each clip's real length) and finishes at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402

from core.i18n import set_language  # noqa: E402
from display.announcer import Clip  # noqa: E402
from display.app import DisplayWindow  # noqa: E402
from display.context import DisplayContext  # noqa: E402
from display.style import BOARD_SIZE  # noqa: E402
from local_db.database import Database  # noqa: E402
from local_db.office_setup import OfficeRefs  # noqa: E402
from local_db.ops import queue as q  # noqa: E402
from tests.support.clock import Clock  # noqa: E402
from ui.app import make_app  # noqa: E402
from ui.theme import Theme, apply_theme  # noqa: E402

# Monday 23 November 2026, 09:00 in Hà Nội: the office is open.
DISPLAY_NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite"])
def dialect(request: pytest.FixtureRequest) -> str:
    """Screens run on SQLite only; BOTH_DATABASES opts a test about the database back in
    (tests/support/dialects.py says why)."""
    return str(request.param)


class RecordingPlayer:
    """Plays nothing: records each clip (with its real length) and says it finished on the
    next turn of the event loop, as a real player would, only sooner."""

    def __init__(self, problem: str | None = None) -> None:
        self.clips: list[Clip] = []
        self.device_problem = problem
        self.playing = False
        self.overlaps = 0

    def problem(self) -> str | None:
        return self.device_problem

    def play(self, clip: Clip, finished: Callable[[], None]) -> None:
        if self.playing:
            self.overlaps += 1
        self.playing = True
        self.clips.append(clip)

        def done() -> None:
            self.playing = False
            finished()

        QTimer.singleShot(0, done)

    def stop(self) -> None:
        self.playing = False

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.clips]


@pytest.fixture
def clock() -> Clock:
    return Clock(DISPLAY_NOW)


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of spoken sentences for the whole run: each sentence is made once."""
    return tmp_path_factory.mktemp("voice")


@pytest.fixture
def display_ctx(db: Database, office: OfficeRefs, clock: Clock, voice_cache: Path) -> DisplayContext:
    return DisplayContext(db=db, office_code=office.office_code, cache_dir=voice_cache, clock=clock)


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()


def open_board(qtbot, ctx: DisplayContext, player, **kw) -> DisplayWindow:  # type: ignore[no-untyped-def]
    app = make_app()
    apply_theme(app, Theme())
    window = DisplayWindow(ctx, player=player, **kw)
    qtbot.addWidget(window)
    window.resize(*BOARD_SIZE)
    window.show()
    qtbot.waitUntil(lambda: window.state is not None and not window.reading, timeout=5000)
    return window


@pytest.fixture
def board(qtbot, display_ctx: DisplayContext, player: RecordingPlayer) -> Iterator[DisplayWindow]:  # type: ignore[no-untyped-def]
    window = open_board(qtbot, display_ctx, player)
    yield window
    window.shutdown()
    window.deleteLater()
    set_language("vi")


@pytest.fixture
def made_up_board(qtbot, voice_cache: Path, clock: Clock, player: RecordingPlayer) -> Iterator[DisplayWindow]:  # type: ignore[no-untyped-def]
    """A board that reads no database: for the made-up states of the tour (not a DB test)."""
    app = make_app()
    apply_theme(app, Theme())
    ctx = DisplayContext(db=None, office_code="00004", cache_dir=voice_cache, clock=clock)  # type: ignore[arg-type]
    window = DisplayWindow(ctx, player=player, read=False)
    qtbot.addWidget(window)
    window.resize(*BOARD_SIZE)
    window.show()
    yield window
    window.shutdown()
    window.deleteLater()
    set_language("vi")


class Desk:
    """The counters' side of the test: tickets issued and called through the queue operations."""

    def __init__(self, db: Database, office: OfficeRefs, clock: Clock) -> None:
        self.db, self.office, self.clock = db, office, clock

    def issue(self, service: str) -> q.TicketInfo:
        with self.db.write() as s:
            return q.issue_ticket(s, self.office.actor(None, "kiosk"), service, now=self.clock())

    def call(self, counter: int, *, after_s: float = 1) -> q.TicketInfo:
        self.clock.now += timedelta(seconds=after_s)
        with self.db.write() as s:
            t = q.call_next(s, self.office.actor("canbo1"), counter, now=self.clock())
        assert t is not None
        return t

    def recall(self, ticket: q.TicketInfo, *, after_s: float = 1) -> None:
        self.clock.now += timedelta(seconds=after_s)
        with self.db.write() as s:
            q.recall(s, self.office.actor("canbo1"), ticket.id, now=self.clock())


@pytest.fixture
def desk(db: Database, office: OfficeRefs, clock: Clock) -> Desk:
    return Desk(db, office, clock)
