"""A page's background requests: busy while one is out, and an old answer never shown
over a newer one (issue 17).

Every page asks the office database off the GUI thread (``ui/tasks.py``) and had typed
the same three things around each request: a busy flag (a double F2 must not call two
citizens), a request number so that a slow answer cannot overwrite a newer one, and the
``failure_words`` call for its error line. :class:`PageWork` is those three once.

Two guards, because pages need two:

* :class:`Newest` (the default): only the answer to the newest request counts. A search
  typed letter by letter, the dashboard's period, a detail: a newer request of the same
  kind makes an older answer void, failure included.
* :class:`NotOlder`: an answer is shown unless a newer one has already been shown. The
  queue panel's timer read and the clerk's moves both answer with the whole panel: a read
  asked before a move must not undo the move's answer, but a read still on its way when
  the clerk presses F2 is as good as any until the move answers.

One guard may be shared by several :class:`PageWork` (the queue's reads and moves): they
are one kind of answer, with two busy states. ``void()`` (the page is left) makes every
answer still on its way void; the busy state still ends when the task does, so a move
under way is never started twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ui.failures import failure_words
from ui.tasks import TaskRunner


class Guard(Protocol):
    def ask(self) -> int:
        """Number a new request."""

    def answers(self, seq: int) -> bool:
        """Whether the answer to request ``seq`` is still wanted (and, if so, it is shown)."""

    def fails(self, seq: int) -> bool:
        """Whether the failure of request ``seq`` is still worth saying."""

    def void(self) -> None:
        """Every answer still on its way is no longer wanted (the page was left)."""


class Newest:
    """Only the newest request's answer (or failure) counts."""

    def __init__(self) -> None:
        self.asked = 0

    def ask(self) -> int:
        self.asked += 1
        return self.asked

    def answers(self, seq: int) -> bool:
        return seq == self.asked

    def fails(self, seq: int) -> bool:
        return seq == self.asked

    def void(self) -> None:
        self.asked += 1


class NotOlder:
    """An answer counts unless a newer one has been shown already; a failure counts
    unless the page was left after it was asked."""

    def __init__(self) -> None:
        self.asked = 0
        self.shown = 0
        self.voided = 0

    def ask(self) -> int:
        self.asked += 1
        return self.asked

    def answers(self, seq: int) -> bool:
        if seq < self.shown or seq <= self.voided:
            return False
        self.shown = seq
        return True

    def fails(self, seq: int) -> bool:
        return seq > self.voided

    def void(self) -> None:
        self.voided = self.asked


class PageWork:
    """Runs one kind of request of a page through the page's :class:`TaskRunner`.

    ``on_busy(busy)`` is called when the first request goes out and when the last one
    comes back (a page enables its buttons there). ``unavailable`` gives the page's own
    sentence for an unreachable office database (asked for when the words are needed, so
    in the language of the moment); :meth:`words` turns an error into what the page says.
    """

    def __init__(self, tasks: TaskRunner, *, guard: Guard | None = None,
                 on_busy: Callable[[bool], None] | None = None,
                 unavailable: Callable[[], str] | None = None, citizen: bool = False, files: bool = False,
                 where: str = "") -> None:
        self.tasks = tasks
        self.guard: Guard = guard if guard is not None else Newest()
        self.on_busy = on_busy
        self.unavailable = unavailable
        self.citizen, self.files, self.where = citizen, files, where
        self.out = 0  # requests on their way, wanted or not

    @property
    def busy(self) -> bool:
        return self.out > 0

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None, **kwargs: Any) -> int:
        """Queue ``fn(*args, **kwargs)``; ``on_done(answer)`` or ``on_error(exc)`` run on
        the GUI thread only if the guard still wants them. Returns the request's number."""
        seq = self.guard.ask()
        self.out += 1
        if self.out == 1 and self.on_busy is not None:
            self.on_busy(True)
        self.tasks.run(fn, *args, on_done=lambda value: self._done(seq, value, on_done),
                       on_error=lambda exc: self._failed(seq, exc, on_error), **kwargs)
        return seq

    def void(self) -> None:
        self.guard.void()

    def words(self, exc: BaseException) -> str:
        """What the page says for ``exc`` (:func:`ui.failures.failure_words`)."""
        unavailable = self.unavailable() if self.unavailable is not None else ""
        return failure_words(exc, unavailable=unavailable, citizen=self.citizen, files=self.files,
                             where=self.where)

    def _settled(self) -> None:
        self.out -= 1
        if self.out == 0 and self.on_busy is not None:
            self.on_busy(False)

    def _done(self, seq: int, value: Any, on_done: Callable[[Any], None]) -> None:
        self._settled()
        if self.guard.answers(seq):
            on_done(value)

    def _failed(self, seq: int, exc: Exception, on_error: Callable[[Exception], None] | None) -> None:
        self._settled()
        if on_error is not None and self.guard.fails(seq):
            on_error(exc)


__all__ = ["Guard", "Newest", "NotOlder", "PageWork"]
