"""A counter open with nobody signed in serves nobody (issue 19): the test office's counters,
like the demo's, start open without a clerk, and the kiosk must not promise a wait for a
service only such counters serve. A counter is staffed from a clerk's sign-in there until
their sign-out, and not while their account is deactivated."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from core.actor import Actor
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from local_db.ops.counters import save_counter, set_counter_open
from local_db.ops.staff import update_staff
from local_db.ops.staffing import staffed_by_service, staffed_counters
from tests.support.dialects import SQLITE_ONLY

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội

pytestmark = SQLITE_ONLY


def _clerk(office: OfficeRefs, username: str) -> Actor:
    return Actor(office.office_code, office.device_id, office.staff[username], username)


def _staffed(db: Database, office: OfficeRefs) -> tuple[frozenset[int], dict[str, tuple[int, ...]]]:
    with db.read() as s:
        return staffed_counters(s, office.office_code), staffed_by_service(s, office.office_code)


def test_open_counters_with_nobody_signed_in_serve_nothing_until_a_clerk_signs_in(db: Database,
                                                                                  office: OfficeRefs) -> None:
    counters, services = _staffed(db, office)
    assert counters == frozenset()  # counters 1-4 are open, and nobody is at any of them
    assert services == {"HT": (), "CT": (), "KD": (), "XH": (), "TK": ()}

    with db.write() as s:  # canbo1 signs in at counter 1, already open (as the demo leaves it)
        set_counter_open(s, _clerk(office, "canbo1"), 1, True, now=NOW)
    counters, services = _staffed(db, office)
    assert counters == {1}
    assert services == {"HT": (1,), "CT": (), "KD": (), "XH": (), "TK": (1,)}

    with db.write() as s:  # canbo2 at counter 3; then canbo1 signs out
        set_counter_open(s, _clerk(office, "canbo2"), 3, True, now=NOW + timedelta(minutes=1))
        set_counter_open(s, _clerk(office, "canbo1"), 1, False, now=NOW + timedelta(minutes=2))
    counters, services = _staffed(db, office)
    assert counters == {3}
    assert services == {"HT": (), "CT": (3,), "KD": (3,), "XH": (), "TK": (3,)}


def test_a_deactivated_clerk_or_a_counter_taken_out_of_use_serves_nobody(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        set_counter_open(s, _clerk(office, "canbo1"), 1, True, now=NOW)
        set_counter_open(s, _clerk(office, "canbo2"), 2, True, now=NOW)
    assert _staffed(db, office)[0] == {1, 2}
    with db.write() as s:  # the administrator deactivates canbo2, whose window stayed signed in
        update_staff(s, office.actor("admin"), office.staff["canbo2"], active=False, now=NOW + timedelta(minutes=5))
    assert _staffed(db, office)[0] == {1}
    with db.write() as s:  # and takes counter 1 out of use
        save_counter(s, office.actor("admin"), 1, name="Quầy 1", active=False, service_codes=["HT", "TK"],
                     now=NOW + timedelta(minutes=6))
    counters, services = _staffed(db, office)
    assert counters == frozenset() and services["HT"] == ()
