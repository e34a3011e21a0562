"""Is this exception the office database being unavailable, or a bug?

SQLAlchemy reports an unreachable server, a removed SQLite file and a missing table with
the same few classes, and a log or a screen must not mistake one for the other: an outage
is said plainly and retried; a bug gets an incident number (core/incidents.py). Shared by
the screens (ui/failures.py) and the background loops (the print worker, the sync agent)
that must not write a traceback twice a second while a server is down.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

# SQLite says DatabaseError when the file under it went bad (a disk away, a copy overwritten).
FILE_GONE = ("file is not a database", "disk image is malformed", "disk i/o error", "unable to open database",
             "database or disk is full", "readonly database")
# OperationalError also wraps SQLite's complaints about the SQL itself: a bug, or an old schema.
SQL_BUGS = ("no such table", "no such column", "syntax error", "has no column named", "undefined table",
            "undefined column")


def is_database_outage(exc: BaseException) -> bool:
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return not any(s in str(exc.orig or exc).lower() for s in SQL_BUGS)
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or any(s in str(exc.orig or exc).lower() for s in FILE_GONE)
    return False


def outage_words(exc: BaseException) -> str:
    """One line for a log: the driver's first line, not SQLAlchemy's paragraph."""
    text = str(getattr(exc, "orig", None) or exc)
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


__all__ = ["FILE_GONE", "SQL_BUGS", "is_database_outage", "outage_words"]
