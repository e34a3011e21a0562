"""Every document the office prints, made from the office's own data.

For the IT person checking a new printer or a template change, and for the sample images
in docs/: pick one real entity of each kind from the database (the newest ticket, an
upcoming appointment, a refused dossier, a rescheduled one, ...), build its document
through the same sources and builders the counter uses, and write the PDFs (and PNGs).
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.appointment_states import AppointmentStatus
from core.dossier_states import DossierAction
from core.working_calendar import OFFICE_TZ
from local_db.database import Database
from local_db.models import Appointment, Dossier, DossierEvent, Ticket
from local_db.ops.signing import device_signer
from printing import dossier_source, roll_source
from printing.render import render_pdf


@dataclass(frozen=True)
class Sample:
    name: str  # file stem, e.g. "receipt"
    kind: str  # document kind (printing/render.py)
    build: Callable[[Session, str], Any]  # (session, lang) -> content record


T = TypeVar("T")


def _newest(session: Session, stmt: Select[T]) -> T | None:
    return session.scalars(stmt.limit(1)).first()


def _dossier_with_event(session: Session, office_code: str, action: str) -> uuid.UUID | None:
    return _newest(session, select(DossierEvent.dossier_id).join(Dossier, Dossier.id == DossierEvent.dossier_id)
                   .where(Dossier.office_code == office_code, DossierEvent.action == action)
                   .order_by(DossierEvent.at.desc()))


def _samples(session: Session, office_code: str, device_id: uuid.UUID, tracking_host: str,
             now: datetime) -> list[Sample]:
    signer = device_signer(session, device_id)
    out: list[Sample] = []
    ticket = _newest(session, select(Ticket.id).where(Ticket.office_code == office_code)
                     .order_by(Ticket.issued_at.desc()))
    if ticket is not None:
        out.append(Sample("ticket", "ticket",
                          lambda s, lang: roll_source.ticket_content(s, ticket, signer=signer, lang=lang, now=now)))
    appointment = _newest(session, select(Appointment.id).where(Appointment.office_code == office_code,
                                                                Appointment.status == AppointmentStatus.BOOKED)
                          .order_by(Appointment.created_at.desc()))
    if appointment is not None:
        for paper in ("80mm", "A5"):
            def slip(s: Session, lang: str, paper: str = paper, appointment: uuid.UUID = appointment) -> Any:
                return roll_source.appointment_slip_content(s, appointment, signer=signer, lang=lang, paper=paper,
                                                            now=now)
            out.append(Sample(f"appointment_slip_{paper.lower()}", "appointment_slip", slip))
    # The dossier with the longest history makes the fullest receipt and control slip.
    busiest = _newest(session, select(DossierEvent.dossier_id).join(Dossier, Dossier.id == DossierEvent.dossier_id)
                      .where(Dossier.office_code == office_code).group_by(DossierEvent.dossier_id)
                      .order_by(func.count().desc(), DossierEvent.dossier_id))
    if busiest is not None:
        out.append(Sample("receipt", "receipt", lambda s, lang: dossier_source.receipt_content(
            s, busiest, signer=signer, tracking_host=tracking_host, lang=lang, now=now)))
    for name, action, make in (
        ("supplement_request", DossierAction.REQUEST_SUPPLEMENT, dossier_source.supplement_request_content),
        ("refusal", DossierAction.REJECT, dossier_source.refusal_content),
        ("apology", DossierAction.RESCHEDULE, dossier_source.apology_content),
    ):
        found = _dossier_with_event(session, office_code, action)
        if found is not None:
            def form(s: Session, lang: str, make: Callable[..., Any] = make, found: uuid.UUID = found) -> Any:
                return make(s, found, lang=lang, signer=signer, tracking_host=tracking_host, now=now)
            out.append(Sample(name, name, form))
    if busiest is not None:
        out.append(Sample("control_slip", "control_slip", lambda s, lang: dossier_source.control_slip_content(
            s, busiest, lang=lang, signer=signer, tracking_host=tracking_host, now=now)))
    last_day = _newest(session, select(Dossier.received_at).where(Dossier.office_code == office_code)
                       .order_by(Dossier.received_at.desc()))
    if last_day is not None:
        day = last_day.astimezone(OFFICE_TZ).date()
        out.append(Sample("daily_report", "daily_report",
                          lambda s, lang: dossier_source.daily_report_content(s, office_code, day, lang=lang, now=now)))
    return out


def write_samples(db: Database, office_code: str, device_id: uuid.UUID, out_dir: Path, *,
                  langs: Iterable[str] = ("vi", "en"), png_dpi: int | None = None,
                  tracking_host: str = "MOTCUA.LOCALHOST", now: datetime | None = None) -> list[Path]:
    """Write ``<name>-<lang>.pdf`` (and ``<name>-<lang>-<page>.png`` at ``png_dpi``) for every
    document the office's data can show; returns the files written."""
    now = now or datetime.now(timezone.utc)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with db.read() as s:
        for sample in _samples(s, office_code, device_id, tracking_host, now):
            for lang in langs:
                pdf = render_pdf(sample.kind, sample.build(s, lang))
                path = out_dir / f"{sample.name}-{lang}.pdf"
                path.write_bytes(pdf)
                written.append(path)
                if png_dpi:
                    for old in out_dir.glob(f"{sample.name}-{lang}-*.png"):
                        old.unlink()
                    subprocess.run(["pdftoppm", "-r", str(png_dpi), "-png", str(path), str(path.with_suffix(""))],
                                   check=True)
                    written.extend(sorted(out_dir.glob(f"{sample.name}-{lang}-*.png")))
    return written
