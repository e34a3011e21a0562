"""The dossiers page: find a dossier, see its whole history, move it on.

Top: a search box (Ctrl+F; a name without accents, a phone, a CCCD, a dossier code, or a
receipt QR scanned into it), the status list and three chips — due today, overdue, mine —
each with its count. Left: the dossiers; an overdue row is tinted AND says "Overdue" in
its deadline column, a row due today likewise, so nothing is told by colour alone.
Right: the chosen dossier — its facts, its history (who did what, when, at which
counter) and its moves, each on a button with its key (F2-F10), enabled only when the
dossier's status allows it; Ctrl+P prints the control slip, Ctrl+R the receipt again.

Moves that need words open a dialog (counter/dossiers/dialogs.py); the dialog stays open
while the move is saved and shows the refusal if there is one. Every database call runs
on the TaskRunner; list and detail answers carry a sequence number so a late answer
never overwrites a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
)

from core.errors import DomainError, MotcuaError, ValidationError
from core.i18n import _, ngettext, pgettext
from core.money import format_money
from counter.context import CounterContext
from counter.dossiers import model
from counter.dossiers.dialogs import ActionDialog, dialog_for
from counter.dossiers.model import (
    CONTROL_SLIP,
    MOVES,
    RECEIPT,
    STATUSES,
    Counts,
    DossierView,
    HistoryLine,
    Listing,
    Outcome,
    Row,
    action_words,
    moment_words,
    status_words,
)
from ui.parts import button, hbox, label, panel, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import current_theme, set_role

REFRESH_MS = 60_000  # overdue flags move with the clock
SEARCH_DELAY_MS = 300  # typing pauses this long before the list is asked again

# action -> its key, in the order of the buttons
KEYS: dict[str, QKeySequence] = {
    "send_to_processing": QKeySequence(Qt.Key.Key_F2),
    "request_supplement": QKeySequence(Qt.Key.Key_F3),
    "supplement_received": QKeySequence(Qt.Key.Key_F4),
    "result_back": QKeySequence(Qt.Key.Key_F5),
    "handle_at_desk": QKeySequence(Qt.Key.Key_F6),
    "return_result": QKeySequence(Qt.Key.Key_F7),
    "reschedule": QKeySequence(Qt.Key.Key_F8),
    "reject": QKeySequence(Qt.Key.Key_F9),
    "withdraw": QKeySequence(Qt.Key.Key_F10),
    CONTROL_SLIP: QKeySequence("Ctrl+P"),
    RECEIPT: QKeySequence("Ctrl+R"),
}
ACTIONS: tuple[str, ...] = (*MOVES, CONTROL_SLIP, RECEIPT)
NEEDS_DIALOG = frozenset(MOVES)
COLUMN_WIDTHS = {"status": 140, "due": 150}  # px at normal text size  # every move asks first (a note at least): they cannot be undone


def key_name(action: str) -> str:
    return KEYS[action].toString(QKeySequence.SequenceFormat.NativeText)


def button_words(action: str) -> str:
    return f"{action_words(action)} ({key_name(action)})"


def paper_words(kind: str) -> str:
    return {
        "supplement_request": _("the request to supplement (form 02)"),
        "refusal": _("the refusal (form 03)"),
        "apology": _("the apology with the new date (form 04)"),
        "control_slip": _("the control slip (form 05)"),
        "receipt": _("the receipt (form 01)"),
    }.get(kind, kind)


def done_words(outcome: Outcome) -> str:
    code = outcome.view.code
    text = {
        "send_to_processing": _("Dossier {code} was sent for processing."),
        "request_supplement": _("A supplement was requested for dossier {code}; its time is stopped."),
        "supplement_received": _("Supplement of dossier {code} received; new due date {when}."),
        "result_back": _("The result of dossier {code} is ready for the citizen."),
        "handle_at_desk": _("Dossier {code} was settled at the desk; the result is ready."),
        "return_result": _("The result of dossier {code} was handed over."),
        "reschedule": _("Dossier {code} has a new due date: {when}."),
        "reject": _("Dossier {code} was refused."),
        "withdraw": _("Dossier {code} was withdrawn."),
        CONTROL_SLIP: _("Dossier {code}:"),
        RECEIPT: _("Dossier {code}:"),
    }[outcome.action].format(code=code, when=moment_words(outcome.view.dossier.due_at))
    if outcome.paper:
        text += " " + _("Printing {paper}…").format(paper=paper_words(outcome.paper))
    return text


def error_words(exc: Exception) -> str:
    if isinstance(exc, MotcuaError):
        return exc.message
    return _("The office database cannot be reached right now. Nothing was changed; please try again.")


def deadline_words(row: Row | DossierView) -> str:
    overdue = row.overdue if isinstance(row, Row) else row.dossier.overdue
    if overdue:
        return pgettext("counter dossiers", "Overdue")
    if row.due_today:
        return pgettext("counter dossiers", "Due today")
    return ""


# --- the table ------------------------------------------------------------------------------------

class RowsModel(QAbstractTableModel):
    """The list's rows. The deadline is said in words at the top of the due column AND
    tinted (overdue red, due today amber), never by colour alone."""

    COLUMNS = ("code", "applicant", "status", "due")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[Row, ...] = ()

    def set_rows(self, rows: tuple[Row, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return {
            "code": pgettext("counter dossiers", "Dossier code · received"),
            "applicant": pgettext("counter dossiers", "Applicant · procedure"),
            "status": pgettext("counter dossiers", "Status"),
            "due": pgettext("counter dossiers", "Due"),
        }[self.COLUMNS[section]]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.BackgroundRole and (row.overdue or row.due_today):
            return QBrush(QColor(current_theme().color("error_bg" if row.overdue else "warn_bg")))
        if role == Qt.ItemDataRole.FontRole and column == "due" and (row.overdue or row.due_today):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: Row, column: str) -> str:
        if column == "code":
            who = [moment_words(row.received_at)]
            if row.counter_number is not None:
                who.append(pgettext("counter dossiers", "Counter {number}").format(number=row.counter_number))
            return "\n".join(x for x in (row.code, " · ".join(who), row.clerk_name) if x)
        if column == "applicant":
            return f"{row.applicant_name}\n{row.procedure}"
        if column == "status":
            text = status_words(row.status)
            return text + ("\n" + pgettext("counter dossiers", "rescheduled") if row.rescheduled else "")
        if column == "due":
            if row.due_at is None:
                return pgettext("counter dossiers", "stopped") if row.status == "needs_supplement" else "–"
            flag = deadline_words(row)
            return (flag + "\n" if flag else "") + moment_words(row.due_at)
        return ""


# --- the page -------------------------------------------------------------------------------------

class DossiersPage(Screen):
    name = "dossiers"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.listing: Listing | None = None
        self.view: DossierView | None = None
        self.busy = False
        self.dialog: ActionDialog | None = None
        self.print_job_id: uuid.UUID | None = None
        self.print_paper = ""
        self._list_seq = self._list_shown = 0
        self._detail_seq = self._detail_shown = 0
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
        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.chips: dict[str, QPushButton] = {}
        for chip in ("due_today", "overdue", "mine"):
            b = button(name=f"dossiers-{chip.replace('_', '-')}", on_click=self.refresh)
            b.setCheckable(True)
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            self.chips[chip] = b
        filters = hbox(spacing=10)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status_box, 1)
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
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        for i, column in enumerate(RowsModel.COLUMNS):
            if column == "applicant":
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            elif column == "code":
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
            else:  # wrapped in a fixed width: the name and the procedure get the rest
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Fixed)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scale = current_theme().scale
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(RowsModel.COLUMNS.index(column), round(width * scale))
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.count = label(role="hint")
        self.count.setObjectName("dossiers-count")
        self.empty = label(role="info")
        self.empty.setObjectName("dossiers-empty")
        self.empty.hide()
        left = vbox(spacing=8)
        left.addWidget(self.table, 1)
        left.addWidget(self.empty)
        left.addWidget(self.count)

        # the dossier
        self.code = label(role="title")
        self.code.setObjectName("dossier-code")
        self.status = label(role="subtitle")
        self.status.setObjectName("dossier-status")
        self.deadline = label(role="error")
        self.deadline.setObjectName("dossier-deadline")
        self.deadline.hide()
        self.facts = label()
        self.facts.setObjectName("dossier-facts")
        self.dates = label()
        self.dates.setObjectName("dossier-dates")
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
        self.placeholder = label(role="hint")
        self.placeholder.setObjectName("dossier-placeholder")
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        self.keys = QGridLayout()
        self.keys.setSpacing(8)
        self._key_columns = 0
        papers = hbox(spacing=8)
        for action in ACTIONS:
            b = button(name=f"dossier-{action.replace('_', '-')}", on_click=lambda a=action: self.act(a))
            self.buttons[action] = b
            if action in MOVES:
                self.keys.addWidget(b)
            else:
                papers.addWidget(b)
            shortcut = QShortcut(KEYS[action], self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda a=action: self.act(a))
            self.shortcuts[action] = shortcut
        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        self.message = label(role="hint")
        self.message.setObjectName("dossiers-message")
        self.message.hide()
        self.printing = label(role="hint")
        self.printing.setObjectName("dossiers-printing")
        self.printing.hide()

        self.detail_inner = QWidget()
        inner = vbox(self.detail_inner, [self.code, self.status, self.deadline, facts_row, self.history_title,
                                         self.history], margin=0, spacing=8)
        inner.setStretch(5, 1)
        # The facts and history scroll: in English or large text they would otherwise make
        # the page taller than the desk's screen.
        self.detail_area = scroll_area(self.detail_inner)
        side = panel()
        side.setObjectName("dossier-detail")
        side_layout = vbox(side, [self.placeholder, self.detail_area], margin=16, spacing=10)
        side_layout.setStretch(1, 1)
        side_layout.addLayout(self.keys)
        side_layout.addLayout(papers)
        self.side = side

        body = hbox(spacing=16)
        body.addLayout(left, 1)
        body.addWidget(side, 1)
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

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._layout_keys()

    def _layout_keys(self) -> None:
        """Three buttons a row when their words fit, else two (large text, English)."""
        room = self.side.contentsRect().width() - 32
        widest = max(self.buttons[a].sizeHint().width() for a in MOVES)
        columns = 3 if 3 * widest + 16 <= room else 2
        if columns == self._key_columns:
            return
        self._key_columns = columns
        for i, action in enumerate(MOVES):
            self.keys.removeWidget(self.buttons[action])
            self.keys.addWidget(self.buttons[action], i // columns, i % columns)

    def retranslate(self) -> None:
        self.title.setText(pgettext("counter dossiers", "Dossiers"))
        self.search.setPlaceholderText(_("Name (no accents needed), phone, CCCD, code, or scan "
                                         "the receipt (Ctrl+F)"))
        for action, b in self.buttons.items():
            b.setText(button_words(action))
        self._key_columns = 0
        self._layout_keys()
        self.history_title.setText(_("History"))
        self.placeholder.setText(_("Choose a dossier in the list, or scan its receipt, to see its history and "
                                   "what can be done with it."))
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
        self._list_seq += 1  # answers still on their way were asked for the page left
        self._list_shown = self._list_seq
        self._detail_seq += 1
        self._detail_shown = self._detail_seq
        self.refresh_timer.stop()
        self.search_timer.stop()
        self._close_dialog()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for b in self.chips.values():
            b.setChecked(False)
        self.status_box.blockSignals(True)
        self.status_box.setCurrentIndex(0)
        self.status_box.blockSignals(False)
        self.view = None
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
                "mine": self.chips["mine"].isChecked()}

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
        self._list_seq += 1
        seq = self._list_seq
        self.tasks.run(model.list_dossiers, self.ctx, **f, on_done=lambda listing: self._listed(listing, seq),
                       on_error=self._list_failed)

    def _listed(self, listing: Listing, seq: int) -> None:
        if seq <= self._list_shown:
            return  # an older question answered late
        self._list_shown = seq
        self.listing = listing
        if self._message is not None and self._message[2] == "refresh_error":
            self._say(None)
        self._draw_filters()
        self._draw_list()

    def _list_failed(self, exc: Exception) -> None:
        self._say("error", lambda: _("The list cannot be read from the office database right now. "
                                     "It is asked again in a minute."), "refresh_error")

    def open_dossier(self, dossier_id: uuid.UUID | str) -> None:
        self._detail_seq += 1
        seq = self._detail_seq
        self.tasks.run(model.detail, self.ctx, dossier_id, on_done=lambda v: self._detailed(v, seq),
                       on_error=lambda exc: self._say("error", lambda: error_words(exc)))

    def _detailed(self, view: DossierView, seq: int) -> None:
        if seq <= self._detail_shown:
            return
        self._detail_shown = seq
        self.view = view
        self._draw_detail()
        self._select(view.id)

    def scan(self, text: str) -> None:
        """A receipt QR scanned (or pasted) into the search box: its dossier, or why not."""
        self._detail_seq += 1
        seq = self._detail_seq
        self.tasks.run(model.find_by_scan, self.ctx, text, on_done=lambda v: self._scanned(v, seq),
                       on_error=self._scan_failed)

    def _scanned(self, view: DossierView, seq: int) -> None:
        self._say(None)
        self.search.blockSignals(True)
        self.search.setText(view.code)  # the list shows that dossier alone
        self.search.blockSignals(False)
        self._detailed(view, seq)
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
        if v is None or self.busy or self.dialog is not None:
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
        self.dialog = dialog
        dialog.submitted.connect(lambda values: self._submitted(dialog, values))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        if embedded:
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
        self.busy = True
        self._enable()
        self._detail_seq += 1
        seq = self._detail_seq
        self.tasks.run(fn, self.ctx, dossier_id, **values, on_done=lambda o: self._done(o, seq, dialog),
                       on_error=lambda exc: self._failed(exc, dialog))

    def _done(self, outcome: Outcome, seq: int, dialog: ActionDialog | None) -> None:
        self.busy = False
        if dialog is not None:
            dialog.done_ok()
        self._say_print(None)  # the last paper's news belongs to the last move
        if outcome.print_job_id is not None:
            self.print_job_id, self.print_paper = outcome.print_job_id, outcome.paper
        self._say("ok", lambda: done_words(outcome))
        self._detailed(outcome.view, seq)
        self.refresh()

    def _failed(self, exc: Exception, dialog: ActionDialog | None) -> None:
        self.busy = False
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

    def _dialog_closed(self, dialog: ActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.table.setFocus()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    def on_print_event(self, event: Any) -> None:
        """From the desk's print worker (the lead connects it): what happened to our paper."""
        if self.print_job_id is None or event.job.id != self.print_job_id:
            return
        paper = self.print_paper
        if event.state == "done":
            self._say_print("ok", lambda: _("Printed: {paper}.").format(paper=paper_words(paper)))
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
                 "mine": pgettext("counter dossiers", "Received by me ({n})")}
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
        self.table.resizeRowsToContents()
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
        filtered = bool(listing.query or listing.status or listing.due_today or listing.overdue or listing.mine)
        self.empty.setText(_("No dossier matches. Check the spelling, or clear the filters.") if filtered
                           else _("No dossier has been received yet."))
        self.empty.setVisible(n == 0)

    def _draw_detail(self) -> None:
        v = self.view
        self.placeholder.setVisible(v is None)
        self.detail_area.setVisible(v is not None)
        if v is None:
            self._enable()
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
        facts, dates = self._facts(v)
        self.facts.setText("\n".join(facts))
        self.dates.setText("\n".join(dates))
        self.history.clear()
        for line in v.history:
            self._history_item(line)
        self._enable()

    def _facts(self, v: DossierView) -> tuple[list[str], list[str]]:
        """(who and what, when): the two columns of facts."""
        d = v.dossier
        ids = [x for x in (_("CCCD {number}").format(number=d.applicant_cccd) if d.applicant_cccd else "",
                           _("phone {number}").format(number=d.applicant_phone) if d.applicant_phone else "") if x]
        facts = [_("Applicant: {name}").format(name=d.applicant_name)] + ([", ".join(ids)] if ids else [])
        facts += [_("Procedure: {name} ({code})").format(name=v.procedure, code=d.procedure_code),
                  _("Processing time: {time}").format(time=v.processing)]
        fee = _("Fee: {amount}").format(amount=format_money(d.fee_vnd))
        if d.fee_paid_vnd:
            fee += " · " + _("paid {amount}").format(amount=format_money(d.fee_paid_vnd))
        facts.append(fee)
        lines: list[str] = []
        received = _("Received: {when}").format(when=moment_words(d.received_at))
        who = [x for x in (pgettext("counter dossiers", "Counter {number}").format(number=d.counter_number)
                           if d.counter_number is not None else "", d.received_by_name) if x]
        lines.append(received + (" · " + " · ".join(who) if who else ""))
        if d.status == "needs_supplement":
            lines.append(_("Due: the time is stopped until the supplement is brought"))
        elif d.due_at is not None:
            due = _("Due: {when}").format(when=moment_words(d.due_at))
            if v.rescheduled and d.original_due_at != d.due_at:
                due += " " + _("(first promised {when})").format(when=moment_words(d.original_due_at))
            lines.append(due)
        if d.ready_at is not None:
            lines.append(_("Result ready: {when}").format(when=moment_words(d.ready_at)))
        if d.returned_at is not None:
            lines.append(_("Handed over: {when} to {who}").format(when=moment_words(d.returned_at),
                                                                  who=d.returned_to))
        if d.result_note and d.status in ("rejected", "withdrawn"):
            lines.append(_("Reason: {reason}").format(reason=d.result_note))
        return facts, lines

    def _history_item(self, line: HistoryLine) -> None:
        head, details = line.words()
        item = QListWidgetItem(head + ("\n" + details if details else ""))
        self.history.addItem(item)

    def _enable(self) -> None:
        v = self.view
        for action, b in self.buttons.items():
            b.setEnabled(v is not None and v.allows(action) and not self.busy)
            if action == "reschedule" and v is not None and v.rescheduled and b.isEnabled():
                b.setToolTip(_("Already rescheduled once: a second new date is not allowed."))
            else:
                b.setToolTip(action_words(action))

    # --- the tour ---------------------------------------------------------------------------------

    def _sample_view(self, status: str, **changes: Any) -> DossierView:
        """A made-up dossier in ``status`` (no database write): the tour's pictures."""
        from local_db.ops.dossier_info import (
            DocumentLine,
            DossierDetail,
            DossierEventInfo,
        )

        now = self.ctx.now()
        received = now - timedelta(days=3, hours=2)
        due = changes.pop("due_at", now + timedelta(days=1))
        staff = self.ctx.staff.full_name if self.ctx.staff is not None else "Cán bộ Một"
        chain = {"received": ["receive"], "in_processing": ["receive", "send_to_processing"],
                 "needs_supplement": ["receive", "send_to_processing", "request_supplement"],
                 "ready": ["receive", "send_to_processing", "result_back"],
                 "returned": ["receive", "send_to_processing", "result_back", "return_result"],
                 "rejected": ["receive", "reject"], "withdrawn": ["receive", "withdraw"]}[status]
        details: dict[str, dict[str, Any]] = {
            "receive": {"due_at": due}, "request_supplement": {"items": ["Bản sao giấy khai sinh có chứng thực",
                                                                         "Ảnh 4x6"]},
            "result_back": {"on_time": True}, "return_result": {"returned_to": "Nguyễn Văn Hoà", "fee_paid_vnd": 3000},
            "reject": {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết của phường"},
            "withdraw": {"reason": "Công dân xin rút để bổ sung sau"},
        }
        events = tuple(DossierEventInfo(at=received + timedelta(hours=5 * i), action=a, from_state=None,
                                        to_state=status, staff_id=None, staff_name=staff, counter_number=1, note="",
                                        detail=details.get(a, {})) for i, a in enumerate(chain))
        values: dict[str, Any] = {
            "id": uuid.UUID(int=1), "code": "000.00.04.H26-261120-0007", "status": status, "procedure_code": "1.004873",
            "procedure_name_vi": "Cấp Giấy xác nhận tình trạng hôn nhân",
            "procedure_name_en": "Issuing a certificate of marital status", "applicant_id": uuid.UUID(int=2),
            "applicant_name": "Nguyễn Văn Hoà", "applicant_name_masked": "N*** V** H**", "applicant_phone": "0912345678",
            "applicant_cccd": "001090012345", "received_at": received,
            "due_at": None if status == "needs_supplement" else due, "ready_at": now if status in ("ready", "returned")
            else None, "returned_at": now if status == "returned" else None, "fee_vnd": 3000, "overdue": False,
            "reschedule_count": 0, "documents": (DocumentLine("Tờ khai", originals=1),), "events": events, "fee_detail": {},
            "fee_paid_vnd": 3000 if status == "returned" else 0, "request_content": "", "clock_started_at": received,
            "original_due_at": due, "sets": 1, "counter_number": 1, "received_by": None, "received_by_name": staff,
            "with_verification": False, "processing_vi": "3 ngày làm việc", "processing_en": "3 working days",
            "applicant_address": "12 Phố Đội Cấn, Ba Đình", "applicant_email": "", "returned_to": "Nguyễn Văn Hoà"
            if status == "returned" else "", "result_note": details.get(chain[-1], {}).get("reason", ""),
            "closed_at": None, "ticket_id": None, "office_code": self.ctx.office_code}
        values.update(changes)
        d = DossierDetail(**values)
        start = now.replace(hour=0)
        history = tuple(HistoryLine(at=e.at, action=e.action, staff_name=e.staff_name,
                                    counter_number=e.counter_number, what=e.action,
                                    details=model._history_details(e)) for e in d.events)
        return DossierView(dossier=d, history=history, actions=model.actions_for(status),
                           due_today=d.due_at is not None and start <= d.due_at <= now + timedelta(hours=12)
                           and status in ("received", "in_processing"), read_at=now)

    def _sample_rows(self) -> tuple[Row, ...]:
        now = self.ctx.now()
        staff = self.ctx.staff.full_name if self.ctx.staff is not None else "Cán bộ Một"
        people = [("Nguyễn Văn Hoà", "received", -1, True, False), ("Phạm Thị Thuỷ", "in_processing", 0, False, True),
                  ("Trần Minh Đức", "needs_supplement", None, False, False),
                  ("Lê Thị Mai", "ready", 2, False, False), ("Hoàng Văn Nam", "returned", 3, False, False)]
        rows = []
        for i, (name, status, days, overdue, today) in enumerate(people):
            rows.append(Row(
                id=uuid.UUID(int=10 + i), code=f"000.00.04.H26-2611{18 + i}-000{i + 1}", procedure_code="1.004873",
                procedure_name_vi="Cấp Giấy xác nhận tình trạng hôn nhân",
                procedure_name_en="Issuing a certificate of marital status", applicant_name=name, status=status,
                received_at=now - timedelta(days=5 - i), due_at=None if days is None else now + timedelta(days=days),
                overdue=overdue, due_today=today or overdue, counter_number=1 + i % 2, clerk_name=staff,
                received_by=None, rescheduled=i == 1))
        return tuple(rows)

    def _tour_list(self, rows: tuple[Row, ...] | None = None, **filters: Any) -> None:
        self.tasks.wait_idle()
        self._list_seq += 1
        self._list_shown = self._list_seq
        rows = self._sample_rows() if rows is None else rows
        counts = Counts(overdue=1, due_today=2, mine=4, by_status={"received": 1, "in_processing": 1,
                                                                   "needs_supplement": 1, "ready": 1, "returned": 1})
        values: dict[str, Any] = {"query": "", "status": None, "due_today": False, "overdue": False, "mine": False}
        values.update(filters)
        self.listing = Listing(rows=rows, counts=counts, limit=model.LIMIT, read_at=self.ctx.now(), **values)
        self._say(None)
        self._say_print(None)
        self._draw_filters()
        self._draw_list()

    def _tour_detail(self, status: str, **changes: Any) -> None:
        self._close_dialog()
        self._tour_list()
        self._detail_seq += 1
        self._detail_shown = self._detail_seq
        self.view = self._sample_view(status, **changes)
        self._draw_detail()

    def _tour_dialog(self, action: str, status: str, error: str = "", **changes: Any) -> None:
        self._tour_detail(status, **changes)
        dialog = self.act(action, embedded=True)
        if dialog is not None and error:
            dialog.show_error(error)

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        now = self.ctx.now()

        def with_message(role: str, words: Callable[[], str], status: str = "received", **changes: Any) -> None:
            self._tour_detail(status, **changes)
            self._say(role, words)

        def done(action: str, status: str, paper: str = "") -> Callable[[], None]:
            def put() -> None:
                self._tour_detail(status)
                assert self.view is not None
                outcome = Outcome(view=self.view, action=action, print_job_id=None, paper=paper)
                self._say("ok", lambda: done_words(outcome))
            return put

        def printed(state: str) -> None:
            self._tour_detail("needs_supplement")
            self.print_paper = "supplement_request"
            if state == "done":
                self._say_print("ok", lambda: _("Printed: {paper}.").format(paper=paper_words(self.print_paper)))
            else:
                self._say_print("error", lambda: _(
                    "Printer problem: {message}. The paper waits in the print queue and prints when the printer is "
                    "back; the dossier itself is saved.").format(message=_("the printer is out of paper")))

        scan_refusals = [model._scan_refusal(r, None) for r in (model.Result.TAMPERED, model.Result.UNKNOWN_KEY,
                                                                model.Result.WRONG_OFFICE, model.Result.NOT_OURS)]
        overdue = {"due_at": now - timedelta(hours=3), "overdue": True}
        twice = model.clerk_words(DomainError("", code="already_rescheduled", dossier="000.00.04.H26-261120-0007"))
        return [
            ("", self.tasks.wait_idle),
            ("list", lambda: (self._tour_list(), self._close_dialog(), setattr(self, "view", None),
                              self._draw_detail())),
            ("list-empty", lambda: (self._tour_list(()), setattr(self, "view", None), self._draw_detail())),
            ("search-no-match", lambda: (self._tour_list((), query="nguyen van x"), setattr(self, "view", None),
                                         self._draw_detail())),
            ("overdue-filter", lambda: self._tour_list(self._sample_rows()[:1], overdue=True)),
            ("loading", lambda: (setattr(self, "listing", None), self._draw_list())),
            ("received", lambda: self._tour_detail("received")),
            ("received-overdue", lambda: self._tour_detail("received", **overdue)),
            ("in-processing", lambda: self._tour_detail("in_processing")),
            ("needs-supplement", lambda: self._tour_detail("needs_supplement")),
            ("ready", lambda: self._tour_detail("ready")),
            ("returned", lambda: self._tour_detail("returned")),
            ("rejected", lambda: self._tour_detail("rejected")),
            ("withdrawn", lambda: self._tour_detail("withdrawn")),
            ("rescheduled", lambda: self._tour_detail("in_processing", reschedule_count=1,
                                                      original_due_at=now - timedelta(days=1))),
            ("dialog-send", lambda: self._tour_dialog("send_to_processing", "received")),
            ("dialog-supplement", lambda: self._tour_dialog("request_supplement", "in_processing")),
            ("dialog-supplement-empty", lambda: self._tour_dialog(
                "request_supplement", "received", _("Write what the citizen has to bring, one item per line."))),
            ("dialog-supplement-received", lambda: self._tour_dialog("supplement_received", "needs_supplement")),
            ("dialog-result-back", lambda: self._tour_dialog("result_back", "in_processing")),
            ("dialog-at-desk", lambda: self._tour_dialog("handle_at_desk", "received")),
            ("dialog-return", lambda: self._tour_dialog("return_result", "ready")),
            ("dialog-return-proxy", self._tour_return_proxy),
            ("dialog-reschedule", lambda: self._tour_dialog("reschedule", "in_processing", **overdue)),
            ("dialog-reschedule-refused", lambda: self._tour_dialog(
                "reschedule", "in_processing",
                _("The new date must be within working hours on a working day."))),
            ("dialog-reject", lambda: self._tour_dialog("reject", "received")),
            ("dialog-reject-empty", lambda: self._tour_dialog(
                "reject", "received", _("Write the reason for the refusal: it is printed on the form."))),
            ("dialog-withdraw", lambda: self._tour_dialog("withdraw", "needs_supplement")),
            ("already-rescheduled", lambda: with_message("error", lambda: twice.message, "in_processing",
                                                         reschedule_count=1)),
            ("not-allowed", lambda: with_message("error", lambda: _(
                "“{action}” is not possible for a dossier that is “{status}”.").format(
                action=action_words("return_result"), status=status_words("received")))),
            *[(f"scan-refused-{i}", lambda text=text: with_message("error", lambda: text))
              for i, text in enumerate(scan_refusals)],
            ("scan-unknown-dossier", lambda: with_message("error", lambda: _(
                "The receipt of dossier {code} is genuine, but the dossier is not in this office's database yet (it "
                "may not have arrived from the centre).").format(code="000.00.04.H26-261120-0007"))),
            ("done-send", done("send_to_processing", "in_processing")),
            ("done-supplement", done("request_supplement", "needs_supplement", "supplement_request")),
            ("done-supplement-received", done("supplement_received", "received")),
            ("done-result-back", done("result_back", "ready")),
            ("done-at-desk", done("handle_at_desk", "ready")),
            ("done-return", done("return_result", "returned")),
            ("done-reschedule", done("reschedule", "in_processing", "apology")),
            ("done-reject", done("reject", "rejected", "refusal")),
            ("done-withdraw", done("withdraw", "withdrawn")),
            ("done-control-slip", done(CONTROL_SLIP, "in_processing", "control_slip")),
            ("done-receipt", done(RECEIPT, "received", "receipt")),
            ("printed", lambda: printed("done")),
            ("print-failed", lambda: printed("failed")),
            ("db-error", lambda: with_message("error", lambda: error_words(RuntimeError("tour")))),
            ("refresh-error", lambda: (self._tour_detail("received"), self._list_failed(RuntimeError("tour")))),
        ]

    def _tour_return_proxy(self) -> None:
        self._tour_dialog("return_result", "ready")
        dialog = self.dialog
        if dialog is not None and hasattr(dialog, "by_proxy"):
            dialog.by_proxy.setChecked(True)
            dialog.proxy_name.setText("Trần Thị Lan")
            dialog.proxy_id.setText("001195067890")


__all__ = ["ACTIONS", "KEYS", "DossiersPage", "RowsModel", "button_words", "done_words", "paper_words"]

