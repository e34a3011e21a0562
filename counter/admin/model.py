"""The counter's administration page, Qt-free: staff accounts, counters and the services
they serve, the office calendar and working hours, the kiosk and desk settings, and the
notices the display board scrolls.

Every function is one administrator's action on its own session (``ctx.db.read()`` for a
look, ``ctx.db.write()`` for a change) and returns the whole :class:`AdminView` as it is
after the change, read in the same transaction, with a :class:`Done` saying what happened
(the page words it). Each refuses anyone but an active administrator — checked against the
database, not against what the window believes (``local_db.ops.staff.require_role``).

Every change writes an audit row with the administrator's name. Staff changes go through
local_db/ops/staff.py, which also writes the outbox (staff is a synced entity). Counters,
the holiday table and the office rules are the office's own tables: the audit row is
written here, the way local_db/ops/counters.py does, and no outbox row.

Ownership (docs/ARCHITECTURE.md §5): once the office is enrolled (``Office.enrolled``) staff accounts,
holidays and the catalog (services) belong to the centre and are read-only here
(``centre_owned``); clearing a lockout stays (it is the office's own login state), and so
do the counters' arrangement, the working hours and the desk settings (office rules).

Printers belong to machines, not to the office: this desk's printer is the machine setting
``printer`` (core/settings.py), which :func:`use_printer` writes into this machine's
settings file; the page also lists every machine of the office with its print queue, and
prints a test page on this desk (the same page as ``motcua print test``).

The display board's notices are the office setting ``"notices"`` (:data:`NOTICES_KEY`): a
JSON list of strings, read with :func:`load_notices`.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import _, current_language
from core.passwords import hash_password
from core.settings import save_setting
from core.text import collapse_spaces, nfc
from core.working_calendar import WorkingHours
from counter.admin.rows import AdminView, CounterRow, Done, HolidayRow, ServiceRow
from counter.context import CounterContext
from local_db import journal
from local_db.base import utcnow
from local_db.models import Counter, Holiday, Office, OfficeSetting, Service
from local_db.office_settings import (
    KIOSK_PIN_RULE,
    load_rules,
    office_today,
    set_rule,
    valid_kiosk_pin,
)
from local_db.office_setup import seed_national_holidays
from local_db.ops import catalog
from local_db.ops import staff as staff_ops
from local_db.ops.holidays import holidays_in_year
from local_db.ops.print_jobs import device_printers
from local_db.ops.staff import require_role
from printing.printer_spec import parse_printer
from printing.test_page import queue_test_page

NOTICES_KEY = "notices"  # office setting: list[str], the display board's scrolling lines
MAX_NOTICES = 20
MAX_NOTICE_CHARS = 300
MAX_HOLIDAY_NAME = 200  # Holiday.name
MAX_COUNTER_NAME = 100  # Counter.name
MAX_COUNTER_NUMBER = 99
ANNOUNCE_STYLES = ("words", "digits")
HOLIDAY_KINDS = ("day_off", "working_day")

# The desk settings an administrator edits, with their allowed ranges (inclusive).
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "appointment_early_minutes": (0, 120),
    "appointment_late_minutes": (0, 120),
    "priority_max_in_row": (1, 10),
    "counter_idle_lock_minutes": (1, 120),
    "print_keep_days": (1, 365),
}

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

def load_notices(session: Session, office_code: str) -> tuple[str, ...]:
    """The display board's notice lines (office setting ``"notices"``), in order."""
    row = session.get(OfficeSetting, (office_code, NOTICES_KEY))
    value = row.value if row is not None else None
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if str(v).strip())


def _enrolled(session: Session, office_code: str) -> bool:
    return bool(session.scalar(select(Office.enrolled).where(Office.code == office_code)))


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
    the database (a deactivated or demoted admin is refused at once)."""
    if ctx.staff is None:
        require_role(None, "admin")
    try:
        info = staff_ops.get_staff(session, ctx.staff.id)
    except NotFound:
        require_role(None, "admin")
        raise
    if info.office_code != ctx.office_code:
        require_role(None, "admin")
    require_role(info, "admin")
    return ctx.actor


def _refuse_if_enrolled(session: Session, office_code: str) -> None:
    if _enrolled(session, office_code):
        raise DomainError(_("This office is enrolled: the holiday calendar is managed by the centre and cannot be "
                            "changed here."), code="centre_owned")


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

def _counter_name(name: str, number: int) -> str:
    text = collapse_spaces(nfc(name or ""))
    if len(text) > MAX_COUNTER_NAME:
        raise ValidationError(_("The counter's name is too long (at most {n} characters).").format(
            n=MAX_COUNTER_NAME), field="name", code="name_too_long")
    return text or f"Quầy {number}"


def _services(session: Session, office_code: str, codes: list[str] | tuple[str, ...]) -> list[Service]:
    wanted = list(dict.fromkeys(codes))
    rows = session.scalars(select(Service).where(Service.office_code == office_code,
                                                 Service.code.in_(wanted))).all() if wanted else []
    found = {s.code: s for s in rows}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(_("Unknown service: {code}.").format(code=", ".join(unknown)), field="services",
                              code="unknown_service")
    return [found[c] for c in wanted]


def _need_services(services: list[Service], active: bool) -> None:
    if active and not services:
        raise ValidationError(_("Tick at least one service: an open counter that serves nothing could never "
                                "call anybody."), field="services", code="no_service")


def save_counter(ctx: CounterContext, number: int, *, name: str, active: bool,
                 service_codes: list[str] | tuple[str, ...]) -> AdminView:
    """A counter's name, whether it is in use, and the services it calls."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        ctr = s.scalars(select(Counter).where(Counter.office_code == ctx.office_code,
                                              Counter.number == number)).first()
        if ctr is None:
            raise NotFound(_("There is no counter {number}.").format(number=number), code="counter_not_found")
        services = _services(s, ctx.office_code, service_codes)
        _need_services(services, active)
        new_name = _counter_name(name, number)
        before = {"name": ctr.name, "active": ctr.active, "services": sorted(x.code for x in ctr.services)}
        after = {"name": new_name, "active": bool(active), "services": sorted(x.code for x in services)}
        if before == after:
            return Done(NOTHING_CHANGED)
        ctr.name, ctr.active, ctr.services = new_name, bool(active), services
        if not active:
            ctr.is_open = False  # a counter out of use is not counted as open by the kiosk
        s.flush()
        _audit(s, actor, "counter_update", "counter", ctr.id, now, number=number, before=before, after=after)
        return Done(COUNTER_SAVED, str(number))
    return _write(ctx, None, change)


def add_counter(ctx: CounterContext, number: int, *, name: str = "",
                service_codes: list[str] | tuple[str, ...]) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        if not 1 <= int(number) <= MAX_COUNTER_NUMBER:
            raise ValidationError(_("A counter number is from 1 to {n}.").format(n=MAX_COUNTER_NUMBER),
                                  field="number", code="bad_number")
        taken = s.scalar(select(Counter.id).where(Counter.office_code == ctx.office_code, Counter.number == number))
        if taken is not None:
            raise ValidationError(_("Counter {number} exists already.").format(number=number), field="number",
                                  code="number_taken")
        services = _services(s, ctx.office_code, service_codes)
        _need_services(services, True)
        ctr = Counter(office_code=ctx.office_code, number=int(number), name=_counter_name(name, number),
                      is_open=False, active=True, services=services)
        s.add(ctr)
        s.flush()
        _audit(s, actor, "counter_create", "counter", ctr.id, now, number=number, name=ctr.name,
               services=[x.code for x in services])
        return Done(COUNTER_ADDED, str(number))
    return _write(ctx, None, change)


# --- the calendar ---------------------------------------------------------------------------

def add_holiday(ctx: CounterContext, day: date, *, name: str, kind: str) -> AdminView:
    """An announced day off, or a make-up working day, in the office's table (one row per
    date: to change a day, remove it first)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        _refuse_if_enrolled(s, ctx.office_code)
        if kind not in HOLIDAY_KINDS:
            raise ValidationError(_("Unknown kind of day: {kind}.").format(kind=kind), field="kind",
                                  code="bad_kind")
        text = collapse_spaces(nfc(name or ""))
        if not text:
            raise ValidationError(_("Write what the day is (e.g. the announcement's name)."), field="name",
                                  code="name_required")
        if len(text) > MAX_HOLIDAY_NAME:
            raise ValidationError(_("The name is too long (at most {n} characters).").format(n=MAX_HOLIDAY_NAME),
                                  field="name", code="name_too_long")
        there = s.scalars(select(Holiday).where(Holiday.office_code == ctx.office_code, Holiday.day == day)).first()
        if there is not None:
            raise ValidationError(_("{date} is in the table already ({name}). Remove it first to change it.").format(
                date=day.strftime("%d/%m/%Y"), name=there.name), field="day", code="day_taken")
        row = Holiday(office_code=ctx.office_code, day=day, name=text, kind=kind, source="announced")
        s.add(row)
        s.flush()
        _audit(s, actor, "holiday_add", "holiday", row.id, now, day=day, name=text, kind=kind)
        return Done(HOLIDAY_ADDED, day.isoformat())
    return _write(ctx, day.year, change)


def remove_holiday(ctx: CounterContext, day: date) -> AdminView:
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        _refuse_if_enrolled(s, ctx.office_code)
        row = s.scalars(select(Holiday).where(Holiday.office_code == ctx.office_code, Holiday.day == day)).first()
        if row is None:
            raise NotFound(_("{date} is not in the table.").format(date=day.strftime("%d/%m/%Y")),
                           code="holiday_not_found")
        _audit(s, actor, "holiday_remove", "holiday", row.id, now, day=day, name=row.name, kind=row.kind,
               source=row.source)
        s.delete(row)
        s.flush()
        return Done(HOLIDAY_REMOVED, day.isoformat())
    return _write(ctx, day.year, change)


def add_national_days(ctx: CounterContext, year: int) -> AdminView:
    """Copy the year's national holidays and make-up days into the table (days already in
    it are kept as they are)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        _refuse_if_enrolled(s, ctx.office_code)
        added = seed_national_holidays(s, ctx.office_code, [year])
        _audit(s, actor, "holiday_seed", "holiday", None, now, year=year, added=added)
        return Done(NATIONAL_ADDED, str(year), added)
    return _write(ctx, year, change)


def _hhmm(value: str | time) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        hh, mm = str(value).strip().split(":")
        return time(int(hh), int(mm))
    except (TypeError, ValueError):
        raise ValidationError(_("Write a time as HH:MM, e.g. 07:30."), field="working_hours",
                              code="bad_time") from None


def check_hours(periods: list[tuple[str | time, str | time]], same_day_cutoff: str | time) -> WorkingHours:
    """Working periods and the same-day cutoff, checked, with the reasons in the admin's
    language."""
    spans = [(_hhmm(a), _hhmm(b)) for a, b in periods]
    if not spans:
        raise ValidationError(_("At least one working period is needed."), field="working_hours",
                              code="no_period")
    for start, end in spans:
        if not start < end:
            raise ValidationError(_("A period must end after it starts ({start}–{end}).").format(
                start=start.strftime("%H:%M"), end=end.strftime("%H:%M")), field="working_hours", code="bad_period")
    for (_s, prev_end), (next_start, _e) in pairwise(spans):
        if next_start < prev_end:
            raise ValidationError(_("The afternoon must start after the morning ends."), field="working_hours",
                                  code="overlap")
    cutoff = _hhmm(same_day_cutoff)
    if cutoff > spans[-1][1]:
        raise ValidationError(_("The same-day cutoff cannot be after closing time."), field="same_day_cutoff",
                              code="bad_cutoff")
    return WorkingHours(periods=tuple(spans), same_day_cutoff=cutoff)


def save_hours(ctx: CounterContext, periods: list[tuple[str | time, str | time]], *,
               same_day_cutoff: str | time, saturday_morning_open: bool, year: int | None = None) -> AdminView:
    """The office's working periods (morning, afternoon), the same-day cutoff and whether it
    opens on Saturday mornings (an office rule: editable after enrollment too)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        hours = check_hours(periods, same_day_cutoff)
        rules = load_rules(s, ctx.office_code)
        before = {"working_hours": rules.hours.to_dict(), "saturday_morning_open": rules.saturday_morning_open}
        after = {"working_hours": hours.to_dict(), "saturday_morning_open": bool(saturday_morning_open)}
        if before == after:
            return Done(NOTHING_CHANGED)
        set_rule(s, ctx.office_code, "working_hours", after["working_hours"])
        set_rule(s, ctx.office_code, "saturday_morning_open", after["saturday_morning_open"])
        s.flush()
        _audit(s, actor, "working_hours", "office_setting", None, now, before=before, after=after)
        return Done(HOURS_SAVED)
    return _write(ctx, year, change)


# --- kiosk and desk settings --------------------------------------------------------------

def set_pin(ctx: CounterContext, pin: str, pin_again: str) -> AdminView:
    """The staff PIN of every kiosk of the office (typed twice; stored as an argon2 hash;
    neither the PIN nor its hash goes into the audit row)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        if not valid_kiosk_pin(pin):
            raise ValidationError(_("The kiosk PIN is 4 to 6 digits."), field="pin", code="bad_pin")
        _same(pin, pin_again, "pin")
        set_rule(s, ctx.office_code, KIOSK_PIN_RULE, hash_password(pin))
        s.flush()
        _audit(s, actor, "kiosk_pin", "office_setting", None, now, key=KIOSK_PIN_RULE)
        return Done(PIN_SET)
    return _write(ctx, None, change)


def check_setting(key: str, value: Any) -> Any:
    if key == "announce_english":
        if not isinstance(value, bool):
            raise ValidationError(_("{value} is out of range: from {low} to {high}.").format(
                value=value, low=False, high=True), field=key, code="bad_setting")
        return value
    if key == "announce_style":
        if value not in ANNOUNCE_STYLES:
            raise ValidationError(_("Unknown announce style: {style}.").format(style=value), field=key,
                                  code="bad_setting")
        return value
    low, high = SETTING_RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(_("{value} is out of range: from {low} to {high}.").format(
            value=value, low=low, high=high), field=key, code="bad_setting")
    return value


def save_settings(ctx: CounterContext, **values: Any) -> AdminView:
    """Some of: appointment_early_minutes, appointment_late_minutes, priority_max_in_row,
    counter_idle_lock_minutes, print_keep_days (ints in :data:`SETTING_RANGES`),
    announce_style ("words" / "digits") and announce_english (bool). One audit row lists what changed."""
    unknown = set(values) - set(SETTING_RANGES) - {"announce_style", "announce_english"}
    if unknown:
        raise KeyError(f"not a desk setting: {', '.join(sorted(unknown))}")

    def change(s: Session, actor: Actor, now: datetime) -> Done:
        checked = {k: check_setting(k, v) for k, v in values.items()}
        rules = load_rules(s, ctx.office_code)
        before = {k: getattr(rules, k) for k in checked}
        changed = {k: v for k, v in checked.items() if before[k] != v}
        if not changed:
            return Done(NOTHING_CHANGED)
        for k, v in changed.items():
            set_rule(s, ctx.office_code, k, v)
        s.flush()
        _audit(s, actor, "office_settings", "office_setting", None, now,
               before={k: before[k] for k in changed}, after=changed)
        return Done(SETTINGS_SAVED)
    return _write(ctx, None, change)


def check_notices(lines: list[str] | tuple[str, ...]) -> list[str]:
    kept = [collapse_spaces(nfc(line or "")) for line in lines]
    kept = [line for line in kept if line]
    if len(kept) > MAX_NOTICES:
        raise ValidationError(_("At most {n} notices.").format(n=MAX_NOTICES), field="notices",
                              code="too_many_notices")
    for line in kept:
        if len(line) > MAX_NOTICE_CHARS:
            raise ValidationError(_("A notice is at most {n} characters.").format(n=MAX_NOTICE_CHARS),
                                  field="notices", code="notice_too_long")
    return kept


def save_notices(ctx: CounterContext, lines: list[str] | tuple[str, ...]) -> AdminView:
    """The display board's notice lines, in order (blank lines dropped)."""
    def change(s: Session, actor: Actor, now: datetime) -> Done:
        kept = check_notices(lines)
        before = list(load_notices(s, ctx.office_code))
        if kept == before:
            return Done(NOTHING_CHANGED)
        row = s.get(OfficeSetting, (ctx.office_code, NOTICES_KEY))
        if row is None:
            s.add(OfficeSetting(office_code=ctx.office_code, key=NOTICES_KEY, value=kept, updated_at=utcnow()))
        else:
            row.value = kept
            row.updated_at = utcnow()
        s.flush()
        _audit(s, actor, "display_notices", "office_setting", None, now, before=before, after=kept)
        return Done(NOTICES_SAVED, count=len(kept))
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
    "ANNOUNCE_STYLES", "DONE_KINDS", "HOLIDAY_KINDS", "NOTICES_KEY", "SETTING_RANGES", "add_counter", "add_holiday",
    "add_national_days", "check_hours", "check_notices", "check_setting", "clear_lockout", "create_account",
    "edit_account", "in_year", "load", "load_notices", "print_test_page", "remove_holiday", "reset_password",
    "save_counter", "save_hours", "save_notices", "save_settings", "set_pin", "use_printer", "with_done",
]
