"""Push: idempotent by op id, one verdict per op, offices kept apart, a refused op holds
only its own entity."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import func, select

from core.ids import new_id
from sync.server.models import CentreEntity, CentreOp
from tests.sync.server.helpers import TIMEOUT, Device, statuses, ticket_payload


def test_a_batch_sent_twice_is_applied_once(centre) -> None:
    dev = Device(centre)
    tid, fid = new_id(), new_id()
    ops = [dev.op("ticket", tid, "issue", ticket_payload(), to_state="waiting"),
           dev.op("ticket", tid, "call", {"status": "called", "counter_id": "c1"}, from_state="waiting",
                  to_state="called"),
           dev.op("feedback", fid, "give", {"rating": "satisfied", "ticket_id": str(tid)}, to_state="given")]
    assert statuses(dev.push(ops)) == ["applied"] * 3
    assert statuses(dev.push(ops)) == ["duplicate"] * 3
    assert statuses(dev.push(ops[1:] + ops[:1])) == ["duplicate"] * 3
    assert len(centre.ops(status="applied")) == 3
    ticket = centre.entity("ticket", tid)
    assert ticket.status == "called" and ticket.ops == 2
    assert ticket.data["code"] == "A001" and ticket.data["counter_id"] == "c1"  # merged payloads
    assert centre.entity("feedback", fid).data["rating"] == "satisfied"


def test_the_same_op_twice_in_one_batch_counts_once(centre) -> None:
    dev = Device(centre)
    op = dev.op("ticket", new_id(), "issue", ticket_payload(), to_state="waiting")
    assert statuses(dev.push([op, op])) == ["applied", "duplicate"]


def test_a_replayed_request_racing_the_first_changes_nothing(centre) -> None:
    dev = Device(centre)
    ops = [dev.op("ticket", new_id(), "issue", ticket_payload(f"A{i:03}"), to_state="waiting") for i in range(200)]
    answers: list[list[str]] = []

    def push() -> None:
        r = requests.post(centre.api_url + "/push", json={"ops": ops}, headers=dev.session.headers, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        answers.append(statuses(r.json()["results"]))

    threads = [threading.Thread(target=push) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(tuple(sorted(set(a))) for a in answers) == [("applied",), ("duplicate",), ("duplicate",)]
    with centre.read() as s:
        assert s.scalar(select(func.count()).select_from(CentreOp)) == 200


def test_a_refused_op_holds_its_entity_and_nothing_else(centre) -> None:
    dev = Device(centre)
    bad, good = new_id(), new_id()
    ops = [dev.op("print_job", bad, "print", {}),  # the centre knows no such thing
           dev.op("ticket", good, "issue", ticket_payload(), to_state="waiting"),
           dev.op("print_job", bad, "retry", {}),
           dev.op("ticket", good, "call", {"status": "called"}, from_state="waiting", to_state="called")]
    results = dev.push(ops)
    assert statuses(results) == ["rejected", "applied", "held", "applied"]
    assert results[0]["code"] == "unknown_entity" and results[0]["reason"]
    assert results[2]["code"] == "held"
    # Sent again: the rejection is answered again (never "duplicate", which would read as accepted),
    # the held op is judged again and still waits.
    assert statuses(dev.push(ops[:3])) == ["rejected", "duplicate", "held"]
    with centre.read() as s:
        row = s.get(CentreEntity, (bad, "print_job"))
        assert str(row.blocked_by) == results[0]["op_id"]
        assert s.scalar(select(func.count()).select_from(CentreOp).where(CentreOp.op_id == uuid.UUID(ops[2]["op_id"]))) == 0


def test_a_malformed_op_is_rejected_with_a_reason(centre) -> None:
    dev = Device(centre)
    results = dev.push([dev.op("slot", new_id(), "set_capacity", {"office_quota": 3}),
                        dev.op("dossier", new_id(), "send_to_processing", {"code": "X"}),
                        dev.op("ticket", new_id(), "issue", ticket_payload(), device_time="2026-11-20T08:00:00"),
                        dev.op("ticket", new_id(), "issue", ticket_payload(), to_state="waiting")])
    assert statuses(results) == ["rejected", "rejected", "rejected", "applied"]
    assert [r["code"] for r in results[:3]] == ["malformed"] * 3
    assert "online_quota" in results[0]["reason"] and "device_time" in results[2]["reason"]


def test_an_op_that_does_not_fit_the_contract_is_a_422_for_the_whole_request(centre) -> None:
    dev = Device(centre)
    op = dev.op("ticket", new_id(), "issue", ticket_payload())
    del op["entity_id"]
    r = dev.session.post(centre.api_url + "/push", json={"ops": [op]}, timeout=TIMEOUT)
    assert r.status_code == 422
    too_many = [dev.op("ticket", new_id(), "issue", {}) for _ in range(501)]
    assert dev.session.post(centre.api_url + "/push", json={"ops": too_many}, timeout=TIMEOUT).status_code == 422


def test_office_a_cannot_write_office_b_data(centre) -> None:
    centre.create_office("00007")
    a, b = Device(centre, "00004"), Device(centre, "00007", name="agent-b")
    tid = new_id()
    assert statuses(b.push([b.op("ticket", tid, "issue", ticket_payload(), to_state="waiting")])) == ["applied"]
    results = a.push([
        a.op("ticket", tid, "call", {"status": "called"}, from_state="waiting", to_state="called"),  # B's ticket
        a.op("ticket", new_id(), "issue", ticket_payload(), to_state="waiting", office_code="00007"),  # says B
        a.op("dossier", new_id(), "receive", {"code": "D1", "office_code": "00007"}, to_state="received"),
        a.op("ticket", new_id(), "issue", ticket_payload(), to_state="waiting", office_code="00004"),  # its own: fine
    ])
    assert statuses(results) == ["rejected", "rejected", "rejected", "applied"]
    assert {r["code"] for r in results[:3]} == {"wrong_office"}
    assert centre.entity("ticket", tid).status == "waiting"
    # Nor can A replay B's op ids to learn anything: it is told "wrong office", not "duplicate".
    b_op = b.op("ticket", new_id(), "issue", ticket_payload(), to_state="waiting")
    b.push([b_op])
    stolen = dict(b_op, device_id=str(a.local_device))
    assert statuses(a.push([stolen])) == ["rejected"]


def test_office_a_cannot_read_office_b_data(centre) -> None:
    from sync.server import bookings

    centre.create_office("00007")
    a, b = Device(centre, "00004"), Device(centre, "00007", name="agent-b")
    with centre.write() as s:
        bookings.create_slots(s, "00007", "HT", datetime.now(timezone.utc).date() + timedelta(days=3),
                              start=datetime(2026, 1, 1, 8).time(), end=datetime(2026, 1, 1, 9).time(),
                              minutes=30, office_quota=2, online_quota=2)
    a_changes, _ = a.pull_all()
    b_changes, _ = b.pull_all()
    assert {c["office_code"] for c in a_changes} <= {None, "00004"}
    assert [c for c in b_changes if c["entity"] == "slot"] and not [c for c in a_changes if c["entity"] == "slot"]
    assert str(b.device_id) not in {c["entity_id"] for c in a_changes}


def test_centre_owned_records_are_refused_from_an_enrolled_office(centre) -> None:
    dev = Device(centre)
    before = datetime.now(timezone.utc) - timedelta(days=30)
    old = dev.op("staff", new_id(), "create", {"username": "old", "full_name": "Người Cũ", "role": "clerk"},
                 to_state="active", device_time=before.isoformat())  # made before the office enrolled
    new = dev.op("staff", new_id(), "create", {"username": "new", "full_name": "Người Mới", "role": "clerk"},
                 to_state="active")
    holiday = dev.op("holiday", new_id(), "create", {"day": "2026-12-31"})
    results = dev.push([old, new, holiday])
    assert statuses(results) == ["applied", "rejected", "rejected"]
    assert results[1]["code"] == results[2]["code"] == "centre_owned"


def test_the_reasons_are_in_vietnamese_for_staff(centre) -> None:
    dev = Device(centre)
    [result] = dev.push([dev.op("print_job", new_id(), "print", {})])
    assert result["reason"].startswith("Trung tâm không xử lý")


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(centre_url, tmp_path) -> None:
    from sync.server.settings import ServerSettings
    from tests.support.centre import running_centre

    with running_centre(centre_url, tmp_path, settings=ServerSettings(max_request_bytes=20_000)) as small:
        dev = Device(small)
        ops = [dev.op("ticket", new_id(), "issue", ticket_payload(f"A{n:03d}")) for n in range(60)]
        r = dev.session.post(small.api_url + "/push", json={"ops": ops}, timeout=TIMEOUT)
        assert r.status_code == 413 and r.json()["code"] == "too_large"
        assert small.ops("00004") == []  # nothing judged
        assert statuses(dev.push(ops[:5])) == ["applied"] * 5  # a smaller batch goes through
