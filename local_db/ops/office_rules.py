"""An administrator's changes to the office rules kept in the database
(local_db/office_settings.py): working hours and Saturday opening, the kiosk PIN, the desk
settings, and the notices the display board scrolls.

The rules are the office's own, editable after enrollment too (docs/ARCHITECTURE.md §5), and
not synced: each change writes an audit row and no outbox row. Each refuses anyone but an
active administrator, asked of the database in the operation's own session
(``requires_role``, local_db/ops/authority.py), whoever calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timezone
from itertools import pairwise
from typing import Any

from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import ValidationError
from core.i18n import lazy_gettext
from core.passwords import hash_password
from core.text import collapse_spaces, nfc
from core.working_calendar import WorkingHours
from local_db import journal
from local_db.base import utcnow
from local_db.models import OfficeSetting
from local_db.office_settings import KIOSK_PIN_RULE, load_rules, set_rule, valid_kiosk_pin
from local_db.ops.authority import requires_role

NOTICES_KEY = "notices"  # office setting: list[str], the display board's scrolling lines
MAX_NOTICES = 20
MAX_NOTICE_CHARS = 300
ANNOUNCE_STYLES = ("words", "digits")

# The desk settings an administrator edits, with their allowed ranges (inclusive).
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "appointment_early_minutes": (0, 120),
    "appointment_late_minutes": (0, 120),
    "priority_max_in_row": (1, 10),
    "counter_idle_lock_minutes": (1, 120),
    "print_keep_days": (1, 365),
}
DESK_SETTINGS = (*SETTING_RANGES, "announce_style", "announce_english")


@dataclass(frozen=True)
class RulesSaved:
    """Which rules a change wrote (empty: the form said what the office already had)."""

    keys: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.keys)


@dataclass(frozen=True)
class NoticesSaved:
    """The notice lines as kept; ``changed`` is False when they were the board's already."""

    lines: tuple[str, ...]
    changed: bool


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _audit(session: Session, actor: Actor, action: str, now: datetime, **detail: Any) -> None:
    journal.audit(session, actor, action=action, entity="office_setting", now=now, detail=detail)
    session.flush()


# --- working hours ---------------------------------------------------------------------------

def _hhmm(value: str | time) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        hh, mm = str(value).strip().split(":")
        return time(int(hh), int(mm))
    except (TypeError, ValueError):
        raise ValidationError(lazy_gettext("Write a time as HH:MM, e.g. 07:30."), field="working_hours",
                              code="bad_time") from None


def check_hours(periods: list[tuple[str | time, str | time]], same_day_cutoff: str | time) -> WorkingHours:
    """Working periods and the same-day cutoff, checked, with the reasons in the reader's
    language."""
    spans = [(_hhmm(a), _hhmm(b)) for a, b in periods]
    if not spans:
        raise ValidationError(lazy_gettext("At least one working period is needed."), field="working_hours",
                              code="no_period")
    for start, end in spans:
        if not start < end:
            raise ValidationError(lazy_gettext("A period must end after it starts ({start}–{end}).",
                                               start=start.strftime("%H:%M"), end=end.strftime("%H:%M")),
                                  field="working_hours", code="bad_period")
    for (_s, prev_end), (next_start, _e) in pairwise(spans):
        if next_start < prev_end:
            raise ValidationError(lazy_gettext("The afternoon must start after the morning ends."),
                                  field="working_hours", code="overlap")
    cutoff = _hhmm(same_day_cutoff)
    if cutoff > spans[-1][1]:
        raise ValidationError(lazy_gettext("The same-day cutoff cannot be after closing time."),
                              field="same_day_cutoff", code="bad_cutoff")
    return WorkingHours(periods=tuple(spans), same_day_cutoff=cutoff)


@requires_role("admin")
def save_hours(session: Session, actor: Actor, periods: list[tuple[str | time, str | time]], *,
               same_day_cutoff: str | time, saturday_morning_open: bool, now: datetime | None = None) -> RulesSaved:
    """The office's working periods (morning, afternoon), the same-day cutoff and whether it
    opens on Saturday mornings."""
    now = _now(now)
    hours = check_hours(periods, same_day_cutoff)
    rules = load_rules(session, actor.office_code)
    before = {"working_hours": rules.hours.to_dict(), "saturday_morning_open": rules.saturday_morning_open}
    after = {"working_hours": hours.to_dict(), "saturday_morning_open": bool(saturday_morning_open)}
    if before == after:
        return RulesSaved(())
    set_rule(session, actor.office_code, "working_hours", after["working_hours"])
    set_rule(session, actor.office_code, "saturday_morning_open", after["saturday_morning_open"])
    session.flush()
    _audit(session, actor, "working_hours", now, before=before, after=after)
    return RulesSaved(("working_hours", "saturday_morning_open"))


# --- the kiosk PIN and the desk settings -----------------------------------------------------

@requires_role("admin")
def set_kiosk_pin(session: Session, actor: Actor, pin: str, *, now: datetime | None = None) -> RulesSaved:
    """The staff PIN of every kiosk of the office, stored as an argon2 hash; neither the PIN
    nor its hash goes into the audit row."""
    now = _now(now)
    if not valid_kiosk_pin(pin):
        raise ValidationError(lazy_gettext("The kiosk PIN is 4 to 6 digits."), field="pin", code="bad_pin")
    set_rule(session, actor.office_code, KIOSK_PIN_RULE, hash_password(pin))
    session.flush()
    _audit(session, actor, "kiosk_pin", now, key=KIOSK_PIN_RULE)
    return RulesSaved((KIOSK_PIN_RULE,))


def check_setting(key: str, value: Any) -> Any:
    """``value`` if it is allowed for desk setting ``key``, else a ValidationError on ``key``."""
    if key == "announce_english":
        if not isinstance(value, bool):
            raise ValidationError(lazy_gettext("{value} is out of range: from {low} to {high}.",
                                               value=value, low=False, high=True), field=key, code="bad_setting")
        return value
    if key == "announce_style":
        if value not in ANNOUNCE_STYLES:
            raise ValidationError(lazy_gettext("Unknown announce style: {style}.", style=value), field=key,
                                  code="bad_setting")
        return value
    low, high = SETTING_RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(lazy_gettext("{value} is out of range: from {low} to {high}.",
                                           value=value, low=low, high=high), field=key, code="bad_setting")
    return value


@requires_role("admin")
def save_settings(session: Session, actor: Actor, values: dict[str, Any], *,
                  now: datetime | None = None) -> RulesSaved:
    """Some of :data:`DESK_SETTINGS`; one audit row lists what changed. A key that is not a
    desk setting is a programming error (KeyError)."""
    unknown = set(values) - set(DESK_SETTINGS)
    if unknown:
        raise KeyError(f"not a desk setting: {', '.join(sorted(unknown))}")
    now = _now(now)
    checked = {k: check_setting(k, v) for k, v in values.items()}
    rules = load_rules(session, actor.office_code)
    before = {k: getattr(rules, k) for k in checked}
    changed = {k: v for k, v in checked.items() if before[k] != v}
    if not changed:
        return RulesSaved(())
    for k, v in changed.items():
        set_rule(session, actor.office_code, k, v)
    session.flush()
    _audit(session, actor, "office_settings", now, before={k: before[k] for k in changed}, after=changed)
    return RulesSaved(tuple(changed))


# --- the display board's notices -------------------------------------------------------------

def load_notices(session: Session, office_code: str) -> tuple[str, ...]:
    """The display board's notice lines (office setting ``"notices"``), in order."""
    row = session.get(OfficeSetting, (office_code, NOTICES_KEY))
    value = row.value if row is not None else None
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if str(v).strip())


def check_notices(lines: list[str] | tuple[str, ...]) -> list[str]:
    """The lines as they are kept (spaces collapsed, blank ones dropped), or why not."""
    kept = [collapse_spaces(nfc(line or "")) for line in lines]
    kept = [line for line in kept if line]
    if len(kept) > MAX_NOTICES:
        raise ValidationError(lazy_gettext("At most {n} notices.", n=MAX_NOTICES), field="notices",
                              code="too_many_notices")
    for line in kept:
        if len(line) > MAX_NOTICE_CHARS:
            raise ValidationError(lazy_gettext("A notice is at most {n} characters.", n=MAX_NOTICE_CHARS),
                                  field="notices", code="notice_too_long")
    return kept


@requires_role("admin")
def save_notices(session: Session, actor: Actor, lines: list[str] | tuple[str, ...], *,
                 now: datetime | None = None) -> NoticesSaved:
    """The display board's notice lines, in order (spaces collapsed, blank lines dropped)."""
    now = _now(now)
    kept = check_notices(lines)
    before = list(load_notices(session, actor.office_code))
    if kept == before:
        return NoticesSaved(tuple(kept), changed=False)
    row = session.get(OfficeSetting, (actor.office_code, NOTICES_KEY))
    if row is None:
        session.add(OfficeSetting(office_code=actor.office_code, key=NOTICES_KEY, value=kept, updated_at=utcnow()))
    else:
        row.value = kept
        row.updated_at = utcnow()
    session.flush()
    _audit(session, actor, "display_notices", now, before=before, after=kept)
    return NoticesSaved(tuple(kept), changed=True)


__all__ = [
    "ANNOUNCE_STYLES", "DESK_SETTINGS", "MAX_NOTICES", "MAX_NOTICE_CHARS", "NOTICES_KEY", "SETTING_RANGES",
    "NoticesSaved", "RulesSaved", "check_hours", "check_notices", "check_setting", "load_notices", "save_hours",
    "save_notices", "save_settings", "set_kiosk_pin",
]
