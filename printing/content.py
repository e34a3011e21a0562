"""What a printed document says, as plain data.

A document is built from one of these records, never from the database directly, so the
print queue can store the record (as JSON, :func:`to_data`) when the operation commits and
print — or reprint — exactly the same paper later, even after a restart. Strings coming
from data (office, service, procedure names) are already in the document's ``lang``; the
fixed labels are translated when the document is drawn.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


@dataclass(frozen=True)
class TicketContent:
    """A queue ticket (80 mm roll)."""

    lang: str
    office_name: str  # "UBND Phường Ba Đình"
    ticket_code: str  # "A015"
    service_name: str
    counters: tuple[int, ...]  # counters that serve this service now
    ahead: int  # people waiting before this ticket when printed
    wait_minutes: int | None  # estimate; None when there is nothing to estimate from
    issued_at: datetime  # aware
    token: str  # QR text (a signed ticket token)
    priority: str = ""  # priority reason shown on the ticket, "" for none
    guidance: str = ""  # office's own line; "" = the standard guidance line
    staffed: bool = True  # False: no clerk is signed in at a counter serving it (no wait is promised)


@dataclass(frozen=True)
class AppointmentSlipContent:
    """An appointment slip (phiếu hẹn), on the 80 mm roll or on A5.

    Handed over when a booking is made at the kiosk or the counter: when and where to come,
    what to bring, and the QR code the kiosk reads at check-in. ``procedure_name`` is ""
    when the booking named only a service; ``documents`` are the procedure's documents, one
    line each, in the catalogue's words."""

    lang: str
    paper: str  # "80mm" | "A5"
    office_name: str
    office_address: str
    office_phone: str
    appointment_code: str  # "LHX7K2MP", the code a citizen reads out on the phone
    service_name: str
    procedure_name: str  # "" when the booking names only a service
    procedure_code: str  # national code "1.001193", "" with no procedure
    window_start: datetime  # aware
    window_end: datetime  # aware
    masked_name: str  # "N. T. Mai"
    documents: tuple[str, ...]  # what to bring
    token: str  # QR text (a signed appointment token)
    issued_at: datetime  # aware; when the slip was made
    check_in_from: datetime | None = None  # the kiosk takes the code from ... (aware)
    check_in_until: datetime | None = None  # ... until
    office_parent: str = ""  # "UBND Thành phố Hà Nội", printed above the office on A5
    guidance: str = ""  # office's own line; "" = the standard guidance


# --- JSON form for the print queue -----------------------------------------------------------


def to_data(record: Any) -> dict[str, Any]:
    """A JSON-able dict of a content record (datetimes and dates as ISO strings)."""
    return {f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record)}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_data(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def from_data(cls: type[T], data: dict[str, Any]) -> T:
    """The record of type ``cls`` that :func:`to_data` wrote (unknown keys are ignored, so
    a job queued by an older version still prints)."""
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            kwargs[f.name] = _typed(hints[f.name], data[f.name])
    return cls(**kwargs)


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                return _typed(arg, value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_data(hint, value)
    if origin is tuple:
        inner = args[0] if args else Any
        return tuple(_typed(inner, v) for v in value)
    if origin is list:
        inner = args[0] if args else Any
        return [_typed(inner, v) for v in value]
    return value


__all__ = ["AppointmentSlipContent", "TicketContent", "field", "from_data", "to_data"]
