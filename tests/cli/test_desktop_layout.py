"""Where `motcua demo` puts the three windows on the screens desktops have, and which Qt
platform it gives them (tests/cli/test_demo_desktop.py sees them on a real X server)."""

from __future__ import annotations

import pytest

from cli import desktop
from cli.desktop import READABLE, TITLE_BAR, demo_layout, desktop_env
from ui.placement import Area, windowed_area, zoom_to_fit

DESIGN = {"kiosk": desktop.KIOSK, "counter": desktop.COUNTER, "display": desktop.BOARD}


def test_the_layout_knows_the_windows_design_sizes() -> None:
    from counter.app import DESK_SIZE
    from display.style import BOARD_SIZE
    from kiosk.app import PORTRAIT

    assert DESIGN == {"kiosk": PORTRAIT, "counter": DESK_SIZE, "display": BOARD_SIZE}


@pytest.mark.parametrize("screen", [Area(0, 0, 1920, 1080), Area(0, 32, 1920, 1048), Area(0, 0, 1680, 1050),
                                    Area(0, 0, 2560, 1440), Area(0, 0, 3840, 2160), Area(1920, 0, 1920, 1200)])
def test_on_a_desktop_monitor_the_three_sit_side_by_side_readable(screen: Area) -> None:
    placed = demo_layout(screen)
    areas = list(placed.values())
    assert all(screen.contains(a) for a in areas)
    assert not any(a.overlaps(b) for a in areas for b in areas if a is not b)
    assert all(a.y - TITLE_BAR >= screen.y for a in areas)  # room for each title bar
    kiosk, counter, board = placed["kiosk"], placed["counter"], placed["display"]
    assert kiosk.x == screen.x and kiosk.right < counter.x and counter.x == board.x  # kiosk left, the others right
    assert counter.bottom < board.y
    for app, area in placed.items():
        assert zoom_to_fit(area, DESIGN[app]) >= READABLE[app], app
    if screen.width >= 3840:  # room for all three as drawn
        assert [(a.width, a.height) for a in areas] == list(DESIGN.values())


@pytest.mark.parametrize("screen", [Area(0, 0, 1366, 768), Area(0, 0, 1024, 768), Area(0, 0, 800, 600)])
def test_on_a_small_screen_they_are_cascaded_not_stacked(screen: Area) -> None:
    placed = demo_layout(screen)
    corners = {(a.x, a.y) for a in placed.values()}
    assert len(corners) == 3  # each title bar shows
    assert all(screen.contains(a) for a in placed.values())


def test_a_windowed_kiosk_is_zoomed_out_to_a_smaller_desktop_and_centred() -> None:
    # A 1080p desktop (its panel takes 40 px): the portrait kiosk shows whole, at about half size.
    area = windowed_area(Area(0, 40, 1920, 1040), (1080, 1920))
    assert (area.width, area.height) == (585, 1040) and area.y == 40 and area.x == (1920 - 585) // 2
    assert zoom_to_fit(area, (1080, 1920)) == pytest.approx(1040 / 1920, abs=0.002)
    # A landscape kiosk on the same desktop; and a screen big enough: as it is, centred.
    assert windowed_area(Area(0, 40, 1920, 1040), (1920, 1080)).height <= 1040
    assert windowed_area(Area(0, 0, 2160, 3840), (1080, 1920)) == Area(540, 960, 1080, 1920)


def test_a_geometry_is_read_as_x11_writes_it() -> None:
    assert Area.parse("585x1040+0+40") == Area(0, 40, 585, 1040)
    assert str(Area(1920, 8, 1283, 722)) == "1283x722+1920+8"
    for bad in ("585x1040", "0x10+0+0", "big"):
        with pytest.raises(ValueError):
            Area.parse(bad)
    assert zoom_to_fit(Area(0, 0, 540, 960), (1080, 1920)) == 0.5
    assert zoom_to_fit(Area(0, 0, 4000, 3000), (1080, 1920)) == 1.0  # never zoomed in


def test_the_apps_use_x11_where_there_is_one_and_the_users_choice_wins() -> None:
    assert desktop_env({"PATH": "/usr/bin"}) is None  # no display: no window
    assert desktop_env({"DISPLAY": ":0"})["QT_QPA_PLATFORM"] == "xcb"  # type: ignore[index]
    # Wayland with XWayland: X11, where windows go where they are put
    assert desktop_env({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})["QT_QPA_PLATFORM"] == "xcb"  # type: ignore[index]
    assert "QT_QPA_PLATFORM" not in desktop_env({"WAYLAND_DISPLAY": "wayland-0"})  # type: ignore[operator]
    assert desktop_env({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"})["QT_QPA_PLATFORM"] == "wayland"  # type: ignore[index]


def test_make_demo_leaves_the_qt_platform_to_the_desktop(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The Makefile once exported QT_QPA_PLATFORM=offscreen to every target, `make demo`
    included, and the demo opened no window on a desktop: what a recipe of the Makefile
    sees of it, from a shell that has not set it, must be nothing."""
    import os
    import subprocess
    from pathlib import Path

    probe = tmp_path / "probe.mk"
    probe.write_text('qt-platform-seen:\n\t@echo "[$$QT_QPA_PLATFORM]"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    seen = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", str(probe), "qt-platform-seen"],
                          cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == "[]"
