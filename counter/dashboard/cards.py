"""The dashboard's headline figures: one card per figure, the on-time rate the largest."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QSizePolicy

from core.i18n import _, ngettext, pgettext
from counter.dashboard.words import count_words, minutes_words, percent_words
from local_db.ops.dashboard import Dashboard
from ui.parts import label, vbox
from ui.theme import set_role

# key -> the card's object name suffix, in the order of the grid beside the on-time rate
CARDS = ("tickets", "wait", "received", "overdue", "due_today", "satisfied")


class Card(QFrame):
    """A headline figure: what it is, the number, and a line that says more."""

    def __init__(self, key: str, *, big: bool = False) -> None:
        super().__init__()
        set_role(self, "panel")
        self.setObjectName(f"dashboard-card-{key}")
        self.caption = label(role="subtitle", name=f"dashboard-caption-{key}")
        self.value = label(role="huge" if big else "big", wrap=False, name=f"dashboard-{key}")
        self.detail = label(role="hint", name=f"dashboard-detail-{key}")
        layout = vbox(self, [self.caption, self.value, self.detail], margin=10, spacing=2)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def show_figure(self, caption: str, value: str, detail: str) -> None:
        self.caption.setText(caption)
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))


def fill_cards(rate: Card, cards: dict[str, Card], d: Dashboard) -> None:
    """The period's figures on the on-time rate card and on the others (keyed as CARDS)."""
    k, q, s = d.dossiers, d.queue.total, d.satisfaction
    if k.resolved:
        rate_detail = _("{on_time} of {resolved} dossiers resolved").format(
            on_time=count_words(k.on_time), resolved=count_words(k.resolved))
        rate_detail += "\n" + pgettext("counter dashboard", "Resolved late: {n}").format(n=count_words(k.late))
    else:
        rate_detail = pgettext("counter dashboard", "No dossier was resolved in this period.")
    rate.show_figure(pgettext("counter dashboard", "Share of dossiers resolved on time"),
                     percent_words(k.on_time_rate), rate_detail)
    cards["tickets"].show_figure(
        pgettext("dashboard", "Tickets issued"), count_words(q.tickets),
        pgettext("counter dashboard", "Served {served} · absent {no_show}").format(
            served=count_words(q.served), no_show=count_words(q.no_show)))
    cards["wait"].show_figure(
        _("Median wait"), minutes_words(q.wait_median_min),
        pgettext("counter dashboard", "Nine in ten waited at most {minutes}").format(
            minutes=minutes_words(q.wait_p90_min)) if q.wait_p90_min is not None else
        pgettext("counter dashboard", "No ticket was called in this period."))
    cards["received"].show_figure(
        _("Dossiers received"), count_words(k.received),
        pgettext("counter dashboard", "Refused {rejected} · withdrawn {withdrawn}").format(
            rejected=count_words(k.rejected), withdrawn=count_words(k.withdrawn)))
    cards["overdue"].show_figure(
        pgettext("dashboard", "Overdue now"), count_words(k.overdue),
        pgettext("counter dashboard", "Open dossiers past their due date"))
    cards["due_today"].show_figure(
        pgettext("dashboard", "Due today"), count_words(k.due_today),
        pgettext("counter dashboard", "Open dossiers due by the end of today"))
    if s.total:
        detail = ngettext("{n} rating", "{n} ratings", s.total).format(n=count_words(s.total))
        detail += " · " + pgettext("counter dashboard", "{n} unsatisfied").format(n=count_words(s.unsatisfied))
    else:
        detail = pgettext("counter dashboard", "No rating in this period.")
    cards["satisfied"].show_figure(_("Satisfaction rate"), percent_words(s.satisfied_share), detail)
    # said in words as well as by the number: an overdue dossier is the supervisor's to chase
    set_role(cards["overdue"].value, "big")


__all__ = ["CARDS", "Card", "fill_cards"]
