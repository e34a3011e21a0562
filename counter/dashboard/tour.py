"""The dashboard's tour: each period, message and failure drawn on the real page (no file written, no paper)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.i18n import _, pgettext
from counter.dashboard import model
from counter.dashboard.model import PERIODS, Period
from counter.dashboard.words import error_words, print_problem_words, save_error_words
from local_db.office_settings import office_today
from local_db.ops.staff import role_label
from local_db.ops.dashboard import (
    Dashboard,
    DossierFigures,
    QueueFigures,
    QueueRow,
    Satisfaction,
)
from ui.failures import database_outage

if TYPE_CHECKING:
    from counter.dashboard.view import DashboardPage


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


def show_period(page: DashboardPage, period: Period) -> None:
    page.load(period)
    page.tasks.wait_idle()


def show(page: DashboardPage, role: str | None = None, words: Callable[[], str] | None = None, kind: str = "",
         **changes: Any) -> None:
    """The figures of the period shown, with a message put on them (no file written)."""
    page.tasks.wait_idle()
    if page.loaded is None or page.loaded.empty or page.period != "7d":
        show_period(page, "7d")  # real figures under the message, whatever the state before
    page.loading = False
    if changes:
        page.loaded = replace(page.loaded, **changes)  # type: ignore[arg-type]
    page._draw()
    page._say(role, words, kind)


def show_loading(page: DashboardPage) -> None:
    show(page)
    page.loading = True
    page._say("hint", lambda: pgettext("counter dashboard", "Loading the figures…"), "loading")
    page._enable()


def show_empty(page: DashboardPage) -> None:
    show_period(page, "today")
    assert page.loaded is not None
    page.loaded = replace(page.loaded, dashboard=empty_like(page.loaded.dashboard))
    page._loaded(page.loaded)


def tour_states(page: DashboardPage) -> list[tuple[str, Callable[[], None]]]:
    sample = Path.home() / "bao-cao.csv"
    today = office_today(page.ctx.now())
    return [
        ("", page.tasks.wait_idle),
        ("loading", lambda: show_loading(page)),
        *((f"period-{p}", lambda p=p: show_period(page, p)) for p in PERIODS),
        ("period-custom", lambda: show_period(page, (today - timedelta(days=13), today))),
        ("empty", lambda: show_empty(page)),
        ("error", lambda: show(page, "error", lambda: error_words(database_outage()), "load_error")),
        ("refused", lambda: show(page, "error", lambda: error_words(
            model.Forbidden(_("This needs the role {role}.").format(role=role_label("supervisor")))),
            "load_error")),
        ("bad-period", lambda: (show(page), page.load((today, today - timedelta(days=3))))),
        ("saving", lambda: show(page, "hint", lambda: pgettext("counter dashboard", "Saving…"), "saving")),
        ("exported-csv", lambda: show(page, "ok", lambda: pgettext("counter dashboard", "Saved the CSV file: {path}").format(
            path=sample), "exported")),
        ("exported-pdf", lambda: show(page, "ok", lambda: pgettext("counter dashboard", "Saved the PDF report: {path}").format(
            path=sample.with_suffix(".pdf")), "exported")),
        ("save-error", lambda: show(page, "error", lambda: save_error_words(
            PermissionError(13, "Permission denied")), "save_error")),
        ("printing", lambda: show(page, "hint", lambda: pgettext("counter dashboard", "The report was sent to this desk's printer."),
                                  "printing")),
        ("printed", lambda: show(page, "ok", lambda: pgettext("counter dashboard", "The report was printed."), "printed")),
        ("print-error", lambda: show(page, "error", lambda: print_problem_words(
            pgettext("counter dashboard", "out of paper")), "print_error")),
    ]


__all__ = ["empty_like", "show", "show_empty", "show_loading", "show_period", "tour_states"]
