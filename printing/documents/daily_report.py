"""The counter's daily report (A4 portrait): queue figures per service and the dossiers of
the day, with totals. An internal paper: names are printed in full."""

from __future__ import annotations

from collections import Counter

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from core.i18n import _, language, pgettext
from printing.documents import form_layout as fl
from printing.forms_content import DailyReportContent, DossierLine, ServiceLine

PAPER = "A4"


def _outcome(outcome: str) -> str:
    return {
        "received": pgettext("form", "Received"),
        "returned": pgettext("form", "Result returned"),
        "needs_supplement": _("Supplement requested"),
        "rejected": pgettext("form", "Refused"),
    }.get(outcome, outcome)


def _queue_table(content: DailyReportContent) -> Flowable:
    lines = content.services
    total = ServiceLine(
        service_name="", issued=sum(s.issued for s in lines), served=sum(s.served for s in lines),
        no_show=sum(s.no_show for s in lines), called=sum(s.called for s in lines),
        wait_seconds=sum(s.wait_seconds for s in lines), timed=sum(s.timed for s in lines),
        serve_seconds=sum(s.serve_seconds for s in lines),
    )

    def row(s: ServiceLine, name: str) -> tuple[str, ...]:
        return (name, str(s.issued), str(s.served), str(s.no_show), fl.duration(s.avg_wait_seconds),
                fl.duration(s.avg_serve_seconds))

    return fl.grid(
        PAPER,
        [pgettext("form", "Service"), _("Tickets issued"), pgettext("form", "Served"), pgettext("form", "No-show"), _("Average wait"), _("Average service time")],
        [row(s, s.service_name) for s in lines],
        widths=[30, 12, 12, 12, 17, 17],
        align="lccccc",
        total=row(total, pgettext("form", "Total")),
    )


def _dossier_table(content: DailyReportContent) -> Flowable:
    """Fees in two columns: due on a dossier received, collected on a result returned."""

    def due(d: DossierLine) -> int:
        return d.fee_vnd if d.outcome == "received" else 0

    def collected(d: DossierLine) -> int:
        return d.fee_vnd if d.outcome == "returned" else 0

    rows = [
        (str(i), fl.clock(d.at), d.code, d.applicant_name, d.procedure_name, _outcome(d.outcome),
         fl.money(due(d)) if due(d) else "", fl.money(collected(d)) if collected(d) else "")
        for i, d in enumerate(content.dossiers, start=1)
    ]
    return fl.grid(
        PAPER,
        [pgettext("form", "No."), pgettext("form", "Time"), pgettext("form", "Dossier code"), pgettext("form", "Applicant"), pgettext("form", "Procedure"), pgettext("form", "Outcome"),
         _("Fee due"), _("Fee collected")],
        rows,
        widths=[4, 6, 25.5, 19, 26, 10, 8.75, 8.75],
        align="cclllcrr",
        total=("", "", pgettext("form", "Total"), _("{count} dossiers").format(count=len(content.dossiers)), "", "",
               fl.money(sum(map(due, content.dossiers))), fl.money(sum(map(collected, content.dossiers)))),
    )


def daily_report_pdf(content: DailyReportContent) -> bytes:
    with language(content.lang):
        counts = Counter(d.outcome for d in content.dossiers)
        scope = []
        scope.append((pgettext("form", "Counter"), str(content.counter_number) if content.counter_number is not None
                      else _("all counters")))
        scope.append((pgettext("form", "Officer"), content.staff_name or _("all officers")))
        story: list[Flowable] = [
            fl.header(PAPER, content.issuer),
            fl.code_and_date(PAPER, "", content.issuer.place, content.printed_at),
            *fl.title(PAPER, _("DAILY REPORT OF THE RECEPTION AND RESULT RETURN DESK"),
                      _("Day {date}").format(date=fl.short_date(content.day))),
            fl.fields_row(PAPER, scope),
            fl.para(PAPER, fl.esc("I. " + _("Queue tickets")), "section"),
            _queue_table(content),
            fl.para(PAPER, fl.esc("II. " + pgettext("form", "Dossiers")), "section"),
            fl.fields_row(PAPER, [
                (pgettext("form", "Received"), str(counts["received"])),
                (pgettext("form", "Result returned"), str(counts["returned"])),
                (_("Supplement requested"), str(counts["needs_supplement"])),
                (pgettext("form", "Refused"), str(counts["rejected"])),
            ]),
            Spacer(1, 1.5 * mm),
            _dossier_table(content),
            Spacer(1, 2 * mm),
            fl.field(PAPER, _("Fees collected"), fl.money(content.fees_collected_vnd), bold=True),
            fl.para(PAPER, "<i>{}</i>".format(fl.esc(_("Printed at {when}").format(
                when=fl.moment(content.printed_at)))), "small"),
            fl.signatures(PAPER, [
                fl.Signer(_("HEAD OF THE DESK"), _("(Sign and write full name)")),
                fl.Signer(_("PREPARED BY"), _("(Sign and write full name)"), content.staff_name),
            ]),
        ]
        title = _("Daily report {date}").format(date=fl.short_date(content.day))
        return fl.build_pdf(PAPER, story, title=title)


__all__ = ["daily_report_pdf"]
