"""Issue 18 (found by the fuzz run): an op whose values the centre's columns cannot hold — a
seq past 64 bits, a schema version past 32, a state name longer than its column — is refused
as malformed (422), not a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from core.ids import new_id
from tests.support.centre import Centre
from tests.sync.server.helpers import TIMEOUT, Device, statuses, ticket_payload


def test_values_the_columns_cannot_hold_are_refused_as_malformed(centre: Centre) -> None:
    device = Device(centre)
    for field, value in (("seq", 2**63), ("seq", -1), ("schema_version", 2**31), ("from_state", "x" * 21),
                         ("to_state", "y" * 21)):
        op = device.op("ticket", new_id(), "create", ticket_payload())
        op[field] = value
        r = device.session.post(centre.api_url + "/push", json={"ops": [op]}, timeout=TIMEOUT)
        assert r.status_code == 422 and r.json()["code"] == "malformed", (field, r.text)
    op = device.op("ticket", new_id(), "create", ticket_payload())
    op["seq"] = 2**63 - 1  # the largest seq the column holds still goes through
    assert statuses(device.push([op])) == ["applied"]
