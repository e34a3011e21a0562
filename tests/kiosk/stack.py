"""Some kiosk screens on their own, stacked as the kiosk window stacks them, and the
citizen's touches: the flow tests drive screens through these."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QWidget

from core.i18n import set_language
from ui.app import make_app
from ui.screen import Navigator, Screen
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme


class Start(Screen):
    """Stands in for the start screen: where "Back" and the idle return lead."""

    name = "start"


def screen_stack(qtbot, screens: Callable[[TaskRunner], list[Screen]], first: str,  # type: ignore[no-untyped-def]
                 *, size: tuple[int, int] = (1080, 1700)) -> Navigator:
    """A shown Navigator with a start screen and ``screens(tasks)``, on ``first`` with its
    loading done; ``nav.tasks`` is the TaskRunner the screens share."""
    apply_theme(make_app(), Theme())
    set_language("vi")
    tasks = TaskRunner()
    nav = Navigator()
    nav.tasks = tasks  # type: ignore[attr-defined]
    nav.add(Start())
    for screen in screens(tasks):
        nav.add(screen)
    qtbot.addWidget(nav)
    nav.resize(*size)
    nav.show()
    nav.go(first)
    tasks.wait_idle()
    return nav


def tap(qtbot, nav: Navigator, name: str) -> None:  # type: ignore[no-untyped-def]
    """Touch the one visible button of that name (scrolled to first, as a citizen would),
    then let the work it started finish."""
    [widget] = [w for w in nav.findChildren(QPushButton, name) if w.isVisible()]
    for area in nav.findChildren(QScrollArea):
        if area.isVisible() and area.widget().isAncestorOf(widget):
            area.ensureWidgetVisible(widget)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    nav.tasks.wait_idle()  # type: ignore[attr-defined]


def shown(root: QWidget, name: str) -> str:
    """The text of the visible label of that name ("" when none is shown)."""
    found = [w for w in root.findChildren(QLabel, name) if w.isVisible()]
    return found[0].text() if found else ""
