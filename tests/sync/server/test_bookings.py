"""Appointments at the centre: two quotas never mixed, online bookings signed by the
centre, and an online booking cancelled centrally but checked in at the office reported."""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest

from core.errors import QuotaExceeded
from core.ids import new_id
from core.tokens import KeyRing, Result, verify
from sync.server import bookings
from sync.server.models import CentreSlot
from tests.sync.server.helpers import Device, statuses

DAY = (datetime.now(timezone.utc) + timedelta(days=5)).date()


def _slots(centre, office_quota: int = 2, online_quota: int = 2, day: date = DAY) -> list[dict]:
    with centre.write() as s:
        return bookings.create_slots(s, "00004", "HT", day, start=time(8), end=time(9), minutes=30,
                                     office_quota=office_quota, online_quota=online_quota)


def _book(centre, slot_id, name: str = "Nguyễn Văn An", phone: str = "0912345678"):
    with centre.write() as s:
        return bookings.book_online(s, "00004", slot_id, full_name=name, phone=phone)


def _slot(centre, slot_id) -> CentreSlot:
    with centre.read() as s:
        return s.get(CentreSlot, uuid.UUID(str(slot_id)))


def _office_book(dev: Device, slot: dict, appt_id=None) -> dict:
    return dev.op("appointment", appt_id or new_id(), "book", {
        "code": "LH" + new_id().hex[:6].upper(), "slot_id": slot["id"], "service_code": "HT", "day": slot["day"],
        "start_time": slot["start_time"], "end_time": slot["end_time"], "source": "kiosk", "side": "office",
        "citizen": {"full_name": "Trần Thị Bình", "phone": "0987654321"}}, to_state="booked")


def test_slots_are_published_and_idempotent(centre) -> None:
    dev = Device(centre)
    first = _slots(centre)
    assert len(first) == 2 and first == _slots(centre, office_quota=9)
    changes, _ = dev.pull_all()
    published = [c["data"] for c in changes if c["entity"] == "slot"]
    assert len(published) == 2
    assert set(published[0]) >= {"id", "office_code", "service_id", "day", "start_time", "end_time", "office_quota",
                                 "online_quota", "online_booked"}


def test_online_bookings_stop_at_the_online_quota(centre) -> None:
    slot = _slots(centre, office_quota=5, online_quota=2)[0]
    _book(centre, slot["id"])
    _book(centre, slot["id"], name="Lê Văn Cường", phone="0901234567")
    with pytest.raises(QuotaExceeded):
        _book(centre, slot["id"])
    assert _slot(centre, slot["id"]).online_booked == 2


def test_concurrent_online_bookings_never_exceed_the_quota(centre) -> None:
    slot = _slots(centre, office_quota=0, online_quota=3)[0]
    outcomes: list[str] = []

    def book() -> None:
        try:
            _book(centre, slot["id"])
            outcomes.append("booked")
        except QuotaExceeded:
            outcomes.append("full")

    threads = [threading.Thread(target=book) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] * 3 + ["full"] * 5
    assert _slot(centre, slot["id"]).online_booked == 3


@pytest.mark.wall_clock  # booked and verified on the real clock, for a slot five days on
def test_an_online_booking_reaches_the_office_with_a_token_it_can_verify(centre) -> None:
    dev = Device(centre)
    slot = _slots(centre)[0]
    booking = _book(centre, slot["id"])
    assert booking.code.startswith("LT") and len(booking.code) == 8
    changes, _ = dev.pull_all()
    [appt] = [c["data"] for c in changes if c["entity"] == "appointment"]
    assert appt["source"] == "online" and appt["status"] == "booked" and appt["code"] == booking.code
    assert appt["citizen"] == {"full_name": "Nguyễn Văn An", "phone": "0912345678", "id_number": None}
    assert [c["data"]["online_booked"] for c in changes if c["entity"] == "slot" and c["entity_id"] == str(slot["id"])
            ][-1] == 1
    ring = KeyRing.from_public_keys(base64.b64decode(k) for k in dev.centre_public_keys.values())
    check = verify(appt["token"], ring, office_code="00004", now=datetime.now(timezone.utc))
    assert check.result is Result.VALID and check.token.entity_id == booking.id


def test_office_bookings_use_the_office_quota_only(centre) -> None:
    dev = Device(centre)
    slot = _slots(centre, office_quota=1, online_quota=1)[0]
    _book(centre, slot["id"])  # the online place
    assert statuses(dev.push([_office_book(dev, slot)])) == ["applied"]  # the office place, booked offline
    row = _slot(centre, slot["id"])
    assert (row.office_booked, row.online_booked) == (1, 1)
    online = dict(_office_book(dev, slot), payload={**_office_book(dev, slot)["payload"], "side": "online"})
    [refused] = dev.push([online])
    assert refused["status"] == "rejected" and refused["code"] == "online_is_central"


def test_an_office_slot_unknown_to_the_centre_is_learned_from_its_bookings(centre) -> None:
    dev = Device(centre)
    slot = {"id": str(new_id()), "day": DAY.isoformat(), "start_time": "14:00:00", "end_time": "14:30:00"}
    capacity = dev.op("slot", slot["id"], "set_capacity", {"office_quota": 4, "online_quota": 0})
    assert statuses(dev.push([capacity, _office_book(dev, slot)])) == ["applied", "applied"]
    row = _slot(centre, slot["id"])
    assert (row.office_quota, row.office_booked, row.start_time) == (4, 1, time(14))


def test_cancelled_online_then_checked_in_at_the_office_is_a_conflict(centre) -> None:
    dev = Device(centre)
    slot = _slots(centre)[0]
    booking = _book(centre, slot["id"])
    with centre.write() as s:
        bookings.cancel_online(s, "00004", booking.code.lower(), reason="bận việc")
    assert _slot(centre, slot["id"]).online_booked == 0
    check_in = dev.op("appointment", booking.id, "check_in", {"code": booking.code, "ticket_code": "A007"},
                      from_state="booked", to_state="checked_in")
    no_show = dev.op("appointment", booking.id, "no_show", {"code": booking.code}, from_state="checked_in",
                     to_state="no_show")
    results = dev.push([check_in, no_show])
    assert statuses(results) == ["conflict", "held"]
    assert results[0]["server_state"]["status"] == "cancelled"
    assert "đã huỷ" in results[0]["reason"]
    assert centre.entity("appointment", booking.id).status == "cancelled"


def test_the_office_cancelling_an_online_booking_gives_the_online_place_back(centre) -> None:
    dev = Device(centre)
    slot = _slots(centre)[0]
    booking = _book(centre, slot["id"])
    op = dev.op("appointment", booking.id, "cancel", {"code": booking.code, "slot_id": str(slot["id"]),
                                                      "side": "online", "reason": ""},
                from_state="booked", to_state="cancelled")
    assert statuses(dev.push([op])) == ["applied"]
    assert _slot(centre, slot["id"]).online_booked == 0
    changes, _ = dev.pull_all()
    last = [c["data"] for c in changes if c["entity"] == "appointment"][-1]
    assert last["status"] == "cancelled" and last["origin_op_id"] == op["op_id"]


def test_the_office_cannot_cut_the_online_quota_below_what_was_sold(centre) -> None:
    dev = Device(centre)
    slot = _slots(centre, online_quota=2)[0]
    _book(centre, slot["id"])
    _book(centre, slot["id"], name="Lê Văn Cường", phone="0901234567")
    [result] = dev.push([dev.op("slot", slot["id"], "set_capacity", {"office_quota": 3, "online_quota": 1})])
    assert result["status"] == "conflict" and result["server_state"]["online_booked"] == 2
    ok = dev.op("slot", _slots(centre)[1]["id"], "set_capacity", {"office_quota": 3, "online_quota": 5})
    assert statuses(dev.push([ok])) == ["applied"]
    assert _slot(centre, ok["entity_id"]).online_quota == 5


def test_a_past_slot_cannot_be_booked_online(centre) -> None:
    from core.errors import ValidationError

    slot = _slots(centre, day=date(2026, 1, 5))[0]
    with pytest.raises(ValidationError):
        _book(centre, slot["id"])


def test_many_bookings_of_one_slot_in_one_batch_are_all_counted(centre) -> None:
    """A batch counts its slots in memory and writes them once: nothing lost between ops."""
    dev = Device(centre)
    slot = _slots(centre, office_quota=30, online_quota=1)[0]
    booked = [_office_book(dev, slot) for _ in range(12)]
    cancel = dev.op("appointment", uuid.UUID(booked[0]["entity_id"]), "cancel", {}, from_state="booked",
                    to_state="cancelled")
    assert statuses(dev.push([*booked, cancel])) == ["applied"] * 13
    assert _slot(centre, slot["id"]).office_booked == 11


def test_a_rule_that_fails_after_counting_a_slot_leaves_the_slot_as_it_was(centre, monkeypatch) -> None:
    """The batch's undo point stands in for a savepoint: a booking op whose rule counted a
    place and then broke is rejected as malformed, and the place is not taken."""
    from sync.server import apply
    from sync.server.projection import Malformed

    def count_then_break(batch, op, proj):
        batch.slots.count(uuid.UUID(op.payload["slot_id"]), "office", +1, batch.now)
        batch.publish("00004", "slot", uuid.UUID(op.payload["slot_id"]), {"half": True})
        raise Malformed("broken after counting")

    dev = Device(centre)
    slot = _slots(centre, office_quota=5, online_quota=1)[0]
    _, cursor = dev.pull_all()
    good = _office_book(dev, slot)
    monkeypatch.setitem(apply.HANDLERS, "broken", count_then_break)
    broken = dev.op("broken", new_id(), "book", {"slot_id": slot["id"]})
    results = dev.push([good, broken])
    assert statuses(results) == ["applied", "rejected"] and results[1]["code"] == "malformed"
    assert _slot(centre, slot["id"]).office_booked == 1  # the good booking only
    changes, _ = dev.pull_all(cursor)
    assert not [c for c in changes if c["data"].get("half")]
