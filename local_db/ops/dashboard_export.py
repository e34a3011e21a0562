"""The dashboard as a file a supervisor opens in Excel: XLSX, or a CSV that opens right.

One table (:func:`dashboard_table`) and two writers, so both files hold the same rows: a
title block (report, office, period, moment of the figures), then sections separated by an
empty row, each a one-cell title row, a header row and its data rows: key figures
(indicator, value), dossiers by field (with a totals row), tickets by service (with the
totals row), by counter, by clerk, satisfaction (rating, count, share) and the days. An
empty cell means "no value" (no ticket to measure, nothing resolved).

**XLSX** (openpyxl) is the file to choose: figures are stored as numbers and dates as dates,
so Excel shows them the way its own locale does ("89,4" in Vietnamese, "89.4" in English)
and sums them, whatever the language of the labels.

**CSV** follows the language of the labels, because CSV has no way to say which separator
and decimal mark it uses and Excel reads it with the computer's regional settings:

* Vietnamese: the separator is ``;`` and the decimal mark a comma ("89,4"), Windows'
  settings for Vietnam (vi-VN: list separator ``;``, decimal symbol ``,``). A comma-separated
  file with "89.4" lands in one column there, and "89.4" would not be a number anyway.
* English: ``,`` and "89.4", as Excel in an English (en-US) locale expects.

Both start with a UTF-8 byte-order mark, which is what makes Excel read the Vietnamese
letters as UTF-8. A first line ``sep=;`` was not chosen: it tells Excel the separator, but
Excel then ignores the byte-order mark and shows the Vietnamese letters garbled. No
thousands separator; dates are ISO (2026-11-23).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from core.i18n import _, check_language, language, localized, pgettext
from core.working_calendar import OFFICE_TZ
from local_db.ops.dashboard import (
    Dashboard,
    QueueRow,
    counter_label,
    field_headings,
    group_heading,
    percent,
    rating_label,
    row_name,
    tickets_heading,
)
from local_db.ops.feedback import RATINGS

Cell = str | int | float | date | None
Kind = Literal["title", "meta", "blank", "section", "header", "data", "total"]


@dataclass(frozen=True)
class Line:
    kind: Kind
    cells: tuple[Cell, ...] = ()


def dashboard_table(d: Dashboard, lang: str = "vi") -> list[Line]:
    """Every row of the export, labels in ``lang``, figures as numbers (percentages with
    one decimal, minutes with two), dates as dates."""
    check_language(lang)
    lines: list[Line] = []
    with language(lang):
        name = localized(d.office_name_vi, d.office_name_en, lang)
        lines.append(Line("title", (_("One-stop desk summary report"),)))
        lines.append(Line("meta", (pgettext("dashboard", "Office"), name, d.office_code)))
        lines.append(Line("meta", (pgettext("dashboard", "From"), d.since, pgettext("dashboard", "To"), d.until)))
        lines.append(Line("meta", (_("Figures as of"), d.now.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M"))))

        def section(title: str, head: Sequence[str], rows: Iterable[Sequence[Cell]], *, total: bool = False) -> None:
            body = [tuple(r) for r in rows]
            lines.extend((Line("blank"), Line("section", (title,)), Line("header", tuple(head))))
            for i, r in enumerate(body):
                lines.append(Line("total" if total and i == len(body) - 1 else "data", r))

        k, s, total = d.dossiers, d.satisfaction, pgettext("dashboard", "Total")
        section(_("Key figures"), [pgettext("dashboard", "Indicator"), pgettext("dashboard", "Value")], [
            (_("Dossiers received"), k.received), (_("Dossiers resolved"), k.resolved),
            (_("Resolved on time"), k.on_time), (_("Resolved late"), k.late),
            (_("On-time rate (%)"), percent(k.on_time_rate)), (_("Dossiers refused"), k.rejected),
            (_("Dossiers withdrawn"), k.withdrawn), (pgettext("dashboard", "Overdue now"), k.overdue),
            (pgettext("dashboard", "Due today"), k.due_today),
            (pgettext("dashboard", "Tickets issued"), d.queue.total.tickets),
            (_("Tickets served"), d.queue.total.served), (_("Satisfied (%)"), percent(s.satisfied_share)),
        ])
        section(_("Dossiers by field"), field_headings(), [
            *((row_name(r, lang), r.received, r.resolved, r.on_time, r.late, percent(r.on_time_rate), r.rejected,
               r.withdrawn) for r in k.by_field),
            (total, k.received, k.resolved, k.on_time, k.late, percent(k.on_time_rate), k.rejected, k.withdrawn)],
            total=True)

        def q(label: str, r: QueueRow) -> tuple[Cell, ...]:
            return (label, r.tickets, r.served, r.no_show, r.transferred, r.wait_median_min, r.wait_p90_min,
                    r.service_median_min, r.service_p90_min)

        def head(group: str) -> list[str]:
            return [group_heading(group), tickets_heading(group), pgettext("dashboard", "Served"),
                    pgettext("dashboard", "No-show"), pgettext("dashboard", "Transferred"),
                    _("Median wait (min)"), _("90th percentile wait (min)"), _("Median service time (min)"),
                    _("90th percentile service time (min)")]

        section(_("Tickets by service"), head("service"),
                [q(row_name(r, lang), r) for r in d.queue.by_service] + [q(total, d.queue.total)], total=True)
        section(_("Tickets by counter"), head("counter"), [q(counter_label(r), r) for r in d.queue.by_counter])
        section(_("Tickets by officer"), head("clerk"), [q(r.name_vi, r) for r in d.queue.by_clerk])
        section(_("Citizen satisfaction"), [pgettext("dashboard", "Rating"), pgettext("dashboard", "Count"),
                                            pgettext("dashboard", "Share (%)")], [
            *((rating_label(r), getattr(s, r), percent(getattr(s, r) / s.total if s.total else None)) for r in RATINGS),
            (total, s.total, 100.0 if s.total else None),
        ], total=True)
        section(_("By day"), [pgettext("dashboard", "Date"), pgettext("dashboard", "Tickets issued"),
                              _("Average wait (min)"), _("Dossiers received"), _("Resolved on time"),
                              _("Resolved late")],
                [(x.day, x.tickets, x.avg_wait_min, x.dossiers_received, x.on_time, x.late) for x in d.days])
    return lines


# --- CSV -------------------------------------------------------------------------------------------

CSV_DIALECTS = {"vi": (";", ","), "en": (",", ".")}  # language -> (separator, decimal mark): see the module


def _csv_cell(value: Cell, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return repr(value).replace(".", decimal)  # the shortest form: 12.5, 93.0
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def dashboard_csv(d: Dashboard, lang: str = "vi") -> str:
    """The dashboard as CSV text for Excel in ``lang``'s locale (the module says why), with
    its byte-order mark: write it as UTF-8."""
    separator, decimal = CSV_DIALECTS[check_language(lang)]
    out = io.StringIO()
    w = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    for line in dashboard_table(d, lang):
        w.writerow([_csv_cell(v, decimal) for v in line.cells])
    return "\ufeff" + out.getvalue()


# --- XLSX ------------------------------------------------------------------------------------------


def dashboard_xlsx(d: Dashboard, lang: str = "vi") -> bytes:
    """The dashboard as an Excel workbook: one sheet, the same rows as the CSV, figures as
    numbers and dates as dates, titles and headers in bold, columns wide enough to read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    lines = dashboard_table(d, lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    with language(lang):
        sheet.title = pgettext("dashboard", "Report")[:31]  # Excel's limit for a sheet's name
    bold, big = Font(bold=True), Font(bold=True, size=14)
    widths: dict[int, int] = {}
    for row, line in enumerate(lines, start=1):
        for column, value in enumerate(line.cells, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            if line.kind == "title":
                cell.font = big
            elif line.kind in ("section", "header", "total"):
                cell.font = bold
            if line.kind not in ("title", "section"):  # a section's title may run over its row
                text = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value or "")
                widths[column] = max(widths.get(column, 0), len(text))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["CSV_DIALECTS", "Line", "dashboard_csv", "dashboard_table", "dashboard_xlsx"]
