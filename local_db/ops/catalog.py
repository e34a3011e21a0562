"""The office's catalog as screens read it: active procedures with their service, and
counters with the services they serve. Read-only, Qt-free, plain data back.

The kiosk's guide and booking, the counter's intake and sign-in all list the same rows;
reading them here keeps the queries (and the "active only" rule) in one place, and hands
screens frozen copies rather than ORM rows that would lazy-load after their session closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from local_db.models import Counter, Dossier, Procedure, Service


@dataclass(frozen=True)
class CatalogProcedure:
    id: uuid.UUID
    code: str
    name_vi: str
    name_en: str
    name_folded: str
    field_vi: str
    field_en: str
    processing: dict[str, Any]
    fee_rule: dict[str, Any]
    documents: tuple[Any, ...]
    service_id: uuid.UUID
    service_code: str
    service_name_vi: str
    service_name_en: str


@dataclass(frozen=True)
class ServiceEntry:
    id: uuid.UUID
    code: str
    prefix: str
    name_vi: str
    name_en: str
    active: bool = True


@dataclass(frozen=True)
class CounterEntry:
    id: uuid.UUID
    number: int
    name: str
    active: bool
    is_open: bool
    service_ids: frozenset[uuid.UUID]
    service_names_vi: tuple[str, ...]  # in the counter's order of services
    service_names_en: tuple[str, ...]


_PROCEDURES = select(Procedure, Service).join(Service, Service.id == Procedure.service_id)


def _procedure(p: Procedure, sv: Service) -> CatalogProcedure:
    return CatalogProcedure(
        id=p.id, code=p.code, name_vi=p.name_vi, name_en=p.name_en, name_folded=p.name_folded,
        field_vi=p.field_vi, field_en=p.field_en, processing=dict(p.processing), fee_rule=dict(p.fee_rule),
        documents=tuple(p.documents or ()), service_id=sv.id, service_code=sv.code, service_name_vi=sv.name_vi,
        service_name_en=sv.name_en)


def active_procedures(session: Session, office_code: str) -> list[CatalogProcedure]:
    """Every active procedure of the office with its service, in no particular order (each
    screen sorts for its own reader)."""
    rows = session.execute(_PROCEDURES.where(Procedure.office_code == office_code, Procedure.active.is_(True)))
    return [_procedure(p, sv) for p, sv in rows]


def procedure_by_code(session: Session, office_code: str, code: str) -> CatalogProcedure | None:
    """The procedure with this national code, active or not (an old booking names it)."""
    row = session.execute(_PROCEDURES.where(Procedure.office_code == office_code, Procedure.code == code)).first()
    return _procedure(row[0], row[1]) if row is not None else None


def service_by_code(session: Session, office_code: str, code: str) -> ServiceEntry | None:
    """The service (queue) with this code, active or not."""
    sv = session.scalars(select(Service).where(Service.office_code == office_code, Service.code == code)).first()
    return _service(sv) if sv is not None else None


def _service(sv: Service) -> ServiceEntry:
    return ServiceEntry(id=sv.id, code=sv.code, prefix=sv.prefix, name_vi=sv.name_vi, name_en=sv.name_en,
                        active=sv.active)


def all_services(session: Session, office_code: str) -> list[ServiceEntry]:
    """Every service of the office, in use or not, in display order (the admin's list)."""
    rows = session.scalars(select(Service).where(Service.office_code == office_code)
                           .order_by(Service.sort_order, Service.code))
    return [_service(sv) for sv in rows]


def active_services(session: Session, office_code: str) -> list[ServiceEntry]:
    """The office's active services (queues), in their display order."""
    rows = session.scalars(select(Service).where(Service.office_code == office_code, Service.active.is_(True))
                           .order_by(Service.sort_order, Service.code))
    return [_service(sv) for sv in rows]


def _entry(c: Counter) -> CounterEntry:
    return CounterEntry(id=c.id, number=c.number, name=c.name, active=c.active, is_open=c.is_open,
                        service_ids=frozenset(sv.id for sv in c.services),
                        service_names_vi=tuple(sv.name_vi for sv in c.services),
                        service_names_en=tuple(sv.name_en for sv in c.services))


def active_counters(session: Session, office_code: str) -> list[CounterEntry]:
    """The office's active counters, by number."""
    rows = session.scalars(select(Counter).where(Counter.office_code == office_code, Counter.active.is_(True))
                           .order_by(Counter.number)).all()
    return [_entry(c) for c in rows]


def all_counters(session: Session, office_code: str) -> list[CounterEntry]:
    """Every counter of the office, in use or not, by number (the admin's list)."""
    rows = session.scalars(select(Counter).where(Counter.office_code == office_code).order_by(Counter.number))
    return [_entry(c) for c in rows]


def counter_entry(session: Session, office_code: str, number: int) -> CounterEntry | None:
    """Counter ``number`` of the office, active or not (None when there is no such counter)."""
    row = session.scalars(select(Counter).where(Counter.office_code == office_code,
                                                Counter.number == number)).first()
    return _entry(row) if row is not None else None


def recent_procedure_ids(session: Session, office_code: str, *, staff_id: uuid.UUID | None = None,
                         counter_id: uuid.UUID | None = None, limit: int = 5) -> list[uuid.UUID]:
    """The procedures this clerk or this counter received a dossier for most recently, newest
    first. "Recent" comes from the dossiers themselves: no table of its own."""
    mine = []
    if staff_id is not None:
        mine.append(Dossier.received_by == staff_id)
    if counter_id is not None:
        mine.append(Dossier.counter_id == counter_id)
    if not mine:
        return []
    last = func.max(Dossier.received_at)
    return list(session.scalars(
        select(Dossier.procedure_id).where(Dossier.office_code == office_code, or_(*mine))
        .group_by(Dossier.procedure_id).order_by(last.desc()).limit(limit)))


__all__ = ["CatalogProcedure", "CounterEntry", "ServiceEntry", "active_counters", "active_procedures", "active_services",
           "all_counters", "all_services", "counter_entry", "procedure_by_code", "recent_procedure_ids",
           "service_by_code"]
