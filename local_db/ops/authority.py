"""Who may run an office operation: the one place that says it, and the register of the
operations that need a role.

An operation that needs a role says so with :func:`requires_role`. Before its body runs,
the acting staff member's row is read **in the operation's own session** — the same
transaction as the write — and the operation is refused with :class:`Forbidden` unless
that row belongs to the actor's office, is active, and has the role or a higher one
(clerk < supervisor < admin). What the caller believes about the actor (the role a
counter window read at sign-in, a label) plays no part: a supervisor demoted, or an
account deactivated, in another session is refused at their next action, even from a
window that stayed open.

Why the read is enough without a row lock: at PostgreSQL's READ COMMITTED a demotion that
commits while the operation runs is ordered after it (the operation read the old role and
the demotion reads nothing the operation writes), so the two histories are equivalent to
"the action, then the demotion"; the next action sees the new role.

Every decorated operation lands in :data:`ROLE_RULES` (its dotted name -> the role it
needs), which the role matrix test (tests/local_db/test_role_matrix.py) walks: each
operation with each role and with a deactivated account. That test also scans
``local_db/ops`` for functions that write the office's rules, slots, staff, counters or
holidays and fails for one that is neither registered here nor listed there with the
reason it needs no role.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError
from core.i18n import LazyText, lazy_gettext, lazy_pgettext
from local_db.models import Staff

ROLES = ("clerk", "supervisor", "admin")  # each role can do what the ones before it can

P = ParamSpec("P")
R = TypeVar("R")

#: Every operation that needs a role: "module.function" -> the lowest role allowed.
ROLE_RULES: dict[str, str] = {}


class Forbidden(DomainError):
    """The acting staff member may not do this (not signed in, deactivated, or a role too low)."""

    code = "forbidden"


def role_name(role: str) -> LazyText | str:
    """A role's name translated when read: for errors, which may be shown in another language."""
    if role == "clerk":
        return lazy_pgettext("staff role", "Clerk")
    if role == "supervisor":
        return lazy_pgettext("staff role", "Supervisor")
    if role == "admin":
        return lazy_pgettext("staff role", "Administrator")
    return role


def role_at_least(role: str, needed: str) -> bool:
    """Whether ``role`` is ``needed`` or above it (an unknown role is below everything)."""
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}; expected one of {', '.join(ROLES)}")
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def _staff_now(session: Session, actor: Actor, needed: str) -> Staff:
    """The actor's staff row, read once per transaction: an operation asks at its start and
    again for every audit row it writes, and one read inside the transaction answers all of
    them (a change this session makes to the row is on the same object, so it still counts)."""
    staff = None
    if actor.staff_id is not None:
        transaction = session.get_transaction()
        # (the transaction object itself, compared with ``is``: an id() could be a new
        # transaction's once the old one is gone, and rows outlive commits in these sessions)
        last = session.info.get("staff_read_in")
        if transaction is not None and last is not None and last[0] is transaction and last[1] == actor.staff_id:
            staff = last[2]
        else:
            staff = session.scalars(select(Staff).where(Staff.id == actor.staff_id)
                                    .execution_options(populate_existing=True)).first()
            session.info["staff_read_in"] = (transaction, actor.staff_id, staff) if staff is not None else None
    if staff is None or staff.office_code != actor.office_code:
        raise Forbidden(lazy_gettext("Please log in first."), needed=needed)
    if not staff.active:
        raise Forbidden(lazy_gettext("This account has been deactivated: it can no longer do this."),
                        code="inactive_staff", needed=needed, staff_id=str(staff.id))
    return staff


def require_current_role(session: Session, actor: Actor, needed: str) -> Staff:
    """The acting staff member's row, read now in ``session``, or :class:`Forbidden` unless
    it is an active account of the actor's office with role ``needed`` or above.

    ``populate_existing``: a row this session loaded earlier is read again, so a change
    committed by another session since then counts.
    """
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}; expected one of {', '.join(ROLES)}")
    staff = _staff_now(session, actor, needed)
    if not role_at_least(staff.role, needed):
        raise Forbidden(lazy_gettext("This needs the role {role}.", role=role_name(needed)),
                        needed=needed, role=staff.role, staff_id=str(staff.id))
    return staff


def require_active_staff(session: Session, actor: Actor) -> Staff:
    """:class:`Forbidden` unless the actor's staff member is an active account of its office
    now, whatever the role: what every staff action needs (local_db/journal.py asks it as
    each audit row is written, so an operation that needs no particular role still refuses
    a deactivated account)."""
    return _staff_now(session, actor, ROLES[0])


def role_needed(op: Callable[..., object]) -> str | None:
    """The role a registered operation needs (None: it is not in :data:`ROLE_RULES`) — for a
    caller that asks before gathering the rest of a form, so the answer stays the operation's."""
    return ROLE_RULES.get(f"{op.__module__}.{op.__qualname__}")


def requires_role(needed: str) -> Callable[[Callable[Concatenate[Session, Actor, P], R]],
                                           Callable[Concatenate[Session, Actor, P], R]]:
    """Decorate an operation ``op(session, actor, ...)``: :func:`require_current_role`
    runs first, in the operation's session, and the operation is registered in
    :data:`ROLE_RULES`. A refusal raises before the body has written anything."""
    if needed not in ROLES:
        raise ValueError(f"unknown role {needed!r}; expected one of {', '.join(ROLES)}")

    def register(op: Callable[Concatenate[Session, Actor, P], R]) -> Callable[Concatenate[Session, Actor, P], R]:
        @functools.wraps(op)
        def checked(session: Session, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            require_current_role(session, actor, needed)
            return op(session, actor, *args, **kwargs)

        ROLE_RULES[f"{op.__module__}.{op.__qualname__}"] = needed
        return checked

    return register


__all__ = ["ROLES", "ROLE_RULES", "Forbidden", "require_active_staff", "require_current_role", "requires_role",
           "role_at_least", "role_name", "role_needed"]
