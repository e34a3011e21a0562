"""The queue ticket on the 80 mm roll, as a PDF.

What a citizen reads, top to bottom: whose office this is (small), the number (as big as
the paper allows), the queue and the counters that call it, how many people are ahead and
roughly how long that takes, when the number was taken, the QR code that shows their place
on a phone or at the kiosk, and one line of guidance. The page is as long as that content
(see :mod:`printing.documents.roll`).

Another helper prints the same :class:`~printing.content.TicketContent` natively on ESC/POS
printers; this PDF is what a driver-based printer, the preview and the archive get.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from core.i18n import _, language
from printing.content import TicketContent
from printing.documents.roll import (
    BOLD,
    ITALIC,
    REGULAR,
    TA_CENTER,
    BigText,
    Rule,
    banner,
    local,
    para,
    roll_pdf,
    style,
    text,
)
from printing.qr_image import QrFlowable

QR_SIZE = 30 * mm  # quiet zone included; ~0.5 mm modules, 4 dots each at 203 dpi
NUMBER_SIZE = 80  # points, for a four-character code; longer codes get smaller

_OFFICE = style("ticket-office", size=9.5, leading=12, font=BOLD, align=TA_CENTER)
_CAPTION = style("ticket-caption", size=8.5, font=REGULAR, align=TA_CENTER, before=1.5 * mm)
_SERVICE = style("ticket-service", size=13, leading=16, font=BOLD, align=TA_CENTER, before=1 * mm)
_COUNTERS = style("ticket-counters", size=10.5, leading=13.5, font=REGULAR, align=TA_CENTER, before=1 * mm)
_PRIORITY = style("ticket-priority", size=10, leading=12.5, font=BOLD, align=TA_CENTER, before=1 * mm,
                  after=0.5 * mm)
_LINE = style("ticket-line", size=10, leading=13, font=REGULAR, align=TA_CENTER, after=0.5 * mm)
_SMALL = style("ticket-small", size=8.5, leading=11, font=REGULAR, align=TA_CENTER, before=1 * mm)
_QR_NOTE = style("ticket-qr-note", size=8, leading=10, font=REGULAR, align=TA_CENTER, after=0.5 * mm)
_GUIDE = style("ticket-guide", size=8.5, leading=11, font=ITALIC, align=TA_CENTER)


def wait_text(minutes: int) -> str:
    """``about 15 minutes`` / ``about 1 h 20 min`` in the current language."""
    if minutes < 60:
        return _("about {minutes} minutes").format(minutes=minutes)
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return _("about {hours} h").format(hours=hours)
    return _("about {hours} h {minutes} min").format(hours=hours, minutes=rest)


def no_counter_text() -> str:
    """Instead of the counters and the wait, when no clerk is at a counter serving the
    queue: a promise nobody keeps is worse than none."""
    return _("No counter is serving this right now. Please ask the staff at the reception.")


def counters_text(counters: tuple[int, ...]) -> str:
    """Where the number will be called, in the current language (markup: numbers in bold)."""
    if not counters:
        return text(_("A staff member will show you to your counter."))
    numbers = ", ".join(f"<b>{n}</b>" for n in counters)
    if len(counters) == 1:
        return text(_("Served at counter {numbers}")).format(numbers=numbers)
    return text(_("Served at counters {numbers}")).format(numbers=numbers)


def ahead_text(ahead: int) -> str:
    """People ahead, in the current language (markup: the count in bold)."""
    if ahead <= 0:
        return text(_("Nobody is waiting ahead of you."))
    if ahead == 1:
        return text(_("{n} person is waiting ahead of you.")).format(n="<b>1</b>")
    return text(_("{n} people are waiting ahead of you.")).format(n=f"<b>{ahead}</b>")


def ticket_flowables(content: TicketContent) -> list[Flowable]:
    """The ticket's pieces, top to bottom, in the current language."""
    issued = local(content.issued_at)
    parts: list[Flowable] = [
        para(content.office_name, _OFFICE),
        Rule(thickness=0.5, before=2 * mm, after=0),
        para(_("QUEUE NUMBER"), _CAPTION),
        BigText(content.ticket_code, max_size=NUMBER_SIZE, pad=2 * mm),
    ]
    if content.priority:
        parts.append(banner(_("Priority: {reason}").format(reason=content.priority), _PRIORITY))
    parts += [
        para(content.service_name, _SERVICE),
        Paragraph(counters_text(content.counters) if content.staffed else text(no_counter_text()), _COUNTERS),
        Rule(thickness=0.5, dash=(2, 2), before=2.5 * mm, after=2.5 * mm),
        Paragraph(ahead_text(content.ahead), _LINE),
    ]
    if content.staffed and content.wait_minutes is not None and content.ahead > 0:
        parts.append(Paragraph(
            text(_("Estimated wait: {wait}")).format(wait=f"<b>{text(wait_text(content.wait_minutes))}</b>"), _LINE))
    parts.append(para(_("Taken at {time} on {date}").format(time=f"{issued:%H:%M}", date=f"{issued:%d/%m/%Y}"),
                      _SMALL))
    parts += [
        QrFlowable(content.token, QR_SIZE, before=1.5 * mm),
        para(_("Scan the code to see your place in the queue."), _QR_NOTE),
        Rule(thickness=0.5, dash=(2, 2), before=1.5 * mm, after=2 * mm),
        para(content.guidance or _("Please watch the screen and listen for your number. "
                                   "This number is valid today only."), _GUIDE),
    ]
    return parts


def ticket_pdf(content: TicketContent) -> bytes:
    """The ticket as a one-page PDF, 80 mm wide and as long as it needs to be."""
    with language(content.lang):
        return roll_pdf(ticket_flowables(content), title=_("Queue ticket {code}").format(code=content.ticket_code),
                        subject=content.office_name)


__all__ = ["ticket_flowables", "ticket_pdf", "wait_text"]
