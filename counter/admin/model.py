"""The counter's administration page, Qt-free: staff accounts, counters and the services
they serve, the office calendar and working hours, the kiosk and desk settings, and the
notices the display board scrolls.

Every function is one administrator's action on its own session (``ctx.db.read()`` for a
look, ``ctx.db.write()`` for a change) and returns the whole :class:`AdminView` as it is
after the change, read in the same transaction, with a :class:`Done` saying what happened
(the page words it). Each refuses anyone but an active administrator — checked against the
database, not against what the window believes (``local_db/ops/authority.py``).

Every change is an operation of local_db/ops, which checks the administrator again itself
and writes the audit row with their name: staff in ops/staff.py, which also writes the
outbox (staff is a synced entity); counters in ops/counters.py, the holiday table in
ops/holidays.py, the office rules and notices in ops/office_rules.py — the office's own
tables, so an audit row and no outbox row. The page only checks what a form alone can
(two passwords or PINs typed alike) and says what happened.

Ownership (docs/ARCHITECTURE.md §5): once the office is enrolled (``Office.enrolled``) staff accounts,
holidays and the catalog (services) belong to the centre and are read-only here
(``centre_owned``); clearing a lockout stays (it is the office's own login state), and so
do the counters' arrangement, the working hours and the desk settings (office rules).

Printers belong to machines, not to the office: this desk's printer is the machine setting
``printer`` (core/settings.py), which :func:`use_printer` writes into this machine's
settings file; the page also lists every machine of the office with its print queue, and
prints a test page on this desk (the same page as ``motcua print test``).

The display board's notices are the office setting ``"notices"`` (:data:`NOTICES_KEY`): a
JSON list of strings, read with :func:`load_notices` (local_db/ops/office_rules.py).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, ValidationError
from core.i18n import _, current_language, lazy_gettext
from core.settings import save_setting
from counter.admin.rows import AdminView, CounterRow, Done, HolidayRow, ServiceRow
from counter.context import CounterContext
from local_db import journal
from local_db.office_settings import get_office, load_rules, office_today, valid_kiosk_pin
from local_db.ops import catalog, counters, holidays, office_rules
from local_db.ops import staff as staff_ops
from local_db.ops.counters import MAX_COUNTER_NAME, MAX_COUNTER_NUMBER
from local_db.ops.holidays import HOLIDAY_KINDS, MAX_HOLIDAY_NAME, holidays_in_year
from local_db.ops.office_rules import (
    ANNOUNCE_STYLES,
    MAX_NOTICE_CHARS,
    MAX_NOTICES,
    NOTICES_KEY,
    SETTING_RANGES,
    check_hours,
    check_notices,
    check_setting,
    load_notices,
)
from local_db.ops.print_jobs import device_printers
from local_db.ops.authority import Forbidden, require_current_role
from printing.printer_spec import parse_printer
from printing.test_page import queue_test_page

# What the last change has to say (Done.kind); the page words each.
STAFF_CREATED = "staff_created"
STAFF_SAVED = "staff_saved"
PASSWORD_SET = "password_set"
LOCKOUT_CLEARED = "lockout_cleared"
COUNTER_SAVED = "counter_saved"
COUNTER_ADDED = "counter_added"
HOLIDAY_ADDED = "holiday_added"
HOLIDAY_REMOVED = "holiday_removed"
NATIONAL_ADDED = "national_added"
HOURS_SAVED = "hours_saved"
PIN_SET = "pin_set"
SETTINGS_SAVED = "settings_saved"
NOTICES_SAVED = "notices_saved"
TEST_PAGE_QUEUED = "test_page_queued"
PRINTER_SAVED = "printer_saved"
NOTHING_CHANGED = "nothing_changed"
DONE_KINDS = (STAFF_CREATED, STAFF_SAVED, PASSWORD_SET, LOCKOUT_CLEARED, COUNTER_SAVED, COUNTER_ADDED,
              HOLIDAY_ADDED, HOLIDAY_REMOVED, NATIONAL_ADDED, HOURS_SAVED, PIN_SET, SETTINGS_SAVED,
              NOTICES_SAVED, TEST_PAGE_QUEUED, PRINTER_SAVED, NOTHING_CHANGED)


# --- reading -------------------------------------------------------------------------------

def _enrolled(session: Session, office_code: str) -> bool:
    return bool(get_office(session, office_code).enrolled)


def _view(session: Session, ctx: CounterContext, year: int | None, done: Done | None = None) -> AdminView:
    now = ctx.now()
    today = office_today(now)
    year = year or today.year
    services = catalog.all_services(session, ctx.office_code)
    order = {s.id: i for i, s in enumerate(services)}
    code_of = {s.id: s.code for s in services}
    counters = catalog.all_counters(session, ctx.office_code)
    return AdminView(
        office_code=ctx.office_code, enrolled=_enrolled(session, ctx.office_code), today=today,
        staff=tuple(staff_ops.list_staff(session, ctx.office_code)),
        services=tuple(ServiceRow(s.code, s.prefix, s.name_vi, s.name_en, s.active) for s in services),
        counters=tuple(CounterRow(c.id, c.number, c.name, c.active, c.is_open,
                                  tuple(code_of[i] for i in sorted(c.service_ids, key=lambda i: order.get(i, 0))
                                        if i in code_of))
                       for c in counters),
        year=year, holidays=_holidays(session, ctx.office_code, year),
        rules=load_rules(session, ctx.office_code), notices=load_notices(session, ctx.office_code),
        read_at=now, desk_printer=ctx.printer, printers=tuple(device_printers(session, ctx.office_code)), done=done)


def _holidays(session: Session, office_code: str, year: int) -> tuple[HolidayRow, ...]:
    return tuple(HolidayRow(h.day, h.name, h.kind, h.source) for h in holidays_in_year(session, office_code, year))


def in_year(ctx: CounterContext, view: AdminView, year: int) -> AdminView:
    """``view`` with the calendar of ``year`` (the page keeps its year across other changes)."""
    if view.year == year:
        return view
    with ctx.db.read() as s:
        return replace(view, year=year, holidays=_holidays(s, ctx.office_code, year))


def load(ctx: CounterContext, year: int | None = None) -> AdminView:
    """Everything the page shows (``year``: the calendar's year, default this one)."""
    with ctx.db.read() as s:
        _require_admin(s, ctx)
        return _view(s, ctx, year)


# --- who may ------------------------------------------------------------------------------

def _require_admin(session: Session, ctx: CounterContext) -> Actor:
    """The signed-in administrator as the author of a change, or ``Forbidden`` — asked of
    the database in this transaction (a deactivated or demoted admin is refused at once)."""
    if ctx.staff is None:
        raise Forbidden(lazy_gettext("Please log in first."), needed="admin")
    actor = ctx.actor
    require_current_role(session, actor, "admin")
    return actor


def _audit(session: Session, actor: Actor, action: str, entity: str, entity_id: uuid.UUID | None,
           now: datetime, **detail: Any) -> None:
    journal.audit(session, actor, action=action, entity=entity, entity_id=entity_id, now=now, detail=detail)
    session.flush()


def _write(ctx: CounterContext, year: int | None, change) -> AdminView:  # type: ignore[no-untyped-def]
    """Run ``change(session, actor, now) -> Done`` as the administrator in one transaction and
    read the page back in it."""
    with ctx.db.write() as s:
        actor = _require_admin(s, ctx)
        done = change(s, actor, ctx.now())
        return _view(s, ctx, year, done)


def _same(first: str, second: str, what: str) -> str:
    if first != second:
        if what == "pin":
            raise ValidationError(_("The two PINs are not the same. Please type the PIN again."),
                                  field="pin", code="pin_mismatch")
        raise ValidationError(_("The two passwords are not the same. Please type the password again."),
                              field="password", code="password_mismatch")
    return first


# --- staff accounts ----------------------------------------------------------------------

def create_account(ctx: CounterContext, *, username: str, full_name: str, role: str, password: str,
                   password_again: str) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        _same(password, password_again, "password")
        info = staff_ops.create_staff(s, actor, username=username, full_name=full_name, role=role,
                                      password=password, now=now)
        return Done(STAFF_CREATED, info.username)
    return _write(ctx, None, change)


def edit_account(ctx: CounterContext, staff_id: uuid.UUID, *, full_name: str, role: str,
                 active: bool) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        before = staff_ops.get_staff(s, staff_id)
        info = staff_ops.update_staff(s, actor, staff_id, full_name=full_name, role=role, active=active, now=now)
        if (before.full_name, before.role, before.active) == (info.full_name, info.role, info.active):
            return Done(NOTHING_CHANGED)
        return Done(STAFF_SAVED, info.username)
    return _write(ctx, None, change)


def reset_password(ctx: CounterContext, staff_id: uuid.UUID, *, password: str, password_again: str) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        _same(password, password_again, "password")
        info = staff_ops.set_password(s, actor, staff_id, password, now=now)
        return Done(PASSWORD_SET, info.username)
    return _write(ctx, None, change)


def clear_lockout(ctx: CounterContext, staff_id: uuid.UUID) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        info = staff_ops.clear_lockout(s, actor, staff_id, now=now)
        return Done(LOCKOUT_CLEARED, info.username)
    return _write(ctx, None, change)


# --- counters and the services they serve --------------------------------------------------

def save_counter(ctx: CounterContext, number: int, *, name: str, active: bool,
                 service_codes: list[str] | tuple[str, ...]) -> AdminView:
    """A counter's name, whether it is in use, and the services it calls."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        saved = counters.save_counter(s, actor, number, name=name, active=active, service_codes=service_codes,
                                      now=now)
        return Done(COUNTER_SAVED, str(number)) if saved.changed else Done(NOTHING_CHANGED)
    return _write(ctx, None, change)


def add_counter(ctx: CounterContext, number: int, *, name: str = "",
                service_codes: list[str] | tuple[str, ...]) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        counters.add_counter(s, actor, number, name=name, service_codes=service_codes, now=now)
        return Done(COUNTER_ADDED, str(number))
    return _write(ctx, None, change)


# --- the calendar ---------------------------------------------------------------------------

def add_holiday(ctx: CounterContext, day: date, *, name: str, kind: str) -> AdminView:
    """An announced day off, or a make-up working day, in the office's table (one row per
    date: to change a day, remove it first)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        holidays.add_holiday(s, actor, day, name=name, kind=kind, now=now)
        return Done(HOLIDAY_ADDED, day.isoformat())
    return _write(ctx, day.year, change)


def remove_holiday(ctx: CounterContext, day: date) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        holidays.remove_holiday(s, actor, day, now=now)
        return Done(HOLIDAY_REMOVED, day.isoformat())
    return _write(ctx, day.year, change)


def add_national_days(ctx: CounterContext, year: int) -> AdminView:
    """Copy the year's national holidays and make-up days into the table (days already in
    it are kept as they are)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        added = holidays.add_national_holidays(s, actor, year, now=now)
        return Done(NATIONAL_ADDED, str(year), added)
    return _write(ctx, year, change)


def save_hours(ctx: CounterContext, periods: list[tuple[str | time, str | time]], *,
               same_day_cutoff: str | time, saturday_morning_open: bool, year: int | None = None) -> AdminView:
    """The office's working periods (morning, afternoon), the same-day cutoff and whether it
    opens on Saturday mornings (an office rule: editable after enrollment too)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        saved = office_rules.save_hours(s, actor, periods, same_day_cutoff=same_day_cutoff,
                                        saturday_morning_open=saturday_morning_open, now=now)
        return Done(HOURS_SAVED) if saved.changed else Done(NOTHING_CHANGED)
    return _write(ctx, year, change)


# --- kiosk and desk settings --------------------------------------------------------------

def set_pin(ctx: CounterContext, pin: str, pin_again: str) -> AdminView:
    """The staff PIN of every kiosk of the office (typed twice; stored as an argon2 hash;
    neither the PIN nor its hash goes into the audit row)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        if valid_kiosk_pin(pin):  # a PIN that is no PIN is refused as such first, by the operation
            _same(pin, pin_again, "pin")
        office_rules.set_kiosk_pin(s, actor, pin, now=now)
        return Done(PIN_SET)
    return _write(ctx, None, change)


def save_settings(ctx: CounterContext, **values: Any) -> AdminView:
    """Some of: appointment_early_minutes, appointment_late_minutes, priority_max_in_row,
    counter_idle_lock_minutes, print_keep_days (ints in :data:`SETTING_RANGES`),
    announce_style ("words" / "digits") and announce_english (bool). One audit row lists what changed."""
    unknown = set(values) - set(office_rules.DESK_SETTINGS)
    if unknown:
        raise KeyError(f"not a desk setting: {', '.join(sorted(unknown))}")

    def change(s: Session, actor: Actor, now: datetime) -> Done:
        saved = office_rules.save_settings(s, actor, values, now=now)
        return Done(SETTINGS_SAVED) if saved.changed else Done(NOTHING_CHANGED)
    return _write(ctx, None, change)


def save_notices(ctx: CounterContext, lines: list[str] | tuple[str, ...]) -> AdminView:
    """The display board's notice lines, in order (blank lines dropped)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        saved = office_rules.save_notices(s, actor, lines, now=now)
        return Done(NOTICES_SAVED, count=len(saved.lines)) if saved.changed else Done(NOTHING_CHANGED)
    return _write(ctx, None, change)


# --- printers -----------------------------------------------------------------------------

def _printer_text(text: str) -> str:
    spec = parse_printer(text)  # ValidationError "bad_printer" says what is wrong and which forms exist
    return spec.text


def print_test_page(ctx: CounterContext, printer: str = "") -> AdminView:
    """Queue the test page on this desk, for ``printer`` (a printer setting to try) or this
    desk's own; the desk's print worker prints it and the status bar says how it went."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        text = _printer_text(printer.strip() or ctx.printer)
        job = queue_test_page(s, office_code=ctx.office_code, device_id=ctx.device_id, printer=text,
                              lang=current_language(), now=now)
        _audit(s, actor, "print_test_page", "print_job", job.id, now, printer=text)
        return Done(TEST_PAGE_QUEUED, text)
    return _write(ctx, None, change)


def use_printer(ctx: CounterContext, printer: str) -> AdminView:
    """Make ``printer`` this desk's printer: written into this machine's settings file (so
    it stays after a restart) and used at once for every paper queued from now on."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        text = _printer_text(printer)
        if text == ctx.printer:
            return Done(NOTHING_CHANGED)
        _audit(s, actor, "desk_printer", "device", ctx.device_id, now, before=ctx.printer, after=text)
        try:  # refused (set by the environment, file not writable): no audit row either
            save_setting("printer", text, ctx.settings_path)
        except OSError as exc:
            raise DomainError(_("This machine's settings file could not be written ({error}). Ask the IT person "
                                "to set the printer there.").format(error=exc.strerror or exc),
                              code="settings_not_writable") from exc
        ctx.printer = text
        return Done(PRINTER_SAVED, text)
    return _write(ctx, None, change)


def with_done(view: AdminView, done: Done | None) -> AdminView:
    return replace(view, done=done)


__all__ = [
    "ANNOUNCE_STYLES", "DONE_KINDS", "HOLIDAY_KINDS", "MAX_COUNTER_NAME", "MAX_COUNTER_NUMBER", "MAX_HOLIDAY_NAME",
    "MAX_NOTICES", "MAX_NOTICE_CHARS", "NOTICES_KEY", "SETTING_RANGES", "add_counter", "add_holiday",
    "add_national_days", "check_hours", "check_notices", "check_setting", "clear_lockout", "create_account",
    "edit_account", "in_year", "load", "load_notices", "print_test_page", "remove_holiday", "reset_password",
    "save_counter", "save_hours", "save_notices", "save_settings", "set_pin", "use_printer", "with_done",
]
