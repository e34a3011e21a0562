"""Office scope of the push: a device of one office can neither change another office's
appointment slots (their ids are on the public booking pages) nor speak for another
office's devices. The refused op comes back ``rejected`` with a reason; the other office's
slots, counts and citizens' bookings stay as they were (issue 18)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, time, timedelta, timezone

import pytest

from core.errors import QuotaExceeded
from core.ids import new_id
from core.keys import generate_keypair
from sync.server import bookings
from sync.server.models import CentreSlot
from tests.sync.server.helpers import Device, statuses, ticket_payload

A, B = "00004", "00005"
DAY = (datetime.now(timezone.utc) + timedelta(days=5)).date()


def _a_slots(centre, online_quota: int = 2) -> list[dict]:
    with centre.write() as s:
        return bookings.create_slots(s, A, "HT", DAY, start=time(8), end=time(9), minutes=30, office_quota=2,
                                     online_quota=online_quota)


def _slot(centre, slot_id) -> CentreSlot:
    with centre.read() as s:
        row = s.get(CentreSlot, uuid.UUID(str(slot_id)))
        assert row is not None
        return row


def _counts(centre, slot_id) -> tuple[int, int, int, int]:
    row = _slot(centre, slot_id)
    return row.office_quota, row.online_quota, row.office_booked, row.online_booked


def _appointment(dev: Device, op_type: str, slot: dict, **payload) -> dict:
    """An op of ``dev``'s office on an appointment it makes up, naming ``slot``."""
    body = {"slot_id": slot["id"], "service_code": "HT", "day": slot["day"], "start_time": slot["start_time"],
            "end_time": slot["end_time"], "code": "LH" + new_id().hex[:6].upper(),
            "citizen": {"full_name": "Trần Thị Bình", "phone": "0987654321"}, **payload}
    return dev.op("appointment", new_id(), op_type, body)


@pytest.fixture
def offices(centre) -> tuple[Device, Device]:
    centre.create_office(B, "UBND Phường Kim Mã", "Kim Ma Ward")
    return Device(centre, A), Device(centre, B, name="agent-b")


def test_another_office_cannot_book_cancel_or_move_into_a_slot(centre, offices) -> None:
    dev_a, dev_b = offices
    first, second = _a_slots(centre)
    with centre.write() as s:  # a citizen booked one online place of A's first slot
        bookings.book_online(s, A, first["id"], full_name="Nguyễn Văn An", phone="0912345678")
    before = {first["id"]: _counts(centre, first["id"]), second["id"]: _counts(centre, second["id"])}

    ops = [
        _appointment(dev_b, "book", first, source="kiosk", side="office"),
        _appointment(dev_b, "cancel", first, source="online", side="online"),
        _appointment(dev_b, "cancel", first, source="online", side="online"),
        dev_b.op("appointment", new_id(), "reschedule", {"source": "online", "side": "online",
                                                        "to_slot_id": second["id"]}),
        dev_b.op("slot", uuid.UUID(second["id"]), "set_capacity", {"office_quota": 0, "online_quota": 9}),
    ]
    results = dev_b.push(ops)
    assert statuses(results) == ["rejected"] * len(ops), results
    assert {r["code"] for r in results} == {"wrong_office"}
    assert all(r["reason"] for r in results)  # the office's staff read why
    after = {first["id"]: _counts(centre, first["id"]), second["id"]: _counts(centre, second["id"])}
    assert after == before

    # Citizens still book A's places, and no more than its quota.
    with centre.write() as s:
        bookings.book_online(s, A, first["id"], full_name="Lê Văn Cường", phone="0901234567")
    with centre.write() as s, pytest.raises(QuotaExceeded):
        bookings.book_online(s, A, first["id"], full_name="Phạm Thị Dung", phone="0901234568")
    # A's own office still books its slot.
    assert statuses(dev_a.push([_appointment(dev_a, "book", first, source="kiosk", side="office")])) == ["applied"]
    assert _slot(centre, first["id"]).office_booked == 1


def test_nothing_of_the_refused_ops_reaches_the_other_office(centre, offices) -> None:
    dev_a, dev_b = offices
    slot = _a_slots(centre)[0]
    _, cursor = dev_a.pull_all()
    dev_b.push([_appointment(dev_b, "cancel", slot, source="online", side="online"),
                dev_b.op("slot", uuid.UUID(slot["id"]), "set_capacity", {"office_quota": 0, "online_quota": 9})])
    changes, _ = dev_a.pull_all(cursor)
    assert [c for c in changes if c["entity"] in ("slot", "appointment")] == []


def test_an_op_the_centre_holds_no_booking_for_moves_no_count(centre, offices) -> None:
    """An office's own made-up cancel of an online booking the centre never had does not
    give back a place someone else holds (two such cancels let 6 bookings into 2 places)."""
    dev_a, _dev_b = offices
    slot = _a_slots(centre)[0]
    with centre.write() as s:
        for n in range(2):
            bookings.book_online(s, A, slot["id"], full_name="Nguyễn Văn An", phone=f"091234567{n}")
    dev_a.push([_appointment(dev_a, "cancel", slot, source="online", side="online") for _ in range(2)])
    assert _slot(centre, slot["id"]).online_booked == 2
    with centre.write() as s, pytest.raises(QuotaExceeded):
        bookings.book_online(s, A, slot["id"], full_name="Lê Văn Cường", phone="0901234567")


def _register_counter(dev: Device) -> uuid.UUID:
    """A counter of ``dev``'s office registered at the centre (its key, for receipts)."""
    counter = new_id()
    _private, public = generate_keypair()
    results = dev.push([dev.op("device", counter, "register", {
        "office_code": dev.office_code, "name": "Quầy 1", "kind": "counter",
        "public_key": base64.b64encode(public).decode(), "revoked": False})])
    assert statuses(results) == ["applied"], results
    return counter


def test_an_op_naming_another_offices_device_is_refused(centre, offices) -> None:
    dev_a, dev_b = offices
    counter_a = _register_counter(dev_a)
    ticket = new_id()
    results = dev_b.push([{**dev_b.op("ticket", ticket, "create", ticket_payload()), "device_id": str(counter_a)}])
    assert statuses(results) == ["rejected"] and results[0]["code"] == "wrong_office", results
    assert centre.entity("ticket", ticket) is None
    # A's own op from that counter is A's.
    own = dev_a.push([{**dev_a.op("ticket", new_id(), "create", ticket_payload()), "device_id": str(counter_a)}])
    assert statuses(own) == ["applied"]


def test_an_office_cannot_register_another_offices_enrolled_device(centre, offices) -> None:
    dev_a, dev_b = offices
    _private, public = generate_keypair()
    results = dev_b.push([dev_b.op("device", dev_a.device_id, "register", {
        "office_code": B, "name": "Quầy giả", "kind": "counter", "public_key": base64.b64encode(public).decode()})])
    assert statuses(results) == ["rejected"] and results[0]["code"] == "wrong_office", results
    assert centre.entity("device", dev_a.device_id) is None
    # A's ops from its agent still go through.
    assert statuses(dev_a.push([{**dev_a.op("ticket", new_id(), "create", ticket_payload()),
                                 "device_id": str(dev_a.device_id)}])) == ["applied"]
