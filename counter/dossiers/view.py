"""The dossiers page: find a dossier, see its whole history, move it on.

Top: a search box (Ctrl+F; a name without accents, a phone, a CCCD, a dossier code, or a
receipt QR scanned into it), the status list and four chips — due today, overdue, mine,
scans missing — each with its count. Left: the dossiers; an overdue row is tinted AND says
"Overdue" in its deadline column, a row due today likewise, so nothing is told by colour
alone. Right: the chosen dossier (detail.py) — facts and history on one tab, its scanned
documents on another (opened first when the list is filtered on missing scans), and the
moves its status allows, each on a button with its key (Ctrl+1–Ctrl+9, counter/keys.py:
keys no other page uses); Ctrl+P prints the control slip, Ctrl+R the receipt again.

Moves that need words open a dialog (counter/dossiers/dialogs.py); the dialog stays open
while the move is saved and shows the refusal if there is one. Every database call runs
on the TaskRunner; list and detail answers carry a sequence number so a late answer
never overwrites a newer one.

The list's table model is in table.py, the dossier's pane in detail.py, what the page says
in words.py, and the tour's made-up states in tour.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
)

from core.errors import ValidationError
from core.i18n import _, ngettext, pgettext
from counter.context import CounterContext
from counter.dossiers import model, tour
from counter.dossiers.detail import DetailPane
from counter.dossiers.dialogs import ActionDialog, dialog_for
from counter.dossiers.names import (
    CONTROL_SLIP,
    MOVES,
    STATUSES,
    action_words,
    moment_words,
    status_words,
)
from counter.dossiers.rows import Counts, DossierView, Listing, Outcome
from counter.dossiers.table import RowsModel
from counter.keys import key_text, shortcut
from counter.dossiers.words import (
    ACTIONS,
    KEYS,
    button_words,
    done_words,
    error_words,
    key_name,
    paper_words,
)
from printing.where import printed_to
from ui.one_dialog import OneDialog
from ui.page_work import NotOlder, PageWork
from ui.parts import button, hbox, label, say, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import current_theme

REFRESH_MS = 60_000  # overdue flags move with the clock
SEARCH_DELAY_MS = 300  # typing pauses this long before the list is asked again
NEEDS_DIALOG = frozenset(MOVES)  # every move asks first (a note at least): they cannot be undone


# --- the page -------------------------------------------------------------------------------------

class DossiersPage(Screen):
    name = "dossiers"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.listing: Listing | None = None
        self.view: DossierView | None = None
        # The list and the dossier shown: an older question answering late is dropped. A
        # move's answer carries the dossier too, so it is numbered among the detail reads.
        self.lists = PageWork(tasks, guard=NotOlder(), unavailable=lambda: _(
            "The list cannot be read from the office database right now. It is asked again in a minute."))
        self.details = PageWork(tasks, guard=NotOlder())
        self.moves = PageWork(tasks, on_busy=lambda _busy: self._enable())  # one at a time
        self.dialogs: OneDialog[ActionDialog] = OneDialog(self, focus=lambda: self.table)
        self.print_job_id: uuid.UUID | None = None
        self.print_paper = ""
        self._message: tuple[str, Callable[[], str], str] | None = None
        self._print_message: tuple[str, Callable[[], str]] | None = None
        self._selecting = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # filters
        self.title = label(role="title")
        self.search = QLineEdit()
        self.search.setObjectName("dossiers-search")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(400)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._search_now)
        self.status_box = QComboBox()
        self.status_box.setObjectName("dossiers-status")
        self.status_box.setMinimumHeight(current_theme().px("touch"))
        # As wide as its longest choice with its count ("Mọi trạng thái (84)" was cut): the
        # search box gives up the room.
        self.status_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_box.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.chips: dict[str, QPushButton] = {}
        for chip in ("due_today", "overdue", "mine", "scans_missing"):
            b = button(name=f"dossiers-{chip.replace('_', '-')}", on_click=self.refresh)
            b.setCheckable(True)
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            self.chips[chip] = b
        filters = hbox(spacing=10)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_box)
        for b in self.chips.values():
            filters.addWidget(b)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)

        # the list
        self.rows_model = RowsModel(self)
        self.table = QTableView()
        self.table.setObjectName("dossiers-table")
        self.table.setModel(self.rows_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)  # one line a row; the applicant and procedure are cut at the right
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        for i, column in enumerate(RowsModel.COLUMNS):  # the short columns as wide as their words
            mode = QHeaderView.ResizeMode.Stretch if column == "applicant" else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(i, mode)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.count = label(role="hint", name="dossiers-count")
        self.empty = label(role="info", name="dossiers-empty")
        self.empty.hide()
        left = vbox(spacing=8)
        left.addWidget(self.table, 1)
        left.addWidget(self.empty)
        left.addWidget(self.count)

        # the dossier (detail.py)
        self.detail = DetailPane(ctx, tasks)
        self.detail.act.connect(self.act)
        self.detail.scans.changed.connect(self.refresh)
        self.buttons, self.scans, self.tabs = self.detail.buttons, self.detail.scans, self.detail.tabs
        self.shortcuts: dict[str, QShortcut] = {}
        for action in ACTIONS:  # on the page: they work with the list focused too
            self.shortcuts[action] = shortcut(KEYS[action], self, lambda a=action: self.act(a))
        self.shortcuts["find"] = shortcut("find", self, self.focus_search)
        self.message = label(role="hint", name="dossiers-message")
        self.message.hide()
        self.printing = label(role="hint", name="dossiers-printing")
        self.printing.hide()

        body = hbox(spacing=16)
        body.addLayout(left, 3)  # the one-line rows get the room they need at 1600x900
        body.addWidget(self.detail, 2)
        layout = vbox(self, [self.title], margin=16, spacing=10)
        layout.addLayout(filters)
        lines = hbox(spacing=10)
        lines.addWidget(self.message, 3)
        lines.addWidget(self.printing, 2)
        layout.addLayout(lines)
        layout.addLayout(body, 1)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.retranslate()

    # --- Screen ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(pgettext("counter dossiers", "Dossiers"))
        self.search.setPlaceholderText(_("Name (no accents needed), phone, CCCD, code, or scan "
                                         "the receipt ({key})").format(key=key_text("find")))
        self.detail.retranslate()
        self.rows_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(RowsModel.COLUMNS) - 1)
        self._draw_filters()
        self._draw_list()
        self._draw_detail()
        if self._message is not None:
            say(self.message, self._message[1](), self._message[0])
        if self._print_message is not None:
            say(self.printing, self._print_message[1](), self._print_message[0])

    def enter(self, **params: Any) -> None:
        self.refresh()
        self.refresh_timer.start()
        if params.get("dossier_id"):
            self.open_dossier(params["dossier_id"])
        self.search.setFocus()

    def leave(self) -> None:
        """Forget the search and the dossier shown (personal data) and any open dialog."""
        self.lists.void()  # answers still on their way were asked for the page left
        self.details.void()
        self.refresh_timer.stop()
        self.search_timer.stop()
        self.dialogs.close()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for b in self.chips.values():
            b.setChecked(False)
        self.status_box.blockSignals(True)
        self.status_box.setCurrentIndex(0)
        self.status_box.blockSignals(False)
        self.view = None
        self.tabs.setCurrentIndex(0)
        self._say(None)
        self._say_print(None)
        self._draw_detail()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- asking the database ------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        status = self.status_box.currentData()
        return {"query": self.search.text(), "status": status or None,
                "due_today": self.chips["due_today"].isChecked(), "overdue": self.chips["overdue"].isChecked(),
                "mine": self.chips["mine"].isChecked(), "scans_missing": self.chips["scans_missing"].isChecked()}

    def _typed(self, _text: str) -> None:
        self.search_timer.start()

    def _search_now(self) -> None:
        self.search_timer.stop()
        text = self.search.text().strip()
        if model.looks_like_scan(text):
            self.scan(text)
        else:
            self.refresh()

    def refresh(self) -> None:
        """Ask for the list again with the filters as they stand."""
        self.search_timer.stop()
        f = self.filters()
        if model.looks_like_scan(f["query"]):
            return  # a scanned receipt is not a name: Enter looks it up
        self.lists.run(model.list_dossiers, self.ctx, **f, on_done=self._listed, on_error=self._list_failed)

    def _listed(self, listing: Listing) -> None:
        self.listing = listing
        if self._message is not None and self._message[2] == "refresh_error":
            self._say(None)
        self._draw_filters()
        self._draw_list()
        self._forget_hidden()

    def _forget_hidden(self) -> None:
        """The pane shows a dossier of the list: when the filters hide the dossier shown, the
        pane clears, so its keys never act on a dossier the clerk no longer sees in the list.
        Not while a move or its dialog is under way (the move's own answer redraws), nor when
        the list is cut short (the dossier may be beyond its first rows)."""
        v, listing = self.view, self.listing
        if v is None or listing is None or listing.truncated or self.busy or self.dialogs.is_open:
            return
        if any(row.id == v.id for row in listing.rows):
            return
        self.details.void()  # a read of that dossier still on its way is not wanted either
        self.view = None
        self.tabs.setCurrentIndex(0)
        self.table.clearSelection()
        self._draw_detail()

    def _list_failed(self, exc: Exception) -> None:
        self._say("error", lambda: self.lists.words(exc), "refresh_error")

    def open_dossier(self, dossier_id: uuid.UUID | str) -> None:
        self.details.run(model.detail, self.ctx, dossier_id, on_done=self._detailed,
                         on_error=lambda exc: self._say("error", lambda: error_words(exc)))

    def _detailed(self, view: DossierView) -> None:
        if self.view is None or self.view.id != view.id:  # another dossier: the tab that fits the list
            self.tabs.setCurrentIndex(1 if self.chips["scans_missing"].isChecked() else 0)
        self.view = view
        self._draw_detail()
        self._select(view.id)

    def scan(self, text: str) -> None:
        """A receipt QR scanned (or pasted) into the search box: its dossier, or why not."""
        self.details.run(model.find_by_scan, self.ctx, text, on_done=self._scanned, on_error=self._scan_failed)

    def _scanned(self, view: DossierView) -> None:
        self._say(None)
        self.search.blockSignals(True)
        self.search.setText(view.code)  # the list shows that dossier alone
        self.search.blockSignals(False)
        self._detailed(view)
        self.refresh()

    def _scan_failed(self, exc: Exception) -> None:
        self.search.blockSignals(True)
        self.search.clear()  # the next scan starts clean
        self.search.blockSignals(False)
        self._say("error", lambda: error_words(exc))

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        dossier_id = self.rows_model.data(current, Qt.ItemDataRole.UserRole)
        if dossier_id is not None and (self.view is None or self.view.id != dossier_id):
            self._say(None)
            self.open_dossier(dossier_id)

    def _select(self, dossier_id: uuid.UUID) -> None:
        """Highlight the dossier's row if the list has it (without asking for it again)."""
        self._selecting = True
        try:
            for i, row in enumerate(self.rows_model.rows):
                if row.id == dossier_id:
                    self.table.selectRow(i)
                    self.table.scrollTo(self.rows_model.index(i, 0))
                    break
            else:
                self.table.clearSelection()
        finally:
            self._selecting = False

    # --- the moves ----------------------------------------------------------------------------

    def act(self, action: str, *, embedded: bool = False) -> ActionDialog | None:
        """A button or its key: a paper prints at once; a move opens its dialog."""
        v = self.view
        if v is None or self.busy or self.dialogs.is_open:
            return None
        if not v.allows(action):
            self._say("error", lambda: _("“{action}” is not possible for a dossier that is “{status}”.").format(
                action=action_words(action), status=status_words(v.status)))
            return None
        if action == "reschedule" and v.rescheduled:
            self._say("error", lambda: _("Dossier {code} has already been rescheduled once (due {when}); the law "
                                         "allows only one new date.").format(code=v.code,
                                                                             when=moment_words(v.dossier.due_at)))
            return None
        if action not in NEEDS_DIALOG:
            fn = model.print_control_slip if action == CONTROL_SLIP else model.reprint_receipt
            self._run(fn, v.id)
            return None
        dialog = dialog_for(action)(v, action, self, embedded=embedded)
        self.dialogs.hold(dialog)
        dialog.submitted.connect(lambda values: self._submitted(dialog, values))
        if embedded:  # as tall as it needs (fit), not cut to the page: OneDialog.show would cut it
            dialog.resize(min(dialog.width(), self.width() - 40), dialog.height())
            dialog.fit()
            dialog.move((self.width() - dialog.width()) // 2, max(20, (self.height() - dialog.height()) // 2))
            dialog.show()
            dialog.raise_()
        else:
            dialog.open()
        dialog.first_field().setFocus()
        return dialog

    def _submitted(self, dialog: ActionDialog, values: dict[str, Any]) -> None:
        fn = getattr(model, dialog.action)
        self._run(fn, dialog.view.id, dialog=dialog, **values)

    def _run(self, fn: Callable[..., Outcome], dossier_id: uuid.UUID, *, dialog: ActionDialog | None = None,
             **values: Any) -> None:
        if self.busy:
            return
        seq = self.details.guard.ask()  # the move's answer is the dossier's newest state
        self.moves.run(fn, self.ctx, dossier_id, **values, on_done=lambda o: self._done(o, seq, dialog),
                       on_error=lambda exc: self._failed(exc, dialog))

    def _done(self, outcome: Outcome, seq: int, dialog: ActionDialog | None) -> None:
        if dialog is not None:
            dialog.done_ok()
        self._say_print(None)  # the last paper's news belongs to the last move
        if outcome.print_job_id is not None:
            self.print_job_id, self.print_paper = outcome.print_job_id, outcome.paper
        self._say("ok", lambda: done_words(outcome))
        if self.details.guard.answers(seq):
            self._detailed(outcome.view)
        self.refresh()

    def _failed(self, exc: Exception, dialog: ActionDialog | None) -> None:
        if dialog is not None and self.dialog is dialog:
            dialog.failed(error_words(exc))
            if isinstance(exc, ValidationError):
                self._enable()
                return
        else:
            self._say("error", lambda: error_words(exc))
        self._enable()
        if self.view is not None and not isinstance(exc, ValidationError):
            self.open_dossier(self.view.id)  # the page may have been stale: show what the database says now

    @property
    def busy(self) -> bool:
        """A move is under way."""
        return self.moves.busy

    @property
    def dialog(self) -> ActionDialog | None:
        return self.dialogs.current

    def on_print_event(self, event: Any) -> None:
        """From the desk's print worker (the lead connects it): what happened to our paper."""
        if self.print_job_id is None or event.job.id != self.print_job_id:
            return
        paper = self.print_paper
        if event.state == "done":
            where = event.where
            self._say_print("ok", lambda: printed_to(_("Printed: {paper}.").format(paper=paper_words(paper)), where))
        elif event.state == "failed":
            message = event.message or event.error_code
            self._say_print("error", lambda: _("Printer problem: {message}. The paper waits in the print queue and "
                                               "prints when the printer is back; the dossier itself is saved.")
                            .format(message=message))
        else:
            self._say_print("hint", lambda: _("Printing {paper}…").format(paper=paper_words(paper)))

    # --- drawing ----------------------------------------------------------------------------------

    def _say(self, role: str | None, words: Callable[[], str] | None = None, kind: str = "") -> None:
        """The page's message line ("" clears it); ``words`` gives the text in the language
        of the moment; ``kind`` marks a message a later answer may take back."""
        self._message = (role, words, kind) if role is not None and words is not None else None
        say(self.message, words() if words is not None else "", role or "hint")

    def _say_print(self, role: str | None, words: Callable[[], str] | None = None) -> None:
        self._print_message = (role, words) if role is not None and words is not None else None
        say(self.printing, words() if words is not None else "", role or "hint")

    def _draw_filters(self) -> None:
        counts = self.listing.counts if self.listing is not None else Counts()
        words = {"due_today": pgettext("counter dossiers", "Due today ({n})"),
                 "overdue": pgettext("counter dossiers", "Overdue ({n})"),
                 "mine": pgettext("counter dossiers", "Received by me ({n})"),
                 "scans_missing": pgettext("counter scanning", "Scans missing ({n})")}
        for chip, b in self.chips.items():
            b.setText(words[chip].format(n=getattr(counts, chip)))
        chosen = self.status_box.currentData()
        self.status_box.blockSignals(True)
        self.status_box.clear()
        self.status_box.addItem(_("All statuses ({n})").format(n=counts.total), "")
        for status in STATUSES:
            self.status_box.addItem(_("{status} ({n})").format(status=status_words(status),
                                                                n=counts.by_status.get(status, 0)), status)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(chosen or "")))
        self.status_box.blockSignals(False)

    def _draw_list(self) -> None:
        listing = self.listing
        rows = listing.rows if listing is not None else ()
        self.rows_model.set_rows(rows)
        # the desk's touch size (its row's visible height is one grid line less), large text too
        line = max(current_theme().px("touch"), self.table.fontMetrics().height() + 12) + 1
        self.table.verticalHeader().setDefaultSectionSize(line)
        if self.view is not None:
            self._select(self.view.id)
        if listing is None:
            self.count.setText(_("Loading..."))
            self.empty.hide()
            return
        n = len(rows)
        text = ngettext("{n} dossier", "{n} dossiers", n).format(n=n)
        if listing.truncated:
            text = _("The first {n} dossiers; narrow the search to see others.").format(n=n)
        self.count.setText(text)
        filtered = bool(listing.query or listing.status or listing.due_today or listing.overdue or listing.mine
                        or listing.scans_missing)
        self.empty.setText(_("No dossier matches. Check the spelling, or clear the filters.") if filtered
                           else _("No dossier has been received yet."))
        self.empty.setVisible(n == 0)

    def _draw_detail(self) -> None:
        self.detail.draw(self.view, busy=self.busy)

    def _enable(self) -> None:
        self.detail.enable(busy=self.busy)

    # --- the tour (counter/dossiers/tour.py) -----------------------------------------------------

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return tour.tour_states(self)


__all__ = ["ACTIONS", "KEYS", "DossiersPage", "RowsModel", "button_words", "done_words", "key_name", "paper_words"]
