"""The counter's appointments page, Qt-free: the day's slots and their bookings, and the
clerk's moves on them.

Reading: :func:`day_view` reads one office day in one transaction — every slot of every
active service with its two quotas (office: kiosk, counter, phone; online: the portal),
the appointments booked into each, and what the page needs to judge them without asking
again (each slot's check-in window, the previous and next working days, whether the clerk
may change capacity). The service filter works on that object, without the database.

Moves: each one is one write transaction and returns a :class:`Done` saying what happened
(the page then reads the day again):

* :func:`check_in` — the citizen is here: the appointment becomes a priority ticket of the
  slot's service, and the ticket's paper is queued in the SAME transaction (the ticket is
  owed exactly when it exists);
* :func:`mark_absent` — every booked appointment whose check-in window has closed becomes
  "absent" (local_db has no single no-show: one still inside its window may yet come);
* :func:`book_by_phone` — a place of the office quota, source "phone"; with ``at_desk`` the
  citizen is in front of the clerk: source "counter" and the appointment slip is queued in
  the same transaction;
* :func:`reschedule`, :func:`cancel` (a reason is required: the citizen may ask why);
* :func:`set_capacity`, :func:`create_day_slots` — supervisors only; a clerk is refused with
  a sentence saying so (the page also hides the buttons).

Refusals of the operations (local_db/ops/appointments.py words them in Vietnamese only)
are worded again for the clerk in the current language (:func:`clerk_words`, refusals.py).
The rows the page is given (slots, appointments, a move's outcome, choices) are in rows.py.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.citizen import normalize_phone
from core.errors import MotcuaError, ValidationError
from core.i18n import _, current_language, language
from core.text import clean_name, collapse_spaces, fold, nfc
from core.working_calendar import national_holidays, to_office_time
from counter.appointments.refusals import clerk_words
from counter.appointments.rows import (
    ApptRow,
    DayView,
    Done,
    ProcedureOption,
    SearchHit,
    ServiceOption,
    SlotChoices,
    SlotRow,
)
from counter.context import CounterContext
from local_db.office_settings import calendar_for, load_rules, office_today
from local_db.ops import appointments as ops
from local_db.ops import catalog
from local_db.ops.citizens import CitizenInput
from local_db.ops.search import search_appointments
from local_db.ops.slots import create_slots, set_slot_capacity, slot_ids_of_day, slots_of_days
from local_db.ops.staff import Forbidden, has_role
from printing.roll_source import appointment_slip_content, ticket_content
from printing.spool import queue_document

MAX_NAME = 100
MAX_REASON = 300
CHOICE_DAYS = 10  # working days offered when booking or rescheduling, today included
SEARCH_LIMIT = 20

# What a move did (Done.kind); the view words it.
CHECKED_IN = "checked_in"
ABSENT = "absent"
NOBODY_ABSENT = "nobody_absent"
BOOKED = "booked"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
CAPACITY = "capacity"
SLOTS_CREATED = "slots_created"


# -- reading ---------------------------------------------------------------------------------------

def _open_day(session: Session, office_code: str) -> Any:
    """A predicate: does the office receive citizens that day (working day, or a Saturday
    morning when the office opens then)?"""
    rules = load_rules(session, office_code)
    cal = calendar_for(session, office_code, rules)

    def is_open(d: date) -> bool:
        if cal.is_working_day(d):
            return True
        if rules.saturday_morning_open and d.weekday() == 5 and d not in cal.days_off:
            return d not in {h for h, _name in national_holidays(d.year)}
        return False

    return is_open


def _step(is_open: Any, d: date, direction: int) -> date:
    for _i in range(60):
        d += timedelta(days=direction)
        if is_open(d):
            return d
    return d


def _services(session: Session, office_code: str) -> tuple[ServiceOption, ...]:
    return tuple(ServiceOption(code=s.code, prefix=s.prefix, name_vi=s.name_vi, name_en=s.name_en)
                 for s in catalog.active_services(session, office_code))


def _slot_rows(session: Session, office_code: str, days: list[date], now: datetime,
               with_appointments: bool = True) -> list[SlotRow]:
    local = to_office_time(now)
    services = {s.code: s for s in _services(session, office_code)}
    rules = load_rules(session, office_code)
    early = timedelta(minutes=rules.appointment_early_minutes)
    late = timedelta(minutes=rules.appointment_late_minutes)
    out = []
    for day_slot in slots_of_days(session, office_code, days, with_appointments=with_appointments):
        slot = day_slot.slot
        svc = services.get(slot.service_code)
        if svc is None:
            continue
        closed = ops.slot_end(slot) + late < local
        appts = tuple(ApptRow(
            id=a.id, code=a.code, citizen_name=a.citizen_name, phone=a.phone, status=a.status, source=a.source,
            ticket_code=a.ticket_code, procedure_code=a.procedure_code, procedure_name_vi=a.procedure_name_vi,
            procedure_name_en=a.procedure_name_en, booked_at=a.booked_at, checked_in_at=a.checked_in_at,
            window_closed=closed) for a in day_slot.appointments)
        out.append(SlotRow(
            id=slot.id, service=svc, day=slot.day, start=slot.start_time, end=slot.end_time,
            office_quota=slot.office_quota, office_booked=slot.office_booked, online_quota=slot.online_quota,
            online_booked=slot.online_booked, check_in_from=ops.slot_start(slot) - early,
            check_in_until=ops.slot_end(slot) + late, over=ops.slot_end(slot) <= local,
            appointments=appts))
    return out


def can_manage(ctx: CounterContext) -> bool:
    """Supervisors and administrators set the slots' capacity."""
    staff = ctx.staff
    return staff is not None and getattr(staff, "active", True) and has_role(staff.role, "supervisor")


def _view(session: Session, ctx: CounterContext, day: date, now: datetime, done: Done | None = None) -> DayView:
    is_open = _open_day(session, ctx.office_code)
    return DayView(day=day, today=office_today(now), prev_day=_step(is_open, day, -1), next_day=_step(is_open, day, 1),
                   working_day=is_open(day), services=_services(session, ctx.office_code),
                   slots=tuple(_slot_rows(session, ctx.office_code, [day], now)), can_manage=can_manage(ctx),
                   read_at=now, done=done)


def day_view(ctx: CounterContext, day: date | None = None, done: Done | None = None) -> DayView:
    """The day's slots and appointments (today when ``day`` is None)."""
    now = ctx.now()
    with ctx.db.read() as s:
        return _view(s, ctx, day or office_today(now), now, done)


def search(ctx: CounterContext, query: str) -> list[SearchHit]:
    """Appointments matching a code (LH...), a phone, a CCCD or a name (accents optional),
    on any day, latest first."""
    if not collapse_spaces(query or ""):
        return []
    with ctx.db.read() as s:
        hits = search_appointments(s, ctx.office_code, query, limit=SEARCH_LIMIT)
    return [SearchHit(id=h.id, code=h.code, day=h.day, start=h.start_time, end=h.end_time, status=h.status,
                      citizen_name=h.citizen_name, service_code=h.service_code) for h in hits]


# -- choices for the dialogs ------------------------------------------------------------------------

def _next_days(session: Session, office_code: str, first: date, count: int) -> list[date]:
    is_open = _open_day(session, office_code)
    d = first if is_open(first) else _step(is_open, first, 1)
    days = [d]
    while len(days) < count:
        d = _step(is_open, d, 1)
        days.append(d)
    return days


def booking_choices(ctx: CounterContext, first_day: date | None = None, count: int = CHOICE_DAYS) -> SlotChoices:
    """Procedures and the office-side slots from ``first_day`` (today, or later) on."""
    now = ctx.now()
    today = office_today(now)
    with ctx.db.read() as s:
        days = _next_days(s, ctx.office_code, max(first_day or today, today), count)
        slots = tuple(x for x in _slot_rows(s, ctx.office_code, days, now, with_appointments=False)
                      if x.office_quota > 0)
        services = _services(s, ctx.office_code)
        procs = sorted(catalog.active_procedures(s, ctx.office_code), key=lambda p: p.name_folded)
        active = {sv.code for sv in services}
        procedures = tuple(ProcedureOption(code=p.code, name_vi=p.name_vi, name_en=p.name_en,
                                           service_code=p.service_code,
                                           folded=f"{p.name_folded} {fold(p.name_en)} {p.code.lower()}")
                           for p in procs if p.service_code in active)
    return SlotChoices(days=tuple(days), slots=slots, procedures=procedures, services=services)


def reschedule_choices(ctx: CounterContext, appointment_id: uuid.UUID, count: int = CHOICE_DAYS) -> SlotChoices:
    """The other slots of the appointment's service over the next working days."""
    now = ctx.now()
    with ctx.db.read() as s:
        info = ops.get_appointment(s, appointment_id)
        days = _next_days(s, ctx.office_code, office_today(now), count)
        slots = tuple(x for x in _slot_rows(s, ctx.office_code, days, now, with_appointments=False)
                      if x.service.code == info.slot.service_code and x.id != info.slot.id
                      and (x.online_quota if info.source == "online" else x.office_quota) > 0)
    return SlotChoices(days=tuple(days), slots=slots)


def _run(fn: Any) -> Any:
    try:
        return fn()
    except MotcuaError as exc:
        raise clerk_words(exc) from exc


def _require_manager(ctx: CounterContext) -> None:
    if not can_manage(ctx):
        raise Forbidden(_("Only a supervisor can change the time slots and their places. Please ask the "
                          "supervisor."), needed="supervisor")


# -- checks of what the clerk typed ----------------------------------------------------------------

def check_name(name: str) -> str:
    cleaned = clean_name(name or "")
    if not cleaned:
        raise ValidationError(_("Enter the citizen's full name."), field="name", code="name_missing")
    if len(cleaned) > MAX_NAME:
        raise ValidationError(_("The name is too long (at most {n} characters).").format(n=MAX_NAME),
                              field="name", code="name_too_long")
    if not any(c.isalpha() for c in cleaned):
        raise ValidationError(_("The name must be written in letters."), field="name", code="name_letters")
    return cleaned


def check_phone(phone: str) -> str:
    if not (phone or "").strip():
        raise ValidationError(_("Enter the citizen's mobile phone number: the office calls it if the time "
                                "changes."), field="phone", code="phone_missing")
    try:
        return normalize_phone(phone)
    except ValidationError:
        raise ValidationError(_("This is not a mobile phone number: 10 digits starting with 03, 05, 07, 08 "
                                "or 09."), field="phone", code="phone_invalid") from None


def check_reason(reason: str) -> str:
    cleaned = collapse_spaces(nfc(reason or ""))
    if not cleaned:
        raise ValidationError(_("Write why the appointment is cancelled."), field="reason", code="reason_missing")
    if len(cleaned) > MAX_REASON:
        raise ValidationError(_("The reason is too long (at most {n} characters).").format(n=MAX_REASON),
                              field="reason", code="reason_too_long")
    return cleaned


# -- the moves ----------------------------------------------------------------------------------------

def check_in(ctx: CounterContext, appointment_id: uuid.UUID, lang: str | None = None) -> Done:
    """The citizen has come: a priority ticket of the slot's service, its paper queued in
    the same transaction (in ``lang``, the citizen's language; the page's by default)."""
    now = ctx.now()
    lang = lang or current_language()

    def move() -> Done:
        with ctx.db.write() as s:
            done = ops.check_in(s, ctx.actor, appointment_id, now=now)
            content = ticket_content(s, done.ticket.id, signer=ctx.signer(s), lang=lang, now=now)
            job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="ticket",
                                 content=content, printer=ctx.printer, ref_id=done.ticket.id,
                                 title=done.ticket.code, now=now)
            return Done(CHECKED_IN, code=done.appointment.code, ticket_code=done.ticket.code, print_job_id=job.id,
                        appointment_id=done.appointment.id, day=done.appointment.slot.day)

    return _run(move)


def mark_absent(ctx: CounterContext) -> Done:
    """Every booked appointment whose check-in window has closed becomes absent."""
    now = ctx.now()

    def move() -> Done:
        with ctx.db.write() as s:
            n = ops.mark_no_shows(s, ctx.actor, now=now)
        return Done(ABSENT if n else NOBODY_ABSENT, count=n)

    return _run(move)


def book_by_phone(ctx: CounterContext, slot_id: uuid.UUID, procedure_code: str | None, name: str, phone: str, *,
                  at_desk: bool = False, lang: str | None = None) -> Done:
    """Book one office-quota place for a citizen on the phone (source "phone"), or at the
    desk (``at_desk``: source "counter", and the appointment slip printed)."""
    full_name = check_name(name)
    number = check_phone(phone)
    now = ctx.now()
    lang = lang or current_language()

    def move() -> Done:
        with ctx.db.write() as s:
            info = ops.book(s, ctx.actor, slot_id, CitizenInput(full_name=full_name, phone=number),
                            source="counter" if at_desk else "phone", procedure_code=procedure_code or None, now=now)
            job_id = None
            if at_desk:
                with language(lang):
                    content = appointment_slip_content(s, info.id, signer=ctx.signer(s), lang=lang, paper="80mm",
                                                       now=now)
                job_id = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id,
                                        kind="appointment_slip", content=content, printer=ctx.printer,
                                        ref_id=info.id, title=info.code, now=now).id
            return Done(BOOKED, code=info.code, day=info.slot.day, start=info.slot.start_time, end=info.slot.end_time,
                        print_job_id=job_id, appointment_id=info.id, slot_id=info.slot.id)

    return _run(move)


def reschedule(ctx: CounterContext, appointment_id: uuid.UUID, new_slot_id: uuid.UUID) -> Done:
    now = ctx.now()

    def move() -> Done:
        with ctx.db.write() as s:
            info = ops.reschedule(s, ctx.actor, appointment_id, new_slot_id, now=now)
        return Done(RESCHEDULED, code=info.code, day=info.slot.day, start=info.slot.start_time,
                    end=info.slot.end_time, appointment_id=info.id, slot_id=info.slot.id)

    return _run(move)


def cancel(ctx: CounterContext, appointment_id: uuid.UUID, reason: str) -> Done:
    why = check_reason(reason)
    now = ctx.now()

    def move() -> Done:
        with ctx.db.write() as s:
            info = ops.cancel(s, ctx.actor, appointment_id, reason=why, now=now)
        return Done(CANCELLED, code=info.code, appointment_id=info.id, day=info.slot.day)

    return _run(move)


def set_capacity(ctx: CounterContext, slot_id: uuid.UUID, office_quota: int, online_quota: int) -> Done:
    """A slot's two quotas (supervisor); never below what is booked."""
    _require_manager(ctx)
    now = ctx.now()

    def move() -> Done:
        with ctx.db.write() as s:
            info = set_slot_capacity(s, ctx.actor, slot_id, office_quota=office_quota, online_quota=online_quota,
                                     now=now)
        return Done(CAPACITY, day=info.day, start=info.start_time, end=info.end_time, slot_id=info.id)

    return _run(move)


def create_day_slots(ctx: CounterContext, service_code: str, day: date, start: time, end: time, minutes: int,
                     office_quota: int, online_quota: int) -> Done:
    """Slots of ``minutes`` from ``start`` to ``end`` for one service on one day (supervisor).
    Slots that exist already are kept as they are; ``count`` says how many are new."""
    _require_manager(ctx)
    if not start < end:
        raise ValidationError(_("The first slot must start before the last one ends."), field="start",
                              code="start_after_end")
    if minutes <= 0:
        raise ValidationError(_("A time slot lasts at least one minute."), field="minutes", code="minutes")
    if (datetime.combine(day, end) - datetime.combine(day, start)) < timedelta(minutes=minutes):
        raise ValidationError(_("No time slot of {n} minutes fits between these hours.").format(n=minutes),
                              field="minutes", code="no_slot_fits")

    def move() -> Done:
        with ctx.db.write() as s:
            before = slot_ids_of_day(s, ctx.office_code, service_code, day)
            made = create_slots(s, ctx.actor, service_code, day, start=start, end=end, minutes=minutes,
                                office_quota=office_quota, online_quota=online_quota, now=ctx.now())
        return Done(SLOTS_CREATED, count=sum(1 for x in made if x.id not in before), day=day)

    return _run(move)


__all__ = [
    "ABSENT", "BOOKED", "CANCELLED", "CAPACITY", "CHECKED_IN", "NOBODY_ABSENT", "RESCHEDULED", "SLOTS_CREATED",
    "book_by_phone", "booking_choices", "can_manage", "cancel", "check_in", "check_name", "check_phone",
    "check_reason", "clerk_words", "create_day_slots", "day_view", "mark_absent", "reschedule",
    "reschedule_choices", "search", "set_capacity",
]