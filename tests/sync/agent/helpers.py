"""An office linked to a test centre: enrollment, a day of office work, what each side holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from local_db.database import Database
from local_db.models import Appointment, Dossier, Outbox, Ticket
from local_db.office_setup import OfficeRefs
from local_db.ops import queue as q
from local_db.ops.appointments import book, check_in
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import DocumentLine, receive_dossier, send_to_processing
from local_db.ops.enrollment import Enrollment
from local_db.ops.feedback import give_feedback
from local_db.ops.slots import create_slots
from local_db.ops.sync_outbox import CENTRAL_STATE
from sync.agent import Agent
from sync.backoff import Backoff
from sync.client import CentreClient
from sync.enroll import enroll_office
from tests.support.centre import Centre

# Monday 23 November 2026, 09:00 in Hà Nội.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
FAST = (2.0, 10.0)  # connect / read timeouts on loopback


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def enrol(db: Database, centre: Centre, url: str | None = None) -> Enrollment:
    return enroll_office(db, url or centre.base_url, centre.enroll_code("00004"), device_name="office-agent",
                         timeout=FAST, now=NOW)


def agent_for(db: Database, url: str, enrollment: Enrollment, **options: object) -> Agent:
    options.setdefault("backoff", Backoff(base=0.02, cap=0.2))
    client = CentreClient(url, enrollment.credential, timeout=FAST)
    return Agent(db, client, office_code="00004", **options)  # type: ignore[arg-type]


@dataclass
class Day:
    tickets: list[uuid.UUID]
    dossier: uuid.UUID
    slots: list[uuid.UUID]
    appointment: uuid.UUID


def office_day(db: Database, office: OfficeRefs, *, tickets: int = 3) -> Day:
    """A little of everything the office does: tickets called and served, a dossier taken in
    and sent on, slots made, a phone booking checked in, a rating."""
    clerk, kiosk = office.actor("canbo1"), office.actor(None, "kiosk")
    made = more_tickets(db, office, tickets)
    with db.write() as s:
        called = q.call_next(s, clerk, 1, now=at(10))
        assert called is not None
        q.start_serving(s, clerk, called.id, now=at(11))
        q.finish_serving(s, clerk, called.id, now=at(15))
        give_feedback(s, kiosk, rating="satisfied", ticket_id=called.id, now=at(16))
    with db.write() as s:
        dossier = receive_dossier(
            s, clerk, procedure_code="1.004873",
            applicant=CitizenInput(full_name="Nguyễn Văn Hoà", cccd="001090012345", phone="0912345678"),
            documents=[DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
                       DocumentLine("Giấy tờ tùy thân", certified=1)], now=at(20)).id
    with db.write() as s:
        send_to_processing(s, clerk, dossier, now=at(25))
    with db.write() as s:
        slots = [x.id for x in create_slots(s, office.actor("giamsat"), "CT", NOW.date(), start=time(9), end=time(11),
                                            minutes=60, office_quota=2, online_quota=2, now=at(26))]
        appt = book(s, clerk, slots[1], CitizenInput(full_name="Trần Thị Bình", phone="0987654321"), source="phone",
                    now=at(27)).id
    with db.write() as s:
        check_in(s, kiosk, appt, now=at(50))
    return Day(tickets=made, dossier=dossier, slots=slots, appointment=appt)


def more_tickets(db: Database, office: OfficeRefs, n: int, start: float = 0) -> list[uuid.UUID]:
    made = []
    for i in range(n):
        with db.write() as s:
            made.append(q.issue_ticket(s, office.actor(None, "kiosk"), "HT", now=at(start + i / 10)).id)
    return made


def office_ops(db: Database) -> dict[uuid.UUID, str]:
    """The ops the office made (not the centre's trail rows), and their state."""
    with db.read() as s:
        return dict(s.execute(select(Outbox.op_id, Outbox.state).where(Outbox.state != CENTRAL_STATE)).all())


def applied_at_centre(centre: Centre) -> list[uuid.UUID]:
    return [op.op_id for op in centre.ops("00004", status="applied")]


def disagreements(db: Database, centre: Centre) -> list[str]:
    """Entities whose state the two sides do not agree on."""
    out = []
    with db.read() as s:
        rows = [("ticket", i, st) for i, st in s.execute(select(Ticket.id, Ticket.status))]
        rows += [("dossier", i, st) for i, st in s.execute(select(Dossier.id, Dossier.status))]
        rows += [("appointment", i, st) for i, st in s.execute(select(Appointment.id, Appointment.status))]
    for entity, entity_id, status in rows:
        held = centre.entity(entity, entity_id)
        if held is None or held.status != status:
            out.append(f"{entity} {entity_id}: office {status}, centre {held.status if held else None}")
    return out
