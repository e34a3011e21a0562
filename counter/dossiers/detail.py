"""The dossiers page's right-hand pane: the chosen dossier.

Its code and status, the deadline flag, then two tabs — the facts and the history (who did
what, when, at which counter), and its scanned documents (scans.py; the tab says how many
items are still to scan). Below them the moves the dossier's status allows, each on a
button with its key (Ctrl+1–Ctrl+9), and the two papers (control slip, receipt again). Moves its
status does not allow are not shown: nine buttons, mostly grey, used to leave the tabs a few
lines. The pane only draws: a button press is ``act(action)``; the page decides.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QWidget,
)

from core.i18n import _, ngettext, pgettext
from counter.dossiers.names import MOVES, moment_words, status_words
from counter.dossiers.rows import DossierView
from counter.dossiers.scans import ScansPanel
from counter.dossiers.words import ACTIONS, KEYS, button_words, deadline_words, facts_words
from counter.keys import tooltip
from ui.parts import button, hbox, label, scroll_area, vbox
from ui.tasks import TaskRunner
from ui.theme import current_theme, set_role

NO_SCANS = frozenset({"rejected", "withdrawn"})  # closed without processing: nothing more to attach
TAB_MIN_HEIGHT = 60  # px at normal text size: the tabs scroll below this


class DetailPane(QFrame):
    act = Signal(str)  # a move's or a paper's button was pressed

    def __init__(self, ctx: Any, tasks: TaskRunner) -> None:
        super().__init__()
        set_role(self, "panel")
        self.setObjectName("dossier-detail")
        self.view: DossierView | None = None

        self.code = label(role="title", wrap=False, name="dossier-code")
        self.status = label(role="subtitle", name="dossier-status")
        self.deadline = label(role="error", name="dossier-deadline")
        self.deadline.hide()
        self.head = QWidget()
        head = vbox(self.head, [], margin=0, spacing=4)
        code_row = hbox(spacing=12)
        code_row.addWidget(self.code)
        code_row.addWidget(self.status, 1)
        head.addLayout(code_row)
        head.addWidget(self.deadline)

        self.facts = label(name="dossier-facts")
        self.dates = label(name="dossier-dates")
        for w in (self.facts, self.dates):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            w.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        facts_row = QWidget()
        hbox(facts_row, [self.facts, self.dates], spacing=16)
        self.history_title = label(role="subtitle")
        self.history = QListWidget()
        self.history.setObjectName("dossier-history")
        self.history.setWordWrap(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setMinimumHeight(90)
        inner = QWidget()
        vbox(inner, [facts_row, self.history_title, self.history], margin=0, spacing=8).setStretch(2, 1)
        self.scans = ScansPanel(ctx, tasks)
        self.scans.shown.connect(self._draw_tabs)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossier-tabs")
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.tabBar().setExpanding(False)
        for page in (inner, self.scans):  # they scroll: a short screen never pushes the keys off
            area = scroll_area(page)
            area.setMinimumHeight(round(TAB_MIN_HEIGHT * current_theme().scale))
            self.tabs.addTab(area, "")
        self.placeholder = label(role="hint", name="dossier-placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.buttons: dict[str, QPushButton] = {}
        self.keys = QGridLayout()
        self.keys.setSpacing(8)
        self._key_columns = 0
        self._keys_shown: tuple[str, ...] = ()
        self.papers = QWidget()
        papers = hbox(self.papers, spacing=8)
        for action in ACTIONS:
            b = button(name=f"dossier-{action.replace('_', '-')}", on_click=lambda a=action: self.act.emit(a))
            self.buttons[action] = b
            if action in MOVES:
                self.keys.addWidget(b)
            else:
                papers.addWidget(b)
        layout = vbox(self, [self.placeholder, self.head, self.tabs], margin=16, spacing=10)
        layout.setStretch(0, 1)  # only one of the placeholder and the tabs shows: it takes the room
        layout.setStretch(2, 1)
        layout.addLayout(self.keys)
        layout.addWidget(self.papers)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._layout_keys()

    def _layout_keys(self) -> None:
        """The moves the dossier allows, three a row when their words fit, else two (large
        text, English)."""
        v = self.view
        shown = tuple(a for a in MOVES if v is not None and v.allows(a))
        room = self.contentsRect().width() - 32
        widest = max(self.buttons[a].sizeHint().width() for a in MOVES)
        columns = 3 if 3 * widest + 16 <= room else 2
        if (columns, shown) == (self._key_columns, self._keys_shown):
            return
        self._key_columns, self._keys_shown = columns, shown
        for action in MOVES:
            self.keys.removeWidget(self.buttons[action])
            self.buttons[action].setVisible(action in shown)
        for i, action in enumerate(shown):
            self.keys.addWidget(self.buttons[action], i // columns, i % columns)

    def retranslate(self) -> None:
        for action, b in self.buttons.items():
            b.setText(button_words(action))
        self._key_columns = 0
        self.history_title.setText(_("History"))
        self.scans.retranslate()
        self.placeholder.setText(_("Choose a dossier in the list, or scan its receipt, to see its history and "
                                   "what can be done with it."))
        self._draw_tabs()  # the dossier's own words come with draw(), which the page calls next

    def draw(self, v: DossierView | None, *, busy: bool = False) -> None:
        self.view = v
        self.placeholder.setVisible(v is None)
        self.head.setVisible(v is not None)
        self.tabs.setVisible(v is not None)
        self.papers.setVisible(v is not None)  # no dossier, no paper to print
        if self.scans.dossier_id != (v.id if v is not None else None):
            self.scans.show_dossier(v.id if v is not None else None,
                                    can_scan=v is not None and v.status not in NO_SCANS)
        if v is None:
            self.enable(busy=busy)
            return
        d = v.dossier
        self.code.setText(_("Dossier {code}").format(code=d.code))
        status = status_words(d.status)
        if v.rescheduled:
            status += " · " + _("rescheduled once")
        self.status.setText(status)
        words = deadline_words(v)
        if words:
            set_role(self.deadline, "error" if d.overdue else "info")
            self.deadline.setText(_("{flag}: due {when}").format(flag=words, when=moment_words(d.due_at)))
        self.deadline.setVisible(bool(words))
        facts, dates = facts_words(v)
        self.facts.setText("\n".join(facts))
        self.dates.setText("\n".join(dates))
        self.history.clear()
        for line in v.history:
            head, details = line.words()
            self.history.addItem(QListWidgetItem(head + ("\n" + details if details else "")))
        self._draw_tabs()
        self.enable(busy=busy)

    def _draw_tabs(self) -> None:
        """The scans tab says how many items are still to scan, so a clerk on the facts tab
        sees it without looking."""
        self.tabs.setTabText(0, _("Details and history"))
        missing = self.scans.missing_count()
        if missing:
            text = ngettext("Scans ({n} to scan)", "Scans ({n} to scan)", missing).format(n=missing)
        else:
            text = pgettext("counter dossier tab", "Scans")
        self.tabs.setTabText(1, text)

    def enable(self, *, busy: bool = False) -> None:
        """Each shown button enabled unless a move is on its way (``busy``)."""
        v = self.view
        self._layout_keys()
        for action, b in self.buttons.items():
            b.setEnabled(v is not None and v.allows(action) and not busy)
            if action == "reschedule" and v is not None and v.rescheduled and b.isEnabled():
                b.setToolTip(_("Already rescheduled once: a second new date is not allowed."))
            else:
                b.setToolTip(tooltip(KEYS[action]))


__all__ = ["NO_SCANS", "TAB_MIN_HEIGHT", "DetailPane"]
