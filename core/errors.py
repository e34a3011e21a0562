"""Errors the office operations raise.

Every error carries a stable ``code`` (for screens and the sync protocol to map to a
translated message) and a message. Screens never show a traceback: they catch
:class:`MotcuaError` and show its :attr:`~MotcuaError.message`.

When is the message translated? When it is *read*, not when it is raised. A raise site
passes ``lazy_gettext("English msgid {value}", value=...)``: the error keeps the msgid and
its values, and ``.message`` (and ``str(exc)``) renders them in the language current
where it is read. An operation runs in a pool thread, in the sync agent or at the centre,
none of which knows which screen will show its error nor in which language; translating
at the raise would freeze whatever language that thread had (Vietnamese, the default) and
an English counter would read Vietnamese. Rendering late costs nothing and reads right
everywhere. ``.english`` gives the untranslated text for logs and developers.

Text stored as data (the reason of an op the centre refused, a sync notice, a print job's
last error) is rendered once, at the boundary where it is stored, in the storing
process's language (Vietnamese, the office's language, unless that process was switched):
it is shown to the office's staff later, from the database, and the ``code`` stored or
sent beside it stays the machine-readable part. A plain ``str`` message is still
accepted (programmer errors that no citizen or clerk should ever see) and shown as is.
"""

from __future__ import annotations

from core.i18n import LazyText


class MotcuaError(Exception):
    code = "error"

    def __init__(self, message: str | LazyText, *, code: str | None = None, **details: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.details = details

    @property
    def message(self) -> str:
        """The message in the current language (the language of whoever reads it)."""
        return str(self.args[0]) if self.args else self.code

    @property
    def english(self) -> str:
        """The message in English, whatever the current language (logs, developers)."""
        text = self.args[0] if self.args else self.code
        return text.render("en") if isinstance(text, LazyText) else str(text)

    def __str__(self) -> str:
        return self.message


class ValidationError(MotcuaError):
    """Bad input from a person: a wrong CCCD, a phone number that is not one, an empty name."""

    code = "invalid"

    def __init__(self, message: str | LazyText, *, field: str | None = None, code: str | None = None,
                 **details: object) -> None:
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
