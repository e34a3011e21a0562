"""What the queue panel says in words (buttons and keys, the clock, notices, errors), shared by the page and its tour."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.i18n import _, pgettext
from core.working_calendar import to_office_time
from counter.keys import key_text, with_key
from counter.queue.model import (
    FINISHED,
    NO_SHOW,
    NOBODY_WAITING,
    TRANSFERRED,
    Notice,
    Transferred,
)
from ui.failures import failure_words

# action -> (its entry in the key map, the button's object name), in the order of the buttons
ACTIONS = {
    "call": ("queue.call", "queue-call"),
    "recall": ("queue.recall", "queue-recall"),
    "start": ("queue.start", "queue-start"),
    "finish": ("queue.finish", "queue-finish"),
    "no_show": ("queue.no_show", "queue-no-show"),
    "transfer": ("queue.transfer", "queue-transfer"),
    "intake": ("queue.intake", "queue-intake"),
}


def action_words(action: str) -> str:
    # Spelled out so the extractor sees each msgid.
    return {
        "call": pgettext("counter queue", "Call next"),
        "recall": pgettext("counter queue", "Call again"),
        "start": pgettext("counter queue", "Start serving"),
        "finish": pgettext("counter queue", "Finish"),
        "no_show": pgettext("counter queue", "Absent"),
        "transfer": pgettext("counter queue", "Transfer"),
        "intake": pgettext("counter queue", "Take in a dossier"),
    }[action]


def key_name(action: str) -> str:
    return key_text(ACTIONS[action][0])


def button_words(action: str) -> str:
    """The button's text: what it does and its key, e.g. "Gọi số tiếp (F2)"."""
    return with_key(action_words(action), ACTIONS[action][0])


def clock_words(delta: timedelta) -> str:
    """mm:ss, or h:mm:ss past an hour."""
    total = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def hhmm(moment: datetime) -> str:
    return to_office_time(moment).strftime("%H:%M")


def counter_words(number: int) -> str:
    return pgettext("counter queue", "Counter {number}").format(number=number)


def transferred_words(t: Transferred) -> str:
    if t.from_counter is not None and t.from_service:
        head = _("Sent here from counter {counter} ({service})").format(counter=t.from_counter,
                                                                         service=t.from_service)
    elif t.from_counter is not None:
        head = _("Sent here from counter {counter}").format(counter=t.from_counter)
    else:
        head = _("Sent here from the {service} queue").format(service=t.from_service)
    return head + ("\n" + _("Note: {note}").format(note=t.note) if t.note else "")


def notice_words(notice: Notice) -> tuple[str, str]:
    """(text, role) of what the last move has to say."""
    if notice.kind == NOBODY_WAITING:
        return _("Nobody is waiting for this counter right now."), "info"
    if notice.kind == FINISHED:
        return _("Ticket {code} is done.").format(code=notice.code), "ok"
    if notice.kind == NO_SHOW:
        return _("Ticket {code} was marked absent.").format(code=notice.code), "ok"
    if notice.kind == TRANSFERRED:
        if notice.to_counter is not None and notice.to_service:
            text = _("Ticket {code} was sent to counter {counter}, {service} queue.")
        elif notice.to_counter is not None:
            text = _("Ticket {code} was sent to counter {counter}.")
        else:
            text = _("Ticket {code} was sent to the {service} queue.")
        return text.format(code=notice.code, counter=notice.to_counter, service=notice.to_service), "ok"
    return "", "hint"


def error_words(exc: Exception) -> str:
    """A failed move in the clerk's words: the operation's own message for an office rule,
    a plain sentence when the database could not be reached."""
    return failure_words(exc, unavailable=_(
        "The action could not be saved: the office database cannot be reached. Please try again."))



__all__ = ["ACTIONS", "action_words", "button_words", "clock_words", "counter_words", "error_words", "hhmm",
           "key_name", "notice_words", "transferred_words"]
