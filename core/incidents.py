"""Incident numbers: how an unexpected error becomes something a clerk can read out.

A bug in the field must not look like anything else (a database outage, a refused rule):
the person in front of it gets a short apology and a number such as ``K7RM3X``, the log
gets the traceback under the same number, and the city's helpdesk finds one from the
other. The number is six characters from an alphabet without look-alikes (no 0/O, 1/I/L,
2/Z, 5/S, 8/B, 6/G), so it survives being read aloud over the phone or copied by hand.

An exception is numbered once: the first place that meets it (the background task that
raised it, the screen that shows it, the server's error handler) logs it, every later
place gets the same number back and logs nothing. So an error is in the log exactly once,
however many screens or redraws show it. The same bug raised again and again (a board
polling twice a second into the same broken query) keeps its first number for a while:
one traceback in the log, then a short "again" line at most once a minute.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import traceback
from dataclasses import dataclass

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
LENGTH = 6
LOGGER = "motcua.incident"

_ATTRIBUTE = "_motcua_incident"
_lock = threading.Lock()
REPEAT_WINDOW_S = 600.0  # the same bug within this time keeps its number
REPEAT_LOG_S = 60.0  # and says "again" at most this often


@dataclass
class _Seen:
    number: str
    first: float
    last_logged: float
    count: int = 1


_recent: dict[tuple[str, str, str], _Seen] = {}


def new_number() -> str:
    """A fresh incident number; random (not a counter) so that devices never collide."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def number_of(exc: BaseException) -> str | None:
    """The number ``exc`` was given, if it was noted already."""
    value = getattr(exc, _ATTRIBUTE, None)
    return value if isinstance(value, str) else None


def note(exc: BaseException, what: str = "unexpected error", *, logger: logging.Logger | None = None) -> str:
    """Give ``exc`` its incident number and log its traceback under it, once.

    ``what`` says where it happened ("background task take_ticket"). A second call with
    the same exception returns the same number and logs nothing.
    """
    logger = logger or logging.getLogger(LOGGER)
    key = _key(exc)
    now = time.monotonic()
    with _lock:
        number = number_of(exc)
        if number is not None:
            return number
        seen = _recent.get(key)
        repeat = seen is not None and now - seen.first < REPEAT_WINDOW_S
        say_again, count = False, 1
        if seen is not None and repeat:
            number = seen.number
            seen.count += 1
            count = seen.count
            say_again = now - seen.last_logged >= REPEAT_LOG_S
            if say_again:
                seen.last_logged = now
        else:
            number = new_number()
            _recent[key] = _Seen(number, now, now)
            if len(_recent) > 256:
                _recent.pop(next(iter(_recent)))
        try:
            setattr(exc, _ATTRIBUTE, number)
        except (AttributeError, TypeError):  # an exception type with __slots__: logged each time, still numbered
            pass
    if repeat:
        if say_again:
            logger.error("incident %s again (%d times so far): %s: %s: %s", number, count, what, type(exc).__name__,
                         exc, extra={"incident": number})
        return number
    logger.error("incident %s: %s: %s: %s", number, what, type(exc).__name__, exc,
                 exc_info=(type(exc), exc, exc.__traceback__), extra={"incident": number})
    return number


def _key(exc: BaseException) -> tuple[str, str, str]:
    """The same bug: same type, same message, raised at the same line."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return type(exc).__qualname__, str(exc)[:200], where


__all__ = ["ALPHABET", "LENGTH", "LOGGER", "new_number", "note", "number_of"]
