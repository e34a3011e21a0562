"""The supervisor's dashboard on A4 paper: the period's key figures with the on-time rate
the city reports set apart at the top, then dossiers by field, tickets by service, counter
and clerk, the citizens' ratings and the days. An internal paper: names print in full.

Like the daily report, it is drawn from a content record, never from the database: the
record carries the whole :class:`~local_db.ops.dashboard.Dashboard` (names in both
languages, no ids), so the print queue stores it as JSON and a reprint is the same paper.
What each figure counts is written in local_db/ops/dashboard.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session

from core.i18n import _, check_language, current_language, language, pgettext
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
from local_db.ops.dossier_info import utc_now
from local_db.ops.feedback import RATINGS
from printing.documents import form_layout as fl
from printing.fonts import BOLD, REGULAR
from printing.forms_content import Issuer

PAPER = "A4"


@dataclass(frozen=True)
class DashboardReportContent:
    """The dashboard report (A4): one dashboard, printed in ``lang``."""

    lang: str
    issuer: Issuer
    printed_at: datetime
    dashboard: Dashboard
    prepared_by: str = ""  # the supervisor's full name under "PREPARED BY"; "" = handwritten


def dashboard_report_content(session: Session, dashboard: Dashboard, *, lang: str = "vi",
                             printed_at: datetime | None = None, prepared_by: str = "") -> DashboardReportContent:
    """The record to print (or queue) for a dashboard already computed."""
    from printing.dossier_source import (
        issuer_for,  # the forms' source: loaded with the forms only
    )

    check_language(lang)
    return DashboardReportContent(lang=lang, issuer=issuer_for(session, dashboard.office_code, lang),
                                  printed_at=utc_now(printed_at), dashboard=dashboard, prepared_by=prepared_by)


# --- numbers ------------------------------------------------------------------------------------


def _number(value: float | None, decimals: int = 1) -> str:
    """12,5 in Vietnamese, 12.5 in English; "–" for no value."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if current_language() == "vi" else text


def _percent(share: float | None) -> str:
    value = percent(share)
    return "–" if value is None else _number(value) + "%"


def _count(value: int) -> str:
    """1.075 in Vietnamese, 1,075 in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if current_language() == "vi" else text


# --- blocks ---------------------------------------------------------------------------------------


def _highlight(d: Dashboard) -> Flowable:
    """The on-time rate, large, beside the period's key figures, in one ruled box."""
    st = fl.styles(PAPER)
    width = fl.PAPERS[PAPER].width
    k = d.dossiers
    label = ParagraphStyle("rate_label", parent=st.cell_head, fontSize=9, leading=11.5)
    big = ParagraphStyle("rate", fontName=BOLD, fontSize=30, leading=34, alignment=TA_CENTER, spaceBefore=3,
                         spaceAfter=3)
    note = ParagraphStyle("rate_note", parent=st.cell_center, fontName=REGULAR)
    left = [
        Paragraph(fl.esc(_("RATE OF DOSSIERS RESOLVED ON TIME")), label),
        Paragraph(fl.esc(_percent(k.on_time_rate)), big),
        Paragraph(fl.esc(_("{on_time} of {resolved} dossiers resolved").format(
            on_time=_count(k.on_time), resolved=_count(k.resolved))), note),
    ]
    q, s = d.queue.total, d.satisfaction
    pairs = [
        (_("Dossiers received"), _count(k.received)), (pgettext("dashboard", "Tickets issued"), _count(q.tickets)),
        (_("Dossiers resolved"), _count(k.resolved)), (_("Tickets served"), _count(q.served)),
        (_("Resolved on time"), _count(k.on_time)), (_("Median wait"), _minutes(q.wait_median_min)),
        (_("Resolved late"), _count(k.late)), (_("Median service time"), _minutes(q.service_median_min)),
        (pgettext("dashboard", "Overdue now"), _count(k.overdue)), (_("Ratings received"), _count(s.total)),
        (pgettext("dashboard", "Due today"), _count(k.due_today)), (_("Satisfaction rate"), _percent(s.satisfied_share)),
    ]
    cells = [Paragraph(f"{fl.esc(name)}: <b>{fl.esc(value)}</b>", st.cell) for name, value in pairs]
    inner_width = width * 0.62 - 8  # the box cell's own padding
    inner = Table([cells[i:i + 2] for i in range(0, len(cells), 2)], colWidths=[inner_width * 0.44, inner_width * 0.56])
    inner.setStyle(TableStyle([
        fl.FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]))
    box = Table([[left, inner]], colWidths=[width * 0.38, width * 0.62])
    box.setStyle(TableStyle([
        fl.FONT,
        ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
        ("LINEAFTER", (0, 0), (0, 0), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (0, 0), colors.Color(0.93, 0.93, 0.93)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return box


def _minutes(value: float | None) -> str:
    return "–" if value is None else pgettext("dashboard", "{minutes} min").format(minutes=_number(value))


def _section(title: str, table: Flowable, *, long: bool = False) -> list[Flowable]:
    """A numbered heading on the page of its table. A short table moves whole to the next
    page rather than split; a long one (the days of a year) starts where there is room for
    its first rows and runs on, its header repeated."""
    heading = fl.para(PAPER, f"<b>{fl.esc(title)}</b>", "section")
    if long:
        return [CondPageBreak(30 * mm), heading, table]
    return [KeepTogether([heading, table])]


def _field_table(d: Dashboard) -> Flowable:
    k = d.dossiers
    lang = current_language()
    rows = [(row_name(r, lang), _count(r.received), _count(r.resolved), _count(r.on_time), _count(r.late),
             _percent(r.on_time_rate), _count(r.rejected), _count(r.withdrawn)) for r in k.by_field]
    total = (pgettext("dashboard", "Total"), _count(k.received), _count(k.resolved), _count(k.on_time),
             _count(k.late), _percent(k.on_time_rate), _count(k.rejected), _count(k.withdrawn))
    return fl.grid(PAPER, field_headings(with_units=False), rows, widths=[28, 11, 12, 11, 11, 12, 11, 13], align="lccccccc", total=total)


def _queue_table(group: str, rows: list[tuple[str, QueueRow]], total: QueueRow | None = None) -> Flowable:
    """Like form_layout.grid, with a two-row header: the waits and service times each
    under their own heading, split into median and 90th percentile."""
    st = fl.styles(PAPER)

    def cells(label: str, r: QueueRow) -> list[str]:
        return [label, _count(r.tickets), _count(r.served), _count(r.no_show), _count(r.transferred),
                _number(r.wait_median_min), _number(r.wait_p90_min), _number(r.service_median_min),
                _number(r.service_p90_min)]

    def head(text: str) -> Paragraph:
        return Paragraph(fl.esc(text), st.cell_head)

    median, p90 = pgettext("dashboard", "Median"), pgettext("dashboard", "90th percentile")
    data: list[list[Flowable | str]] = [
        [head(group_heading(group)), head(tickets_heading(group)), head(pgettext("dashboard", "Served")),
         head(pgettext("dashboard", "No-show")), head(pgettext("dashboard", "Transferred")),
         head(pgettext("dashboard", "Waiting time")), "", head(pgettext("dashboard", "Service time")), ""],
        ["", "", "", "", "", head(median), head(p90), head(median), head(p90)],
    ]
    body = [cells(label, r) for label, r in rows]
    if total is not None:
        body.append(cells(pgettext("dashboard", "Total"), total))
    for i, values in enumerate(body):
        bold = total is not None and i == len(body) - 1
        data.append([Paragraph(f"<b>{fl.esc(v)}</b>" if bold else fl.esc(v), st.cell if c == 0 else st.cell_center)
                     for c, v in enumerate(values)])
    widths = [21, 10, 10, 10, 14, 11, 11, 11, 11]
    scale = fl.PAPERS[PAPER].width / sum(widths)
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=2)
    table.setStyle(TableStyle([
        fl.FONT,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BACKGROUND", (0, 0), (-1, 1), colors.Color(0.92, 0.92, 0.92)),
        *(("SPAN", (c, 0), (c, 1)) for c in range(5)),
        ("SPAN", (5, 0), (6, 0)),
        ("SPAN", (7, 0), (8, 0)),
    ]))
    return table


def _satisfaction_table(d: Dashboard) -> Flowable:
    s = d.satisfaction
    share = (lambda n: _percent(n / s.total)) if s.total else (lambda n: "–")
    rows = [(rating_label(r), _count(getattr(s, r)), share(getattr(s, r))) for r in RATINGS]
    return fl.grid(PAPER, [pgettext("dashboard", "Rating"), pgettext("dashboard", "Count"), pgettext("dashboard", "Share")], rows, widths=[50, 25, 25], align="lcc",
                   total=(pgettext("dashboard", "Total"), _count(s.total), "100%" if s.total else "–"))


def _days_table(d: Dashboard) -> Flowable | None:
    days = [x for x in d.days if x.tickets or x.dossiers_received or x.on_time or x.late]
    if not days:
        return None
    rows = [(fl.short_date(x.day), _count(x.tickets), _number(x.avg_wait_min), _count(x.dossiers_received),
             _count(x.on_time), _count(x.late)) for x in days]
    head = [pgettext("dashboard", "Date"), pgettext("dashboard", "Tickets issued"), _("Average wait (min)"),
            _("Dossiers received"), _("Resolved on time"), _("Resolved late")]
    return fl.grid(PAPER, head, rows, widths=[16, 14, 16, 16, 16, 16], align="cccccc")


def dashboard_report_pdf(content: DashboardReportContent) -> bytes:
    d = content.dashboard
    with language(content.lang):
        lang = content.lang
        if d.since == d.until:
            period = _("Day {date}").format(date=fl.short_date(d.since))
        else:
            period = _("From {since} to {until}").format(since=fl.short_date(d.since), until=fl.short_date(d.until))
        q = d.queue
        days = _days_table(d)
        story: list[Flowable] = [
            fl.header(PAPER, content.issuer),
            fl.code_and_date(PAPER, "", content.issuer.place, content.printed_at),
            *fl.title(PAPER, _("SUMMARY REPORT ON RECEIVING AND RESOLVING DOSSIERS"), period)[:-1],
            fl.italic(PAPER, _("Figures as of {when}").format(when=fl.moment(d.now)), "subtitle"),
            Spacer(1, 2 * mm),
            _highlight(d),
            *_section("I. " + _("Dossiers by field"), _field_table(d)),
            *_section("II. " + _("Tickets by service (times in minutes)"),
                      _queue_table("service", [(row_name(r, lang), r) for r in q.by_service], q.total)),
            *_section("III. " + _("Tickets by counter (times in minutes)"),
                      _queue_table("counter", [(counter_label(r), r) for r in q.by_counter])),
            *_section("IV. " + _("Tickets by officer (times in minutes)"),
                      _queue_table("clerk", [(r.name_vi, r) for r in q.by_clerk])),
            *_section("V. " + _("Citizen satisfaction"), _satisfaction_table(d)),
        ]
        if days is not None:
            story += _section("VI. " + _("Activity by day"), days, long=True)
        story += [
            Spacer(1, 2 * mm),
            fl.italic(PAPER, _(
                "On time: the result was ready no later than the legal due moment (a supplement restarts it; "
                "a new date given with an apology does not move it). The on-time rate is on time divided by "
                "resolved; refused and withdrawn dossiers are not counted in it. Overdue and due today: open "
                "dossiers at the moment of the figures. Wait: from taking the number to the first call; "
                "service: from the start to the end of service; 90th percentile: nine in ten waited or were "
                "served no longer than this."), "small"),
            fl.para(PAPER, "<i>{}</i>".format(fl.esc(_("Printed at {when}").format(
                when=fl.moment(content.printed_at)))), "small"),
            fl.signatures(PAPER, [
                fl.Signer(_("HEAD OF THE DESK"), _("(Sign and write full name)")),
                fl.Signer(_("PREPARED BY"), _("(Sign and write full name)"), content.prepared_by),
            ]),
        ]
        title = _("Summary report {since} - {until}").format(since=fl.short_date(d.since),
                                                              until=fl.short_date(d.until))
        return fl.build_pdf(PAPER, story, title=title)


__all__ = ["DashboardReportContent", "dashboard_report_content", "dashboard_report_pdf"]
