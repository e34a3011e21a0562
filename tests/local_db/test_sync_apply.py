"""Pulled pages of the centre's change log applied to the office database (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from core.keys import generate_keypair
from core.passwords import hash_password
from local_db.check import run_check
from local_db.database import Database
from local_db.models import (
    Appointment,
    AppointmentEvent,
    Citizen,
    Device,
    Dossier,
    DossierEvent,
    Holiday,
    Outbox,
    Procedure,
    Service,
    Slot,
    Staff,
    SyncStatus,
)
from local_db.office_setup import OfficeRefs
from local_db.ops.appointments import check_in
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import DocumentLine, receive_dossier, send_to_processing
from local_db.ops.signing import office_key_ring
from local_db.ops.slots import create_slots
from local_db.ops.staff import attempt_login
from local_db.ops.sync_apply import apply_page, pull_cursor
from local_db.ops.sync_outbox import sync_summary
from sync.protocol import Change

MON_0900 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội
MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)
_seq = iter(range(1, 10_000))


def change(entity: str, entity_id: uuid.UUID | str, data: dict[str, Any], *, office_code: str | None = "00004",
           op: str = "upsert") -> Change:
    return Change(seq=next(_seq), office_code=office_code, entity=entity, entity_id=uuid.UUID(str(entity_id)),
                  op=op, data=data)  # type: ignore[arg-type]


def apply(db: Database, changes: list[Change], cursor: str, now: datetime = MON_0900):  # type: ignore[no-untyped-def]
    with db.write() as s:
        return apply_page(s, changes, cursor, now=now)


def snapshot(db: Database) -> dict[str, Any]:
    """What the office holds, in a form two states can be compared by."""
    with db.read() as s:
        def rows(model: Any, *cols: Any) -> list[tuple[Any, ...]]:
            return sorted(tuple(r) for r in s.execute(select(*cols)))
        return {
            "service": rows(Service, Service.id, Service.code, Service.prefix, Service.name_vi, Service.active),
            "procedure": rows(Procedure, Procedure.id, Procedure.code, Procedure.service_id, Procedure.active),
            "staff": rows(Staff, Staff.id, Staff.username, Staff.role, Staff.active, Staff.password_hash),
            "holiday": rows(Holiday, Holiday.id, Holiday.day, Holiday.kind),
            "device": rows(Device, Device.id, Device.name, Device.kind, Device.revoked),
            "slot": rows(Slot, Slot.id, Slot.office_quota, Slot.online_quota, Slot.office_booked, Slot.online_booked),
            "appointment": rows(Appointment, Appointment.id, Appointment.code, Appointment.status, Appointment.slot_id),
            "appointment_event": [(n,) for n in [s.scalar(select(func.count()).select_from(AppointmentEvent))]],
            "citizen": [(n,) for n in [s.scalar(select(func.count()).select_from(Citizen))]],
            "dossier": rows(Dossier, Dossier.id, Dossier.status, Dossier.due_at),
            "dossier_event": [(n,) for n in [s.scalar(select(func.count()).select_from(DossierEvent))]],
            "outbox": [(n,) for n in [s.scalar(select(func.count()).select_from(Outbox))]],
            "status": rows(SyncStatus, SyncStatus.key),
        }


def check_problems(db: Database) -> list[str]:
    """``motcua db check``'s findings (it knows the agent's held/conflict/central states)."""
    return run_check(db).problems


# --- catalog, staff, holidays, keys ---------------------------------------------------------


def test_catalog_and_staff_from_the_centre_match_what_the_office_had(db: Database, office: OfficeRefs) -> None:
    centre_ht, centre_proc, centre_new = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    page = [
        change("service", centre_ht, {"id": str(centre_ht), "office_code": "00004", "code": "HT", "prefix": "A",
                                      "name_vi": "Hộ tịch (trung tâm)", "name_en": "Civil status", "sort_order": 0,
                                      "active": True}),
        change("procedure", centre_proc, {
            "id": str(centre_proc), "office_code": "00004", "code": "1.004873", "name_vi": "Cấp giấy xác nhận TTHN",
            "name_en": "Marital status", "field_vi": "Hộ tịch", "field_en": "Civil status", "service_id": str(centre_ht),
            "processing": {"working_days": 3}, "fee_rule": {"kind": "fixed", "amount_vnd": 3000},
            "fee_note": "", "documents": [], "online_level": 4, "active": True}),
        change("procedure", centre_new, {
            "id": str(centre_new), "office_code": "00004", "code": "9.999999", "name_vi": "Thủ tục mới",
            "name_en": "A new procedure", "field_vi": "Hộ tịch", "field_en": "Civil status", "service_id": None,
            "service_code": "HT", "processing": {"working_days": 1}, "fee_rule": {"kind": "free"},
            "documents": [], "active": True}),
        change("staff", uuid.uuid4(), {"username": "canbo9", "full_name": "Vũ Thị Lan", "role": "clerk",
                                       "active": True, "password_hash": hash_password("trungtam123")}),
        change("staff", uuid.uuid4(), {"username": "canbo2", "full_name": "Phạm Thị Thuỷ", "role": "clerk",
                                       "active": False, "password_hash": hash_password("khac12345")}),
    ]
    with db.read() as s:
        assert pull_cursor(s) == "0"
    done = apply(db, page, "5")
    assert (done.applied, done.skipped, done.cursor) == (5, 0, "5")
    first = snapshot(db)
    with db.read() as s:
        ht = s.get(Service, office.services["HT"])
        proc = s.get(Procedure, office.procedures["1.004873"])
        new = s.get(Procedure, centre_new)
        assert ht is not None and ht.name_vi == "Hộ tịch (trung tâm)"  # the office's own row, under its own id
        assert proc is not None and proc.online_level == 4 and proc.service_id == office.services["HT"]
        assert new is not None and new.service_id == office.services["HT"] and new.name_folded == "thu tuc moi"
        assert s.scalar(select(func.count()).select_from(Procedure).where(Procedure.code == "1.004873")) == 1
        assert pull_cursor(s) == "5"
    # an account made centrally signs in offline; one deactivated centrally no longer does
    me = attempt_login(db, "00004", "canbo9", "trungtam123", device_id=office.device_id, now=MON_0900)
    assert me.full_name == "Vũ Thị Lan"
    with pytest.raises(Exception) as refused:
        attempt_login(db, "00004", "canbo2", "khac12345", device_id=office.device_id, now=MON_0900)
    assert getattr(refused.value, "code", "") == "inactive"
    # the same page again: the same state (login attempts aside)
    done = apply(db, page, "5")
    assert done.applied == 0
    again = snapshot(db)
    assert {k: v for k, v in again.items() if k != "staff"} == {k: v for k, v in first.items() if k != "staff"}
    # and a later change of the same procedure (by the centre's id) reaches the office's row
    apply(db, [change("procedure", centre_proc, {**page[1].data, "active": False})], "6")
    with db.read() as s:
        proc = s.get(Procedure, office.procedures["1.004873"])
        assert proc is not None and not proc.active


def test_city_holidays_and_keys(db: Database, office: OfficeRefs) -> None:
    holiday = uuid.uuid4()
    _, centre_key = generate_keypair()
    with db.read() as s:
        own_key = s.get(Device, office.device_id).public_key  # type: ignore[union-attr]
    page = [
        change("holiday", holiday, {"id": str(holiday), "office_code": None, "day": "2026-12-31", "name": "Nghỉ bù",
                                    "kind": "day_off", "source": "announced"}, office_code=None),
        change("device", uuid.uuid4(), {"office_code": None, "name": "centre", "kind": "centre",
                                        "public_key": base64.b64encode(centre_key).decode(), "revoked": False},
               office_code=None),
        change("device", uuid.uuid4(), {"office_code": "00004", "name": "whatever-the-centre-calls-it",
                                        "kind": "counter", "public_key": base64.b64encode(own_key).decode(),
                                        "revoked": True}),
        change("holiday", uuid.uuid4(), {"day": "2026-12-30", "name": "Another office's", "kind": "day_off"},
               office_code="00099"),
    ]
    done = apply(db, page, "4")
    assert (done.applied, done.unchanged) == (3, 1)
    with db.read() as s:
        days = set(s.scalars(select(Holiday.day)))
        assert date(2026, 12, 31) in days and date(2026, 12, 30) not in days
        ring = office_key_ring(s, "00004")
        own = s.get(Device, office.device_id)
        assert own is not None and own.revoked and own.name == "test-device" and own.private_key is not None
        assert s.scalar(select(func.count()).select_from(Device)) == 2  # the office's device and the centre's key
    assert centre_key in ring.keys.values()  # the centre's key verifies online bookings' QR codes
    assert own_key not in ring.keys.values()  # a revoked device's key no longer does
    apply(db, [change("holiday", holiday, {}, office_code=None, op="delete")], "5")
    with db.read() as s:
        assert date(2026, 12, 31) not in set(s.scalars(select(Holiday.day)))


# --- slots and online bookings --------------------------------------------------------------


def _slots(db: Database, office: OfficeRefs, day: date = WEDNESDAY) -> list[uuid.UUID]:
    with db.write() as s:
        return [x.id for x in create_slots(s, office.actor("giamsat"), "HT", day, start=time(8), end=time(10),
                                           minutes=60, office_quota=2, online_quota=1, now=MON_0900)]


def online_booking(appt_id: uuid.UUID, slot_id: uuid.UUID, *, status: str = "booked", code: str = "LTABC234",
                   **extra: Any) -> Change:
    return change("appointment", appt_id, {
        "id": str(appt_id), "office_code": "00004", "code": code, "slot_id": str(slot_id), "procedure_id": None,
        "procedure_code": "1.004873", "service_code": "HT",
        "citizen": {"full_name": "Lê Văn Tám", "phone": "0912 345 678", "id_number": None}, "source": "online",
        "status": status, "booked_at": "2026-11-23T01:00:00+00:00",
        "cancelled_at": "2026-11-23T01:30:00+00:00" if status == "cancelled" else None, **extra})


def test_online_bookings_land_on_the_online_side(db: Database, office: OfficeRefs) -> None:
    first, _second = _slots(db, office)
    appt = uuid.uuid4()
    page = [
        change("slot", first, {"id": str(first), "office_code": "00004", "service_id": None, "service_code": "HT",
                               "day": "2026-11-25", "start_time": "08:00:00", "end_time": "09:00:00",
                               "office_quota": 2, "online_quota": 3, "online_booked": 1}),
        online_booking(appt, first),
    ]
    done = apply(db, page, "2")
    assert (done.applied, done.skipped) == (2, 0)
    state = snapshot(db)
    with db.read() as s:
        slot = s.get(Slot, first)
        row = s.get(Appointment, appt)
        assert slot is not None and (slot.office_quota, slot.online_quota, slot.online_booked) == (2, 3, 1)
        assert row is not None and (row.source, row.status, row.code) == ("online", "booked", "LTABC234")
        assert row.procedure_id == office.procedures["1.004873"]
        person = s.get(Citizen, row.citizen_id)
        assert person is not None and person.phone == "0912345678"
        trail = s.scalars(select(Outbox).where(Outbox.entity_id == appt)).all()
        assert [(o.op_type, o.state, o.to_state) for o in trail] == [("book", "central", "booked")]
    assert check_problems(db) == []
    apply(db, page, "2")
    assert snapshot(db) == state
    # cancelled on the portal: the place comes back, the office sees it
    apply(db, [online_booking(appt, first, status="cancelled")], "3")
    with db.read() as s:
        row = s.get(Appointment, appt)
        slot = s.get(Slot, first)
        assert row is not None and row.status == "cancelled" and slot is not None and slot.online_booked == 0
    assert check_problems(db) == []


def test_a_cancellation_after_check_in_is_reported_not_dropped(db: Database, office: OfficeRefs) -> None:
    (slot, _) = _slots(db, office, MONDAY)
    appt = uuid.uuid4()
    apply(db, [online_booking(appt, slot)], "1")
    with db.write() as s:
        checked = check_in(s, office.actor(None, "kiosk"), appt, now=MON_0900 - timedelta(minutes=50))
    assert checked.appointment.status == "checked_in"
    apply(db, [online_booking(appt, slot, status="cancelled")], "2")
    apply(db, [online_booking(appt, slot, status="cancelled")], "2")  # the page again
    with db.read() as s:
        row = s.get(Appointment, appt)
        assert row is not None and row.status == "checked_in"
        (notice,) = sync_summary(s, "00004", MON_0900).notices
    assert notice.kind == "cancelled_after_check_in" and "LTABC234" in notice.message
    assert checked.ticket.code in notice.message
    assert check_problems(db) == []


def test_the_office_own_changes_coming_back_change_nothing(db: Database, office: OfficeRefs) -> None:
    (slot, _) = _slots(db, office, MONDAY)
    appt = uuid.uuid4()
    apply(db, [online_booking(appt, slot)], "1")
    with db.write() as s:
        check_in(s, office.actor(None, "kiosk"), appt, now=MON_0900 - timedelta(minutes=50))
    with db.read() as s:
        op_id = s.scalars(select(Outbox.op_id).where(Outbox.entity_id == appt, Outbox.op_type == "check_in")).one()
    before = snapshot(db)
    apply(db, [online_booking(appt, slot, status="checked_in", origin_op_id=str(op_id))], "2")
    assert snapshot(db) == before


# --- dossiers moved centrally ---------------------------------------------------------------


def _dossier(db: Database, office: OfficeRefs) -> uuid.UUID:
    with db.write() as s:
        return receive_dossier(s, office.actor("canbo1"), procedure_code="1.004873",
                               applicant=CitizenInput(full_name="Nguyễn Văn Hoà", cccd="001090012345",
                                                      phone="0912345678"),
                               documents=[DocumentLine("Tờ khai cấp giấy xác nhận tình trạng hôn nhân", originals=1),
                                          DocumentLine("Giấy tờ tùy thân", certified=1)],
                               now=MON_0900).id


def central_move(dossier_id: uuid.UUID, action: str, from_state: str, status: str, at: str,
                 **extra: Any) -> Change:
    return change("dossier", dossier_id, {"id": str(dossier_id), "office_code": "00004", "status": status,
                                          "due_at": "2026-11-27T10:00:00+00:00",
                                          "event": {"action": action, "at": at, "note": "Sở Tư pháp", "by": "so-tp",
                                                    "from_state": from_state, "to_state": status},
                                          **extra})


def test_a_central_move_lands_with_its_history(db: Database, office: OfficeRefs) -> None:
    dossier = _dossier(db, office)
    with db.write() as s:
        send_to_processing(s, office.actor("canbo1"), dossier, now=MON_0900 + timedelta(hours=1))
    page = [central_move(dossier, "result_back", "in_processing", "ready", "2026-11-24T03:00:00+00:00")]
    apply(db, page, "1")
    apply(db, page, "1")
    with db.read() as s:
        row = s.get(Dossier, dossier)
        assert row is not None and row.status == "ready" and row.ready_at is not None
        events = s.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier)
                           .order_by(DossierEvent.at)).all()
        assert [(e.action, e.from_state, e.to_state) for e in events] == [
            ("receive", None, "received"), ("send_to_processing", "received", "in_processing"),
            ("result_back", "in_processing", "ready")]
        assert events[-1].detail["source"] == "centre" and events[-1].note == "Sở Tư pháp"
        assert sync_summary(s, "00004", MON_0900).notices == ()
    assert check_problems(db) == []


def test_a_move_on_both_sides_follows_the_centre_and_tells_staff(db: Database, office: OfficeRefs) -> None:
    dossier = _dossier(db, office)
    with db.write() as s:  # offline at the counter
        send_to_processing(s, office.actor("canbo1"), dossier, now=MON_0900 + timedelta(hours=1))
    # meanwhile the centre refused it from "received"
    apply(db, [central_move(dossier, "reject", "received", "rejected", "2026-11-23T02:30:00+00:00")], "1")
    with db.read() as s:
        row = s.get(Dossier, dossier)
        assert row is not None and row.status == "rejected" and row.closed_at is not None
        (notice,) = sync_summary(s, "00004", MON_0900).notices
    assert notice.kind == "dossier_moved_centrally" and row.code in notice.message
    # send -> (the centre's) reject is no legal path, but the centre's word is: the check agrees
    assert check_problems(db) == []


# --- what cannot apply, and the cursor --------------------------------------------------------


def test_a_change_that_cannot_apply_leaves_a_notice_and_the_page_goes_on(db: Database, office: OfficeRefs) -> None:
    holiday = uuid.uuid4()
    page = [
        change("procedure", uuid.uuid4(), {"code": "8.888888", "name_vi": "Lạc", "name_en": "Lost", "field_vi": "X",
                                           "field_en": "X", "service_id": str(uuid.uuid4()), "processing": {},
                                           "fee_rule": {}, "documents": []}),
        change("appointment", uuid.uuid4(), {"code": "LTZZZZZZ", "slot_id": str(uuid.uuid4()), "status": "booked",
                                             "citizen": {"full_name": "A"}}),
        change("holiday", holiday, {"day": "2026-12-31", "name": "Nghỉ", "kind": "day_off"}, office_code=None),
        change("parking_lot", uuid.uuid4(), {"spaces": 3}),
    ]
    done = apply(db, page, "9")
    assert (done.applied, done.skipped, done.unchanged, done.cursor) == (1, 2, 1, "9")
    with db.read() as s:
        assert s.get(Holiday, holiday) is not None
        notices = sync_summary(s, "00004", MON_0900).notices
        assert sorted(n.entity for n in notices) == ["appointment", "procedure"]
        assert pull_cursor(s) == "9"


def test_the_cursor_moves_only_with_its_page(db: Database, office: OfficeRefs) -> None:
    holiday = uuid.uuid4()
    apply(db, [], "3")
    with pytest.raises(RuntimeError), db.write() as s:
        apply_page(s, [change("holiday", holiday, {"day": "2026-12-31", "name": "Nghỉ", "kind": "day_off"})], "4",
                   now=MON_0900)
        raise RuntimeError("the agent is killed before the commit")
    with db.read() as s:
        assert pull_cursor(s) == "3" and s.get(Holiday, holiday) is None
