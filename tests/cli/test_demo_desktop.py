"""`motcua demo` on a desktop, as a ward's IT person first tries it: a real X server (Xvfb,
no window manager), no QT_QPA_PLATFORM set, the demo's own command line.

It must open the kiosk, counter 1 and the board as windows that are really mapped, side
by side without overlapping on a 1920x1080 screen; a ticket taken by clicking on the
kiosk window is called by keys typed into the counter window and shows on the board
window; Ctrl+C closes everything with exit code 0 and nothing left running.

The demo runs with ``--no-sync`` (no demo central server and sync agent: they cost ten
seconds and open no window) on the test office instead of the 30-day demo office (its
half minute of building). From the screen on, it is the code ``make demo`` runs:
cli/demo.py ``_open_apps`` and cli/desktop.py.
"""

from __future__ import annotations

import pytest

import os
import signal
import subprocess
import sys
import time
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from core.working_calendar import OFFICE_TZ, WorkingHours
from local_db.database import Database
from local_db.models import Holiday, Ticket
from local_db.office_settings import set_rule
from local_db.office_setup import OfficeRefs
from tests.support.dialects import SQLITE_ONLY
from tests.support.xserver import MappedWindow, XServer
from ui.placement import Area

ROOT = Path(__file__).resolve().parents[2]
pytestmark = SQLITE_ONLY  # windows, not SQL dialects


def _open_all_day(db: Database, office: OfficeRefs) -> None:
    """The office gives numbers now, whatever the hour and the day the test runs: open
    00:00-23:59 office time, and today and tomorrow announced as working days. A run that
    would straddle the office's midnight (numbers restart then) first waits for it to pass."""
    from datetime import datetime

    now = datetime.now(OFFICE_TZ)
    if now.hour == 23 and now.minute >= 58:
        time.sleep((60 - now.second) + 60 * (59 - now.minute) + 5)
        now = datetime.now(OFFICE_TZ)
    with db.write() as s:
        set_rule(s, office.office_code, "working_hours",
                 WorkingHours(periods=((clock_time(0, 0), clock_time(23, 59)),)).to_dict())
        for day in (now.date(), now.date() + timedelta(days=1)):
            s.execute(Holiday.__table__.delete().where(Holiday.office_code == office.office_code,
                                                       Holiday.day == day))
            s.add(Holiday(office_code=office.office_code, day=day, name="desktop test", kind="working_day"))


def _kiosk_spots(db: Database, office: OfficeRefs, tmp: Path, qtbot) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    """Where, on a 1080x1920 kiosk, the buttons of taking a number are (the window's own
    coordinates): found on the same kiosk window built offscreen in this process on the same
    database (the tests' offscreen platform), since X shows pixels, not buttons."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from kiosk.app import PORTRAIT, KioskWindow
    from kiosk.context import KioskContext
    from local_db.office_settings import get_office
    from local_db.office_setup import ensure_device
    from ui.app import make_app

    make_app()
    with db.write() as s:
        device = ensure_device(s, office.office_code, "kiosk-twin", "kiosk")
        o = get_office(s)
        ctx = KioskContext(db=db, office_code=o.code, device_id=device.id, office_name_vi=o.name_vi,
                           office_name_en=o.name_en, printer=f"pdf:{tmp / 'twin-printed'}",
                           tracking_host="MOTCUA.HANOI.GOV.VN")
    twin = KioskWindow(ctx, pdf_dir=tmp / "twin-kept", print_in_background=False, use_camera=False)
    qtbot.addWidget(twin)
    twin.resize(*PORTRAIT)
    twin.show()

    def centre(name: str) -> tuple[float, float]:
        widget = twin.findChild(QWidget, name)
        assert widget is not None and widget.isVisible(), name
        point = widget.mapTo(twin, widget.rect().center())
        return point.x(), point.y()

    spots = {"take": centre("choice-ticket_service")}
    twin.nav.go("ticket_service")
    qtbot.waitUntil(lambda: (twin.findChild(QWidget, "service-HT") or QWidget()).isVisible(), timeout=15000)
    spots["service"] = centre("service-HT")
    qtbot.mouseClick(twin.findChild(QWidget, "service-HT"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: twin.nav.current is twin.nav.screen("ticket_priority"), timeout=5000)
    spots["no_priority"] = centre("priority-none")
    twin.tasks.wait_idle()
    twin.shutdown()
    return spots


def _ticket(db: Database) -> Ticket | None:
    with db.read() as s:
        return s.scalars(select(Ticket)).first()


def _wait_for(what: str, check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not seen within {timeout} s: {what}")


@pytest.mark.slow
def test_make_demo_opens_three_windows_side_by_side_and_a_ticket_goes_kiosk_counter_board(
        xserver: XServer, db: Database, db_url: str, office: OfficeRefs, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    _open_all_day(db, office)
    env = {**xserver.env(), "MOTCUA_DATABASE_URL": db_url, "MOTCUA_CONFIG": str(tmp_path / "none.toml"),
           "MOTCUA_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    assert "QT_QPA_PLATFORM" not in env
    demo = subprocess.Popen([sys.executable, "-m", "cli", "demo", "--no-sync"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        spots = _kiosk_spots(db, office, tmp_path, qtbot)  # while the apps start
        _round(xserver, db, demo, spots)
        os.killpg(demo.pid, signal.SIGINT)  # Ctrl+C in the demo's terminal
        out, _ = demo.communicate(timeout=90)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    assert demo.returncode == 0, out
    for word in ("motcua kiosk: ready", "motcua counter: ready", "motcua display: ready"):
        assert word in out, out
    assert "Traceback" not in out, out
    assert xserver.windows() == []  # every window gone with its process
    leftover = subprocess.run(["pgrep", "-s", str(demo.pid)], capture_output=True, text=True, check=False)
    assert leftover.stdout.strip() == "", "processes of the demo still running"


def _round(xserver: XServer, db: Database, demo: subprocess.Popen[str], spots: dict[str, tuple[float, float]]) -> None:
    screen = Area(0, 0, *xserver.size)

    def three() -> list[MappedWindow] | None:
        assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
        found = [w for w in xserver.windows() if w.pid is not None]
        return found if len({w.pid for w in found}) == 3 else None

    windows = _wait_for("three app windows mapped", three, timeout=90)
    assert all(screen.contains(w.area) for w in windows), windows
    assert not any(a.area.overlaps(b.area) for a in windows for b in windows if a is not b), windows
    kiosk = min(windows, key=lambda w: w.area.x)  # the kiosk down the left
    counter, board = sorted((w for w in windows if w is not kiosk), key=lambda w: w.area.y)  # the board under the counter
    assert kiosk.area.height > kiosk.area.width and board.area.width > board.area.height, windows
    assert counter.area.width * counter.area.height > board.area.width * board.area.height

    # The kiosk: take a number (three taps, each once the screen has drawn the last one).
    zoom = kiosk.area.width / 1080

    def tap(spot: str) -> None:
        x, y = spots[spot]
        xserver.click(kiosk.area.x + round(x * zoom), kiosk.area.y + round(y * zoom))

    # Below the kiosk's header, whose clock would count as a change of screen once a minute.
    body = Area(kiosk.area.x, kiosk.area.y + kiosk.area.height * 7 // 100, kiosk.area.width,
                kiosk.area.height - kiosk.area.height * 7 // 100)
    shown = xserver.settled(body)
    for spot in ("take", "service"):
        tap(spot)
        shown = xserver.settled(body, before=shown)
    tap("no_priority")
    ticket = _wait_for("a ticket taken on the kiosk", lambda: _ticket(db))
    assert ticket.status == "waiting" and ticket.source == "walk_in"

    # The counter: sign in as the demo's clerk, call the next number with F2.
    shown = xserver.settled(counter.area)
    xserver.type_into(counter, "Return", text="canbo1")
    xserver.type_into(counter, "Return", text="matkhau123")
    xserver.settled(counter.area, before=shown)
    card = Area(board.area.x + board.area.width // 50, board.area.y + board.area.height * 15 // 100,
                board.area.width * 3 // 10, board.area.height * 3 // 10)
    before_call = xserver.pixels(card)
    xserver.type_into(counter, "F2")
    called = _wait_for("the ticket called at the counter",
                       lambda: (t := _ticket(db)) is not None and t.status == "called" and t)
    assert called.code == ticket.code and called.counter_id is not None

    # The board: the call is on screen (the card of counter 1, top left, changed from before).
    xserver.settled(card, before=before_call, quiet=0.6)
