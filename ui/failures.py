"""Why something failed, told apart once for every screen (issue 17).

A failure on a screen is one of three things, and each needs different words:

* **refused** — an office rule said no (:class:`core.errors.MotcuaError` and its
  subclasses): the rule's own message, nothing else.
* **unavailable** — something the screen needs is not there: the office database, the
  printer, the scanner, the central server, a folder or a device. The words say what to
  do about it; it is not the program's fault, so no incident number.
* **unexpected** — anything else is a bug. Telling the clerk "the database cannot be
  reached" would send the office's IT person after a server that is fine; instead a short
  apology with an incident number (:mod:`core.incidents`) the clerk can read out, and the
  traceback in the log under that number.

:func:`failure_words` is what screens call from their ``on_error`` paths, giving the
sentence they say when the office database is unreachable (each screen knows what was
not saved and what to do next). :mod:`ui.tasks` numbers an unexpected error as soon as the
background task raises it, so it is logged exactly once, with its number, whether or not
a screen shows it later (and however often a redraw asks for the words again).
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
import time
from dataclasses import dataclass

from sqlalchemy import exc as sa_exc

from core import incidents
from core.errors import MotcuaError
from core.i18n import _
from local_db.outage import is_database_outage

log = logging.getLogger(__name__)

REFUSED, UNAVAILABLE, UNEXPECTED = "refused", "unavailable", "unexpected"

# What is unavailable (the second word of a Failure).
DATABASE, PRINTER, SCANNER, SERVER, FILE, DEVICE, RULE, BUG = (
    "database", "printer", "scanner", "server", "file", "device", "rule", "bug")

#: The scanning package's refusals that mean "the scanner is not there or not ready".
SCANNER_CODES = frozenset({"sane_missing", "scanner_timeout", "scanner_busy", "scanner_jammed",
                           "scanner_cover_open", "scanner_not_found", "scanner_failed", "feeder_empty"})

#: OSErrors that say a disk, folder, device or link is not usable right now, not that the
#: program asked for something wrong.
DEVICE_ERRNOS = frozenset({errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO, errno.ENODEV,
                           errno.ENXIO, errno.EBUSY, errno.ETIMEDOUT, errno.ECONNREFUSED, errno.ECONNRESET,
                           errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EDQUOT, errno.EAGAIN})

@dataclass(frozen=True)
class Failure:
    kind: str  # REFUSED, UNAVAILABLE or UNEXPECTED
    what: str  # RULE, DATABASE, PRINTER, SCANNER, SERVER, FILE, DEVICE or BUG
    incident: str | None = None  # UNEXPECTED only


def _is(exc: BaseException, module: str, name: str) -> bool:
    """``isinstance`` for a class of a package this process may not have loaded (the
    sync client pulls in requests): if the module is not loaded, ``exc`` is not one."""
    cls = getattr(sys.modules.get(module), name, None)
    return isinstance(cls, type) and isinstance(exc, cls)


def _kind(exc: BaseException, files: bool) -> tuple[str, str]:
    if _is(exc, "sync.client", "Unreachable"):
        return UNAVAILABLE, SERVER
    if isinstance(exc, MotcuaError):
        return (UNAVAILABLE, SCANNER) if exc.code in SCANNER_CODES else (REFUSED, RULE)
    if _is(exc, "printing.backends", "PrinterError"):
        return UNAVAILABLE, PRINTER
    if is_database_outage(exc):  # (a missing table is SQLAlchemy's OperationalError too: a bug)
        return UNAVAILABLE, DATABASE
    if isinstance(exc, OSError):
        if files:  # the screen reads or writes a file or folder the clerk chose
            return UNAVAILABLE, FILE
        if isinstance(exc, (ConnectionError, TimeoutError)) or exc.errno in DEVICE_ERRNOS:
            return UNAVAILABLE, DEVICE
    return UNEXPECTED, BUG


def classify(exc: BaseException, *, files: bool = False, where: str = "") -> Failure:
    """What kind of failure ``exc`` is; an unexpected one gets its incident number (and
    its traceback logged under it, the first time only)."""
    kind, what = _kind(exc, files)
    if kind == UNEXPECTED:
        return Failure(kind, what, incidents.note(exc, where or "unexpected error"))
    return Failure(kind, what)


def incident_words(number: str) -> str:
    """The apology staff see for a bug: short, with the number to read out."""
    return _("Sorry, something went wrong that should not have. Incident number {number}: please give it to "
             "the helpdesk.").format(number=number)


def failure_words(exc: BaseException, *, unavailable: str, citizen: bool = False, files: bool = False,
                  where: str = "") -> str:
    """What a screen says for ``exc``.

    ``unavailable`` is the screen's own sentence for an unreachable office database. A
    citizen (``citizen=True``, the kiosk) is never told about printers, scanners or
    incidents in detail: they get the screen's sentence, and for a bug the incident number
    after it so that the clerk they ask can report it. ``files``: the task read or wrote a
    file the person chose, so an OSError is about that file.
    """
    failure = classify(exc, files=files, where=where)
    if failure.kind == REFUSED:
        return exc.message if isinstance(exc, MotcuaError) else str(exc)
    if failure.kind == UNEXPECTED:
        number = failure.incident or ""
        if citizen:
            return unavailable + " " + _("(Error number {number}.)").format(number=number)
        return incident_words(number)
    if citizen or failure.what == DATABASE:
        return unavailable
    if failure.what in (PRINTER, SCANNER, SERVER):
        return str(getattr(exc, "message", "") or exc)
    reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
    if failure.what == FILE:
        return _("The file could not be read or written ({reason}). Check the folder and the disk, then try "
                 "again.").format(reason=reason)
    return _("A disk or a device of this computer cannot be used right now ({reason}). Check it, then try "
             "again.").format(reason=reason)


def database_outage(reason: str = "unable to open database file") -> Exception:
    """What SQLAlchemy raises when the office database is gone, for the tours' pictures of
    a screen's "database unavailable" state (a made-up RuntimeError would be a bug now)."""
    import sqlite3

    return sa_exc.OperationalError("SELECT 1", None, sqlite3.OperationalError(reason))


OUTAGE_LOG_S = 60.0  # the same outage is logged at most this often (a panel polls twice a second)
_outages: dict[tuple[str, str], float] = {}  # (task, error) -> when last logged
_outages_lock = threading.Lock()


def note_task_failure(exc: BaseException, task: str, *, handled: bool) -> None:
    """Called by :mod:`ui.tasks` on the worker thread as soon as a task raised: a bug is
    numbered and logged right away; an outage gets a line (once a minute at most, so
    the log says when the database, printer or scanner went away without filling the
    disk); a refusal is the screen's business, logged only when no screen handles it."""
    failure = classify(exc, where=f"background task {task}")
    if failure.kind == UNEXPECTED:
        return
    first_line = str(exc).splitlines()[0] if str(exc) else ""
    if failure.kind == UNAVAILABLE:
        key, now = (task, f"{type(exc).__name__}: {first_line}"), time.monotonic()
        with _outages_lock:
            if now - _outages.get(key, -OUTAGE_LOG_S) < OUTAGE_LOG_S:
                return
            _outages[key] = now
        log.warning("%s unavailable (background task %s): %s", failure.what, task, key[1])
        if len(_outages) > 256:
            _outages.clear()
    elif not handled:
        log.warning("background task %s refused: %s: %s", task, type(exc).__name__, first_line)


__all__ = ["BUG", "DATABASE", "DEVICE", "FILE", "PRINTER", "REFUSED", "RULE", "SCANNER", "SERVER", "UNAVAILABLE",
           "UNEXPECTED", "Failure", "classify", "database_outage", "failure_words", "incident_words",
           "note_task_failure"]
