"""How often one client address may try an enrollment code (issue 18).

A code is 12 characters of a 32-letter alphabet, far too many to guess; the limit is there
so that nobody can even try, and so that a script gone wrong at an office does not hammer
the centre. Every attempt counts, right or wrong, in its own transaction (web/limits.py: one
atomic upsert, shared by every worker); an office enrolling its devices stays far below it.
The centre has no sign-in of its own (its administration is ``motcua server`` on the
machine; staff sign in at their office), so enrollment is the only secret it is asked to check
that is not a long random credential.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import Request

from core.errors import DomainError
from sync.server.database import CentreDatabase
from sync.server.web import limits

ENROLL_IP = "enroll_ip"
WINDOW = timedelta(hours=1)


class TooManyAttempts(DomainError):
    """Over the per-address limit (HTTP 429, with Retry-After)."""

    code = "too_many_attempts"


def client_ip(request: Request) -> str:
    """The address uvicorn saw (it applies X-Forwarded-For only from --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


def count_enrollment(db: CentreDatabase, request: Request, *, limit: int, now: datetime) -> None:
    """Count one enrollment attempt of the request's address; :class:`TooManyAttempts` past ``limit``."""
    with db.write() as session:
        allowed = limits.hit(session, ENROLL_IP, client_ip(request), limit=limit, window=WINDOW, now=now)
    if not allowed:
        ends = limits.window_start(now, WINDOW) + WINDOW
        raise TooManyAttempts("too many enrollment attempts from this address; try again later",
                              retry_after=max(1, int((ends - now).total_seconds())))


__all__ = ["ENROLL_IP", "TooManyAttempts", "client_ip", "count_enrollment"]
