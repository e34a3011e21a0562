"""The supervisor's dashboard page: how the office did over a period.

A row of periods (today, 7 days, 30 days, this month, or two dates), then the headline
figures as big numbers with their words — the on-time rate the city reports first and
largest —, two charts by day (tickets; dossiers resolved on time and late), and the
tables: dossiers by field, tickets by service, counter and officer. Three ways out: a CSV
file, a PDF file of the A4 report, or the report on this desk's printer.

Supervisors and administrators only (``min_role``: the window hides the page from
clerks; the model refuses them as well). Every database read and every export runs
through the TaskRunner; each load has a sequence number, so a slow answer for a period
no longer chosen never replaces the figures of the one chosen after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from core.errors import MotcuaError, ValidationError
from core.i18n import _, current_language, ngettext, pgettext
from core.working_calendar import OFFICE_TZ
from counter.context import CounterContext
from counter.dashboard import model
from counter.dashboard.charts import Bars, DayChart
from counter.dashboard.model import PERIODS, Loaded, Period
from local_db.office_settings import office_today
from local_db.ops.dashboard import (
    Dashboard,
    DossierFigures,
    QueueFigures,
    QueueRow,
    Satisfaction,
    counter_label,
    field_headings,
    group_heading,
    percent,
    row_name,
    tickets_heading,
)
from ui.parts import button, hbox, label, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import current_theme, set_role

# key -> the card's object name suffix, in the order of the grid beside the on-time rate
CARDS = ("tickets", "wait", "received", "overdue", "due_today", "satisfied")
TABLES = ("fields", "services", "counters", "clerks")


def _period_words(period: str) -> str:
    return {
        "today": pgettext("counter dashboard", "Today"),
        "7d": pgettext("counter dashboard", "7 days"),
        "30d": pgettext("counter dashboard", "30 days"),
        "month": pgettext("counter dashboard", "This month"),
    }[period]


# --- numbers as a Vietnamese (or English) reader writes them -------------------------------------


def count_words(n: int) -> str:
    """1.075 in Vietnamese, 1,075 in English."""
    text = f"{n:,}"
    return text.replace(",", ".") if current_language() == "vi" else text


def number_words(value: float | None, decimals: int = 1) -> str:
    """12,5 in Vietnamese, 12.5 in English; "–" for no value."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if current_language() == "vi" else text


def percent_words(share: float | None) -> str:
    value = percent(share)
    return "–" if value is None else number_words(value) + "%"


def minutes_words(value: float | None) -> str:
    return "–" if value is None else pgettext("dashboard", "{minutes} min").format(minutes=number_words(value))


def date_words(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def period_line(d: Dashboard) -> str:
    """"Từ ngày 17/11/2026 đến ngày 19/11/2026 · Số liệu tính đến 15:30 19/11/2026"."""
    if d.since == d.until:
        days = pgettext("counter dashboard", "Day {day}").format(day=date_words(d.since))
    else:
        days = _("From {since} to {until}").format(since=date_words(d.since), until=date_words(d.until))
        n = (d.until - d.since).days + 1
        days += " " + ngettext("({n} day)", "({n} days)", n).format(n=count_words(n))
    when = d.now.astimezone(OFFICE_TZ).strftime("%H:%M %d/%m/%Y")
    return days + " · " + _("Figures as of {when}").format(when=when)


def error_words(exc: Exception) -> str:
    """A failed load in the supervisor's words."""
    if isinstance(exc, MotcuaError):
        return exc.message
    return pgettext("counter dashboard", "The figures cannot be read from the office database right now. Choose the period again to retry.")


def save_error_words(exc: Exception) -> str:
    if isinstance(exc, MotcuaError):
        return exc.message
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return pgettext("counter dashboard", "The file could not be saved ({reason}). Choose another folder and try again.").format(reason=reason)
    return pgettext("counter dashboard", "The report could not be made. Please try again.")


def print_problem_words(message: str) -> str:
    return pgettext("counter dashboard", "Printer problem: {message}. The report waits in the print queue and "
                    "prints when the printer is back.").format(message=message)


def empty_like(d: Dashboard) -> Dashboard:
    """The same period with nothing in it (the tour's "empty office" picture)."""

    def zero(r: QueueRow) -> QueueRow:
        return replace(r, tickets=0, served=0, no_show=0, transferred=0, waited=0, wait_median_min=None,
                       wait_p90_min=None, timed=0, service_median_min=None, service_p90_min=None)

    q = d.queue
    k = d.dossiers
    return replace(
        d,
        queue=QueueFigures(by_service=tuple(zero(r) for r in q.by_service), by_counter=(), by_clerk=(),
                           total=zero(q.total)),
        dossiers=DossierFigures(received=0, resolved=0, on_time=0, late=0, rejected=0, withdrawn=0, overdue=0,
                                due_today=0,
                                by_field=tuple(replace(r, received=0, resolved=0, on_time=0, late=0, rejected=0,
                                                       withdrawn=0) for r in k.by_field)),
        satisfaction=Satisfaction(total=0, very_satisfied=0, satisfied=0, unsatisfied=0),
        days=tuple(replace(x, tickets=0, avg_wait_min=None, dossiers_received=0, on_time=0, late=0)
                   for x in d.days))


# --- pieces ---------------------------------------------------------------------------------------


class Card(QFrame):
    """A headline figure: what it is, the number, and a line that says more."""

    def __init__(self, key: str, *, big: bool = False) -> None:
        super().__init__()
        set_role(self, "panel")
        self.setObjectName(f"dashboard-card-{key}")
        self.caption = label(role="subtitle")
        self.caption.setObjectName(f"dashboard-caption-{key}")
        self.value = label(role="huge" if big else "big", wrap=False)
        self.value.setObjectName(f"dashboard-{key}")
        self.detail = label(role="hint")
        self.detail.setObjectName(f"dashboard-detail-{key}")
        layout = vbox(self, [self.caption, self.value, self.detail], margin=10, spacing=2)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def show_figure(self, caption: str, value: str, detail: str) -> None:
        self.caption.setText(caption)
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))


def _table(name: str) -> QTableWidget:
    t = QTableWidget()
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setWordWrap(True)
    t.setTextElideMode(Qt.TextElideMode.ElideNone)
    t.verticalHeader().hide()
    row_px = current_theme().px("touch") + 6
    t.verticalHeader().setDefaultSectionSize(row_px)
    t.verticalHeader().setMinimumSectionSize(row_px)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return t


def _fill(t: QTableWidget, headings: list[str], rows: list[list[str]], *, total_last: bool = False) -> None:
    """Numbers right-aligned; the first column (a name) stretches; a totals row in bold."""
    t.clear()
    t.setColumnCount(len(headings))
    t.setRowCount(len(rows))
    t.setHorizontalHeaderLabels(headings)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if total_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            t.setItem(r, c, item)
    header = t.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(headings)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(70)
    t.resizeRowsToContents()


# --- the page -----------------------------------------------------------------------------------


class DashboardPage(Screen):
    name = "dashboard"
    min_role = "supervisor"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.period: Period = "today"
        self.loaded: Loaded | None = None
        self.loading = False
        self.busy = False  # an export or a print is under way
        self._seq = 0  # each load's number: an older answer never replaces a newer one
        self.print_job_id: Any = None
        # choose_path(kind, suggested file name) -> the path chosen, "" when cancelled
        # (tests replace it; the default asks with the system's save dialog)
        self.choose_path: Callable[[str, str], str] = self._ask_path
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # entered with the focus on the page, not in a date
        self._message: tuple[str, Callable[[], str], str] | None = None  # role, words, kind

        # the periods
        self.period_buttons: dict[str, QPushButton] = {}
        periods = hbox(spacing=8)
        for p in PERIODS:
            b = button(name=f"dashboard-period-{p}", on_click=lambda p=p: self.choose(p))
            b.setCheckable(True)
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            self.period_buttons[p] = b
            periods.addWidget(b)
        self.since_label = label(wrap=False)
        self.since_edit = QDateEdit()
        self.until_label = label(wrap=False)
        self.until_edit = QDateEdit()
        for edit, name, lab in ((self.since_edit, "dashboard-since", self.since_label),
                                (self.until_edit, "dashboard-until", self.until_label)):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            lab.setBuddy(edit)
        self.custom_button = button(name="dashboard-period-custom", on_click=self.choose_custom)
        self.custom_button.setCheckable(True)
        self.custom_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        periods.addSpacing(16)
        for w in (self.since_label, self.since_edit, self.until_label, self.until_edit, self.custom_button):
            periods.addWidget(w)
        periods.addStretch(1)

        # what is shown, and the ways out
        self.period_label = label(role="title")
        self.period_label.setObjectName("dashboard-period")
        self.csv_button = button(name="dashboard-csv", on_click=self.export_csv)
        self.pdf_button = button(name="dashboard-pdf", on_click=self.export_pdf)
        self.print_button = button(name="dashboard-print", on_click=self.print_report)
        outs = hbox(spacing=8)
        outs.addWidget(self.period_label, 1)
        for b in (self.csv_button, self.pdf_button, self.print_button):
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            outs.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        self.message = label(role="hint")
        self.message.setObjectName("dashboard-message")
        self.message.hide()

        # the headline figures: the on-time rate large on the left, the others in a grid
        self.rate = Card("on_time_rate", big=True)
        self.rate.setMinimumWidth(300)
        self.cards = {key: Card(key) for key in CARDS}
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.rate, 0, 0, 2, 1)
        for i, key in enumerate(CARDS):
            grid.addWidget(self.cards[key], i // 3, 1 + i % 3)
        for c in range(4):
            grid.setColumnStretch(c, 1)

        # tables and charts
        self.tables = {key: _table(f"dashboard-table-{key}") for key in TABLES}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboard-tabs")
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.tabBar().setExpanding(False)
        for key in TABLES:
            self.tabs.addTab(self.tables[key], "")
        self.tickets_chart = DayChart("dashboard-chart-tickets")
        self.dossiers_chart = DayChart("dashboard-chart-dossiers")
        charts = vbox(spacing=12)
        charts.addWidget(self.tickets_chart, 1)
        charts.addWidget(self.dossiers_chart, 1)
        self.note = label(role="hint")
        self.note.setObjectName("dashboard-note")
        tables = vbox(spacing=6)
        tables.addWidget(self.tabs, 1)
        tables.addWidget(self.note)
        lower = hbox(spacing=16)
        lower.addLayout(tables, 3)
        lower.addLayout(charts, 2)

        self.body = QWidget()
        body = vbox(self.body, spacing=12)
        body.addLayout(grid)
        body.addLayout(lower, 1)
        self.body.setMinimumHeight(round(640 * current_theme().scale))
        area = scroll_area(self.body)
        layout = vbox(self, margin=16, spacing=10)
        layout.addLayout(periods)
        layout.addLayout(outs)
        layout.addWidget(self.message)
        layout.addWidget(area, 1)
        self.retranslate()

    # --- Screen -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        for p, b in self.period_buttons.items():
            b.setText(_period_words(p))
        self.since_label.setText(pgettext("counter dashboard", "From"))
        self.until_label.setText(pgettext("counter dashboard", "to"))
        self.custom_button.setText(pgettext("counter dashboard", "Show these days"))
        self.csv_button.setText(pgettext("counter dashboard", "Export CSV"))
        self.pdf_button.setText(pgettext("counter dashboard", "Export PDF"))
        self.print_button.setText(pgettext("counter dashboard", "Print report"))
        for i, title in enumerate((_("Dossiers by field"), _("Tickets by service"), _("Tickets by counter"),
                                   _("Tickets by officer"))):
            self.tabs.setTabText(i, title)
        self.note.setText(pgettext("counter dashboard",
                                   "On-time rate: dossiers resolved on time divided by dossiers resolved in the "
                                   "period (refused and withdrawn dossiers are not counted). Wait: from taking the "
                                   "number to the first call; 90th percentile: nine in ten waited no longer."))
        self._draw()
        if self._message is not None:
            role, words, _kind = self._message
            say(self.message, words(), role)

    def enter(self, **params: Any) -> None:
        today = office_today(self.ctx.now())
        qtoday = QDate(today.year, today.month, today.day)
        for edit in (self.since_edit, self.until_edit):
            edit.setMaximumDate(qtoday)
            edit.setMinimumDate(qtoday.addYears(-10))
        if self.loaded is None:
            self.since_edit.setDate(qtoday.addDays(-6))
            self.until_edit.setDate(qtoday)
        self.load(params.get("period", self.period))
        self.setFocus()

    def leave(self) -> None:
        self._seq += 1  # answers still on their way were asked for the page left
        self.loading = False
        self._say(None)

    # --- loading ------------------------------------------------------------------------------

    def choose(self, period: str) -> None:
        self.load(period)

    def choose_custom(self) -> None:
        since, until = self.since_edit.date().toPython(), self.until_edit.date().toPython()
        self.load((since, until))

    def load(self, period: Period) -> None:
        self.period = period
        self._seq += 1
        seq = self._seq
        self.loading = True
        self._check_period()
        if isinstance(period, tuple):
            try:  # refused at once, without a trip to the database
                model.period_days(period, office_today(self.ctx.now()))
            except ValidationError as exc:
                self.loading = False
                first = exc.message

                def words() -> str:  # worded again in the language of the moment
                    try:
                        model.period_days(period, office_today(self.ctx.now()))
                    except ValidationError as again:
                        return again.message
                    return first

                self._say("error", words, "load_error")
                self._enable()
                return
        self._say("hint", lambda: pgettext("counter dashboard", "Loading the figures…"), "loading")
        self._enable()
        self.tasks.run(model.load, self.ctx, period, on_done=lambda loaded: self._loaded(loaded, seq),
                       on_error=lambda exc: self._load_failed(exc, seq))

    def _loaded(self, loaded: Loaded, seq: int) -> None:
        if seq != self._seq:
            return  # a period chosen later is on its way
        self.loading = False
        self.loaded = loaded
        if loaded.empty:
            self._say("info", lambda: pgettext("counter dashboard", "Nothing was recorded in this period: no ticket, no dossier, no rating."),
                      "empty")
        else:
            self._say(None)
        self._draw()

    def _load_failed(self, exc: Exception, seq: int) -> None:
        if seq != self._seq:
            return
        self.loading = False
        if isinstance(exc, model.Forbidden):
            self.loaded = None  # a clerk sees no figure at all
            self._draw()
        self._say("error", lambda: error_words(exc), "load_error")
        self._enable()

    # --- the ways out -------------------------------------------------------------------------

    def _ask_path(self, kind: str, suggested: str) -> str:
        title = pgettext("counter dashboard", "Save the CSV file") if kind == "csv" else pgettext("counter dashboard", "Save the PDF report")
        pattern = pgettext("counter dashboard", "CSV files (*.csv)") if kind == "csv" else pgettext("counter dashboard", "PDF files (*.pdf)")
        path, _chosen = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), pattern)
        return path

    def _target(self, kind: str) -> Path | None:
        if self.loaded is None or self.busy or self.loading:
            return None
        chosen = self.choose_path(kind, f"{model.file_stem(self.loaded.dashboard)}.{kind}")
        if not chosen:
            return None  # cancelled
        path = Path(chosen)
        return path if path.suffix.lower() == f".{kind}" else path.with_name(path.name + f".{kind}")

    def export_csv(self) -> None:
        path = self._target("csv")
        if path is not None:
            self._export(model.export_csv, path, lambda: pgettext("counter dashboard", "Saved the CSV file: {path}").format(path=path))

    def export_pdf(self) -> None:
        path = self._target("pdf")
        if path is not None:
            self._export(model.export_pdf, path, lambda: pgettext("counter dashboard", "Saved the PDF report: {path}").format(path=path))

    def _export(self, fn: Callable[..., Any], path: Path, done: Callable[[], str]) -> None:
        assert self.loaded is not None
        self.busy = True
        self._say("hint", lambda: pgettext("counter dashboard", "Saving…"), "saving")
        self._enable()
        self.tasks.run(fn, self.ctx, self.loaded.dashboard, path, current_language(),
                       on_done=lambda _p: self._saved("ok", done, "exported"), on_error=self._save_failed)

    def print_report(self) -> None:
        if self.loaded is None or self.busy or self.loading:
            return
        self.busy = True
        self._enable()
        self.tasks.run(model.print_report, self.ctx, self.loaded.dashboard, current_language(),
                       on_done=self._queued, on_error=self._save_failed)

    def _queued(self, job_id: Any) -> None:
        self.print_job_id = job_id
        self._saved("hint", lambda: pgettext("counter dashboard", "The report was sent to this desk's printer."), "printing")

    def _saved(self, role: str, words: Callable[[], str], kind: str) -> None:
        self.busy = False
        self._say(role, words, kind)
        self._enable()

    def _save_failed(self, exc: Exception) -> None:
        self.busy = False
        self._say("error", lambda: save_error_words(exc), "save_error")
        self._enable()

    def on_print_event(self, event: Any) -> None:
        """From the desk's print worker (the window connects it): what became of our report."""
        if self.print_job_id is None or event.job.id != self.print_job_id:
            return
        if event.state == "done":
            self._say("ok", lambda: pgettext("counter dashboard", "The report was printed."), "printed")
        elif event.state == "failed":
            message = event.message or event.error_code
            self._say("error", lambda: print_problem_words(message), "print_error")

    # --- drawing ------------------------------------------------------------------------------

    def _say(self, role: str | None, words: Callable[[], str] | None = None, kind: str = "") -> None:
        self._message = (role, words, kind) if role is not None and words is not None else None
        say(self.message, words() if words is not None else "", role or "hint")

    @property
    def message_kind(self) -> str:
        return self._message[2] if self._message is not None else ""

    def _check_period(self) -> None:
        chosen = [(b, self.period == p) for p, b in self.period_buttons.items()]
        chosen.append((self.custom_button, isinstance(self.period, tuple)))
        for b, on in chosen:
            if b.isChecked() != on:
                b.setChecked(on)
                b.style().unpolish(b)  # the stylesheet's [checked="true"] is read at polish time
                b.style().polish(b)

    def _enable(self) -> None:
        ready = self.loaded is not None and not self.loading and not self.busy
        for b in (self.csv_button, self.pdf_button, self.print_button):
            b.setEnabled(ready)

    def _draw(self) -> None:
        self._check_period()
        self._enable()
        loaded = self.loaded
        self.body.setVisible(loaded is not None)
        if loaded is None:
            self.period_label.setText(pgettext("counter dashboard", "Dashboard"))
            return
        d = loaded.dashboard
        self.period_label.setText(period_line(d))
        self._draw_cards(d)
        self._draw_tables(d)
        self._draw_charts(d)

    def _draw_cards(self, d: Dashboard) -> None:
        k, q, s = d.dossiers, d.queue.total, d.satisfaction
        if k.resolved:
            rate_detail = _("{on_time} of {resolved} dossiers resolved").format(
                on_time=count_words(k.on_time), resolved=count_words(k.resolved))
            rate_detail += "\n" + pgettext("counter dashboard", "Resolved late: {n}").format(n=count_words(k.late))
        else:
            rate_detail = pgettext("counter dashboard", "No dossier was resolved in this period.")
        self.rate.show_figure(pgettext("counter dashboard", "Share of dossiers resolved on time"),
                              percent_words(k.on_time_rate), rate_detail)
        self.cards["tickets"].show_figure(
            pgettext("dashboard", "Tickets issued"), count_words(q.tickets),
            pgettext("counter dashboard", "Served {served} · absent {no_show}").format(
                served=count_words(q.served), no_show=count_words(q.no_show)))
        self.cards["wait"].show_figure(
            _("Median wait"), minutes_words(q.wait_median_min),
            pgettext("counter dashboard", "Nine in ten waited at most {minutes}").format(
                minutes=minutes_words(q.wait_p90_min)) if q.wait_p90_min is not None else
            pgettext("counter dashboard", "No ticket was called in this period."))
        self.cards["received"].show_figure(
            _("Dossiers received"), count_words(k.received),
            pgettext("counter dashboard", "Refused {rejected} · withdrawn {withdrawn}").format(
                rejected=count_words(k.rejected), withdrawn=count_words(k.withdrawn)))
        self.cards["overdue"].show_figure(
            pgettext("dashboard", "Overdue now"), count_words(k.overdue),
            pgettext("counter dashboard", "Open dossiers past their due date"))
        self.cards["due_today"].show_figure(
            pgettext("dashboard", "Due today"), count_words(k.due_today),
            pgettext("counter dashboard", "Open dossiers due by the end of today"))
        if s.total:
            detail = ngettext("{n} rating", "{n} ratings", s.total).format(n=count_words(s.total))
            detail += " · " + pgettext("counter dashboard", "{n} unsatisfied").format(n=count_words(s.unsatisfied))
        else:
            detail = pgettext("counter dashboard", "No rating in this period.")
        self.cards["satisfied"].show_figure(_("Satisfaction rate"), percent_words(s.satisfied_share), detail)
        # said in words as well as by the number: an overdue dossier is the supervisor's to chase
        set_role(self.cards["overdue"].value, "big")

    def _queue_rows(self, rows: tuple[QueueRow, ...], name: Callable[[QueueRow], str]) -> list[list[str]]:
        return [[name(r), count_words(r.tickets), count_words(r.served), count_words(r.no_show),
                 count_words(r.transferred), number_words(r.wait_median_min), number_words(r.wait_p90_min),
                 number_words(r.service_median_min), number_words(r.service_p90_min)] for r in rows]

    def _queue_headings(self, group: str) -> list[str]:
        return [group_heading(group), tickets_heading(group), pgettext("dashboard", "Served"),
                pgettext("dashboard", "No-show"), pgettext("dashboard", "Transferred"),
                pgettext("counter dashboard", "Wait, median\n(min)"),
                pgettext("counter dashboard", "Wait, 90th pct.\n(min)"),
                pgettext("counter dashboard", "Service, median\n(min)"),
                pgettext("counter dashboard", "Service, 90th pct.\n(min)")]

    def _draw_tables(self, d: Dashboard) -> None:
        lang = current_language()
        k = d.dossiers
        total = pgettext("dashboard", "Total")
        field_rows = [[row_name(r, lang), count_words(r.received), count_words(r.resolved), count_words(r.on_time),
                       count_words(r.late), percent_words(r.on_time_rate), count_words(r.rejected),
                       count_words(r.withdrawn)] for r in k.by_field]
        field_rows.append([total, count_words(k.received), count_words(k.resolved), count_words(k.on_time),
                           count_words(k.late), percent_words(k.on_time_rate), count_words(k.rejected),
                           count_words(k.withdrawn)])
        _fill(self.tables["fields"], field_headings(with_units=False), field_rows, total_last=True)
        q = d.queue
        _fill(self.tables["services"], self._queue_headings("service"),
              self._queue_rows(q.by_service, lambda r: row_name(r, lang))
              + self._queue_rows((q.total,), lambda _r: total), total_last=True)
        _fill(self.tables["counters"], self._queue_headings("counter"), self._queue_rows(q.by_counter, counter_label))
        _fill(self.tables["clerks"], self._queue_headings("clerk"), self._queue_rows(q.by_clerk, lambda r: r.name_vi))

    def _draw_charts(self, d: Dashboard) -> None:
        days = [x.day for x in d.days]

        def tickets_tip(day: date, _name: str, value: float) -> str:
            return ngettext("{day}: {n} ticket", "{day}: {n} tickets", int(value)).format(day=date_words(day),
                                                                                          n=int(value))

        def dossiers_tip(day: date, name: str, value: float) -> str:
            return f"{date_words(day)} · {name}: {int(value)}"

        self.tickets_chart.draw(pgettext("counter dashboard", "Tickets issued per day"), days,
                                [Bars(pgettext("dashboard", "Tickets issued"), [x.tickets for x in d.days])],
                                tooltip=tickets_tip)
        self.dossiers_chart.draw(pgettext("counter dashboard", "Dossiers resolved per day"), days,
                                 [Bars(pgettext("dashboard", "On time"), [x.on_time for x in d.days], "ok"),
                                  Bars(pgettext("dashboard", "Late"), [x.late for x in d.days], "late")],
                                 stacked=True, tooltip=dossiers_tip)

    # --- the tour -----------------------------------------------------------------------------

    def _tour_period(self, period: Period) -> None:
        self.load(period)
        self.tasks.wait_idle()

    def _tour_show(self, role: str | None = None, words: Callable[[], str] | None = None, kind: str = "",
                   **changes: Any) -> None:
        """The figures of the period shown, with a message put on them (no file written)."""
        self.tasks.wait_idle()
        if self.loaded is None or self.loaded.empty or self.period != "7d":
            self._tour_period("7d")  # real figures under the message, whatever the state before
        self.busy = self.loading = False
        if changes:
            self.loaded = replace(self.loaded, **changes)  # type: ignore[arg-type]
        self._draw()
        self._say(role, words, kind)

    def _tour_loading(self) -> None:
        self._tour_show()
        self.loading = True
        self._say("hint", lambda: pgettext("counter dashboard", "Loading the figures…"), "loading")
        self._enable()

    def _tour_empty(self) -> None:
        self._tour_period("today")
        assert self.loaded is not None
        self.loaded = replace(self.loaded, dashboard=empty_like(self.loaded.dashboard))
        self._loaded(self.loaded, self._seq)

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        sample = Path.home() / "bao-cao.csv"
        today = office_today(self.ctx.now())
        return [
            ("", self.tasks.wait_idle),
            ("loading", self._tour_loading),
            *((f"period-{p}", lambda p=p: self._tour_period(p)) for p in PERIODS),
            ("period-custom", lambda: self._tour_period((today - timedelta(days=13), today))),
            ("empty", self._tour_empty),
            ("error", lambda: self._tour_show("error", lambda: error_words(RuntimeError("tour")), "load_error")),
            ("refused", lambda: self._tour_show("error", lambda: error_words(
                model.Forbidden(_("This needs the role {role}.").format(role=model.role_label("supervisor")))),
                "load_error")),
            ("bad-period", lambda: (self._tour_show(), self.load((today, today - timedelta(days=3))))),
            ("saving", lambda: self._tour_show("hint", lambda: pgettext("counter dashboard", "Saving…"), "saving")),
            ("exported-csv", lambda: self._tour_show("ok", lambda: pgettext("counter dashboard", "Saved the CSV file: {path}").format(
                path=sample), "exported")),
            ("exported-pdf", lambda: self._tour_show("ok", lambda: pgettext("counter dashboard", "Saved the PDF report: {path}").format(
                path=sample.with_suffix(".pdf")), "exported")),
            ("save-error", lambda: self._tour_show("error", lambda: save_error_words(
                PermissionError(13, "Permission denied")), "save_error")),
            ("printing", lambda: self._tour_show("hint", lambda: pgettext("counter dashboard", "The report was sent to this desk's printer."),
                                                 "printing")),
            ("printed", lambda: self._tour_show("ok", lambda: pgettext("counter dashboard", "The report was printed."), "printed")),
            ("print-error", lambda: self._tour_show("error", lambda: print_problem_words(
                pgettext("counter dashboard", "out of paper")), "print_error")),
        ]


__all__ = ["DashboardPage", "count_words", "minutes_words", "number_words", "percent_words", "period_line"]
