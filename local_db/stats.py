"""A short human summary of what an office database holds (``motcua db info``, the demo)."""

from __future__ import annotations

from sqlalchemy import func, select

from local_db import migrate
from local_db.database import Database
from local_db.journal import pending_count
from local_db.models import Appointment, Counter, Dossier, Feedback, Office, Procedure, Service, Staff, Ticket


def describe(db: Database) -> str:
    lines = [f"schema: {migrate.current_revision(db) or '(empty: run motcua db upgrade)'}"]
    if migrate.current_revision(db) is None:
        return "\n".join(lines)
    with db.read() as s:
        office = s.scalars(select(Office)).first()
        if office is None:
            lines.append("office: none yet (motcua db seed-demo builds the demo office)")
            return "\n".join(lines)
        count = lambda model: s.scalar(select(func.count()).select_from(model)) or 0  # noqa: E731
        lines.append(f"office: {office.name_vi} ({office.code}), unit id {office.unit_id}")
        lines.append(f"  {count(Service)} services, {count(Counter)} counters, {count(Procedure)} procedures, "
                     f"{count(Staff)} staff")
        first, last = s.execute(select(func.min(Ticket.day), func.max(Ticket.day))).one()
        lines.append(f"  {count(Ticket)} tickets ({first} .. {last}), {count(Appointment)} appointments, "
                     f"{count(Feedback)} ratings")
        by_status = s.execute(select(Dossier.status, func.count()).group_by(Dossier.status)).all()
        lines.append(f"  {count(Dossier)} dossiers: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status)))
        lines.append(f"  outbox: {pending_count(s)} operations waiting to sync")
    return "\n".join(lines)
