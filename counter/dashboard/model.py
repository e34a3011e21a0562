"""The dashboard page, Qt-free: which days a period covers, the figures of those days, and
the three ways out (CSV file, PDF file, this desk's printer).

Every function is one user action on its own session and checks the role first: the
window hides the page from clerks, and the model refuses them too, so a page opened by
mistake (or a future caller) cannot read office-wide figures with a clerk's account.

The figures themselves are ``local_db.ops.dashboard.dashboard`` (read it for what each one
counts); this module only turns a period the supervisor picks into office-local days.
Exports and prints leave an audit row (who took the office's figures out, for which days),
though they change nothing.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.i18n import _, check_language, pgettext
from counter.context import CounterContext
from local_db import journal
from local_db.office_settings import office_today
from local_db.ops.dashboard import Dashboard, dashboard
from local_db.ops.dashboard_export import dashboard_csv, dashboard_xlsx
from local_db.ops.authority import Forbidden, require_current_role
from printing.documents.dashboard_report import dashboard_report_content
from printing.render import render_pdf
from printing.spool import queue_document

NEEDED_ROLE = "supervisor"
PERIODS = ("today", "7d", "30d", "month")  # the page's buttons, in order
MAX_DAYS = 366  # a custom range: one bar per day must still be readable, and a year is what the city asks
REPORT_KIND = "dashboard_report"

Period = str | tuple[date, date]  # one of PERIODS, or a custom (since, until), both included


@dataclass(frozen=True)
class Loaded:
    """What the page draws: the period asked for, its days and their figures."""

    period: Period
    dashboard: Dashboard

    @property
    def since(self) -> date:
        return self.dashboard.since

    @property
    def until(self) -> date:
        return self.dashboard.until

    @property
    def day_count(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no ticket, no dossier in or out, no rating (the
        open dossiers, overdue or due today, may still be there)."""
        d = self.dashboard
        k = d.dossiers
        return not (d.queue.total.tickets or k.received or k.resolved or k.rejected or k.withdrawn
                    or d.satisfaction.total)


def check_role(ctx: CounterContext, session: Session | None = None) -> None:
    """Refuse anyone below a supervisor (and an inactive account), asked of the database —
    in ``session`` when the caller has one open, else in a read of its own — not of the
    role the window read at sign-in: a supervisor demoted meanwhile is refused."""
    staff = ctx.staff
    if staff is None:
        raise Forbidden(_("Please log in first."), needed=NEEDED_ROLE)
    if session is not None:
        require_current_role(session, ctx.actor, NEEDED_ROLE)
        return
    with ctx.db.read() as s:
        require_current_role(s, ctx.actor, NEEDED_ROLE)


def period_days(period: Period, today: date) -> tuple[date, date]:
    """The office-local days (since, until) of a period, as of ``today``. "7d" and "30d" are
    the last 7 / 30 days with today; "month" is the calendar month so far."""
    if period == "today":
        return today, today
    if period == "7d":
        return today - timedelta(days=6), today
    if period == "30d":
        return today - timedelta(days=29), today
    if period == "month":
        return today.replace(day=1), today
    if isinstance(period, tuple) and len(period) == 2 and all(isinstance(d, date) for d in period):
        since, until = period
        if until < since:
            raise ValidationError(pgettext("counter dashboard", "The end date must not be before the start date."), field="until",
                                  code="bad_period")
        if (until - since).days + 1 > MAX_DAYS:
            raise ValidationError(pgettext("counter dashboard", "Choose at most {n} days.").format(n=MAX_DAYS), field="since",
                                  code="period_too_long")
        return since, until
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)} or (since, until)")


def load(ctx: CounterContext, period: Period) -> Loaded:
    """The figures of ``period`` as of ``ctx.now()``."""
    now = ctx.now()
    since, until = period_days(period, office_today(now))
    with ctx.db.read() as s:
        check_role(ctx, s)
        return Loaded(period=period, dashboard=dashboard(s, ctx.office_code, since=since, until=until, now=now))


def file_stem(d: Dashboard) -> str:
    """A file name that says what it holds: bao-cao-<office>-<since>-<until>."""
    return f"bao-cao-{d.office_code}-{d.since.isoformat()}-{d.until.isoformat()}"


def _audit(ctx: CounterContext, action: str, d: Dashboard, **detail: Any) -> None:
    actor = ctx.actor
    with ctx.db.write() as s:
        journal.audit(s, actor, action=action, entity="dashboard", now=ctx.now(),
                      detail={"since": d.since, "until": d.until, **detail})


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed export never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_csv(ctx: CounterContext, d: Dashboard, path: str | Path, lang: str = "vi") -> Path:
    """Write the dashboard as a CSV file for Excel in ``lang``'s locale (UTF-8 with a
    byte-order mark; ``;`` and "89,4" in Vietnamese: local_db/ops/dashboard_export.py)."""
    check_role(ctx)
    check_language(lang)
    target = Path(path)
    _write_atomically(target, dashboard_csv(d, lang).encode("utf-8"))
    _audit(ctx, "dashboard_export_csv", d, lang=lang, file=target.name)
    return target


def export_xlsx(ctx: CounterContext, d: Dashboard, path: str | Path, lang: str = "vi") -> Path:
    """Write the dashboard as an Excel workbook: figures as numbers, shown in Excel's own
    locale, so nothing depends on a separator."""
    check_role(ctx)
    check_language(lang)
    target = Path(path)
    _write_atomically(target, dashboard_xlsx(d, lang))
    _audit(ctx, "dashboard_export_xlsx", d, lang=lang, file=target.name)
    return target


def _content(ctx: CounterContext, s: Any, d: Dashboard, lang: str) -> Any:
    return dashboard_report_content(s, d, lang=lang, printed_at=ctx.now(),
                                    prepared_by=getattr(ctx.staff, "full_name", "") or "")


def export_pdf(ctx: CounterContext, d: Dashboard, path: str | Path, lang: str = "vi") -> Path:
    """Render the A4 report into a PDF file."""
    check_language(lang)
    with ctx.db.read() as s:
        check_role(ctx, s)
        content = _content(ctx, s, d, lang)
    target = Path(path)
    _write_atomically(target, render_pdf(REPORT_KIND, content))
    _audit(ctx, "dashboard_export_pdf", d, lang=lang, file=target.name)
    return target


def print_report(ctx: CounterContext, d: Dashboard, lang: str = "vi") -> uuid.UUID:
    """Queue the A4 report on this desk's printer; returns the print job's id (the page
    follows it through the print worker's events)."""
    check_language(lang)
    actor = ctx.actor
    now = ctx.now()
    with ctx.db.write() as s:
        check_role(ctx, s)
        job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind=REPORT_KIND,
                             content=_content(ctx, s, d, lang), printer=ctx.printer, title=file_stem(d), now=now)
        journal.audit(s, actor, action="dashboard_print", entity="dashboard", now=now,
                      detail={"since": d.since, "until": d.until, "lang": lang, "print_job": job.id})
        return job.id


__all__ = ["MAX_DAYS", "PERIODS", "Loaded", "Period", "check_role", "export_csv", "export_pdf", "export_xlsx", "file_stem", "load",
           "period_days", "print_report"]
