"""Where an app's window goes on a desktop, and how far it is zoomed out to fit there.

The apps are drawn for their own screens: the kiosk for a 1080x1920 portrait panel, the
counter for a 1920x1080 monitor, the board for a TV. On one desktop (``motcua demo``, or
an IT person trying them) they are given an area of the screen with ``--geometry
WxH+X+Y`` (the window's inside, in the screen's pixels). A window whose design size does
not fit that area is zoomed out with Qt's own scale factor (``QT_SCALE_FACTOR``, read when
the application starts), so the whole screen is seen, smaller, as it is on its panel,
rather than cut or squeezed below the sizes its layout needs.

``python -m ui.placement`` prints the primary screen's free area (``WxH+X+Y``, without a
desktop's panels) and exits: ``motcua demo`` asks it before opening the apps, and so learns
too whether Qt can open a window on this display at all (a missing library of Qt's
platform plugin makes that process fail, not three apps).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

_GEOMETRY = re.compile(r"^(\d+)x(\d+)([+-]\d+)([+-]\d+)$")


@dataclass(frozen=True)
class Area:
    """A rectangle of the screen, in the screen's pixels."""

    x: int
    y: int
    width: int
    height: int

    @classmethod
    def parse(cls, text: str) -> Area:
        """``WxH+X+Y``, as X11's ``-geometry`` writes it."""
        found = _GEOMETRY.match(text.strip())
        if found is None:
            raise ValueError(f"not a geometry like 1280x720+0+0: {text!r}")
        width, height, x, y = (int(part) for part in found.groups())
        if width <= 0 or height <= 0:
            raise ValueError(f"an empty area: {text!r}")
        return cls(x, y, width, height)

    def __str__(self) -> str:
        return f"{self.width}x{self.height}{self.x:+d}{self.y:+d}"

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def overlaps(self, other: Area) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)

    def contains(self, other: Area) -> bool:
        return (self.x <= other.x and self.y <= other.y
                and other.right <= self.right and other.bottom <= self.bottom)


def zoom_to_fit(area: Area, design: tuple[int, int]) -> float:
    """How far a window drawn for ``design`` (width, height) is zoomed out to fit ``area``;
    1.0 when it fits as it is (a window is never zoomed in)."""
    return min(1.0, area.width / design[0], area.height / design[1])


def windowed_area(screen: Area, design: tuple[int, int], *, title_bar: int = 0) -> Area:
    """Where a window drawn for ``design`` goes when tried on a desktop whose free area is
    ``screen`` (``--windowed`` without ``--geometry``): centred, zoomed out with its aspect
    kept when it (and ``title_bar`` px above it) does not fit; as it is when it does. The
    kiosk's 1080x1920 portrait panel does not fit a 1920x1080 desktop: it shows whole, at
    about half its size, instead of running off the bottom of the screen."""
    room = Area(screen.x, screen.y + title_bar, screen.width, max(1, screen.height - title_bar))
    zoom = zoom_to_fit(room, design)
    width, height = int(design[0] * zoom), int(design[1] * zoom)
    return Area(room.x + (room.width - width) // 2, room.y + (room.height - height) // 2, width, height)


def prepare_zoom(area: Area | None, design: tuple[int, int]) -> float:
    """Before the QApplication exists: set Qt's scale factor for a window drawn for
    ``design`` that goes into ``area`` (None: as it is); return the zoom."""
    if area is None:
        return 1.0
    zoom = zoom_to_fit(area, design)
    if zoom < 1.0:
        already = float(os.environ.get("QT_SCALE_FACTOR") or 1.0)  # the user's own setting stays in force
        os.environ["QT_SCALE_FACTOR"] = f"{zoom * already:.4f}"
    return zoom


def place(window: QWidget, area: Area, zoom: float) -> None:
    """Put ``window`` (not shown yet) into ``area``; ``zoom`` is what prepare_zoom gave.

    setGeometry, not move: Qt then asks the window manager to keep the window's inside at
    that spot (static gravity) and to put its frame around it, so the area is the part of
    the window that shows the app."""
    from PySide6.QtCore import QRect

    window.setGeometry(QRect(round(area.x / zoom), round(area.y / zoom),
                             round(area.width / zoom), round(area.height / zoom)))


def _print_screen_area() -> int:
    """Print the primary screen's free area in its pixels (``python -m ui.placement``)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])
    screen = app.primaryScreen()
    if screen is None:
        return 1
    free = screen.availableGeometry()
    ratio = screen.devicePixelRatio()
    print(Area(round(free.x() * ratio), round(free.y() * ratio),
               round(free.width() * ratio), round(free.height() * ratio)))
    return 0


if __name__ == "__main__":
    raise SystemExit(_print_screen_area())
