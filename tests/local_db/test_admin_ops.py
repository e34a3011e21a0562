"""The administrator's operations on the office's own tables — counters, the holiday table,
the office rules and the display board's notices: each checks its caller's role itself
(a clerk calling it directly is refused and nothing is written), writes its audit row, and
no outbox row (these tables are not synced)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import DomainError, NotFound, ValidationError
from core.i18n import language
from core.passwords import verify_password
from local_db.database import Database
from local_db.models import AuditLog, Counter, Holiday, Office, Outbox
from local_db.office_settings import load_rules
from local_db.office_setup import OfficeRefs
from local_db.ops import counters, holidays, office_rules
from local_db.ops import staff as staff_ops
from local_db.ops.staff import Forbidden

# Monday 23 November 2026, 10:00 in Hà Nội.
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)


def _admin(office: OfficeRefs) -> Actor:
    return office.actor("admin", label="Trần Quốc Minh")


def _audits(s: Session, action: str) -> list[AuditLog]:
    return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _outbox(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Outbox)) or 0


# Every operation of this page, as (name, call) with arguments that would succeed for an admin.
CHANGES: list[tuple[str, Callable[[Session, Actor], Any]]] = [
    ("save_counter", lambda s, a: counters.save_counter(s, a, 1, name="Quầy một", active=True,
                                                          service_codes=["HT"], now=NOW)),
    ("add_counter", lambda s, a: counters.add_counter(s, a, 9, service_codes=["HT"], now=NOW)),
    ("add_holiday", lambda s, a: holidays.add_holiday(s, a, date(2026, 12, 24), name="Nghỉ bù", kind="day_off",
                                                      now=NOW)),
    ("remove_holiday", lambda s, a: holidays.remove_holiday(s, a, date(2026, 9, 2), now=NOW)),
    ("add_national_holidays", lambda s, a: holidays.add_national_holidays(s, a, 2030, now=NOW)),
    ("save_hours", lambda s, a: office_rules.save_hours(s, a, [("08:00", "11:30")], same_day_cutoff="10:00",
                                                        saturday_morning_open=True, now=NOW)),
    ("set_kiosk_pin", lambda s, a: office_rules.set_kiosk_pin(s, a, "2468", now=NOW)),
    ("save_settings", lambda s, a: office_rules.save_settings(s, a, {"priority_max_in_row": 3}, now=NOW)),
    ("save_notices", lambda s, a: office_rules.save_notices(s, a, ["Nghỉ trưa 11:30"], now=NOW)),
]


@pytest.mark.parametrize("name, change", CHANGES, ids=[n for n, _c in CHANGES])
def test_a_clerk_or_supervisor_calling_an_admin_operation_is_refused(
        db: Database, office: OfficeRefs, name: str, change: Callable[[Session, Actor], Any]) -> None:
    with db.read() as s:
        audits_before = s.scalar(select(func.count()).select_from(AuditLog))
    for actor in (office.actor("canbo1"), office.actor("giamsat"), office.actor(label="kiosk")):
        with db.write() as s, pytest.raises(Forbidden), language("en"):
            change(s, actor)
    with db.read() as s:  # nothing written by the refused calls
        assert s.scalar(select(func.count()).select_from(AuditLog)) == audits_before
        assert s.scalar(select(Counter.id).where(Counter.number == 9)) is None
        assert load_rules(s, office.office_code).priority_max_in_row == 2
    with db.write() as s:  # and the same call by the administrator goes through
        change(s, _admin(office))


def test_a_deactivated_admin_is_refused_by_the_operation(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        other = staff_ops.create_staff(s, _admin(office), username="admin2", full_name="Đinh Thị Hai", role="admin",
                                       password="matkhau456", now=NOW)
        staff_ops.update_staff(s, _admin(office), other.id, active=False, now=NOW)
    gone = Actor(office_code=office.office_code, device_id=office.device_id, staff_id=other.id, label="Đinh Thị Hai")
    with db.write() as s, pytest.raises(Forbidden):
        counters.add_counter(s, gone, 9, service_codes=["HT"], now=NOW)


# --- counters --------------------------------------------------------------------------------

def test_saving_a_counter_changes_it_and_writes_one_audit_row(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        s.execute(update(Counter).where(Counter.number == 2).values(is_open=True))
    with db.write() as s:
        saved = counters.save_counter(s, _admin(office), 2, name="  Quầy   hai ", active=False,
                                      service_codes=["CT", "KD", "CT"], now=NOW)
        assert saved.changed and saved.name == "Quầy hai" and saved.service_codes == ("CT", "KD")
    with db.read() as s:
        ctr = s.scalars(select(Counter).where(Counter.number == 2)).one()
        assert (ctr.name, ctr.active, ctr.is_open) == ("Quầy hai", False, False)  # out of use: closed too
        assert sorted(x.code for x in ctr.services) == ["CT", "KD"]
        (row,) = _audits(s, "counter_update")
        assert row.staff_id == office.staff["admin"] and row.entity_id == ctr.id
        assert row.detail["before"]["services"] == ["CT", "HT"]
        assert row.detail["after"] == {"name": "Quầy hai", "active": False, "services": ["CT", "KD"]}
        assert _outbox(s) == 0
    with db.write() as s:  # the same again: nothing written
        again = counters.save_counter(s, _admin(office), 2, name="Quầy hai", active=False,
                                      service_codes=["KD", "CT"], now=NOW)
        assert not again.changed
    with db.read() as s:
        assert len(_audits(s, "counter_update")) == 1


def test_a_counter_in_use_must_serve_something_and_services_must_exist(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        with pytest.raises(ValidationError) as none:
            counters.save_counter(s, _admin(office), 1, name="", active=True, service_codes=[], now=NOW)
        with pytest.raises(ValidationError) as unknown:
            counters.save_counter(s, _admin(office), 1, name="", active=True, service_codes=["ZZ"], now=NOW)
        with pytest.raises(NotFound):
            counters.save_counter(s, _admin(office), 42, name="", active=True, service_codes=["HT"], now=NOW)
    assert none.value.code == "no_service" and unknown.value.code == "unknown_service"
    with language("vi"):
        assert unknown.value.message == "Không có dịch vụ: ZZ."  # the page's Vietnamese words
    with language("en"):
        assert unknown.value.message == "Unknown service: ZZ."


def test_adding_a_counter(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        added = counters.add_counter(s, _admin(office), 7, service_codes=["TK", "HT"], now=NOW)
        assert (added.number, added.name, added.active) == (7, "Quầy 7", True)
        for number, code in ((1, "number_taken"), (0, "bad_number"), (100, "bad_number")):
            with pytest.raises(ValidationError) as caught:
                counters.add_counter(s, _admin(office), number, service_codes=["HT"], now=NOW)
            assert caught.value.code == code
    with db.read() as s:
        ctr = s.scalars(select(Counter).where(Counter.number == 7)).one()
        assert ctr.is_open is False and {x.code for x in ctr.services} == {"TK", "HT"}
        (row,) = _audits(s, "counter_create")
        assert row.detail == {"number": 7, "name": "Quầy 7", "services": ["TK", "HT"]}
        assert _outbox(s) == 0


# --- the holiday table -------------------------------------------------------------------------

def test_adding_and_removing_an_announced_day(db: Database, office: OfficeRefs) -> None:
    day = date(2026, 12, 31)
    with db.write() as s:
        entry = holidays.add_holiday(s, _admin(office), day, name=" Nghỉ   cuối năm ", kind="day_off", now=NOW)
        assert (entry.name, entry.kind, entry.source) == ("Nghỉ cuối năm", "day_off", "announced")
        with pytest.raises(ValidationError) as taken:
            holidays.add_holiday(s, _admin(office), day, name="Khác", kind="working_day", now=NOW)
        assert taken.value.code == "day_taken"
        for name, kind, code in (("", "day_off", "name_required"), ("x", "holiday", "bad_kind"),
                                 ("x" * 201, "day_off", "name_too_long")):
            with pytest.raises(ValidationError) as caught:
                holidays.add_holiday(s, _admin(office), date(2026, 12, 30), name=name, kind=kind, now=NOW)
            assert caught.value.code == code
    with language("en"):
        assert taken.value.message == ("31/12/2026 is in the table already (Nghỉ cuối năm). "
                                            "Remove it first to change it.")
    with db.write() as s:
        gone = holidays.remove_holiday(s, _admin(office), day, now=NOW)
        assert gone.name == "Nghỉ cuối năm"
        with pytest.raises(NotFound):
            holidays.remove_holiday(s, _admin(office), day, now=NOW)
    with db.read() as s:
        assert s.scalar(select(Holiday.id).where(Holiday.day == day)) is None
        assert [r.detail["name"] for r in _audits(s, "holiday_add")] == ["Nghỉ cuối năm"]
        assert [r.detail["source"] for r in _audits(s, "holiday_remove")] == ["announced"]
        assert _outbox(s) == 0


def test_seeding_a_years_national_days_keeps_what_is_there(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        holidays.add_holiday(s, _admin(office), date(2030, 9, 2), name="Quốc khánh (đã có)", kind="day_off", now=NOW)
        added = holidays.add_national_holidays(s, _admin(office), 2030, now=NOW)
        assert added > 0
        assert holidays.add_national_holidays(s, _admin(office), 2030, now=NOW) == 0
    with db.read() as s:
        kept = s.scalars(select(Holiday).where(Holiday.day == date(2030, 9, 2))).one()
        assert kept.name == "Quốc khánh (đã có)"
        assert [r.detail for r in _audits(s, "holiday_seed")] == [{"year": 2030, "added": added},
                                                                  {"year": 2030, "added": 0}]


def test_once_enrolled_the_holiday_table_is_the_centres(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        s.execute(update(Office).values(enrolled=True))
    for change in (lambda s: holidays.add_holiday(s, _admin(office), date(2026, 12, 24), name="x", kind="day_off"),
                   lambda s: holidays.remove_holiday(s, _admin(office), date(2026, 9, 2)),
                   lambda s: holidays.add_national_holidays(s, _admin(office), 2030)):
        with db.write() as s, pytest.raises(DomainError) as caught:
            change(s)
        assert caught.value.code == "centre_owned"
    with language("vi"):
        assert caught.value.message == ("Cơ quan đã đăng ký với trung tâm: lịch nghỉ do trung tâm quản lý, "
                                        "không sửa được tại đây.")


# --- office rules and notices -------------------------------------------------------------------

def test_working_hours_settings_and_pin(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        assert office_rules.save_hours(s, _admin(office), [("07:30", "11:30"), ("13:00", "16:30")],
                                       same_day_cutoff="15:00", saturday_morning_open=True, now=NOW).changed
        with pytest.raises(ValidationError) as overlap:
            office_rules.save_hours(s, _admin(office), [("07:30", "12:00"), ("11:00", "16:30")],
                                    same_day_cutoff="15:00", saturday_morning_open=True, now=NOW)
        assert office_rules.save_settings(s, _admin(office), {"priority_max_in_row": 4, "announce_style": "words"},
                                          now=NOW).keys == ("priority_max_in_row",)
        with pytest.raises(ValidationError) as out_of_range:
            office_rules.save_settings(s, _admin(office), {"print_keep_days": 0}, now=NOW)
        with pytest.raises(ValidationError) as bad_pin:
            office_rules.set_kiosk_pin(s, _admin(office), "12a4", now=NOW)
        office_rules.set_kiosk_pin(s, _admin(office), "2468", now=NOW)
    assert (overlap.value.code, out_of_range.value.code, bad_pin.value.code) == ("overlap", "bad_setting", "bad_pin")
    with language("en"):
        assert out_of_range.value.message == "0 is out of range: from 1 to 365."
    with db.read() as s:
        rules = load_rules(s, office.office_code)
        assert rules.saturday_morning_open and rules.hours.same_day_cutoff.hour == 15
        assert rules.priority_max_in_row == 4
        assert verify_password(rules.kiosk_pin_hash, "2468")
        (pin_row,) = _audits(s, "kiosk_pin")
        assert "2468" not in str(pin_row.detail) and rules.kiosk_pin_hash not in str(pin_row.detail)
        assert len(_audits(s, "working_hours")) == 1 and len(_audits(s, "office_settings")) == 1
        assert _outbox(s) == 0


def test_saving_notices(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        saved = office_rules.save_notices(s, _admin(office), ["  Nghỉ trưa   11:30 ", "", "Mang CCCD"], now=NOW)
        assert saved.changed and saved.lines == ("Nghỉ trưa 11:30", "Mang CCCD")
        assert not office_rules.save_notices(s, _admin(office), ["Nghỉ trưa 11:30", "Mang CCCD"], now=NOW).changed
        with pytest.raises(ValidationError) as too_long:
            office_rules.save_notices(s, _admin(office), ["x" * 301], now=NOW)
    assert too_long.value.code == "notice_too_long"
    with db.read() as s:
        assert office_rules.load_notices(s, office.office_code) == ("Nghỉ trưa 11:30", "Mang CCCD")
        (row,) = _audits(s, "display_notices")
        assert row.detail == {"before": [], "after": ["Nghỉ trưa 11:30", "Mang CCCD"]}
