"""Signing in at a counter, Qt-free: the counters to choose from, the password check
(argon2, lockout: local_db/ops/staff.py) and the idle-lock unlock. Works offline: only
the office database is asked."""

from __future__ import annotations

from dataclasses import dataclass

from counter.context import CounterContext
from local_db.office_settings import load_rules
from local_db.ops import catalog
from local_db.ops import staff as staff_ops
from local_db.ops.counters import set_counter_open


@dataclass(frozen=True)
class CounterChoice:
    number: int
    name: str


def counters(ctx: CounterContext) -> list[CounterChoice]:
    """The office's active counters, by number."""
    with ctx.db.read() as s:
        rows = catalog.active_counters(s, ctx.office_code)
    return [CounterChoice(number=c.number, name=c.name) for c in rows]


def idle_lock_minutes(ctx: CounterContext) -> int:
    with ctx.db.read() as s:
        return load_rules(s, ctx.office_code).counter_idle_lock_minutes


def sign_in(ctx: CounterContext, username: str, password: str) -> staff_ops.StaffInfo:
    """The clerk, or the login error (same message for an unknown name and a wrong
    password; "locked" says until when)."""
    return staff_ops.attempt_login(ctx.db, ctx.office_code, username, password, device_id=ctx.device_id,
                                   now=ctx.now())


def unlock(ctx: CounterContext, password: str) -> staff_ops.StaffInfo:
    """Resume after the idle lock: the logged-in clerk's password (counts toward lockout)."""
    return staff_ops.attempt_unlock(ctx.db, ctx.staff.id, password, device_id=ctx.device_id, now=ctx.now())


def open_desk(ctx: CounterContext) -> None:
    """The clerk signed in at ctx.counter_number: the counter opens."""
    if ctx.counter_number is not None:
        with ctx.db.write() as s:
            set_counter_open(s, ctx.actor, ctx.counter_number, True, now=ctx.now())


def close_desk(ctx: CounterContext) -> None:
    """The clerk signs out: the counter closes (the kiosk stops counting it)."""
    if ctx.counter_number is not None and ctx.staff is not None:
        with ctx.db.write() as s:
            set_counter_open(s, ctx.actor, ctx.counter_number, False, now=ctx.now())
