"""The demo's apps as windows on one desktop: where each goes, and starting them there.

``motcua demo`` asks Qt for the screen's free area (``python -m ui.placement``), which
also proves that Qt can open a window on this display, then starts the kiosk, counter 1
and the board each with ``--geometry``: the kiosk down the left, as tall as the screen
(it is a portrait panel), the counter at the top right, the board under it. Each is zoomed
out as far as its area needs (ui/placement.py), down to sizes that can still be read; a
screen too small even for that gets the three cascaded, each shifted from the last so all
three title bars show, instead of stacked at 0,0.

On Wayland with XWayland (DISPLAY set too) the apps use X11 (``QT_QPA_PLATFORM=xcb``), as
a Wayland compositor places windows itself and would ignore where they are put; a
``QT_QPA_PLATFORM`` the user set wins.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

from ui.placement import Area

# Room left above each window for a window manager's title bar, and between windows.
TITLE_BAR = 40
GAP = 8
# The app windows' design sizes (kiosk/app.py PORTRAIT, counter/app.py DESK_SIZE,
# display/style.py BOARD_SIZE; tests/cli/test_desktop_layout.py keeps them equal), written
# out so the demo need not load Qt's widgets to arrange them.
KIOSK = (1080, 1920)
COUNTER = (1600, 900)
BOARD = (1920, 1080)
# Below these zooms a window's text is too small to read, and the three are cascaded.
READABLE = {"kiosk": 0.35, "counter": 0.6, "display": 0.15}
BOARD_SHARE = 0.25  # of the screen's height, at least, for the board under the counter
CASCADE_STEP = 48


def _scaled(design: tuple[int, int], zoom: float) -> tuple[int, int]:
    return int(design[0] * zoom), int(design[1] * zoom)


def demo_layout(screen: Area) -> dict[str, Area]:
    """The area of each app ("kiosk", "counter", "display") on a screen with this free area."""
    top = screen.y + TITLE_BAR
    zoom_k = min(1.0, (screen.height - TITLE_BAR) / KIOSK[1], 0.4 * screen.width / KIOSK[0])
    kw, kh = _scaled(KIOSK, zoom_k)
    right_x = screen.x + kw + GAP
    right_w = screen.right - right_x
    board_least = BOARD_SHARE * screen.height
    zoom_c = min(1.0, right_w / COUNTER[0], (screen.height - 2 * TITLE_BAR - GAP - board_least) / COUNTER[1])
    cw, ch = _scaled(COUNTER, zoom_c)
    board_y = top + ch + GAP + TITLE_BAR
    zoom_b = min(1.0, right_w / BOARD[0], (screen.bottom - board_y) / BOARD[1])
    zooms = {"kiosk": zoom_k, "counter": zoom_c, "display": zoom_b}
    if all(zooms[app] >= least for app, least in READABLE.items()):
        return {"kiosk": Area(screen.x, top, kw, kh),
                "counter": Area(right_x, top, cw, ch),
                "display": Area(right_x, board_y, *_scaled(BOARD, zoom_b))}
    return _cascade(screen)


def _cascade(screen: Area) -> dict[str, Area]:
    """Each app as big as the screen lets it be, each one step right and down of the last."""
    room = Area(0, 0, max(1, screen.width - 2 * CASCADE_STEP),
                max(1, screen.height - TITLE_BAR - 2 * CASCADE_STEP))
    placed: dict[str, Area] = {}
    for step, (app, design) in enumerate((("kiosk", KIOSK), ("counter", COUNTER), ("display", BOARD))):
        zoom = min(1.0, room.width / design[0], room.height / design[1])
        placed[app] = Area(screen.x + step * CASCADE_STEP, screen.y + TITLE_BAR + step * CASCADE_STEP,
                           *_scaled(design, zoom))
    return placed


def desktop_env(env: Mapping[str, str]) -> dict[str, str] | None:
    """The environment the apps get on this machine's desktop; None when it has no display."""
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return None
    apps = dict(env)
    if not apps.get("QT_QPA_PLATFORM") and apps.get("DISPLAY"):
        apps["QT_QPA_PLATFORM"] = "xcb"  # X11, or XWayland: windows go where they are put
    return apps


def screen_area(env: Mapping[str, str]) -> Area | str:
    """The screen's free area, or why Qt cannot open a window on this display."""
    try:
        probe = subprocess.run([sys.executable, "-m", "ui.placement"], env=dict(env), capture_output=True, check=False,
                               text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "Qt did not answer within a minute"
    if probe.returncode == 0:
        try:
            return Area.parse(probe.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            pass
    said = [line for line in probe.stderr.splitlines() if line.strip()]
    return "\n".join(said[-6:]) or f"the probe exited with {probe.returncode}"


def app_commands(layout: Mapping[str, Area], *, first: Sequence[str] = (), extra: Sequence[str] = ()) -> list[list[str]]:
    """The command line of each app the demo opens, in its area (``first``: options before
    the command, such as ``--database-url``; ``extra``: after it, such as ``--now``)."""
    python = [sys.executable, "-m", "cli", *first]
    return [[*python, "kiosk", "--windowed", "--geometry", str(layout["kiosk"]), *extra],
            [*python, "counter", "--counter", "1", "--geometry", str(layout["counter"]), *extra],
            [*python, "display", "--windowed", "--geometry", str(layout["display"]), *extra]]


def open_apps(env: Mapping[str, str], layout: Mapping[str, Area], *, first: Sequence[str] = (),
              extra: Sequence[str] = ()) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen(command, env=dict(env)) for command in app_commands(layout, first=first, extra=extra)]


def no_window_help(reason: str) -> str:
    """What the demo says when the probe failed: Qt's own words, and the likely way out."""
    where = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or "?"
    if "could not connect to display" in reason:
        hint = ("Is that display's X server running, and may this user open windows on it "
                "(XAUTHORITY, or `xhost +SI:localuser:$USER` in the desktop session)?")
    else:
        hint = "Its platform plugin needs Debian libraries: `make setup` installs them (the Makefile's APT_PACKAGES)."
    return f"\nQt cannot open a window on this display ({where}):\n{reason}\n{hint}"
