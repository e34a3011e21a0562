"""Every operation that needs a role, with every kind of caller (issue 18).

The operations declare the role they need with ``@requires_role`` (local_db/ops/authority.py),
which registers them in ``ROLE_RULES``. Here each registered operation is called by a
citizen's kiosk (no staff), a clerk, a supervisor, an administrator, a deactivated
administrator and an administrator of another office:

* a caller below the role (or inactive, or of another office) is refused with
  ``Forbidden`` — and nothing is written even when the caller catches the refusal and
  commits (the check runs before the operation's first write), compared table by table;
* a caller at or above the role succeeds, and every audit row the call writes names them.

Forgetting a new operation is hard: the matrix fails for a registered operation it has no
call for, and a scan of ``local_db/ops`` (the last tests) fails for a public function that
writes the office rules or the kiosk PIN (``set_rule``), slots, staff, counters or holidays
and is neither registered nor listed in :data:`NEEDS_NO_ROLE` with the reason.

The role is read from the database, which behaves the same on both dialects here: SQLite
only (the demotion seen from an open counter session runs on both, test_slot_roles.py).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import local_db.ops
from core.actor import Actor
from local_db.base import Base
from local_db.database import Database
from local_db.models import AuditLog, Outbox, Staff
from local_db.office_setup import OfficeRefs, add_staff, ensure_device
from local_db.ops import counters, holidays, office_rules, signing, slots, sync_settle
from local_db.ops import staff as staff_ops
from local_db.ops.authority import ROLE_RULES, ROLES, Forbidden, role_at_least
from tests.support.dialects import SQLITE_ONLY

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 in Hà Nội
WEDNESDAY = date(2026, 11, 25)
OPS_DIR = Path(local_db.ops.__file__).resolve().parent

# Every module of local_db/ops imported, so that ROLE_RULES holds every registered operation.
for _module in pkgutil.iter_modules([str(OPS_DIR)]):
    importlib.import_module(f"local_db.ops.{_module.name}")


@dataclass(frozen=True)
class Call:
    """How to call one operation: ``prepare`` (as the office, before any caller) returns
    what ``run`` needs; ``run`` calls the operation as ``actor``."""

    run: Callable[[Session, Actor, Any], Any]
    prepare: Callable[[Session, OfficeRefs], Any] = lambda s, office: None


def _locked_clerk(s: Session, office: OfficeRefs) -> Any:
    clerk = s.get(Staff, office.staff["canbo2"])
    assert clerk is not None
    clerk.failed_logins, clerk.locked_until = 5, NOW + timedelta(minutes=10)
    return clerk.id


def _slot(s: Session, office: OfficeRefs) -> Any:
    made = slots.create_slots(s, office.actor("admin"), "HT", WEDNESDAY, start=time(8), end=time(9), minutes=60,
                              office_quota=2, online_quota=1, now=NOW)
    return made[0].id


def _refused_op(s: Session, office: OfficeRefs) -> Any:
    row = s.scalars(select(Outbox).order_by(Outbox.seq)).first()
    if row is None:  # the test office has no outbox yet: one change makes one
        _slot(s, office)
        row = s.scalars(select(Outbox).order_by(Outbox.seq)).first()
    assert row is not None
    row.state, row.last_error = "rejected", "the centre refused it"
    return row.op_id


def _kiosk_device(s: Session, office: OfficeRefs) -> Any:
    return ensure_device(s, office.office_code, "kiosk-9", "kiosk").id


CALLS: dict[str, Call] = {
    "local_db.ops.staff.create_staff": Call(lambda s, a, _p: staff_ops.create_staff(
        s, a, username="canbo.moi", full_name="Đỗ Văn Mới", role="clerk", password="matkhau789", now=NOW)),
    "local_db.ops.staff.update_staff": Call(lambda s, a, _p: staff_ops.update_staff(
        s, a, _p, full_name="Phạm Thị Thủy", now=NOW), lambda s, office: office.staff["canbo2"]),
    "local_db.ops.staff.set_password": Call(lambda s, a, p: staff_ops.set_password(s, a, p, "matkhau999", now=NOW),
                                            lambda s, office: office.staff["canbo2"]),
    "local_db.ops.staff.clear_lockout": Call(lambda s, a, p: staff_ops.clear_lockout(s, a, p, now=NOW), _locked_clerk),
    "local_db.ops.counters.save_counter": Call(lambda s, a, _p: counters.save_counter(
        s, a, 1, name="Quầy một", active=True, service_codes=["HT"], now=NOW)),
    "local_db.ops.counters.add_counter": Call(lambda s, a, _p: counters.add_counter(
        s, a, 9, service_codes=["HT"], now=NOW)),
    "local_db.ops.holidays.add_holiday": Call(lambda s, a, _p: holidays.add_holiday(
        s, a, date(2026, 12, 24), name="Nghỉ bù", kind="day_off", now=NOW)),
    "local_db.ops.holidays.remove_holiday": Call(lambda s, a, _p: holidays.remove_holiday(
        s, a, date(2026, 9, 2), now=NOW)),
    "local_db.ops.holidays.add_national_holidays": Call(lambda s, a, _p: holidays.add_national_holidays(
        s, a, 2030, now=NOW)),
    "local_db.ops.office_rules.save_hours": Call(lambda s, a, _p: office_rules.save_hours(
        s, a, [("08:00", "11:30")], same_day_cutoff="10:00", saturday_morning_open=True, now=NOW)),
    "local_db.ops.office_rules.set_kiosk_pin": Call(lambda s, a, _p: office_rules.set_kiosk_pin(
        s, a, "2468", now=NOW)),
    "local_db.ops.office_rules.save_settings": Call(lambda s, a, _p: office_rules.save_settings(
        s, a, {"priority_max_in_row": 3}, now=NOW)),
    "local_db.ops.office_rules.save_notices": Call(lambda s, a, _p: office_rules.save_notices(
        s, a, ["Nghỉ trưa 11:30"], now=NOW)),
    "local_db.ops.slots.create_slots": Call(lambda s, a, _p: slots.create_slots(
        s, a, "HT", WEDNESDAY, start=time(9), end=time(10), minutes=30, office_quota=3, online_quota=1, now=NOW)),
    "local_db.ops.slots.set_slot_capacity": Call(lambda s, a, p: slots.set_slot_capacity(
        s, a, p, office_quota=4, online_quota=2, now=NOW), _slot),
    "local_db.ops.sync_settle.settle_problem": Call(lambda s, a, p: sync_settle.settle_problem(s, a, p, now=NOW),
                                                    _refused_op),
    "local_db.ops.signing.revoke_device_key": Call(lambda s, a, p: signing.revoke_device_key(s, a, p, now=NOW),
                                                   _kiosk_device),
}

# The callers: (name, role or None for no staff, active, same office).
CALLERS = [
    ("kiosk", None, True, True),
    ("clerk", "clerk", True, True),
    ("supervisor", "supervisor", True, True),
    ("admin", "admin", True, True),
    ("deactivated admin", "admin", False, True),
    ("admin of another office", "admin", True, False),
]
USERNAMES = {"clerk": "canbo1", "supervisor": "giamsat", "admin": "admin"}


def _actor(s: Session, office: OfficeRefs, name: str, role: str | None, active: bool, same_office: bool) -> Actor:
    if role is None:
        return office.actor()
    if not active:
        gone = add_staff(s, office.office_code, username="quantri.cu", full_name="Hồ Văn Cũ", role=role,
                         password="matkhau000")
        gone.active = False
        s.flush()
        return Actor(office.office_code, office.device_id, gone.id, "Hồ Văn Cũ")
    staff_id = office.staff[USERNAMES[role]]
    return Actor(office.office_code if same_office else "99999", office.device_id, staff_id, name)


def _snapshot(s: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: what "nothing written" is compared on."""
    out = {}
    for table in Base.metadata.sorted_tables:
        rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(r) for r in rows]
    return out


class _Undo(Exception):
    """Raised at the end of an allowed call's transaction so the next caller starts from the same office."""


def _may(role: str | None, active: bool, same_office: bool, needed: str) -> bool:
    return role is not None and active and same_office and role_at_least(role, needed)


def test_every_registered_operation_has_a_call_in_the_matrix() -> None:
    assert set(ROLE_RULES) == set(CALLS), "a role-checked operation without a row in CALLS (or a stale row)"
    assert set(ROLE_RULES.values()) <= set(ROLES)


@SQLITE_ONLY
@pytest.mark.parametrize("op", sorted(CALLS))
def test_the_operation_lets_in_its_roles_and_refuses_the_rest_writing_nothing(
        db: Database, office: OfficeRefs, op: str) -> None:
    needed = ROLE_RULES[op]
    call = CALLS[op]
    with db.write() as s:
        prepared = call.prepare(s, office)
    allowed_seen = 0
    for name, role, active, same_office in CALLERS:
        with db.write() as s:
            actor = _actor(s, office, name, role, active, same_office)
        with db.read() as s:
            before = _snapshot(s)
        if not _may(role, active, same_office, needed):
            with db.write() as s:  # the caller catches the refusal and commits: still nothing written
                with pytest.raises(Forbidden) as refused:
                    call.run(s, actor, prepared)
                assert refused.value.details["needed"] == needed, name
            with db.read() as s:
                after = _snapshot(s)
            changed = sorted(t for t in before if before[t] != after[t])
            assert changed == [], f"{op} refused {name} but wrote {changed}"
            continue
        allowed_seen += 1
        with pytest.raises(_Undo):
            with db.write() as s:
                audits_before = {r.id for r in s.scalars(select(AuditLog))}
                call.run(s, actor, prepared)
                s.flush()
                new = [r for r in s.scalars(select(AuditLog)) if r.id not in audits_before]
                mine = [r for r in new if r.staff_id == actor.staff_id and r.office_code == office.office_code]
                assert mine, f"{op} by {name} wrote no audit row naming them"
                # and none in anybody else's name (the machinery's own rows name nobody: staff_id None)
                assert {r.staff_id for r in new} <= {actor.staff_id, None}, op
                raise _Undo
    assert allowed_seen == ROLES.index("admin") - ROLES.index(needed) + 1


# --- no operation forgotten ------------------------------------------------------------------

# What the scan calls "writes guarded state": office rules and the kiosk PIN go through
# set_rule (or an OfficeSetting row); the rest are these tables. A function that makes such a
# row, updates or deletes it with a statement, or loads one of these models and assigns an
# attribute (``row.x = ...``, ``setattr``, ``session.delete``) — in its own body or in a
# function of the same module it calls — is a writer.
GUARDED_MODELS = {"OfficeSetting", "Slot", "Staff", "Counter", "Holiday"}
GUARDED_WRITERS = {"set_rule", "seed_national_holidays"}

# Writers that need no role, each with the reason. A stale line fails too (see below).
NEEDS_NO_ROLE: dict[str, str] = {
    "appointments.book": "counts a place on the slot: the citizen books at the kiosk, a clerk by phone",
    "appointments.cancel": "gives the slot's place back",
    "appointments.reschedule": "moves a place between slots",
    "appointments.check_in": "the citizen checks in at the kiosk or the desk (the slot's count)",
    "appointments.issue_check_in": "the same check-in",
    "appointments.mark_no_shows": "marks absent the appointments whose window closed (the slot's count)",
    "appointments_online.check_in_online_token": "the kiosk checks in an online booking not yet pulled",
    "appointments_online.hold_online_places": "the sync agent holds the places of online bookings",
    "attachments.attach_scan": "reads the clerk's name for the file; writes no staff row",
    "counters.set_counter_open": "a clerk's counter opens at sign-in and closes at sign-out (audited)",
    "dashboard.dashboard": "read-only: it assigns attributes of its own result rows",
    "staff.login": "the sign-in itself: the failure count and the lockout (audited)",
    "staff.unlock": "the idle-lock unlock: the same count",
    "staff.attempt_login": "login in its own transaction",
    "staff.attempt_unlock": "unlock in its own transaction",
    "sync_apply_bookings.pulled_slot": "the centre's slot applied by the sync agent (no staff acts)",
    "sync_apply_bookings.pulled_appointment": "the centre's booking applied by the sync agent",
}


def _called_name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


@dataclass
class _Body:
    writes: bool = False  # makes, updates or deletes a guarded row outright
    models: bool = False  # names a guarded model
    assigns: bool = False  # assigns an attribute, calls setattr or session.delete
    calls: frozenset[str] = frozenset()


def _body(fn: ast.FunctionDef) -> _Body:
    found = _Body()
    calls = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            name = _called_name(node.func)
            calls.add(name)
            first = _called_name(node.args[0]) if node.args else ""
            if name in GUARDED_WRITERS or name in GUARDED_MODELS or (
                    name in ("update", "delete", "insert") and first in GUARDED_MODELS):
                found.writes = True
            if name == "setattr" or (name == "delete" and isinstance(node.func, ast.Attribute)):
                found.assigns = True
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and isinstance(t.ctx, ast.Store)
                   for target in targets for t in ast.walk(target)):
                found.assigns = True
        elif isinstance(node, ast.Name) and node.id in GUARDED_MODELS:
            found.models = True
    found.calls = frozenset(calls)
    return found


def guarded_writers(source: str, module: str) -> set[str]:
    """The public functions of one module that write guarded state (see above)."""
    tree = ast.parse(source)
    bodies = {n.name: _body(n) for n in tree.body if isinstance(n, ast.FunctionDef)}
    out = set()
    for name in bodies:
        if name.startswith("_"):
            continue
        reached: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in reached:
                continue
            reached.add(current)
            todo.extend(c for c in bodies[current].calls if c in bodies)
        parts = [bodies[r] for r in reached]
        if any(p.writes for p in parts) or (any(p.models for p in parts) and any(p.assigns for p in parts)):
            out.add(f"{module}.{name}")
    return out


def _all_writers() -> set[str]:
    found: set[str] = set()
    for path in sorted(OPS_DIR.glob("*.py")):
        found |= guarded_writers(path.read_text(encoding="utf-8"), path.stem)
    return found


def _registered() -> set[str]:
    return {name.removeprefix("local_db.ops.") for name in ROLE_RULES}


def test_every_operation_that_writes_rules_slots_staff_counters_or_holidays_is_role_checked_or_explained() -> None:
    writers = _all_writers()
    forgotten = sorted(writers - _registered() - set(NEEDS_NO_ROLE))
    assert forgotten == [], ("these operations write the office's rules, slots, staff, counters or holidays: "
                             "give them @requires_role (local_db/ops/authority.py), or say in NEEDS_NO_ROLE why "
                             f"they need none: {forgotten}")
    assert not _registered() & set(NEEDS_NO_ROLE)
    stale = sorted(set(NEEDS_NO_ROLE) - writers)
    assert stale == [], f"NEEDS_NO_ROLE lists functions the scan no longer finds: {stale}"


def test_the_scan_sees_the_writers_it_must() -> None:
    """The scan is not blind: it finds the registered writers of each kind, and a new
    function that writes a rule, a row or an attribute of a guarded row."""
    writers = _all_writers()
    assert {"slots.create_slots", "slots.set_slot_capacity", "office_rules.set_kiosk_pin", "staff.update_staff",
            "staff.clear_lockout", "holidays.remove_holiday", "counters.save_counter"} <= writers
    new_module = textwrap.dedent('''
        def set_theme(session, actor, theme):
            set_rule(session, actor.office_code, "theme", theme)

        def rename_counter(session, actor, number, name):
            _counter(session, number).name = name

        def _counter(session, number):
            return session.scalars(select(Counter).where(Counter.number == number)).one()

        def read_counter(session, number):
            return _counter(session, number).name
    ''')
    assert guarded_writers(new_module, "new") == {"new.set_theme", "new.rename_counter"}
