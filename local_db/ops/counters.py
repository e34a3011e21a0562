"""A counter opens when a clerk signs in at it and closes when they sign out: the kiosk
and the display board only count open counters (waits, "no counter open")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound, ValidationError
from core.i18n import lazy_gettext
from core.text import collapse_spaces, nfc
from local_db import journal
from local_db.models import Counter, Service
from local_db.ops.authority import requires_role

MAX_COUNTER_NAME = 100  # Counter.name
MAX_COUNTER_NUMBER = 99


def set_counter_open(session: Session, actor: Actor, number: int, is_open: bool, *,
                     now: datetime | None = None) -> None:
    """Open or close counter ``number``; the audit log says who and when. Counter state is
    the office's own (not synced as an entity). Closing is allowed to a clerk deactivated
    meanwhile (signing out must still close the counter); opening is not.

    Opening a counter already open still writes its row: it says which clerk signed in
    there, and the kiosk counts a counter as staffed only by such a row (ops/staffing.py)."""
    now = now or datetime.now(timezone.utc)
    ctr = session.scalars(select(Counter).where(Counter.office_code == actor.office_code,
                                                Counter.number == number)).first()
    if ctr is None:
        raise NotFound(lazy_gettext("There is no counter number {number}", number=number), code="counter_not_found",
                       number=number)
    if ctr.is_open == is_open and not is_open:
        return
    ctr.is_open = is_open
    journal.audit(session, actor, action="counter_open" if is_open else "counter_close", entity="counter",
                  entity_id=ctr.id, now=now, detail={"number": number}, inactive_may=not is_open)


# --- the administrator's arrangement of counters ---------------------------------------------
# Counters are the office's own table (not synced): these write an audit row and no outbox row.

@dataclass(frozen=True)
class CounterSaved:
    """What an administrator's change left of a counter; ``changed`` is False when the form
    said what the counter already was (nothing written)."""

    id: uuid.UUID
    number: int
    name: str
    active: bool
    service_codes: tuple[str, ...]
    changed: bool


def _counter_name(name: str, number: int) -> str:
    text = collapse_spaces(nfc(name or ""))
    if len(text) > MAX_COUNTER_NAME:
        raise ValidationError(lazy_gettext("The counter's name is too long (at most {n} characters).",
                                           n=MAX_COUNTER_NAME), field="name", code="name_too_long")
    return text or f"Quầy {number}"


def _services(session: Session, office_code: str, codes: list[str] | tuple[str, ...]) -> list[Service]:
    wanted = list(dict.fromkeys(codes))
    rows = session.scalars(select(Service).where(Service.office_code == office_code,
                                                 Service.code.in_(wanted))).all() if wanted else []
    found = {s.code: s for s in rows}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(lazy_gettext("Unknown service: {code}.", code=", ".join(unknown)), field="services",
                              code="unknown_service")
    return [found[c] for c in wanted]


def _need_services(services: list[Service], active: bool) -> None:
    if active and not services:
        raise ValidationError(lazy_gettext("Tick at least one service: an open counter that serves nothing could "
                                           "never call anybody."), field="services", code="no_service")


@requires_role("admin")
def save_counter(session: Session, actor: Actor, number: int, *, name: str, active: bool,
                 service_codes: list[str] | tuple[str, ...], now: datetime | None = None) -> CounterSaved:
    """Counter ``number``'s name, whether it is in use, and the services it calls (an
    administrator's change; one out of use is closed too, so the kiosk stops counting it)."""
    now = now or datetime.now(timezone.utc)
    ctr = session.scalars(select(Counter).where(Counter.office_code == actor.office_code,
                                                Counter.number == number)).first()
    if ctr is None:
        raise NotFound(lazy_gettext("There is no counter {number}.", number=number), code="counter_not_found")
    services = _services(session, actor.office_code, service_codes)
    _need_services(services, active)
    new_name = _counter_name(name, number)
    before = {"name": ctr.name, "active": ctr.active, "services": sorted(x.code for x in ctr.services)}
    after = {"name": new_name, "active": bool(active), "services": sorted(x.code for x in services)}
    changed = before != after
    if changed:
        ctr.name, ctr.active, ctr.services = new_name, bool(active), services
        if not active:
            ctr.is_open = False  # a counter out of use is not counted as open by the kiosk
        session.flush()
        journal.audit(session, actor, action="counter_update", entity="counter", entity_id=ctr.id, now=now,
                      detail={"number": number, "before": before, "after": after})
        session.flush()
    return CounterSaved(ctr.id, ctr.number, ctr.name, ctr.active, tuple(x.code for x in ctr.services), changed)


@requires_role("admin")
def add_counter(session: Session, actor: Actor, number: int, *, name: str = "",
                service_codes: list[str] | tuple[str, ...], now: datetime | None = None) -> CounterSaved:
    """A new counter, in use and closed until a clerk signs in at it."""
    now = now or datetime.now(timezone.utc)
    if not 1 <= int(number) <= MAX_COUNTER_NUMBER:
        raise ValidationError(lazy_gettext("A counter number is from 1 to {n}.", n=MAX_COUNTER_NUMBER),
                              field="number", code="bad_number")
    taken = session.scalar(select(Counter.id).where(Counter.office_code == actor.office_code,
                                                    Counter.number == number))
    if taken is not None:
        raise ValidationError(lazy_gettext("Counter {number} exists already.", number=number), field="number",
                              code="number_taken")
    services = _services(session, actor.office_code, service_codes)
    _need_services(services, True)
    ctr = Counter(office_code=actor.office_code, number=int(number), name=_counter_name(name, number),
                  is_open=False, active=True, services=services)
    session.add(ctr)
    session.flush()
    journal.audit(session, actor, action="counter_create", entity="counter", entity_id=ctr.id, now=now,
                  detail={"number": number, "name": ctr.name, "services": [x.code for x in services]})
    session.flush()
    return CounterSaved(ctr.id, ctr.number, ctr.name, True, tuple(x.code for x in services), True)


__all__ = ["MAX_COUNTER_NAME", "MAX_COUNTER_NUMBER", "CounterSaved", "add_counter", "save_counter",
           "set_counter_open"]
