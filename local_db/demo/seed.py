"""``motcua db seed-demo``: a believable ward office with 30 days of history.

Everything after the office's set-up is made through the office operations themselves
(issue_ticket, call_next, receive_dossier, ...), with ``now`` stepping through a simulated
day, so the history has exactly the shape real use leaves and ``motcua db check`` passes.
Each simulated day is one transaction (a batch, not a user action), which keeps a 30-day
history to seconds. Deterministic for a given seed and ``now``.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.due_date import ProcessingTime
from core.errors import DomainError
from core.fees import FeeInput, FeeRule
from core.working_calendar import OFFICE_TZ, WorkingCalendar
from local_db.database import Database
from local_db.demo.people import DemoPerson, make_person
from local_db.models import Dossier, Office
from local_db.office_settings import calendar_for
from local_db.office_setup import OfficeRefs, build_office, load_demo_catalog
from local_db.ops import appointments as appt_ops
from local_db.ops import dossiers as dossier_ops
from local_db.ops import feedback as feedback_ops
from local_db.ops import queue as queue_ops
from local_db.ops import slots as slot_ops
from local_db.ops.citizens import CitizenInput

SERVICE_WEIGHTS = {"HT": 0.42, "CT": 0.33, "KD": 0.08, "XH": 0.07, "TK": 0.10}
MEAN_SERVICE_MIN = {"HT": 9.0, "CT": 5.0, "KD": 14.0, "XH": 11.0, "TK": 3.0}
STAFF_BY_COUNTER = {1: "canbo1", 2: "canbo2", 3: "canbo1", 4: "canbo2"}
SLOT_SERVICES = ("HT", "CT")


@dataclass
class SeedSummary:
    database_url: str
    office_code: str
    office_name: str
    first_day: date
    last_day: date
    passwords: dict[str, str]
    tickets: int = 0
    dossiers: Tally[str] = field(default_factory=Tally)
    appointments: Tally[str] = field(default_factory=Tally)
    feedback: int = 0


def _at(day: date, hhmm: float) -> datetime:
    """Office-local day + decimal hour -> aware UTC."""
    h, m = int(hhmm), int(round((hhmm - int(hhmm)) * 60))
    local = datetime.combine(day, time(min(h, 23), min(m, 59)), tzinfo=OFFICE_TZ)
    return local.astimezone(timezone.utc)


def _arrival_hours(rng: random.Random, n: int) -> list[float]:
    """Morning peak around 8:30, a smaller afternoon peak around 14:30."""
    hours: list[float] = []
    while len(hours) < n:
        h = rng.gauss(8.8, 1.0) if rng.random() < 0.62 else rng.gauss(14.6, 0.9)
        if 7.0 <= h <= 11.2 or 13.5 <= h <= 16.6:
            hours.append(h)
    return sorted(hours)


def _notice_gap(arrival: datetime) -> timedelta:
    """15-90 s, spread by the arrival's time rather than drawn from the simulation's random
    generator, so the rest of a seeded demo (who comes, for what) stays as it was."""
    return timedelta(seconds=15 + (int(arrival.timestamp()) * 7919) % 76)


class _Simulation:
    def __init__(self, refs: OfficeRefs, rng: random.Random, calendar: WorkingCalendar,
                 summary: SeedSummary, catalog: list[dict[str, Any]]) -> None:
        self.refs, self.rng, self.cal, self.summary = refs, rng, calendar, summary
        self.by_service: dict[str, list[dict[str, Any]]] = {}
        for row in catalog:
            self.by_service.setdefault(row["service_code"], []).append(row)
        self.people: list[DemoPerson] = []
        self.moves: list[tuple[datetime, int, str, uuid.UUID, dict[str, Any]]] = []  # heap of planned dossier moves
        self._n = 0

    def actor(self, username: str | None) -> Actor:
        return self.refs.actor(username, label=username or "kiosk")

    def person(self, today: date) -> DemoPerson:
        # Some citizens come back: reuse a known person a fifth of the time.
        if self.people and self.rng.random() < 0.2:
            return self.rng.choice(self.people)
        p = make_person(self.rng, today=today)
        self.people.append(p)
        return p

    def plan(self, at: datetime, action: str, dossier_id: uuid.UUID, **kw: object) -> None:
        self._n += 1
        heapq.heappush(self.moves, (at, self._n, action, dossier_id, kw))

    # -- one day ---------------------------------------------------------------------------
    def run_day(self, s: Session, day: date, stop_at: datetime | None) -> None:
        self.apply_moves(s, until=min(_at(day, 7.0), stop_at or _at(day, 7.0)))
        if not self.cal.is_working_day(day):
            return
        self.book_ahead(s, day)
        self.simulate_queue(s, day, stop_at)
        self.apply_moves(s, until=min(_at(day, 17.5), stop_at or _at(day, 17.5)))
        end = min(_at(day, 18.0), stop_at or _at(day, 18.0))
        self.summary.appointments["no_show_marked"] += appt_ops.mark_no_shows(s, self.actor("canbo1"), now=end)

    def book_ahead(self, s: Session, day: date) -> None:
        """At opening, phone and kiosk bookings for the next two working days."""
        target = day
        for _ in range(2):
            target = self.cal.next_working_day(target)
            for service in SLOT_SERVICES:
                for slot in slot_ops.list_slots(s, self.refs.office_code, service, target):
                    if slot.office_free and self.rng.random() < 0.45:
                        p = self.person(day)
                        proc = self.rng.choice(self.by_service[service])
                        appt_ops.book(s, self.actor("canbo2"), slot.id, _citizen(p), source=self.rng.choice(
                            ["kiosk", "phone", "counter"]), procedure_code=proc["code"], now=_at(day, 7.2))
                        self.summary.appointments["booked"] += 1

    def simulate_queue(self, s: Session, day: date, stop_at: datetime | None) -> None:
        rng = self.rng
        arrivals: list[tuple[datetime, str, str | uuid.UUID]] = []
        for h in _arrival_hours(rng, rng.randint(55, 95)):
            service = rng.choices(list(SERVICE_WEIGHTS), weights=list(SERVICE_WEIGHTS.values()))[0]
            arrivals.append((_at(day, h), "walk_in", service))
        # content order, not id order: ids are random, and the RNG must be drawn in the same order
        booked = sorted(appt_ops.appointments_for_day(s, self.refs.office_code, day),
                        key=lambda a: (a.slot.start_time, a.slot.service_code, a.citizen_name, a.procedure_code or ""))
        for a in booked:
            if a.status != "booked":
                continue
            if rng.random() < 0.85:  # most come, a few minutes before their slot
                start = datetime.combine(day, a.slot.start_time, tzinfo=OFFICE_TZ).astimezone(timezone.utc)
                arrivals.append((start - timedelta(minutes=rng.randint(2, 12)), "appointment", a.id))
        arrivals.sort(key=lambda x: x[0])
        free_at = {n: _at(day, 7.0) for n in self.refs.counters}
        idx = 0
        lunch_start, lunch_end, closing = _at(day, 11.5), _at(day, 13.5), _at(day, 17.0)
        while True:
            counter = min(free_at, key=lambda n: (free_at[n], n))
            t_free = free_at[counter]
            if lunch_start <= t_free < lunch_end:
                free_at[counter] = lunch_end
                continue
            next_arrival = arrivals[idx][0] if idx < len(arrivals) else None
            if next_arrival is not None and next_arrival <= t_free:
                if stop_at and next_arrival > stop_at:
                    return
                self.arrive(s, arrivals[idx])
                idx += 1
                continue
            if t_free >= closing + timedelta(hours=1) or (stop_at and t_free > stop_at):
                return
            clerk = STAFF_BY_COUNTER[counter]
            ticket = queue_ops.call_next(s, self.actor(clerk), counter, now=t_free)
            if ticket is None:
                if next_arrival is None:
                    return
                # An idle clerk calls the next citizen a little after the number is taken
                # (the citizen walks from the kiosk, the clerk looks up): called the very
                # second it was issued, every quiet-hour wait was 0 and the dashboard's
                # median wait said "0,0 phút".
                free_at[counter] = max(next_arrival + _notice_gap(next_arrival), t_free + timedelta(minutes=1))
                continue
            free_at[counter] = self.serve(s, ticket, counter, clerk, t_free, day, stop_at)

    def arrive(self, s: Session, arrival: tuple[datetime, str, str | uuid.UUID]) -> None:
        at, kind, what = arrival
        if kind == "walk_in":
            priority = None
            if self.rng.random() < 0.1:
                priority = self.rng.choice(["elderly", "disabled", "pregnant", "small_child", "merit"])
            queue_ops.issue_ticket(s, self.actor(None), str(what), priority_reason=priority, now=at)
        else:
            try:
                appt_ops.check_in(s, self.actor(None), what, now=at)
                self.summary.appointments["checked_in"] += 1
            except DomainError:
                return
        self.summary.tickets += 1

    def serve(self, s: Session, ticket: queue_ops.TicketInfo, counter: int, clerk: str, t: datetime,
              day: date, stop_at: datetime | None) -> datetime:
        rng, actor = self.rng, self.actor(clerk)
        if stop_at and t + timedelta(minutes=1) > stop_at:
            return t + timedelta(minutes=1)
        if rng.random() < 0.04:
            queue_ops.mark_no_show(s, actor, ticket.id, now=t + timedelta(minutes=2))
            return t + timedelta(minutes=2)
        start = t + timedelta(seconds=rng.randint(30, 120))
        queue_ops.start_serving(s, actor, ticket.id, now=start)
        minutes = max(1.5, rng.lognormvariate(0, 0.45) * MEAN_SERVICE_MIN[ticket.service_code])
        end = start + timedelta(minutes=minutes)
        if stop_at and end > stop_at:
            return end  # still being served when the demo starts
        if ticket.service_code != "TK" and rng.random() < 0.55:
            self.receive(s, ticket, counter, clerk, end - timedelta(seconds=40), day)
        queue_ops.finish_serving(s, actor, ticket.id, now=end)
        if rng.random() < 0.3:
            rating = rng.choices(["very_satisfied", "satisfied", "unsatisfied"], weights=[60, 35, 5])[0]
            feedback_ops.give_feedback(s, self.actor(None), rating=rating, ticket_id=ticket.id, criteria={
                "on_time": rating != "unsatisfied", "times_contacted": 1 if rating != "unsatisfied" else 2,
                "info_posted": True, "staff_conduct": rating, "extra_costs": False,
            }, now=end + timedelta(minutes=1))
            self.summary.feedback += 1
        return end + timedelta(seconds=rng.randint(20, 90))

    def receive(self, s: Session, ticket: queue_ops.TicketInfo, counter: int, clerk: str, at: datetime,
                day: date) -> None:
        rng = self.rng
        row = rng.choice(self.by_service[ticket.service_code])
        docs = [dossier_ops.DocumentLine(name=d["name"], required=d["required"], originals=1,
                                         copies=rng.choice([0, 1, 2]))
                for d in row["documents"] if d["required"] or rng.random() < 0.5]
        fee_input = FeeInput(copies=rng.randint(1, 3), pages=rng.randint(1, 6))
        if FeeRule.from_dict(row["fee"]).free_within_days is not None:
            fee_input = FeeInput(days_since_event=rng.choice([3, 10, 20, 90]))
        p = self.person(day)
        info = dossier_ops.receive_dossier(
            s, self.actor(clerk), procedure_code=row["code"], applicant=_citizen(p), documents=docs,
            fee_input=fee_input, counter_number=counter, ticket_id=ticket.id, now=at,
            request_content=row["name_vi"])
        self.plan_life(info, row, at)

    def plan_life(self, info: dossier_ops.DossierInfo, row: dict[str, Any], received: datetime) -> None:
        """Decide now what will happen to the dossier later, so every state appears."""
        rng = self.rng
        same_day = ProcessingTime.from_dict(row["processing"]).kind == "same_day"
        due = info.due_at or received
        if same_day and rng.random() < 0.85:
            self.plan(min(due, received + timedelta(hours=3)), "handle_at_desk", info.id)
            self.plan(due + timedelta(days=rng.randint(0, 3), hours=1), "return_result", info.id)
            return
        r = rng.random()
        nxt = received + timedelta(hours=18)
        if r < 0.05:
            self.plan(nxt, "reject", info.id, reason="Hồ sơ không thuộc thẩm quyền giải quyết của UBND phường")
            return
        if r < 0.08:
            self.plan(nxt, "withdraw", info.id, reason="Công dân rút hồ sơ")
            return
        self.plan(nxt, "send_to_processing", info.id)
        if r < 0.18:
            self.plan(nxt + timedelta(hours=20), "request_supplement", info.id,
                      items=["Bản sao giấy tờ tuỳ thân có chứng thực"])
            self.plan(nxt + timedelta(days=3), "supplement_received", info.id)
            self.plan(nxt + timedelta(days=3, hours=2), "send_to_processing", info.id)
            return  # the rest of its life is planned when the supplement arrives
        late = rng.random() < 0.1
        if late and rng.random() < 0.5:
            # The day before it falls due, but never before the dossier was sent on.
            when = max(due - timedelta(hours=20), nxt + timedelta(minutes=30))
            self.plan(when, "reschedule", info.id, reason="Cần xác minh thêm thông tin")
        back = due + timedelta(hours=rng.randint(4, 30)) if late else due - timedelta(hours=rng.randint(1, 6))
        self.plan(max(back, nxt + timedelta(hours=1)), "result_back", info.id)
        self.plan(max(back, nxt + timedelta(hours=1)) + timedelta(days=rng.randint(0, 4), hours=2),
                  "return_result", info.id)

    def apply_moves(self, s: Session, until: datetime) -> None:
        while self.moves and self.moves[0][0] <= until:
            at, _, action, dossier_id, kw = heapq.heappop(self.moves)
            if not self.cal.is_working_day(at.astimezone(OFFICE_TZ).date()):
                nxt = self.cal.next_working_day(at.astimezone(OFFICE_TZ).date())
                self.plan(_at(nxt, 8.0 + self.rng.random() * 2), action, dossier_id, **kw)
                continue
            actor = self.actor(self.rng.choice(["canbo1", "canbo2"]))
            try:
                if action == "reschedule":
                    detail = dossier_ops.get_dossier(s, dossier_id)
                    if detail.due_at is None:
                        continue
                    new_due = self.cal.closing_time(self.cal.next_working_day(
                        self.cal.next_working_day(detail.due_at.astimezone(OFFICE_TZ).date())))
                    dossier_ops.reschedule(s, actor, dossier_id, new_due_at=new_due, now=at, **kw)
                elif action == "return_result":
                    detail = dossier_ops.get_dossier(s, dossier_id)
                    dossier_ops.return_result(s, actor, dossier_id, returned_to=detail.applicant_name,
                                              fee_paid_vnd=detail.fee_vnd, now=at)
                else:
                    getattr(dossier_ops, action)(s, actor, dossier_id, now=at, **kw)
                if action == "supplement_received":
                    detail = dossier_ops.get_dossier(s, dossier_id)
                    due = detail.due_at or at
                    self.plan(due - timedelta(hours=2), "result_back", dossier_id)
                    self.plan(due + timedelta(days=1), "return_result", dossier_id)
            except DomainError:
                continue  # a plan overtaken by an earlier move (e.g. rejected): nothing to do


def _citizen(p: DemoPerson) -> CitizenInput:
    return CitizenInput(full_name=p.full_name, cccd=p.cccd, phone=p.phone, address=p.address,
                        birth_date=p.birth_date, gender=p.gender)


def _demo_passwords(rng: random.Random) -> dict[str, str]:
    words = ["hoasen", "sencon", "banglang", "phuongdo", "hoamai", "traxanh", "comxanh", "hoado"]
    return {u: f"{rng.choice(words)}{rng.randint(100, 999)}" for u in ("admin", "giamsat", "canbo1", "canbo2")}


def seed_demo(db: Database, *, seed: int = 2026, days: int = 30, now: datetime | None = None) -> SeedSummary:
    """Build the demo office in an empty, migrated database."""
    now = now or datetime.now(timezone.utc)
    rng = random.Random(seed)
    with db.read() as s:
        if s.scalar(select(func.count()).select_from(Office)):
            raise DomainError("this database already has an office; seed-demo needs an empty database",
                              code="not_empty")
    passwords = _demo_passwords(rng)
    today = now.astimezone(OFFICE_TZ).date()
    first = today - timedelta(days=days)
    with db.write() as s:
        refs = build_office(s, device_name="demo-office-server", staff_passwords=passwords, now=now)
        office = s.scalars(select(Office)).one()
        summary = SeedSummary(database_url=db.url, office_code=refs.office_code, office_name=office.name_vi,
                              first_day=first, last_day=today, passwords=passwords)
        cal = calendar_for(s, refs.office_code)
        d = first
        while d <= today + timedelta(days=14):
            if cal.is_working_day(d):
                for service in SLOT_SERVICES:
                    for start, end in ((time(7, 30), time(11, 0)), (time(13, 30), time(16, 30))):
                        slot_ops.create_slots(s, refs.actor("giamsat"), service, d, start=start, end=end,
                                              minutes=30, office_quota=2, online_quota=2, now=now)
            d += timedelta(days=1)
    sim = _Simulation(refs, rng, cal, summary, load_demo_catalog())
    day = first
    while day <= today:
        with db.write() as s:
            sim.run_day(s, day, stop_at=now if day == today else None)
        day += timedelta(days=1)
    with db.read() as s:
        for status, n in s.execute(select(Dossier.status, func.count()).group_by(Dossier.status)):
            summary.dossiers[status] = n
    return summary
