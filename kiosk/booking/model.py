"""Booking an appointment at the kiosk, Qt-free: the procedure, the day, the slot, the
citizen's name and phone, and the booking with its printed slip.

Bookings made here use the slot's OFFICE quota (source "kiosk"); the online portal has its
own. The appointment and its slip's print job are written in ONE transaction, like the
queue ticket: when the code shows on screen, the paper is owed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from core.citizen import mask_phone, normalize_phone
from core.errors import QuotaExceeded, ValidationError
from core.i18n import _, current_language, language, localized
from core.text import clean_name, fold, mask_name
from core.working_calendar import to_office_time
from kiosk.context import KioskContext
from local_db.office_settings import calendar_for, office_today
from local_db.ops import appointments, catalog
from local_db.ops.citizens import CitizenInput
from local_db.ops.slots import list_slots
from printing.roll_source import appointment_slip_content
from printing.spool import queue_document

BOOKING_DAYS = 7  # working days offered, today included
MAX_NAME = 100
SOURCE = "kiosk"
SIDE = "office"


@dataclass(frozen=True)
class ProcedureChoice:
    code: str
    name: str  # in the current language
    field: str
    service_code: str
    service_name: str


@dataclass(frozen=True)
class DayChoice:
    day: date
    slots: int       # slots offered to the office side that day
    free: int        # places still free in slots not yet over

    @property
    def open(self) -> bool:
        return self.free > 0


@dataclass(frozen=True)
class SlotChoice:
    id: uuid.UUID
    day: date
    start: time
    end: time
    free: int
    past: bool       # the slot is already over (today)

    @property
    def bookable(self) -> bool:
        return self.free > 0 and not self.past


@dataclass(frozen=True)
class Booked:
    appointment_id: uuid.UUID
    code: str
    procedure_name: str
    service_name: str
    day: date
    start: time
    end: time
    name_masked: str
    phone_masked: str
    print_job_id: uuid.UUID


class BookingError(Exception):
    """A refusal the citizen can act on: ``message`` is in the current language, ``field``
    says what to fix ("name", "phone", "slot", "procedure")."""

    def __init__(self, message: str, field: str, code: str) -> None:
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


def _pick(lang: str, vi: str, en: str) -> str:
    return localized(vi, en, lang)


# -- procedures ----------------------------------------------------------------------------
def search_procedures(ctx: KioskContext, query: str = "", lang: str | None = None) -> list[ProcedureChoice]:
    """Active procedures whose name or code holds every word of ``query``, folded (no
    diacritics needed: "khai sinh" finds "Đăng ký khai sinh"); names starting with the
    query first, then alphabetical. ``lang``: the screen's language (pool threads do not
    inherit it), by default the current one."""
    lang = lang or current_language()
    words = fold(query).split()
    with ctx.db.read() as s:
        rows = catalog.active_procedures(s, ctx.office_code)
    hits = []
    for proc in rows:
        haystack = f"{proc.name_folded} {fold(proc.name_en)} {proc.code.lower()}"
        if all(w in haystack for w in words):
            rank = proc.name_folded.find(words[0]) if words else 0
            hits.append((rank if rank >= 0 else 999, proc.name_folded, proc))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [ProcedureChoice(code=p.code, name=_pick(lang, p.name_vi, p.name_en), field=_pick(lang, p.field_vi, p.field_en),
                            service_code=p.service_code, service_name=_pick(lang, p.service_name_vi, p.service_name_en))
            for _r, _f, p in hits]


# -- days and slots ------------------------------------------------------------------------
def _slot_choices(slots: list[appointments.SlotInfo], now: datetime) -> list[SlotChoice]:
    local = to_office_time(now)
    out = []
    for slot in slots:
        past = appointments.slot_end(slot) <= local
        out.append(SlotChoice(id=slot.id, day=slot.day, start=slot.start_time, end=slot.end_time,
                              free=slot.office_free, past=past))
    return out


def bookable_days(ctx: KioskContext, service_code: str, count: int = BOOKING_DAYS) -> list[DayChoice]:
    """The next ``count`` working days (today first, if it is one) with their free places."""
    now = ctx.now()
    day = office_today(now)
    out = []
    with ctx.db.read() as s:
        cal = calendar_for(s, ctx.office_code)
        day = cal.working_day_on_or_after(day)
        while len(out) < count:
            slots = _slot_choices(list_slots(s, ctx.office_code, service_code, day, side=SIDE), now)
            out.append(DayChoice(day=day, slots=len(slots), free=sum(c.free for c in slots if not c.past)))
            day = cal.next_working_day(day)
    return out


def day_slots(ctx: KioskContext, service_code: str, day: date) -> list[SlotChoice]:
    """The day's slots on the office side, full and past ones included (shown as such)."""
    with ctx.db.read() as s:
        slots = list_slots(s, ctx.office_code, service_code, day, side=SIDE)
    return _slot_choices(slots, ctx.now())


# -- the citizen's details -----------------------------------------------------------------
def check_name(name: str) -> str:
    """The name as stored (NFC, single spaces), or BookingError."""
    cleaned = clean_name(name or "")
    if not cleaned:
        raise BookingError(_("Please enter your full name."), "name", "name_missing")
    if len(cleaned) > MAX_NAME:
        raise BookingError(_("The name is too long."), "name", "name_too_long")
    if not any(c.isalpha() for c in cleaned):
        raise BookingError(_("Please enter your full name in letters."), "name", "name_letters")
    return cleaned


def check_phone(phone: str) -> str:
    """A mobile number as ``0xxxxxxxxx``, or BookingError."""
    if not (phone or "").strip():
        raise BookingError(_("Please enter your mobile phone number."), "phone", "phone_missing")
    try:
        return normalize_phone(phone)
    except ValidationError:
        raise BookingError(_("This is not a valid mobile phone number. It has 10 digits and starts with 03, 05, "
                             "07, 08 or 09."), "phone", "phone_invalid") from None


# -- booking -------------------------------------------------------------------------------
def book(ctx: KioskContext, slot_id: uuid.UUID, procedure_code: str, name: str, phone: str,
         lang: str | None = None) -> Booked:
    """Book one office-quota place of the slot for the citizen and queue the 80 mm slip,
    in the current language, in one transaction. BookingError for what the citizen can
    fix: a missing name, a bad phone, a slot that filled up or ended meanwhile. ``lang``:
    the screen's language (messages and slip), by default the current one."""
    with language(lang or current_language()):
        return _book(ctx, slot_id, procedure_code, name, phone)


def _book(ctx: KioskContext, slot_id: uuid.UUID, procedure_code: str, name: str, phone: str) -> Booked:
    full_name = check_name(name)
    phone = check_phone(phone)
    lang = current_language()
    now = ctx.now()
    try:
        with ctx.db.write() as s:
            info = appointments.book(s, ctx.actor, slot_id, CitizenInput(full_name=full_name, phone=phone),
                                     source=SOURCE, procedure_code=procedure_code, now=now)
            content = appointment_slip_content(s, info.id, signer=ctx.signer(s), lang=lang, paper="80mm", now=now)
            job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="appointment_slip",
                                 content=content, printer=ctx.printer, ref_id=info.id, title=info.code, now=now)
    except QuotaExceeded:
        raise BookingError(_("Sorry, this time has just been fully booked. Please choose another time."),
                           "slot", "slot_full") from None
    except ValidationError as exc:
        if exc.code == "slot_past":
            raise BookingError(_("This time is already over. Please choose another time."), "slot",
                               "slot_past") from None
        raise
    return Booked(appointment_id=info.id, code=info.code, procedure_name=content.procedure_name,
                  service_name=content.service_name, day=info.slot.day, start=info.slot.start_time,
                  end=info.slot.end_time, name_masked=mask_name(full_name), phone_masked=mask_phone(phone),
                  print_job_id=job.id)


__all__ = ["BOOKING_DAYS", "Booked", "BookingError", "DayChoice", "ProcedureChoice", "SlotChoice", "book",
           "bookable_days", "check_name", "check_phone", "day_slots", "search_procedures"]
