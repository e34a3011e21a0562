"""Checking in an appointment at the kiosk, Qt-free: a scanned text in, a typed outcome out.

:func:`check_in_scan` does everything a scan can lead to in ONE write transaction: what
the text is (core.scanned), whether the token is ours and intact (local_db.ops.scan_check,
the office's key ring), what the office database says about the appointment, and when the
citizen is in their window, the check-in itself (local_db.ops.appointments.check_in issues
the appointment's queue ticket, which the queue calls ahead of walk-ins) with the ticket's
print job queued in the same transaction (like kiosk/ticket/model.py): when the number is
on screen the paper is owed.

Every way a scan can go wrong is an :class:`Outcome` of its own with the facts to explain
it (from when, until when, which day, which ticket), and :func:`explain` turns a result
into the words a citizen reads, in the current language, so the screen can redo them when
the language is switched after the scan.

Two choices worth knowing:

* An appointment token "expires" when its slot ends, but the office may let citizens check
  in a few minutes after that (``appointment_late_minutes``). So a token whose signature is
  proven is always looked up in the database, expired or not: the office's own window
  decides, not the token's.
* A proven appointment token the database does not know, signed by the CENTRE's key, is an
  online booking this office has not pulled yet: the token carries the office, service,
  window and masked name, so it is checked in from the token alone, inside the same window
  (local_db.ops.appointments_online.check_in_online_token); the check-in syncs later and
  the pull fills in the booking's code, citizen and procedure. The same for a token of a
  service the office does not have, or signed by an office device (an office never signs a
  booking it does not have): it says so and offers a normal queue number (NOT_YET_HERE).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.appointment_states import AppointmentStatus
from core.errors import DomainError
from core.i18n import _, current_language, localized
from core.scanned import ScanKind, classify
from core.text import mask_name
from core.tokens import AppointmentToken, Result
from core.working_calendar import OFFICE_TZ
from kiosk.context import KioskContext
from kiosk.words import counters_words, wait_words
from local_db.office_settings import load_rules, office_today
from local_db.ops import catalog
from local_db.ops.appointments import (
    CheckIn,
    appointment_status,
    check_in,
    check_in_window,
    get_appointment,
)
from local_db.ops.appointments_online import centre_signed, check_in_online_token
from local_db.ops.scan_check import check_scan
from printing.roll_source import ticket_content
from printing.spool import queue_document


class Outcome(StrEnum):
    WELCOMED = "welcomed"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"  # the window has closed today (or the booking was marked missed)
    WRONG_DAY = "wrong_day"  # another day: ``past`` says whether it has gone by
    WRONG_OFFICE = "wrong_office"
    CANCELLED = "cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    FORGED = "forged"  # the signature does not match: altered, damaged or made up
    UNKNOWN_KEY = "unknown_key"  # signed by a key this office does not (yet) know
    NOT_OURS = "not_ours"  # not an appointment code: ``scanned`` says what it is
    NOT_YET_HERE = "not_yet_here"  # a valid online booking this kiosk has not received yet


#: Outcomes after which a normal queue number is the way forward.
OFFER_TICKET = frozenset({Outcome.TOO_LATE, Outcome.WRONG_DAY, Outcome.WRONG_OFFICE, Outcome.CANCELLED,
                          Outcome.FORGED, Outcome.UNKNOWN_KEY, Outcome.NOT_OURS, Outcome.NOT_YET_HERE,
                          Outcome.TOO_EARLY})


@dataclass(frozen=True)
class CheckInResult:
    """What a scan led to. Only the facts the outcome needs are set; names are masked."""

    outcome: Outcome
    masked_name: str = ""
    appointment_code: str = ""
    service_name_vi: str = ""
    service_name_en: str = ""
    procedure_name_vi: str = ""
    procedure_name_en: str = ""
    window_start: datetime | None = None  # the slot (aware)
    window_end: datetime | None = None
    check_in_from: datetime | None = None  # the office's check-in window (aware)
    check_in_until: datetime | None = None
    day: date | None = None  # the appointment's office-local day
    past: bool = False  # WRONG_DAY: the day has gone by; TOO_LATE: marked missed
    ticket_id: uuid.UUID | None = None
    ticket_code: str | None = None  # WELCOMED, and ALREADY_CHECKED_IN when known
    counters: tuple[int, ...] = ()
    ahead: int = 0
    wait_minutes: int | None = None
    staffed: bool = True  # False: no clerk at a counter serving it now (no wait is promised)
    print_job_id: uuid.UUID | None = None
    scanned: ScanKind | None = None  # NOT_OURS: what was scanned
    details: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def welcomed(self) -> bool:
        return self.outcome is Outcome.WELCOMED

    @property
    def offers_ticket(self) -> bool:
        return self.outcome in OFFER_TICKET

    def service_name(self, lang: str | None = None) -> str:
        return localized(self.service_name_vi, self.service_name_en, lang)

    def procedure_name(self, lang: str | None = None) -> str:
        return localized(self.procedure_name_vi, self.procedure_name_en, lang)


_NOT_OURS_KINDS = {ScanKind.TICKET, ScanKind.RECEIPT, ScanKind.ID_CARD, ScanKind.BAD_ID_CARD, ScanKind.UNKNOWN}


def check_in_scan(ctx: KioskContext, text: str, lang: str | None = None) -> CheckInResult:
    """Check in the appointment of a scanned text (camera or scanner); never raises for any
    text (a database failure does). Runs on a worker thread (it writes to the database), so
    the caller passes the citizen's ``lang`` for the ticket: the language is per thread and a
    pool thread's is the default."""
    now = ctx.now()
    lang = lang or current_language()
    scanned = classify(text, today=office_today(now))
    if scanned.kind is not ScanKind.APPOINTMENT:
        return CheckInResult(Outcome.NOT_OURS, scanned=scanned.kind if scanned.kind in _NOT_OURS_KINDS
                             else ScanKind.UNKNOWN)
    with ctx.db.write() as s:
        verification = check_scan(s, ctx.office_code, text, now=now, expect_kind=AppointmentToken)
        result = verification.result
        if result is Result.TAMPERED:
            return CheckInResult(Outcome.FORGED)
        if result is Result.UNKNOWN_KEY:
            return CheckInResult(Outcome.UNKNOWN_KEY)
        if result is Result.NOT_OURS or not isinstance(verification.token, AppointmentToken):
            return CheckInResult(Outcome.NOT_OURS, scanned=ScanKind.UNKNOWN)
        token = verification.token
        if result is Result.WRONG_OFFICE:
            return _from_token(Outcome.WRONG_OFFICE, token)
        status = appointment_status(s, ctx.office_code, token.entity_id)
        if status is None and result in (Result.VALID, Result.EXPIRED) and centre_signed(s, verification.key_id):
            # An online booking not pulled yet: the centre's signature is proof enough.
            return _check_in_online(ctx, s, text, token, lang, now)
        if status is None:
            if result is Result.VALID:
                return _from_token(Outcome.NOT_YET_HERE, token)
            # Proven, ours, but over and never pulled here: its time has passed.
            day = token.window_start.astimezone(OFFICE_TZ).date()
            if day != now.astimezone(OFFICE_TZ).date():
                return _from_token(Outcome.WRONG_DAY, token, past=True)
            return _from_token(Outcome.TOO_LATE, token)
        facts = _facts(s, ctx.office_code, token.entity_id)
        if status == AppointmentStatus.CANCELLED:
            return CheckInResult(Outcome.CANCELLED, **facts)
        if status == AppointmentStatus.CHECKED_IN:
            return CheckInResult(Outcome.ALREADY_CHECKED_IN, **facts)
        if status == AppointmentStatus.NO_SHOW:
            return CheckInResult(Outcome.TOO_LATE, past=True, **facts)
        try:
            done = check_in(s, ctx.actor, token.entity_id, now=now)
        except DomainError as exc:
            # check_in refuses before it writes anything: nothing to roll back.
            return _refused(exc, facts, now)
        return _welcome(ctx, s, done, facts, lang, now)


def _welcome(ctx: KioskContext, s, done: CheckIn, facts: dict, lang: str,  # type: ignore[no-untyped-def,type-arg]
             now: datetime) -> CheckInResult:
    """The ticket's print job, queued in the check-in's transaction, and the welcome."""
    content = ticket_content(s, done.ticket.id, signer=ctx.signer(s), lang=lang, now=now)
    job = queue_document(s, office_code=ctx.office_code, device_id=ctx.device_id, kind="ticket",
                         content=content, printer=ctx.printer, ref_id=done.ticket.id, title=done.ticket.code,
                         now=now)
    facts["ticket_code"] = done.ticket.code
    return CheckInResult(Outcome.WELCOMED, ticket_id=done.ticket.id, counters=content.counters,
                         ahead=content.ahead, wait_minutes=content.wait_minutes, staffed=content.staffed,
                         print_job_id=job.id, **facts)


#: check_in_online_token's refusals that are about the token, not the window.
_TOKEN_REFUSALS = {"forged": Outcome.FORGED, "unknown_key": Outcome.UNKNOWN_KEY, "wrong_office": Outcome.WRONG_OFFICE,
                   "not_centre_signed": Outcome.NOT_YET_HERE, "unknown_service": Outcome.NOT_YET_HERE,
                   "not_appointment": Outcome.NOT_OURS}


def _check_in_online(ctx: KioskContext, s, text: str, token: AppointmentToken, lang: str,  # type: ignore[no-untyped-def]
                     now: datetime) -> CheckInResult:
    """A centre-signed booking this office has not pulled: checked in from the token alone
    (local_db.ops.appointments_online), welcomed like any other. Its real code and procedure
    come with the pull, so the welcome shows the masked name, the service and the number."""
    try:
        done = check_in_online_token(s, ctx.actor, text, now=now)
    except DomainError as exc:  # refused before anything was written
        if exc.code in _TOKEN_REFUSALS:
            return _from_token(_TOKEN_REFUSALS[exc.code], token)
        return _refused(exc, _token_facts(s, ctx.office_code, token), now)
    facts = _facts(s, ctx.office_code, done.appointment.id)
    facts["appointment_code"] = ""  # a placeholder until the booking is pulled: not the citizen's code
    return _welcome(ctx, s, done, facts, lang, now)


def _token_facts(s, office_code: str, token: AppointmentToken) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """What the token tells, with the office's check-in window around it, for the refusals."""
    rules = load_rules(s, office_code)
    service = catalog.service_by_code(s, office_code, token.service_code)
    return {
        "masked_name": token.masked_name, "appointment_code": "",
        "service_name_vi": service.name_vi if service else token.service_code,
        "service_name_en": (service.name_en or "") if service else "",
        "window_start": token.window_start, "window_end": token.window_end,
        "check_in_from": token.window_start - timedelta(minutes=rules.appointment_early_minutes),
        "check_in_until": token.window_end + timedelta(minutes=rules.appointment_late_minutes),
        "day": token.window_start.astimezone(OFFICE_TZ).date(), "ticket_code": None,
    }


def _from_token(outcome: Outcome, token: AppointmentToken, *, past: bool = False) -> CheckInResult:
    """What a proven token says by itself (the database does not know the booking)."""
    return CheckInResult(outcome, masked_name=token.masked_name, window_start=token.window_start,
                         window_end=token.window_end, day=token.window_start.astimezone(OFFICE_TZ).date(),
                         past=past)


def _facts(s, office_code: str, appointment_id: uuid.UUID) -> dict:  # type: ignore[no-untyped-def]
    info = get_appointment(s, appointment_id)
    opens, closes = check_in_window(s, office_code, info.slot)
    proc = catalog.procedure_by_code(s, office_code, info.procedure_code) if info.procedure_code else None
    proc_en = proc.name_en if proc is not None else ""
    service = catalog.service_by_code(s, office_code, info.slot.service_code)
    start = datetime.combine(info.slot.day, info.slot.start_time, tzinfo=OFFICE_TZ)
    end = datetime.combine(info.slot.day, info.slot.end_time, tzinfo=OFFICE_TZ)
    return {
        "masked_name": info.citizen_name_masked or mask_name(info.citizen_name),
        "appointment_code": info.code,
        "service_name_vi": service.name_vi if service else info.slot.service_code,
        "service_name_en": (service.name_en or "") if service else "",
        "procedure_name_vi": info.procedure_name_vi or "",
        "procedure_name_en": proc_en,
        "window_start": start,
        "window_end": end,
        "check_in_from": opens,
        "check_in_until": closes,
        "day": info.slot.day,
        "ticket_code": info.ticket_code,
    }


def _refused(exc: DomainError, facts: dict, now: datetime) -> CheckInResult:  # type: ignore[type-arg]
    code = exc.code
    if code == "too_early":
        return CheckInResult(Outcome.TOO_EARLY, **facts)
    if code == "wrong_day":
        past = facts["day"] < now.astimezone(OFFICE_TZ).date()
        return CheckInResult(Outcome.WRONG_DAY, past=past, **facts)
    if code == "too_late":
        return CheckInResult(Outcome.TOO_LATE, **facts)
    if code == "cancelled":
        return CheckInResult(Outcome.CANCELLED, **facts)
    if code == "no_show":
        return CheckInResult(Outcome.TOO_LATE, past=True, **facts)
    if code == "already_checked_in":
        facts = {**facts, "ticket_code": exc.details.get("ticket_code") or facts.get("ticket_code")}
        return CheckInResult(Outcome.ALREADY_CHECKED_IN, **facts)
    raise exc


# --- words ------------------------------------------------------------------------------


def _hm(moment: datetime | None) -> str:
    return f"{moment.astimezone(OFFICE_TZ):%H:%M}" if moment else ""


def _dmy(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _window(r: CheckInResult) -> str:
    return f"{_hm(r.window_start)}–{_hm(r.window_end)}"


def _not_ours_words(kind: ScanKind | None) -> str:
    if kind is ScanKind.TICKET:
        return _("This is a queue number ticket, not an appointment slip. If you are waiting, "
                 "please watch the screen for your number.")
    if kind is ScanKind.RECEIPT:
        return _("This is a dossier receipt, not an appointment slip. To follow your dossier, "
                 "choose \u201cCheck my dossier\u201d on the start screen.")
    if kind in (ScanKind.ID_CARD, ScanKind.BAD_ID_CARD):
        return _("This is a citizen ID card. Here please scan the QR code on your appointment slip "
                 "(or the message you received when you booked).")
    return _("This code is not an appointment code of the one-stop office.")


def explain(r: CheckInResult) -> tuple[str, str]:
    """(headline, explanation) for the citizen, in the current language."""
    o = r.outcome
    if o is Outcome.WELCOMED:
        return (_("Welcome, {name}").format(name=r.masked_name) if r.masked_name else _("Welcome"),
                _("Your appointment is checked in. Your priority number:"))
    if o is Outcome.TOO_EARLY:
        return (_("It is a little early"),
                _("Your appointment is at {window} today. You can check in from {time}. "
                  "Please take a seat and scan again then, or take a normal queue number now.")
                .format(window=_window(r), time=_hm(r.check_in_from)))
    if o is Outcome.TOO_LATE:
        if r.past:
            return (_("The appointment time has passed"),
                    _("This appointment was marked as missed because nobody checked in in time. "
                      "Please take a normal queue number; staff will still serve you."))
        return (_("The appointment time has passed"),
                _("Your appointment was at {window} today and check-in closed at {time}. "
                  "Please take a normal queue number; staff will still serve you.")
                .format(window=_window(r), time=_hm(r.check_in_until or r.window_end)))
    if o is Outcome.WRONG_DAY:
        if r.past:
            return (_("This appointment was on another day"),
                    _("Your appointment was on {date} at {window}; that day has passed. "
                      "Please take a normal queue number or book a new appointment.")
                    .format(date=_dmy(r.day), window=_window(r)))
        return (_("Your appointment is on another day"),
                _("Your appointment is on {date} at {window}, not today. Please come back that day. "
                  "If you want to be served today, take a normal queue number.")
                .format(date=_dmy(r.day), window=_window(r)))
    if o is Outcome.WRONG_OFFICE:
        return (_("This appointment is for another office"),
                _("This appointment was booked at another one-stop office and cannot be checked in here. "
                  "Please go to that office, or take a normal queue number here."))
    if o is Outcome.CANCELLED:
        return (_("This appointment was cancelled"),
                _("The appointment on {date} at {window} has been cancelled. "
                  "Please take a normal queue number or book again.")
                .format(date=_dmy(r.day), window=_window(r)))
    if o is Outcome.ALREADY_CHECKED_IN:
        if r.ticket_code:
            return (_("You have already checked in"),
                    _("This appointment is already checked in with queue number {code}. "
                      "Please watch the screen for your number. If you lost the ticket, ask a staff member.")
                    .format(code=r.ticket_code))
        return (_("You have already checked in"),
                _("This appointment is already checked in. Please watch the screen for your number. "
                  "If you lost the ticket, ask a staff member."))
    if o is Outcome.FORGED:
        return (_("This code cannot be accepted"),
                _("The code has been altered or damaged, so it cannot be checked in. "
                  "Please show your slip to a staff member, or take a normal queue number."))
    if o is Outcome.UNKNOWN_KEY:
        return (_("This code cannot be checked here yet"),
                _("We cannot tell where this code was issued. Please show it to a staff member, "
                  "or take a normal queue number."))
    if o is Outcome.NOT_YET_HERE:
        name = r.masked_name or "—"
        return (_("Your booking has not reached this kiosk yet"),
                _("We see an online appointment for {name} on {date} at {window}, but the booking "
                  "has not arrived at this office yet. Please take a normal queue number and show "
                  "the appointment to the staff at the counter.")
                .format(name=name, date=_dmy(r.day), window=_window(r)))
    return (_("This is not an appointment code"),
            _not_ours_words(r.scanned) + " " + _("You can take a normal queue number instead."))


__all__ = ["OFFER_TICKET", "CheckInResult", "Outcome", "check_in_scan", "counters_words", "explain",
           "wait_words"]
