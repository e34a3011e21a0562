"""The statuses of a queue ticket (docs/ARCHITECTURE.md §4), named once.

``waiting -> called -> serving -> done``, or ``called -> no_show``; a transfer puts a
waiting, called or serving ticket back to ``waiting``. The moves themselves are
local_db/ops/queue.py's. The values are what the database stores and the sync protocol
carries (``from_state``/``to_state``), so they never change.
"""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"


T = TicketStatus

#: The counter's current ticket: called to it and not yet finished.
AT_COUNTER: tuple[TicketStatus, ...] = (T.CALLED, T.SERVING)
#: Tickets a counter has called, whatever became of them.
WAS_CALLED: tuple[TicketStatus, ...] = (T.CALLED, T.SERVING, T.DONE, T.NO_SHOW)
#: Tickets whose citizen has been dealt with: nothing more can happen to them.
FINISHED: frozenset[TicketStatus] = frozenset({T.DONE, T.NO_SHOW})
