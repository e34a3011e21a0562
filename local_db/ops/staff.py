"""Staff accounts, Qt-free: signing in at a counter, the idle-lock unlock, roles, and the
admin's account management (docs/ARCHITECTURE.md §7).

Login works offline: it asks only the office database, where every account of the office
lives with its argon2id hash (core/passwords.py). After ``LOCK_AFTER`` wrong passwords in a
row an account refuses every attempt — even the right password — for ``LOCK_MINUTES``;
when that time is over the count starts again. An unknown name and a wrong password get the
same answer, and an unknown name costs the same argon2 work as a known one, so neither the
message nor the time tells which names exist.

**A refused attempt must be committed.** ``login``/``unlock`` record the failure (the count
on the account and an audit row) in the session and then raise :class:`LoginRefused`. A
caller that lets the error out of ``with db.write()`` rolls that back — the lockout would
then never come. Screens therefore call :func:`attempt_login` / :func:`attempt_unlock`,
which run the attempt in its own write transaction, commit it whatever the outcome, and
raise the refusal afterwards.

Login state (failed count, lock) is the office's own: an attempt writes one audit row and no
outbox row. Account changes (create, update, password) are synced entity changes written
through ``journal.record(entity="staff")`` — until the office enrolls; from then on staff
belong to the centre and these refuse with ``centre_owned``. No password or hash ever goes
into an outbox payload or an audit detail.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import lazy_gettext
from core.passwords import hash_password, needs_rehash, verify_password
from core.text import collapse_spaces, nfc
from core.working_calendar import to_office_time
from local_db import journal
from local_db.database import Database
from local_db.models import Office, Staff
from local_db.ops.authority import ROLES, Forbidden, requires_role, role_at_least, role_name

LOCK_AFTER = 5  # wrong passwords in a row that lock the account
LOCK_MINUTES = 15
MIN_PASSWORD = 8
MAX_FULL_NAME = 200  # the column's length
_USERNAME = re.compile(r"[a-z0-9._]{3,32}")

T = TypeVar("T")


class LoginRefused(DomainError):
    """A login or unlock attempt refused: ``bad_credentials``, ``inactive`` or ``locked``
    (then ``details["locked_until"]`` is the aware UTC moment the lock ends)."""

    code = "bad_credentials"


@dataclass(frozen=True)
class StaffInfo:
    id: uuid.UUID
    office_code: str
    username: str
    full_name: str
    role: str
    active: bool
    locked_until: datetime | None = None  # set while (or since) locked out; compare with now

    @property
    def role_label(self) -> str:
        return role_label(self.role)


def role_label(role: str) -> str:
    """The role's name in the current language (a context keeps "Clerk" the role apart from
    other uses of the word)."""
    return str(role_name(role))


# --- roles ---------------------------------------------------------------------------------

def has_role(info_or_role: StaffInfo | str, needed: str) -> bool:
    """Whether a staff member (or a bare role) is at least ``needed``: clerk < supervisor <
    admin. An inactive account has no role at all."""
    if isinstance(info_or_role, StaffInfo):
        if not info_or_role.active:
            role_at_least("", needed)  # an unknown ``needed`` is still a ValueError
            return False
        role = info_or_role.role
    else:
        role = info_or_role
    return role_at_least(role, needed)


def require_role(info: StaffInfo | None, needed: str) -> None:
    """Raise :class:`Forbidden` unless ``info`` is an active staff member of role ``needed``
    or above."""
    if info is None:
        raise Forbidden(lazy_gettext("Please log in first."), needed=needed)
    if not has_role(info, needed):
        raise Forbidden(lazy_gettext("This needs the role {role}.", role=role_name(needed)),
                        needed=needed, role=info.role, staff_id=str(info.id))


# --- login and unlock ----------------------------------------------------------------------

@cache
def _dummy_hash() -> str:
    """A hash nobody's password matches, verified for unknown names so that they take as
    long as known ones."""
    return hash_password(secrets.token_urlsafe(24))


def _norm_username(username: str) -> str:
    return nfc(username or "").strip().lower()


def _norm_password(password: str) -> str:
    # Vietnamese keyboards type composed or decomposed letters: the same password must match.
    return nfc(password or "")


def login(session: Session, office_code: str, username: str, password: str, *, device_id: uuid.UUID,
          now: datetime | None = None) -> StaffInfo:
    """The staff member whose name and password these are, or :class:`LoginRefused`.

    Refusals are recorded in ``session`` before raising (see the module docstring: screens
    use :func:`attempt_login`, which commits them). Slow on purpose (argon2): run it off the
    GUI thread.
    """
    now = _now(now)
    typed = _norm_username(username)
    staff = None
    if typed:
        staff = session.scalars(select(Staff).where(Staff.office_code == office_code,
                                                    func.lower(Staff.username) == typed)).first()
    if staff is None:
        verify_password(_dummy_hash(), _norm_password(password))
        _audit(session, office_code, device_id, None, typed, "login_failed", now, reason="unknown_user")
        raise LoginRefused(lazy_gettext("Wrong username or password."), code="bad_credentials")
    return _attempt(session, staff, password, device_id=device_id, now=now, action="login",
                    actor=typed)


def unlock(session: Session, staff_id: uuid.UUID, password: str, *, device_id: uuid.UUID,
           now: datetime | None = None) -> StaffInfo:
    """Resume after the idle lock: the logged-in staff member's password again. Wrong
    passwords count toward the lockout exactly as at login; a refusal is recorded in
    ``session`` before raising (screens use :func:`attempt_unlock`)."""
    now = _now(now)
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(lazy_gettext("Staff account not found."), code="staff_not_found", staff_id=str(staff_id))
    return _attempt(session, staff, password, device_id=device_id, now=now, action="unlock",
                    actor=staff.username)


def _attempt(session: Session, staff: Staff, password: str, *, device_id: uuid.UUID, now: datetime,
             action: str, actor: str) -> StaffInfo:
    office = staff.office_code
    if staff.locked_until is not None:
        if staff.locked_until > now:
            _audit(session, office, device_id, staff.id, actor, f"{action}_locked", now, reason="locked",
                   locked_until=staff.locked_until)
            raise _locked(staff.locked_until)
        staff.locked_until = None  # the lock is over: counting starts again
        staff.failed_logins = 0

    if not verify_password(staff.password_hash, _norm_password(password)):
        staff.failed_logins += 1
        detail: dict[str, Any] = {"reason": "bad_password", "failed_logins": staff.failed_logins}
        if staff.failed_logins >= LOCK_AFTER:
            staff.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            detail["locked_until"] = staff.locked_until
        session.flush()
        _audit(session, office, device_id, staff.id, actor, f"{action}_failed", now, **detail)
        if staff.locked_until is not None:
            raise _locked(staff.locked_until)
        raise LoginRefused(lazy_gettext("Wrong username or password."), code="bad_credentials")

    if not staff.active:
        # Said only to whoever knows the password: it does not reveal the account to others.
        _audit(session, office, device_id, staff.id, actor, f"{action}_failed", now, reason="inactive")
        raise LoginRefused(lazy_gettext("This account has been deactivated. Please contact the administrator."),
                           code="inactive")

    staff.failed_logins = 0
    staff.locked_until = None
    rehashed = needs_rehash(staff.password_hash)
    if rehashed:
        staff.password_hash = hash_password(_norm_password(password))
    session.flush()
    _audit(session, office, device_id, staff.id, actor, action, now, staff_id=staff.id, rehashed=rehashed)
    return _info(staff)


def _locked(until: datetime) -> LoginRefused:
    return LoginRefused(
        lazy_gettext("Too many wrong passwords. The account is locked until {time}.",
                     time=to_office_time(until).strftime("%H:%M")),
        code="locked", locked_until=until)


def attempt_login(db: Database, office_code: str, username: str, password: str, *, device_id: uuid.UUID,
                  now: datetime | None = None) -> StaffInfo:
    """:func:`login` in its own write transaction, committed even when refused (so the count,
    the lock and the audit row stay), the refusal raised after the commit."""
    return _committed(db, lambda s: login(s, office_code, username, password, device_id=device_id, now=now))


def attempt_unlock(db: Database, staff_id: uuid.UUID, password: str, *, device_id: uuid.UUID,
                   now: datetime | None = None) -> StaffInfo:
    """:func:`unlock` in its own write transaction, committed even when refused."""
    return _committed(db, lambda s: unlock(s, staff_id, password, device_id=device_id, now=now))


def _committed(db: Database, op: Callable[[Session], T]) -> T:
    refused: LoginRefused | None = None
    with db.write() as s:
        try:
            return op(s)
        except LoginRefused as exc:
            refused = exc  # leave the block normally: it commits
    assert refused is not None
    raise refused


def _audit(session: Session, office_code: str, device_id: uuid.UUID, entity_id: uuid.UUID | None, actor: str,
           action: str, now: datetime, *, staff_id: uuid.UUID | None = None, **detail: Any) -> None:
    """One audit row of a login attempt. ``staff_id`` (who acted) is set only once the
    password proved it; ``entity_id`` is the account tried, when it exists."""
    journal.audit(session, Actor(office_code, device_id, staff_id, actor), action=action, entity="staff",
                  entity_id=entity_id, now=now, detail=detail)
    session.flush()


# --- account administration ----------------------------------------------------------------

def list_staff(session: Session, office_code: str) -> list[StaffInfo]:
    """Every account of the office, active ones first, by username."""
    rows = session.scalars(select(Staff).where(Staff.office_code == office_code)
                           .order_by(Staff.active.desc(), Staff.username)).all()
    return [_info(s) for s in rows]


def get_staff(session: Session, staff_id: uuid.UUID) -> StaffInfo:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(lazy_gettext("Staff account not found."), code="staff_not_found", staff_id=str(staff_id))
    return _info(staff)


@requires_role("admin")
def create_staff(session: Session, actor: Actor, *, username: str, full_name: str, role: str, password: str,
                 now: datetime | None = None) -> StaffInfo:
    """A new account of the actor's office (the actor must be an active admin)."""
    now = _now(now)
    _refuse_if_enrolled(session, actor.office_code)
    name = _check_username(username)
    taken = session.scalar(select(Staff.id).where(Staff.office_code == actor.office_code,
                                                  func.lower(Staff.username) == name).limit(1))
    if taken is not None:
        raise ValidationError(lazy_gettext("The username {username} is already taken.", username=name),
                              field="username", code="username_taken", username=name)
    full = _check_full_name(full_name)
    _check_role(role)
    secret = _check_password(password)
    staff = Staff(office_code=actor.office_code, username=name, full_name=full, role=role,
                  password_hash=hash_password(secret), active=True, failed_logins=0)
    session.add(staff)
    session.flush()
    journal.record(session, actor, entity="staff", entity_id=staff.id, op_type="create", now=now, to_state="active",
                   payload={"username": name, "full_name": full, "role": role, "active": True})
    return _info(staff)


@requires_role("admin")
def update_staff(session: Session, actor: Actor, staff_id: uuid.UUID, *, full_name: str | None = None,
                 role: str | None = None, active: bool | None = None, now: datetime | None = None) -> StaffInfo:
    """Change an account's name, role or active flag (None: unchanged). Nothing changed,
    nothing written. The office keeps at least one active admin (``last_admin``)."""
    now = _now(now)
    _refuse_if_enrolled(session, actor.office_code)
    staff = _target(session, actor, staff_id)
    changes: dict[str, Any] = {}
    if full_name is not None:
        full = _check_full_name(full_name)
        if full != staff.full_name:
            changes["full_name"] = full
    if role is not None:
        _check_role(role)
        if role != staff.role:
            changes["role"] = role
    if active is not None and bool(active) != staff.active:
        changes["active"] = bool(active)
    if not changes:
        return _info(staff)
    loses_admin = staff.active and staff.role == "admin" and (
        changes.get("role", "admin") != "admin" or changes.get("active", True) is False)
    if loses_admin and _other_active_admins(session, staff) == 0:
        raise DomainError(lazy_gettext("This is the last active administrator account: it cannot be deactivated or "
                                       "given another role."), code="last_admin", staff_id=str(staff.id))
    before = {key: getattr(staff, key) for key in changes}
    was_active = staff.active
    for key, value in changes.items():
        setattr(staff, key, value)
    session.flush()
    op_type = "update"
    if "active" in changes and len(changes) == 1:
        op_type = "activate" if staff.active else "deactivate"
    journal.record(session, actor, entity="staff", entity_id=staff.id, op_type=op_type, now=now,
                   from_state="active" if was_active else "inactive",
                   to_state="active" if staff.active else "inactive",
                   payload=dict(changes), audit_detail={"before": before, "after": changes})
    return _info(staff)


@requires_role("admin")
def set_password(session: Session, actor: Actor, staff_id: uuid.UUID, new_password: str,
                 now: datetime | None = None) -> StaffInfo:
    """Give an account a new password (an admin resets a forgotten one); also ends any lockout."""
    now = _now(now)
    _refuse_if_enrolled(session, actor.office_code)
    staff = _target(session, actor, staff_id)
    secret = _check_password(new_password)
    staff.password_hash = hash_password(secret)
    was_locked = staff.locked_until is not None and staff.locked_until > now
    staff.failed_logins = 0
    staff.locked_until = None
    session.flush()
    state = "active" if staff.active else "inactive"
    journal.record(session, actor, entity="staff", entity_id=staff.id, op_type="set_password", now=now,
                   from_state=state, to_state=state, payload={"password_set_at": now},
                   audit_detail={"lockout_cleared": was_locked})
    return _info(staff)


@requires_role("admin")
def clear_lockout(session: Session, actor: Actor, staff_id: uuid.UUID, *, now: datetime | None = None) -> StaffInfo:
    """End an account's lockout without changing its password (an admin at the office).

    Allowed after enrollment too: the lockout is the office's own state, so this writes an
    audit row and no outbox row.
    """
    now = _now(now)
    staff = _target(session, actor, staff_id)
    was = staff.locked_until
    staff.failed_logins = 0
    staff.locked_until = None
    session.flush()
    journal.audit(session, actor, action="clear_lockout", entity="staff", entity_id=staff.id, now=now,
                  detail={"locked_until": was})
    session.flush()
    return _info(staff)


# --- helpers -------------------------------------------------------------------------------

def _now(now: datetime | None) -> datetime:
    now = now or datetime.now(timezone.utc)
    to_office_time(now)  # refuses naive datetimes
    return now


def _info(staff: Staff) -> StaffInfo:
    return StaffInfo(id=staff.id, office_code=staff.office_code, username=staff.username,
                     full_name=staff.full_name, role=staff.role, active=staff.active,
                     locked_until=staff.locked_until)


def _refuse_if_enrolled(session: Session, office_code: str) -> None:
    enrolled = session.scalar(select(Office.enrolled).where(Office.code == office_code))
    if enrolled:
        raise DomainError(lazy_gettext("This office is enrolled: staff accounts are managed by the centre and cannot be "
                                       "changed here."), code="centre_owned")


def _target(session: Session, actor: Actor, staff_id: uuid.UUID) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.office_code != actor.office_code:
        raise NotFound(lazy_gettext("Staff account not found."), code="staff_not_found", staff_id=str(staff_id))
    return staff


def _other_active_admins(session: Session, staff: Staff) -> int:
    return int(session.scalar(select(func.count()).select_from(Staff).where(
        Staff.office_code == staff.office_code, Staff.role == "admin", Staff.active.is_(True),
        Staff.id != staff.id)) or 0)


def _check_username(username: str) -> str:
    name = _norm_username(username)
    if not _USERNAME.fullmatch(name):
        raise ValidationError(lazy_gettext("A username is 3 to 32 characters: lowercase letters a-z, digits, dots and "
                                           "underscores."), field="username", code="invalid_username")
    return name


def _check_full_name(full_name: str) -> str:
    full = collapse_spaces(nfc(full_name or ""))
    if not full:
        raise ValidationError(lazy_gettext("The full name is required."), field="full_name", code="name_required")
    if len(full) > MAX_FULL_NAME:
        raise ValidationError(lazy_gettext("The full name is too long (at most {n} characters).", n=MAX_FULL_NAME),
                              field="full_name", code="name_too_long")
    return full


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError(lazy_gettext("Unknown role: {role}.", role=role), field="role", code="invalid_role",
                              role=str(role))


def _check_password(password: str) -> str:
    secret = _norm_password(password)
    if len(secret) < MIN_PASSWORD:
        raise ValidationError(lazy_gettext("The password must be at least {n} characters long.", n=MIN_PASSWORD),
                              field="password", code="password_too_short")
    return secret


__all__ = [
    "LOCK_AFTER", "LOCK_MINUTES", "MIN_PASSWORD", "ROLES", "Forbidden", "LoginRefused", "StaffInfo",
    "attempt_login", "attempt_unlock", "clear_lockout", "create_staff", "get_staff", "has_role", "list_staff",
    "login", "require_role", "role_label", "role_name", "set_password", "unlock", "update_staff",
]
