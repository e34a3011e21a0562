"""Errors the office operations raise.

Every error carries a stable ``code`` (for screens and the sync protocol to map to a
translated message) and a plain message for logs and the command line. Screens never show
a traceback: they catch :class:`MotcuaError` and show the message for its code.
"""

from __future__ import annotations


class MotcuaError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.details = details

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class ValidationError(MotcuaError):
    """Bad input from a person: a wrong CCCD, a phone number that is not one, an empty name."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None, **details: object) -> None:
        super().__init__(message, code=code, field=field, **details)
        self.field = field


class DomainError(MotcuaError):
    """A rule of the office was broken: an illegal transition, a full slot, a closed window."""

    code = "domain"


class NotFound(DomainError):
    code = "not_found"


class TransitionError(DomainError):
    """A dossier, ticket or appointment cannot move that way from the state it is in."""

    code = "illegal_transition"


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
