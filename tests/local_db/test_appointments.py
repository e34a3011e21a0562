"""Appointments: two quotas never exceeded (also under concurrency), check-in windows, no-shows."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from core.errors import (
    DomainError,
    NotFound,
    QuotaExceeded,
    TransitionError,
    ValidationError,
)
from local_db.check import run_check
from local_db.database import Database
from local_db.models import Appointment, AppointmentEvent, Citizen, Outbox, Slot, Ticket
from local_db.office_settings import set_rule
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import (
    SlotInfo,
    appointments_for_day,
    book,
    cancel,
    check_in,
    get_appointment,
    mark_no_shows,
    reschedule,
)
from local_db.ops.citizens import CitizenInput
from local_db.ops.slots import create_slots, list_slots, set_slot_capacity

MONDAY = date(2026, 11, 23)
# 09:00 on Monday 23 November 2026 in Hà Nội (UTC+7).
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
EARLIER = NOW - timedelta(hours=2)  # 07:00, before the first slot


def at(hh: int, mm: int = 0, day: date = MONDAY) -> datetime:
    """An office-local wall-clock moment as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=timezone.utc) - timedelta(hours=7)


def person(n: int = 0) -> CitizenInput:
    return CitizenInput(full_name="Nguyễn Thị Mai", phone=f"09123{n:05d}")


def make_slots(db: Database, office: OfficeRefs, *, day: date = MONDAY, service: str = "HT", office_quota: int = 2,
               online_quota: int = 1) -> dict[time, SlotInfo]:
    """Half-hour slots 08:00-11:00, keyed by start time."""
    with db.write() as s:
        slots = create_slots(s, office.actor("giamsat"), service, day, start=time(8), end=time(11), minutes=30,
                             office_quota=office_quota, online_quota=online_quota)
    return {x.start_time: x for x in slots}


def slot_row(db: Database, slot_id: object) -> Slot:
    with db.read() as s:
        return s.get(Slot, slot_id)  # type: ignore[return-value]


def assert_outbox_matches(db: Database) -> None:
    """What `motcua db check` verifies: a creation row, and the latest to_state is the status."""
    with db.read() as s:
        for appt in s.scalars(select(Appointment)):
            rows = s.scalars(select(Outbox).where(Outbox.entity == "appointment", Outbox.entity_id == appt.id)
                             .order_by(Outbox.seq)).all()
            assert rows[0].op_type == "book" and rows[0].from_state is None
            assert rows[-1].to_state == appt.status
            events = s.scalars(select(AppointmentEvent).where(AppointmentEvent.appointment_id == appt.id)).all()
            assert len(events) == len(rows)
    report = run_check(db)  # `motcua db check`: also slot counters against the appointments holding places
    assert report.ok, report.problems


# --- slots ------------------------------------------------------------------------------


def test_create_slots_is_idempotent(db: Database, office: OfficeRefs) -> None:
    first = make_slots(db, office)
    assert [(x.start_time, x.end_time) for x in first.values()][:2] == [(time(8), time(8, 30)), (time(8, 30), time(9))]
    assert len(first) == 6
    with db.write() as s:
        again = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(8), end=time(11, 15), minutes=30,
                             office_quota=9, online_quota=9)
    assert [x.id for x in again] == [x.id for x in first.values()]  # 11:00-11:30 does not fit before 11:15
    assert again[0].office_quota == 2
    with db.read() as s:
        assert len(s.scalars(select(Slot)).all()) == 6
        # each new slot is announced to the centre once (its online quota is booked there)
        created = s.scalars(select(Outbox).where(Outbox.entity == "slot", Outbox.op_type == "create")).all()
        assert sorted(o.entity_id for o in created) == sorted(x.id for x in first.values())
        assert created[0].payload["online_quota"] == 1 and created[0].payload["service_code"] == "HT"


def test_slots_only_on_working_days(db: Database, office: OfficeRefs) -> None:
    holiday, saturday = date(2026, 11, 24), date(2026, 11, 28)  # Vietnamese Culture Day; a Saturday
    for day in (holiday, saturday, date(2026, 11, 29)):
        with pytest.raises(ValidationError) as err, db.write() as s:
            create_slots(s, office.actor("giamsat"), "HT", day, start=time(8), end=time(9), minutes=30,
                         office_quota=1, online_quota=1)
        assert err.value.code == "not_working_day"
    with db.write() as s:
        set_rule(s, office.office_code, "saturday_morning_open", True)
    with db.write() as s:
        assert len(create_slots(s, office.actor("giamsat"), "HT", saturday, start=time(8), end=time(11), minutes=60,
                                office_quota=1, online_quota=1)) == 3
    with pytest.raises(ValidationError), db.write() as s:  # afternoons stay closed
        create_slots(s, office.actor("giamsat"), "HT", saturday, start=time(14), end=time(15), minutes=60,
                     office_quota=1, online_quota=1)


def test_slot_capacity_cannot_go_below_bookings(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office)[time(10)]
    with db.write() as s:
        book(s, office.actor("canbo1"), slot.id, person(1), source="counter", now=EARLIER)
        book(s, office.actor("canbo1"), slot.id, person(2), source="counter", now=EARLIER)
    with pytest.raises(ValidationError) as err, db.write() as s:
        set_slot_capacity(s, office.actor("giamsat"), slot.id, office_quota=1, online_quota=1, now=EARLIER)
    assert err.value.code == "below_booked"
    with db.write() as s:
        info = set_slot_capacity(s, office.actor("giamsat"), slot.id, office_quota=3, online_quota=0, now=EARLIER)
        assert (info.office_quota, info.office_free, info.online_quota) == (3, 1, 0)
        assert [x.start_time for x in list_slots(s, office.office_code, "HT", MONDAY, side="online")] == [
            time(8), time(8, 30), time(9), time(9, 30), time(10, 30)]  # 10:00 no longer offered online
        book(s, office.actor("canbo1"), slot.id, person(3), source="phone", now=EARLIER)
        with pytest.raises(QuotaExceeded):
            book(s, office.actor("canbo1"), slot.id, person(4), source="phone", now=EARLIER)
    with db.read() as s:
        row = s.scalars(select(Outbox).where(Outbox.entity == "slot", Outbox.entity_id == slot.id)
                        .order_by(Outbox.seq.desc()).limit(1)).one()
        assert row.op_type == "set_capacity" and row.payload["office_quota"] == 3


# --- quotas -----------------------------------------------------------------------------


def test_office_and_online_quotas_fill_separately(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office, office_quota=2, online_quota=1)
    a, b = slots[time(10)].id, slots[time(10, 30)].id
    kiosk = office.actor(label="kiosk")
    with db.write() as s:
        book(s, kiosk, a, person(1), source="kiosk", now=EARLIER)
        book(s, office.actor("canbo1"), a, person(2), source="counter", now=EARLIER)
        with pytest.raises(QuotaExceeded) as err:
            book(s, office.actor("canbo1"), a, person(3), source="phone", now=EARLIER)
        assert "10:00" in err.value.message and err.value.details["side"] == "office"
        online = book(s, kiosk, a, person(4), source="online", now=EARLIER)  # the online quota is still free
        assert (online.slot.office_free, online.slot.online_free) == (0, 0)
        with pytest.raises(QuotaExceeded):
            book(s, kiosk, a, person(5), source="online", now=EARLIER)
        # And the other way round: the online quota full, the office one still open.
        book(s, kiosk, b, person(6), source="online", now=EARLIER)
        with pytest.raises(QuotaExceeded):
            book(s, kiosk, b, person(7), source="online", now=EARLIER)
        last = book(s, kiosk, b, person(8), source="kiosk", now=EARLIER)
        assert (last.slot.office_free, last.slot.online_free) == (1, 0)
        free = {x.start_time: x for x in list_slots(s, office.office_code, "HT", MONDAY)}
        assert (free[time(10)].office_free, free[time(10, 30)].office_free, free[time(9)].office_free) == (0, 1, 2)
    row = slot_row(db, a)
    assert (row.office_booked, row.online_booked) == (2, 1)
    assert_outbox_matches(db)


def test_cancel_gives_the_place_back(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office, office_quota=1, online_quota=1)[time(10)]
    clerk = office.actor("canbo1")
    with db.write() as s:
        first = book(s, clerk, slot.id, person(1), source="phone", now=EARLIER)
        with pytest.raises(QuotaExceeded):
            book(s, clerk, slot.id, person(2), source="phone", now=EARLIER)
        assert s.scalars(select(Citizen).where(Citizen.phone == person(2).phone)).all() == []  # nothing left behind
        online = book(s, clerk, slot.id, person(3), source="online", now=EARLIER)
    with db.write() as s:
        done = cancel(s, clerk, first.code, reason="Công dân báo bận", now=EARLIER)
        assert done.status == "cancelled" and done.slot.office_free == 1 and done.slot.online_free == 0
        with pytest.raises(TransitionError):
            cancel(s, clerk, first.id, now=EARLIER)
        again = book(s, clerk, slot.id, person(2), source="phone", now=EARLIER)
        cancel(s, clerk, online.id, now=EARLIER)
    row = slot_row(db, slot.id)
    assert (row.office_booked, row.online_booked) == (1, 0)
    with db.read() as s:
        assert get_appointment(s, again.id).status == "booked"
        last = s.scalars(select(Outbox).where(Outbox.entity_id == first.id).order_by(Outbox.seq.desc())).first()
        assert (last.op_type, last.from_state, last.to_state, last.payload["reason"]) == (
            "cancel", "booked", "cancelled", "Công dân báo bận")
    assert_outbox_matches(db)


def test_the_database_refuses_an_overbooked_slot(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office, office_quota=2, online_quota=1)[time(10)]
    for column in ("office_booked", "online_booked"):
        with pytest.raises(DBAPIError), db.write() as s:
            s.execute(update(Slot).where(Slot.id == slot.id).values({column: 3}))
    with pytest.raises(DBAPIError), db.write() as s:
        s.execute(update(Slot).where(Slot.id == slot.id).values(office_booked=-1))


def _hammer(urls: list[str], slot_id: object, office: OfficeRefs, jobs: list[str]) -> dict[str, list[str]]:
    """Book one place per job at once from several Database objects (one per 'machine')."""
    dbs = [Database(u) for u in urls]
    barrier = threading.Barrier(len(jobs))
    results: dict[str, list[str]] = {"ok": [], "full": [], "error": []}
    lock = threading.Lock()

    def run(i: int, source: str) -> None:
        database = dbs[i % len(dbs)]
        barrier.wait()
        try:
            with database.write() as s:
                book(s, office.actor(label=f"machine-{i % len(dbs)}"), slot_id, person(100 + i), source=source,
                     now=EARLIER)
            outcome = f"ok:{source}"
        except QuotaExceeded:
            outcome = f"full:{source}"
        except Exception as exc:  # noqa: BLE001 - any other failure must fail the test
            outcome = f"error:{type(exc).__name__}: {exc}"
        with lock:
            results[outcome.split(":", 1)[0]].append(outcome)

    threads = [threading.Thread(target=run, args=(i, src)) for i, src in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for d in dbs:
        d.dispose()
    return results


def test_concurrent_bookings_of_the_last_places(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office, office_quota=3, online_quota=2)[time(10)]
    jobs = ["kiosk", "counter", "phone"] * 3 + ["online"] * 5
    results = _hammer([db.url, db.url], slot.id, office, jobs)
    assert results["error"] == []
    office_ok = [r for r in results["ok"] if r != "ok:online"]
    assert (len(office_ok), results["ok"].count("ok:online")) == (3, 2)
    assert (len(results["full"]), results["full"].count("full:online")) == (len(jobs) - 5, 3)
    row = slot_row(db, slot.id)
    assert (row.office_booked, row.online_booked) == (3, 2)
    with db.read() as s:
        assert len(s.scalars(select(Appointment).where(Appointment.slot_id == slot.id)).all()) == 5
    assert_outbox_matches(db)


# --- booking rules ----------------------------------------------------------------------


def test_a_booking_has_a_readable_code_and_masked_personal_data(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office)[time(10)]
    with db.write() as s:
        appt = book(s, office.actor(label="kiosk"), slot.id,
                    CitizenInput(full_name="  Trần   Văn Hùng ", phone="+84 912 345 678"), source="kiosk",
                    procedure_code="1.001193", note="Mang theo giấy chứng sinh", now=EARLIER)
    assert re.fullmatch(r"LH[A-HJ-NP-Z2-9]{6}", appt.code)
    assert (appt.citizen_name, appt.citizen_name_masked, appt.phone_masked) == (
        "Trần Văn Hùng", "T. V. Hùng", "091****678")
    assert (appt.procedure_code, appt.procedure_name_vi, appt.source, appt.status) == (
        "1.001193", "Đăng ký khai sinh", "kiosk", "booked")
    assert appt.slot.service_code == "HT" and appt.booked_at == EARLIER and appt.ticket_code is None
    typed = appt.code[:2].lower() + "-" + appt.code[2:5] + " " + appt.code[5:].lower()
    with db.read() as s:
        assert get_appointment(s, typed) == appt
        assert get_appointment(s, str(appt.id)) == appt
        with pytest.raises(NotFound):
            get_appointment(s, "LHZZZZZZ")
        out = s.scalars(select(Outbox).where(Outbox.entity_id == appt.id)).one()
        assert out.payload["citizen"]["phone"] == "0912345678" and out.payload["side"] == "office"


def test_booking_refuses_bad_input(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    clerk = office.actor("canbo1")
    cases = [
        (dict(slot_id=slots[time(10)].id, citizen=CitizenInput(full_name="Lê Văn An", phone="12345")), "phone"),
        (dict(slot_id=slots[time(10)].id, citizen=CitizenInput(full_name="Lê Văn An")), "phone"),
        (dict(slot_id=slots[time(10)].id, citizen=CitizenInput(full_name=" ", phone="0912345678")), "full_name"),
        (dict(slot_id=slots[time(10)].id, citizen=person(), procedure_code="2.000815"), "procedure_code"),
        (dict(slot_id=slots[time(10)].id, citizen=person(), procedure_code="9.999999"), "procedure_code"),
        (dict(slot_id=slots[time(10)].id, citizen=person(), source="email"), "source"),
        (dict(slot_id=slots[time(8)].id, citizen=person()), "slot"),  # 08:00-08:30 is over at 09:00
    ]
    for kwargs, field in cases:
        kwargs.setdefault("source", "counter")
        with pytest.raises(ValidationError) as err, db.write() as s:
            book(s, clerk, kwargs.pop("slot_id"), kwargs.pop("citizen"), now=NOW, **kwargs)
        assert err.value.field == field, kwargs
    with pytest.raises(NotFound), db.write() as s:
        book(s, clerk, uuid.uuid4(), person(), source="counter", now=NOW)
    with db.read() as s:
        assert s.scalars(select(Appointment)).all() == []
        assert slot_row(db, slots[time(10)].id).office_booked == 0


def test_a_slot_whose_day_has_passed_cannot_be_booked(db: Database, office: OfficeRefs) -> None:
    friday = make_slots(db, office, day=date(2026, 11, 20))[time(10)]
    with pytest.raises(ValidationError) as err, db.write() as s:
        book(s, office.actor("canbo1"), friday.id, person(), source="counter", now=NOW)
    assert err.value.code == "slot_past"
    running = make_slots(db, office)[time(9)]
    with db.write() as s:  # still bookable while it runs
        assert book(s, office.actor("canbo1"), running.id, person(), source="counter", now=at(9, 20)).status == "booked"


# --- reschedule -------------------------------------------------------------------------


def test_reschedule_moves_the_place(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office, office_quota=1, online_quota=1)
    wednesday = make_slots(db, office, day=date(2026, 11, 25), office_quota=1, online_quota=1)
    clerk = office.actor("canbo1")
    with db.write() as s:
        appt = book(s, clerk, slots[time(10)].id, person(1), source="phone", now=EARLIER)
        web = book(s, clerk, slots[time(10)].id, person(2), source="online", now=EARLIER)
        book(s, clerk, slots[time(10, 30)].id, person(3), source="counter", now=EARLIER)
    with db.write() as s:
        moved = reschedule(s, clerk, appt.id, wednesday[time(8)].id, now=EARLIER)
        web_moved = reschedule(s, clerk, web.code, wednesday[time(8)].id, now=EARLIER)
    assert moved.code == appt.code and moved.slot.day == date(2026, 11, 25) and moved.status == "booked"
    assert (web_moved.slot.office_booked, web_moved.slot.online_booked) == (1, 1)
    old = slot_row(db, slots[time(10)].id)
    assert (old.office_booked, old.online_booked) == (0, 0)
    with pytest.raises(QuotaExceeded), db.write() as s:  # 10:30 is full: the appointment stays put
        reschedule(s, clerk, appt.id, slots[time(10, 30)].id, now=EARLIER)
    attestation = make_slots(db, office, service="CT")[time(10)]
    with pytest.raises(ValidationError) as err, db.write() as s:
        reschedule(s, clerk, appt.id, attestation.id, now=EARLIER)
    assert err.value.code == "wrong_service"
    with pytest.raises(ValidationError) as err, db.write() as s:
        reschedule(s, clerk, appt.id, slots[time(8)].id, now=NOW)
    assert err.value.code == "slot_past"
    with db.read() as s:
        assert get_appointment(s, appt.id).slot.id == wednesday[time(8)].id
        last = s.scalars(select(Outbox).where(Outbox.entity_id == appt.id).order_by(Outbox.seq.desc())).first()
        assert (last.op_type, last.to_state, last.payload["to_slot_id"]) == (
            "reschedule", "booked", str(wednesday[time(8)].id))
    assert slot_row(db, wednesday[time(8)].id).office_booked == 1
    assert_outbox_matches(db)


# --- check-in ---------------------------------------------------------------------------


def test_check_in_inside_the_window_issues_an_appointment_ticket(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office)[time(9)]
    with db.write() as s:
        appt = book(s, office.actor("canbo1"), slot.id, person(), source="phone", now=EARLIER)
    with db.write() as s:
        result = check_in(s, office.actor(label="kiosk"), appt.code.lower(), now=at(9, 10))
    assert result.appointment.status == "checked_in"
    assert result.appointment.checked_in_at == at(9, 10)
    assert result.appointment.ticket_code == result.ticket.code
    assert result.ticket.code.startswith("A")
    with db.read() as s:
        ticket = s.get(Ticket, result.ticket.id)
        assert (ticket.source, ticket.appointment_id, ticket.service_id) == (
            "appointment", appt.id, office.services["HT"])
        out = s.scalars(select(Outbox).where(Outbox.entity_id == appt.id).order_by(Outbox.seq.desc())).first()
        assert (out.op_type, out.from_state, out.to_state, out.payload["ticket_code"]) == (
            "check_in", "booked", "checked_in", ticket.code)
        assert [e.action for e in s.scalars(select(AppointmentEvent).order_by(AppointmentEvent.at))] == [
            "book", "check_in"]
    assert_outbox_matches(db)


def test_check_in_twice_shows_the_same_ticket(db: Database, office: OfficeRefs) -> None:
    slot = make_slots(db, office)[time(9)]
    with db.write() as s:
        appt = book(s, office.actor("canbo1"), slot.id, person(), source="kiosk", now=EARLIER)
        first = check_in(s, office.actor(), appt.id, now=NOW)
    with pytest.raises(DomainError) as err, db.write() as s:
        check_in(s, office.actor(), appt.code, now=NOW + timedelta(minutes=5))
    assert err.value.code == "already_checked_in"
    assert err.value.details["ticket_code"] == first.ticket.code
    with pytest.raises(TransitionError), db.write() as s:  # a checked-in appointment is not cancelled
        cancel(s, office.actor(), appt.id, now=NOW)
    with db.read() as s:
        assert len(s.scalars(select(Ticket)).all()) == 1


@pytest.mark.parametrize("start, moment, code", [
    (time(10), at(9, 44), "too_early"),  # opens 15 minutes before 10:00
    (time(8), at(8, 31), "too_late"),  # closes when 08:00-08:30 ends
    (time(9), at(9, 10, day=date(2026, 11, 25)), "wrong_day"),
    (time(9), at(9, 10, day=date(2026, 11, 20)), "wrong_day"),
])
def test_check_in_outside_the_window_is_refused(db: Database, office: OfficeRefs, start: time, moment: datetime,
                                                code: str) -> None:
    slot = make_slots(db, office)[start]
    with db.write() as s:
        appt = book(s, office.actor("canbo1"), slot.id, person(), source="phone", now=at(7, day=date(2026, 11, 20)))
    with pytest.raises(DomainError) as err, db.write() as s:
        check_in(s, office.actor(), appt.id, now=moment)
    assert err.value.code == code
    assert err.value.details["day"] == "2026-11-23"
    with db.read() as s:
        assert s.scalars(select(Ticket)).all() == []
        assert get_appointment(s, appt.id).status == "booked"


def test_check_in_window_edges_follow_the_office_rules(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    with db.write() as s:
        set_rule(s, office.office_code, "appointment_late_minutes", 10)
        early = book(s, office.actor("canbo1"), slots[time(10)].id, person(1), source="phone", now=EARLIER)
        late = book(s, office.actor("canbo1"), slots[time(8, 30)].id, person(2), source="phone", now=EARLIER)
    with db.write() as s:
        assert check_in(s, office.actor(), early.id, now=at(9, 45)).ticket.code  # exactly 15 minutes before
        assert check_in(s, office.actor(), late.id, now=at(9, 10)).ticket.code  # 09:00 end + 10 minutes


def test_cancelled_and_no_show_appointments_cannot_check_in(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    with db.write() as s:
        gone = book(s, office.actor("canbo1"), slots[time(9)].id, person(1), source="phone", now=EARLIER)
        missed = book(s, office.actor("canbo1"), slots[time(8)].id, person(2), source="phone", now=EARLIER)
        cancel(s, office.actor("canbo1"), gone.id, now=EARLIER)
        assert mark_no_shows(s, office.actor(), now=NOW) == 1
    for appt, code in ((gone, "cancelled"), (missed, "no_show")):
        with pytest.raises(DomainError) as err, db.write() as s:
            check_in(s, office.actor(), appt.code, now=NOW)
        assert err.value.code == code
    with pytest.raises(NotFound), db.write() as s:
        check_in(s, office.actor(), "LH222222", now=NOW)


# --- no-shows and day lists -------------------------------------------------------------


def test_no_shows_after_the_window_closes(db: Database, office: OfficeRefs) -> None:
    slots = make_slots(db, office)
    friday = make_slots(db, office, day=date(2026, 11, 20))
    clerk = office.actor("canbo1")
    with db.write() as s:
        old = book(s, clerk, friday[time(10)].id, person(1), source="phone", now=at(7, day=date(2026, 11, 20)))
        a = book(s, clerk, slots[time(8)].id, person(2), source="phone", now=EARLIER)
        b = book(s, clerk, slots[time(9)].id, person(3), source="online", now=EARLIER)
        c = book(s, clerk, slots[time(9)].id, person(4), source="kiosk", now=EARLIER)
        d = book(s, clerk, slots[time(10)].id, person(5), source="kiosk", now=EARLIER)
        check_in(s, office.actor(), c.id, now=at(9, 5))
    with db.write() as s:
        assert mark_no_shows(s, office.actor(), now=NOW) == 2  # Friday's and 08:00-08:30
        assert mark_no_shows(s, office.actor(), now=NOW) == 0
    with db.write() as s:
        assert mark_no_shows(s, office.actor(), now=at(9, 30)) == 0  # 09:30 is the end itself
        assert mark_no_shows(s, office.actor(), now=at(9, 31)) == 1
    with db.read() as s:
        status = {x.id: x.status for x in appointments_for_day(s, office.office_code, MONDAY)}
        assert status == {a.id: "no_show", b.id: "no_show", c.id: "checked_in", d.id: "booked"}
        assert get_appointment(s, old.id).status == "no_show"
        rows = s.scalars(select(Outbox).where(Outbox.op_type == "no_show")).all()
        assert {r.entity_id for r in rows} == {old.id, a.id, b.id}
        assert {r.to_state for r in rows} == {"no_show"}
    assert_outbox_matches(db)


def test_appointments_for_day_in_slot_order(db: Database, office: OfficeRefs) -> None:
    ht = make_slots(db, office)
    ct = make_slots(db, office, service="CT")
    wednesday = make_slots(db, office, day=date(2026, 11, 25))
    clerk = office.actor("canbo1")
    with db.write() as s:
        late = book(s, clerk, ht[time(10, 30)].id, person(1), source="phone", now=EARLIER)
        early = book(s, clerk, ht[time(9, 30)].id, person(2), source="phone", now=EARLIER)
        other = book(s, clerk, ct[time(10)].id, person(3), source="counter", procedure_code="2.000884", now=EARLIER)
        book(s, clerk, wednesday[time(9)].id, person(4), source="phone", now=EARLIER)
    with db.read() as s:
        assert [x.id for x in appointments_for_day(s, office.office_code, MONDAY)] == [early.id, other.id, late.id]
        assert [x.id for x in appointments_for_day(s, office.office_code, MONDAY, service_code="CT")] == [other.id]
        with pytest.raises(ValidationError):
            list_slots(s, office.office_code, "HT", MONDAY, side="both")
        assert s.execute(text("SELECT count(*) FROM appointment")).scalar() == 4


def test_a_checked_in_appointment_is_called_ahead_of_earlier_walk_ins(db: Database, office: OfficeRefs) -> None:
    from local_db.ops.queue import call_next, issue_ticket

    slot = make_slots(db, office)[time(9)]
    with db.write() as s:
        appt = book(s, office.actor("canbo1"), slot.id, person(), source="phone", now=EARLIER)
        walk_in = issue_ticket(s, office.actor(label="kiosk"), "HT", now=at(8, 50))
        arrived = check_in(s, office.actor(label="kiosk"), appt.code, now=at(9, 5))
        assert arrived.ticket.code != walk_in.code
    with db.write() as s:
        called = call_next(s, office.actor("canbo1"), 1, now=at(9, 6))
    assert called is not None and called.code == arrived.ticket.code
