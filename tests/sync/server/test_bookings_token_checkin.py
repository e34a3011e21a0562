"""The centre's answer to a check-in the kiosk made from an online booking's QR before the
office had pulled the booking (payload ``source`` "online", ``offline_token``, no code)."""

from __future__ import annotations

import uuid

from tests.sync.server.helpers import Device, statuses
from tests.sync.server.test_bookings import _book, _slots


def _token_check_in(dev: Device, appointment_id: uuid.UUID) -> dict:  # type: ignore[type-arg]
    return dev.op("appointment", appointment_id, "check_in",
                  {"source": "online", "side": "online", "offline_token": True, "service_code": "HT",
                   "ticket_id": str(uuid.uuid4()), "ticket_code": "A001"},
                  from_state="booked", to_state="checked_in")


def test_a_check_in_from_the_qr_is_applied_and_published_back_with_its_origin(centre) -> None:  # type: ignore[no-untyped-def]
    dev = Device(centre)
    slot = _slots(centre)[0]
    booking = _book(centre, slot["id"])
    op = _token_check_in(dev, booking.id)
    assert statuses(dev.push([op])) == ["applied"]
    held = centre.entity("appointment", booking.id)
    assert held.status == "checked_in" and held.code == booking.code
    assert held.data["code"] == booking.code and held.data["checked_in_at"]  # no placeholder code kept
    changes, _ = dev.pull_all()
    last = [c["data"] for c in changes if c["entity"] == "appointment"][-1]
    assert (last["status"], last["code"], last["origin_op_id"]) == ("checked_in", booking.code, op["op_id"])
    assert last["citizen"]["full_name"] == "Nguyễn Văn An"  # what the office fills its copy in with


def test_a_check_in_from_the_qr_of_a_booking_the_centre_does_not_have_is_rejected(centre) -> None:  # type: ignore[no-untyped-def]
    dev = Device(centre)
    unknown = uuid.uuid4()
    [result] = dev.push([_token_check_in(dev, unknown)])
    assert result["status"] == "rejected" and result["code"] == "unknown_online_booking"
    assert "trung tâm không có" in result["reason"]
    held = centre.entity("appointment", unknown)  # at most a marker holding later ops behind the refusal
    assert held is None or (held.status is None and held.ops == 0 and str(held.blocked_by) == result["op_id"])
