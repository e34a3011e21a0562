"""The reads the kiosk and counter screens used to run themselves, now office operations:
the catalog, citizens by number, whether a ticket can be rated, the dossier list's chips,
a dossier's checklist, the appointments' day view, a ticket's last transfer."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import update

from local_db.database import Database
from local_db.models import Counter, Holiday, Procedure, Service
from local_db.office_setup import OfficeRefs
from local_db.ops import catalog
from local_db.ops import queue as q
from local_db.ops.appointments import appointment_status, book, cancel
from local_db.ops.attachments import checklist_items
from local_db.ops.citizens import CitizenInput, find_citizens, upsert_citizen
from local_db.ops.dossier_desk import desk_counts, received_by
from local_db.ops.dossiers import DocumentLine, receive_dossier, send_to_processing
from local_db.ops.feedback import give_feedback, rating_check
from local_db.ops.holidays import holidays_in_year
from local_db.ops.queue_status import last_transfer
from local_db.ops.slots import create_slots, slot_ids_of_day, slots_of_days

MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội
MARITAL_STATUS = "1.004873"  # 3 working days
DOCS = [DocumentLine("Tờ khai", originals=1), DocumentLine("Giấy tờ tùy thân", certified=1),
        DocumentLine("Giấy tờ khác", required=False, missing=True)]


def receive(db: Database, office: OfficeRefs, clerk: str, counter: int, cccd: str,
            now: datetime = NOW) -> uuid.UUID:
    with db.write() as s:
        return receive_dossier(s, office.actor(clerk), procedure_code=MARITAL_STATUS, documents=DOCS,
                               applicant=CitizenInput(full_name="Nguyễn Văn Hoà", cccd=cccd),
                               counter_number=counter, now=now).id


def test_the_catalog_lists_only_what_is_in_use(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        s.execute(update(Procedure).where(Procedure.code == MARITAL_STATUS).values(active=False))
        s.execute(update(Counter).where(Counter.number == 4).values(active=False))
    with db.read() as s:
        procedures = {p.code: p for p in catalog.active_procedures(s, office.office_code)}
        counters = catalog.active_counters(s, office.office_code)
        hidden = catalog.procedure_by_code(s, office.office_code, MARITAL_STATUS)
        four = catalog.counter_entry(s, office.office_code, 4)
        ht = catalog.service_by_code(s, office.office_code, "HT")
        services = catalog.active_services(s, office.office_code)
        every_counter = catalog.all_counters(s, office.office_code)
        every_service = catalog.all_services(s, office.office_code)
    assert MARITAL_STATUS not in procedures and procedures  # the others are all there
    assert hidden is not None and hidden.service_code == "HT"  # an old booking still finds its name
    assert [c.number for c in counters] == [1, 2, 3]
    assert four is not None and not four.active and four.service_ids == {office.services[c] for c in ("XH", "KD", "HT")}
    assert ht is not None and (ht.prefix, ht.name_en) == ("A", "Civil status")
    assert [sv.code for sv in services] == ["HT", "CT", "KD", "XH", "TK"]
    one = next(c for c in counters if c.number == 1)
    assert one.service_names_en == ("Civil status", "Result return")
    assert [(c.number, c.active) for c in every_counter] == [(1, True), (2, True), (3, True), (4, False)]
    assert [sv.code for sv in every_service] == ["HT", "CT", "KD", "XH", "TK"]


def test_the_calendar_table_of_one_year(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        s.add(Holiday(office_code=office.office_code, day=date(2027, 3, 15), name="Nghỉ bù", kind="day_off",
                      source="announced"))
        s.add(Holiday(office_code=office.office_code, day=date(2026, 12, 26), name="Làm bù", kind="working_day",
                      source="announced"))
    with db.read() as s:
        days = holidays_in_year(s, office.office_code, 2027)
    assert (date(2027, 3, 15), "Nghỉ bù", "day_off", "announced") in [(h.day, h.name, h.kind, h.source) for h in days]
    assert all(h.day.year == 2027 for h in days) and [h.day for h in days] == sorted(h.day for h in days)


def test_recent_procedures_are_this_clerks_or_this_counters(db: Database, office: OfficeRefs) -> None:
    receive(db, office, "canbo1", 2, "001090012345")
    with db.read() as s:
        by_clerk = catalog.recent_procedure_ids(s, office.office_code, staff_id=office.staff["canbo1"])
        by_counter = catalog.recent_procedure_ids(s, office.office_code, counter_id=office.counters[2])
        other = catalog.recent_procedure_ids(s, office.office_code, staff_id=office.staff["canbo2"],
                                             counter_id=office.counters[3])
        nobody = catalog.recent_procedure_ids(s, office.office_code)
    assert by_clerk == by_counter == [office.procedures[MARITAL_STATUS]]
    assert other == nobody == []


def test_citizens_are_found_by_cccd_or_phone_and_not_by_half_a_number(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        upsert_citizen(s, office.office_code, CitizenInput(full_name="Lê Văn An", cccd="001090012345",
                                                          phone="0912345678"))
        upsert_citizen(s, office.office_code, CitizenInput(full_name="Lê Thị Bình", phone="0912345678"))
    with db.read() as s:
        by_cccd = find_citizens(s, office.office_code, cccd="001090012345", today=MONDAY)
        by_phone = find_citizens(s, office.office_code, phone="+84 912 345 678", today=MONDAY)
        typing = find_citizens(s, office.office_code, cccd="00109001", today=MONDAY)
        nothing = find_citizens(s, office.office_code, today=MONDAY)
    assert [c.full_name for c in by_cccd] == ["Lê Văn An"]
    assert sorted(c.full_name for c in by_phone) == ["Lê Thị Bình", "Lê Văn An"]  # a family phone
    assert typing == nothing == []


def test_a_ticket_can_be_rated_once_it_is_served_and_only_once(db: Database, office: OfficeRefs) -> None:
    actor = office.actor("canbo1")
    with db.write() as s:
        t = q.issue_ticket(s, office.actor(None, "kiosk"), "HT", now=NOW)
    with db.read() as s:
        assert rating_check(s, ticket_id=t.id).outcome == "not_served"
        assert rating_check(s, ticket_id=uuid.uuid4()).outcome == "not_served"
    with db.write() as s:
        q.call_next(s, actor, 1, now=NOW)
        q.start_serving(s, actor, t.id, now=NOW)
    with db.read() as s:
        assert rating_check(s, ticket_id=t.id) == rating_check(s, ticket_id=t.id)
        assert (rating_check(s, ticket_id=t.id).outcome, rating_check(s, ticket_id=t.id).code) == ("ok", "A001")
    with db.write() as s:
        give_feedback(s, office.actor(None, "kiosk"), rating="satisfied", ticket_id=t.id, now=NOW)
    with db.read() as s:
        assert rating_check(s, ticket_id=t.id).outcome == "already_rated"
        assert rating_check(s, dossier_id=uuid.uuid4()).outcome == "unknown"


def test_the_dossier_list_chips_and_who_received_each(db: Database, office: OfficeRefs) -> None:
    mine = receive(db, office, "canbo1", 2, "001090012345")
    theirs = receive(db, office, "canbo2", 3, "001195067890", now=NOW - timedelta(days=10))
    with db.write() as s:
        send_to_processing(s, office.actor("canbo2"), theirs, now=NOW - timedelta(days=9))
    with db.read() as s:
        counts = desk_counts(s, office.office_code, now=NOW, staff_id=office.staff["canbo1"])
        nobody = desk_counts(s, office.office_code, now=NOW)
        who = received_by(s, [mine, theirs])
        assert received_by(s, []) == {}
    assert (counts.overdue, counts.mine, nobody.mine) == (1, 1, 0)
    assert counts.by_status == {"received": 1, "in_processing": 1}
    assert (who[mine].counter_number, who[mine].clerk_name, who[mine].staff_id) == (
        2, "Nguyễn Văn Hoà", office.staff["canbo1"])
    assert (who[theirs].counter_number, who[theirs].clerk_name) == (3, "Phạm Thị Thuỷ")


def test_a_dossiers_checklist_in_order_and_only_in_its_office(db: Database, office: OfficeRefs) -> None:
    dossier = receive(db, office, "canbo1", 2, "001090012345")
    with db.read() as s:
        items = checklist_items(s, office.office_code, dossier)
        assert checklist_items(s, "99999", dossier) is None
        assert checklist_items(s, office.office_code, uuid.uuid4()) is None
    assert items is not None
    assert [(i.position, i.name, i.received) for i in items] == [
        (1, "Tờ khai", True), (2, "Giấy tờ tùy thân", True), (3, "Giấy tờ khác", False)]


def test_the_day_view_lists_slots_with_their_bookings(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        made = create_slots(s, office.actor("giamsat"), "HT", MONDAY, start=time(8), end=time(9), minutes=30,
                            office_quota=2, online_quota=1, now=NOW - timedelta(days=1))
        booked = book(s, office.actor("canbo1"), made[1].id, CitizenInput(full_name="Trần Văn Bảo",
                                                                          phone="0987654321"),
                      source="counter", procedure_code=MARITAL_STATUS, now=NOW - timedelta(days=1))
        gone = book(s, office.actor("canbo1"), made[1].id, CitizenInput(full_name="Đỗ Thị Cúc", phone="0987000000"),
                    source="counter", now=NOW - timedelta(days=1) + timedelta(minutes=1))  # booked after
        cancel(s, office.actor("canbo1"), gone.id, now=NOW - timedelta(days=1) + timedelta(minutes=2))
        s.execute(update(Service).where(Service.code == "CT").values(active=False))
        create_slots(s, office.actor("giamsat"), "CT", MONDAY, start=time(8), end=time(9), minutes=60,
                     office_quota=1, online_quota=0, now=NOW - timedelta(days=1))
    with db.read() as s:
        days = slots_of_days(s, office.office_code, [MONDAY])
        bare = slots_of_days(s, office.office_code, [MONDAY], with_appointments=False)
        ids = slot_ids_of_day(s, office.office_code, "HT", MONDAY)
        assert appointment_status(s, office.office_code, booked.id) == "booked"
        assert appointment_status(s, office.office_code, gone.id) == "cancelled"
        assert appointment_status(s, "99999", booked.id) is None
        assert appointment_status(s, office.office_code, uuid.uuid4()) is None
    assert [(d.slot.service_code, d.slot.start_time) for d in days] == [("HT", time(8)), ("HT", time(8, 30))]
    assert ids == {x.id for x in made}
    assert days[0].appointments == () and all(d.appointments == () for d in bare)
    first, second = days[1].appointments
    assert (first.code, first.citizen_name, first.phone, first.status, first.procedure_code) == (
        booked.code, "Trần Văn Bảo", "0987654321", "booked", MARITAL_STATUS)
    assert (second.citizen_name, second.status, second.procedure_name_vi) == ("Đỗ Thị Cúc", "cancelled", "")
    assert days[1].slot.office_booked == 1


def test_a_tickets_last_transfer_says_where_from_and_why(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        t = q.issue_ticket(s, office.actor(None, "kiosk"), "HT", now=NOW)
        q.call_next(s, office.actor("canbo1"), 1, now=NOW)
    with db.read() as s:
        assert last_transfer(s, t.id) is None
    with db.write() as s:
        q.transfer(s, office.actor("canbo1"), t.id, to_service_code="CT", note="cần chứng thực",
                   now=NOW + timedelta(minutes=1))
    with db.read() as s:
        last = last_transfer(s, t.id)
    assert last is not None and (last.from_counter, last.from_service_code, last.note) == (1, "HT", "cần chứng thực")
