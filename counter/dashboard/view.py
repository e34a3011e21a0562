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

The headline cards are in cards.py, the tables in tables.py, what the page says in words.py,
and the tour's states in tour.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

from core.errors import ValidationError
from core.i18n import _, current_language, ngettext, pgettext
from counter.context import CounterContext
from counter.dashboard import model, tour
from counter.dashboard.cards import CARDS, Card, fill_cards
from counter.dashboard.charts import Bars, DayChart
from counter.dashboard.model import PERIODS, Loaded, Period
from counter.dashboard.tables import TABLES, fill_tables, make_table
from counter.dashboard.words import (
    date_words,
    error_words,
    period_line,
    period_words,
    print_problem_words,
    save_error_words,
)
from local_db.office_settings import office_today
from local_db.ops.dashboard import Dashboard
from ui.parts import button, hbox, label, say, scroll_area, vbox
from ui.page_work import PageWork
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import current_theme

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
        self.loads = PageWork(tasks)  # an older period's answer never replaces a newer one
        self.saves = PageWork(tasks)  # an export or a print: one at a time
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
        self.period_label = label(role="title", name="dashboard-period")
        self.xlsx_button = button(name="dashboard-xlsx", on_click=self.export_xlsx)
        self.csv_button = button(name="dashboard-csv", on_click=self.export_csv)
        self.pdf_button = button(name="dashboard-pdf", on_click=self.export_pdf)
        self.print_button = button(name="dashboard-print", on_click=self.print_report)
        outs = hbox(spacing=8)
        outs.addWidget(self.period_label, 1)
        for b in (self.xlsx_button, self.csv_button, self.pdf_button, self.print_button):
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            outs.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        self.message = label(role="hint", name="dashboard-message")
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
        self.tables = {key: make_table(f"dashboard-table-{key}") for key in TABLES}
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
        self.note = label(role="hint", name="dashboard-note")
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
            b.setText(period_words(p))
        self.since_label.setText(pgettext("counter dashboard", "From"))
        self.until_label.setText(pgettext("counter dashboard", "to"))
        self.custom_button.setText(pgettext("counter dashboard", "Show these days"))
        self.xlsx_button.setText(pgettext("counter dashboard", "Export Excel"))
        self.xlsx_button.setToolTip(_("An Excel workbook: figures as numbers, shown the way Excel's language shows "
                                      "them."))
        self.csv_button.setText(pgettext("counter dashboard", "Export CSV"))
        self.csv_button.setToolTip(_("A CSV file for Excel in the screen's language: in Vietnamese, columns split by "
                                     "“;” and decimals with a comma (89,4)."))
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
        self.loads.void()  # answers still on their way were asked for the page left
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
        self.loads.void()  # even a period refused at once: the one before is no longer wanted
        self.loading = True
        self._check_period()
        if not isinstance(period, tuple):  # the two dates show the period chosen, ready to be adjusted
            for edit, day in zip((self.since_edit, self.until_edit),
                                 model.period_days(period, office_today(self.ctx.now())), strict=True):
                edit.setDate(QDate(day.year, day.month, day.day))
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
        self.loads.run(model.load, self.ctx, period, on_done=self._loaded, on_error=self._load_failed)

    def _loaded(self, loaded: Loaded) -> None:
        self.loading = False
        self.loaded = loaded
        if loaded.empty:
            self._say("info", lambda: pgettext("counter dashboard", "Nothing was recorded in this period: no ticket, no dossier, no rating."),
                      "empty")
        else:
            self._say(None)
        self._draw()

    def _load_failed(self, exc: Exception) -> None:
        self.loading = False
        if isinstance(exc, model.Forbidden):
            self.loaded = None  # a clerk sees no figure at all
            self._draw()
        self._say("error", lambda: error_words(exc), "load_error")
        self._enable()

    # --- the ways out -------------------------------------------------------------------------

    def _ask_path(self, kind: str, suggested: str) -> str:
        title, pattern = {
            "csv": (pgettext("counter dashboard", "Save the CSV file"), pgettext("counter dashboard", "CSV files (*.csv)")),
            "xlsx": (pgettext("counter dashboard", "Save the Excel file"),
                     pgettext("counter dashboard", "Excel workbooks (*.xlsx)")),
        }.get(kind, (pgettext("counter dashboard", "Save the PDF report"),
                     pgettext("counter dashboard", "PDF files (*.pdf)")))
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

    def export_xlsx(self) -> None:
        path = self._target("xlsx")
        if path is not None:
            self._export(model.export_xlsx, path,
                         lambda: pgettext("counter dashboard", "Saved the Excel file: {path}").format(path=path))

    def export_pdf(self) -> None:
        path = self._target("pdf")
        if path is not None:
            self._export(model.export_pdf, path, lambda: pgettext("counter dashboard", "Saved the PDF report: {path}").format(path=path))

    def _export(self, fn: Callable[..., Any], path: Path, done: Callable[[], str]) -> None:
        assert self.loaded is not None
        self._say("hint", lambda: pgettext("counter dashboard", "Saving…"), "saving")
        self.saves.run(fn, self.ctx, self.loaded.dashboard, path, current_language(),
                      on_done=lambda _p: self._saved("ok", done, "exported"), on_error=self._save_failed)
        self._enable()

    def print_report(self) -> None:
        if self.loaded is None or self.busy or self.loading:
            return
        self.saves.run(model.print_report, self.ctx, self.loaded.dashboard, current_language(),
                       on_done=self._queued, on_error=self._save_failed)
        self._enable()

    def _queued(self, job_id: Any) -> None:
        self.print_job_id = job_id
        self._saved("hint", lambda: pgettext("counter dashboard", "The report was sent to this desk's printer."), "printing")

    @property
    def busy(self) -> bool:
        """An export or a print is under way."""
        return self.saves.busy

    def _saved(self, role: str, words: Callable[[], str], kind: str) -> None:
        self._say(role, words, kind)
        self._enable()

    def _save_failed(self, exc: Exception) -> None:
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
        for b in (self.xlsx_button, self.csv_button, self.pdf_button, self.print_button):
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
        fill_cards(self.rate, self.cards, d)
        fill_tables(self.tables, d)
        self._draw_charts(d)

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

    # --- the tour (counter/dashboard/tour.py) ---------------------------------------------------

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return tour.tour_states(self)


__all__ = ["DashboardPage"]
