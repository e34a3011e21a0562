"""Staff accounts: login with lockout, idle-lock unlock, roles, and the admin's account management."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from core.actor import Actor
from core.errors import DomainError, MotcuaError, NotFound, ValidationError
from core.i18n import language
from core.passwords import verify_password
from local_db.database import Database
from local_db.models import AuditLog, Office, Outbox, Staff
from local_db.office_setup import OfficeRefs
from local_db.ops import staff as staff_ops
from local_db.ops.staff import (
    LOCK_AFTER, LOCK_MINUTES, ROLES, Forbidden, LoginRefused, StaffInfo, attempt_login, attempt_unlock,
    clear_lockout, create_staff, get_staff, has_role, list_staff, login, require_role, set_password, unlock,
    update_staff,
)

# Monday 23 November 2026, 10:00 in Hà Nội.
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
PASSWORD = "matkhau123"  # build_office's password for every demo account

# argon2 with the real parameters costs ~0.17 s a hash or a check. The tests use the
# cheapest parameters (argon2 reads them from the hash, so checks get cheap too) and keep
# the real ones for the test of rehashing.
_cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
CHEAP_HASH = _cheap.hash(PASSWORD)
CHEAP_DUMMY = _cheap.hash("nobody's password")
_real = PasswordHasher()  # the product's parameters (the suite's own hashes are cheap: tests/conftest.py)
real_hash_password, real_needs_rehash = _real.hash, _real.check_needs_rehash


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_ops, "hash_password", _cheap.hash)
    monkeypatch.setattr(staff_ops, "needs_rehash", _cheap.check_needs_rehash)
    monkeypatch.setattr(staff_ops, "_dummy_hash", lambda: CHEAP_DUMMY)


@pytest.fixture
def accounts(db: Database, office: OfficeRefs) -> Iterator[OfficeRefs]:
    """The test office with its demo accounts' hashes made cheap (same password)."""
    with db.write() as s:
        s.execute(update(Staff).values(password_hash=CHEAP_HASH))
    yield office


def _login(db: Database, office: OfficeRefs, username: str, password: str, at: datetime = NOW) -> StaffInfo:
    return attempt_login(db, office.office_code, username, password, device_id=office.device_id, now=at)


def _refused(db: Database, office: OfficeRefs, username: str, password: str, at: datetime = NOW) -> LoginRefused:
    with pytest.raises(LoginRefused) as caught:
        _login(db, office, username, password, at)
    return caught.value


def _audit(db: Database, entity_id: uuid.UUID | None = None) -> list[AuditLog]:
    with db.read() as s:
        stmt = select(AuditLog).where(AuditLog.entity == "staff").order_by(AuditLog.id)
        if entity_id is not None:
            stmt = stmt.where(AuditLog.entity_id == entity_id)
        return list(s.scalars(stmt))


def _outbox(db: Database) -> list[Outbox]:
    with db.read() as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.seq)))


def _staff_row(db: Database, staff_id: uuid.UUID) -> Staff:
    with db.read() as s:
        row = s.get(Staff, staff_id)
        assert row is not None
        return row


def _admin(office: OfficeRefs) -> Actor:
    return office.actor("admin", label="Trần Quốc Minh")


def _as(office: OfficeRefs, info: StaffInfo) -> Actor:
    return Actor(office_code=office.office_code, device_id=office.device_id, staff_id=info.id, label=info.full_name)


# --- login -------------------------------------------------------------------------------

def test_login_is_case_insensitive_and_audited_without_outbox(db: Database, accounts: OfficeRefs) -> None:
    info = _login(db, accounts, "  CanBo1 ", PASSWORD)
    assert info == StaffInfo(id=accounts.staff["canbo1"], office_code=accounts.office_code, username="canbo1",
                             full_name="Nguyễn Văn Hoà", role="clerk", active=True)
    [row] = _audit(db)
    assert (row.action, row.entity_id, row.staff_id, row.actor, row.device_id, row.at) == (
        "login", info.id, info.id, "canbo1", accounts.device_id, NOW)
    assert _outbox(db) == []


def test_unknown_user_and_wrong_password_get_the_same_answer(db: Database, accounts: OfficeRefs,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []  # argon2 runs for an unknown name too: the time does not tell either

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return verify_password(password_hash, password)

    monkeypatch.setattr(staff_ops, "verify_password", spy)
    wrong = _refused(db, accounts, "canbo1", "matkhau124")
    unknown = _refused(db, accounts, "canbo9", PASSWORD)
    assert checked == [CHEAP_HASH, CHEAP_DUMMY]
    assert wrong.code == unknown.code == "bad_credentials"
    assert wrong.message == unknown.message == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert wrong.details == unknown.details == {}
    rows = _audit(db)
    assert [(r.action, r.entity_id, r.staff_id, r.actor) for r in rows] == [
        ("login_failed", accounts.staff["canbo1"], None, "canbo1"),
        ("login_failed", None, None, "canbo9"),
    ]
    assert [r.detail["reason"] for r in rows] == ["bad_password", "unknown_user"]
    assert _outbox(db) == []


def test_fifth_failure_locks_the_account_for_fifteen_minutes(db: Database, accounts: OfficeRefs) -> None:
    for n in range(1, LOCK_AFTER):
        assert _refused(db, accounts, "canbo1", f"sai{n}", NOW + timedelta(seconds=n)).code == "bad_credentials"
    fifth = _refused(db, accounts, "canbo1", "sai5", NOW + timedelta(minutes=1))
    until = NOW + timedelta(minutes=1 + LOCK_MINUTES)
    assert fifth.code == "locked" and fifth.details["locked_until"] == until
    assert "10:16" in fifth.message

    # Locked: even the right password is refused, with the unlock time in office time.
    with language("en"):  # the message reads in the language of the screen that shows it
        while_locked = _refused(db, accounts, "canbo1", PASSWORD, until - timedelta(seconds=1))
        assert while_locked.message == "Too many wrong passwords. The account is locked until 10:16."
    assert while_locked.code == "locked"
    assert while_locked.details["locked_until"] == until
    assert _staff_row(db, accounts.staff["canbo1"]).failed_logins == LOCK_AFTER  # no more counting

    assert _login(db, accounts, "canbo1", PASSWORD, until).username == "canbo1"
    row = _staff_row(db, accounts.staff["canbo1"])
    assert (row.failed_logins, row.locked_until) == (0, None)
    actions = [r.action for r in _audit(db, accounts.staff["canbo1"])]
    assert actions == ["login_failed"] * LOCK_AFTER + ["login_locked", "login"]
    assert _audit(db)[LOCK_AFTER - 1].detail == {"reason": "bad_password", "failed_logins": LOCK_AFTER,
                                                 "locked_until": until.isoformat()}
    # Another clerk is not affected.
    assert _login(db, accounts, "canbo2", PASSWORD, NOW + timedelta(minutes=2)).username == "canbo2"


def test_after_the_lock_the_count_starts_again(db: Database, accounts: OfficeRefs) -> None:
    for n in range(LOCK_AFTER):
        _refused(db, accounts, "canbo1", "sai", NOW + timedelta(seconds=n))
    later = NOW + timedelta(minutes=LOCK_MINUTES, seconds=10)
    assert _refused(db, accounts, "canbo1", "sai", later).code == "bad_credentials"
    assert _staff_row(db, accounts.staff["canbo1"]).failed_logins == 1


def test_success_resets_the_count(db: Database, accounts: OfficeRefs) -> None:
    for _ in range(LOCK_AFTER - 1):
        _refused(db, accounts, "canbo1", "sai")
    _login(db, accounts, "canbo1", PASSWORD)
    for _ in range(LOCK_AFTER - 1):
        assert _refused(db, accounts, "canbo1", "sai").code == "bad_credentials"
    assert _login(db, accounts, "canbo1", PASSWORD).username == "canbo1"


def test_a_refusal_is_recorded_in_the_session_before_it_is_raised(db: Database, accounts: OfficeRefs) -> None:
    """Why screens use attempt_login: a refusal let out of ``db.write()`` is rolled back."""
    with db.write() as s:
        with pytest.raises(LoginRefused):
            login(s, accounts.office_code, "canbo1", "sai", device_id=accounts.device_id, now=NOW)
        assert s.get(Staff, accounts.staff["canbo1"]).failed_logins == 1
    with pytest.raises(LoginRefused), db.write() as s:
        login(s, accounts.office_code, "canbo1", "sai", device_id=accounts.device_id, now=NOW)
    assert _staff_row(db, accounts.staff["canbo1"]).failed_logins == 1  # the second one was lost
    assert len(_audit(db)) == 1


def test_an_inactive_account_is_refused(db: Database, accounts: OfficeRefs) -> None:
    with db.write() as s:
        update_staff(s, _admin(accounts), accounts.staff["canbo2"], active=False, now=NOW)
    refused = _refused(db, accounts, "canbo2", PASSWORD)
    assert refused.code == "inactive"
    assert refused.message == "Tài khoản đã bị ngừng sử dụng. Vui lòng liên hệ quản trị viên."
    # Only the right password learns that the account exists but is inactive.
    assert _refused(db, accounts, "canbo2", "sai").code == "bad_credentials"
    assert [r.detail["reason"] for r in _audit(db, accounts.staff["canbo2"]) if r.action == "login_failed"] == [
        "inactive", "bad_password"]


def test_an_old_hash_is_upgraded_at_login(db: Database, accounts: OfficeRefs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_ops, "hash_password", real_hash_password)
    monkeypatch.setattr(staff_ops, "needs_rehash", real_needs_rehash)
    _login(db, accounts, "giamsat", PASSWORD)
    new_hash = _staff_row(db, accounts.staff["giamsat"]).password_hash
    assert new_hash != CHEAP_HASH and not real_needs_rehash(new_hash)
    assert verify_password(new_hash, PASSWORD)
    [row] = _audit(db)
    assert row.detail["rehashed"] is True
    assert "argon2" not in str(row.detail)


def test_a_password_typed_decomposed_matches(db: Database, accounts: OfficeRefs) -> None:
    with db.write() as s:
        set_password(s, _admin(accounts), accounts.staff["canbo1"], "Hoa sen đỏ 2026", now=NOW)
    decomposed = "Hoa sen \u0111o\u0309 2026"  # "đỏ" with a combining hook above
    assert _login(db, accounts, "canbo1", decomposed).username == "canbo1"


# --- unlock ------------------------------------------------------------------------------

def test_unlock_counts_toward_the_lockout(db: Database, accounts: OfficeRefs) -> None:
    clerk = accounts.staff["canbo1"]
    info = attempt_unlock(db, clerk, PASSWORD, device_id=accounts.device_id, now=NOW)
    assert info.id == clerk
    _refused(db, accounts, "canbo1", "sai")
    _refused(db, accounts, "canbo1", "sai")
    for n in range(LOCK_AFTER - 3):
        with pytest.raises(LoginRefused) as caught:
            attempt_unlock(db, clerk, "sai", device_id=accounts.device_id, now=NOW + timedelta(seconds=n))
        assert caught.value.code == "bad_credentials"
    with pytest.raises(LoginRefused) as caught:
        attempt_unlock(db, clerk, "sai", device_id=accounts.device_id, now=NOW + timedelta(minutes=1))
    assert caught.value.code == "locked"
    with pytest.raises(LoginRefused) as caught:
        attempt_unlock(db, clerk, PASSWORD, device_id=accounts.device_id, now=NOW + timedelta(minutes=2))
    assert caught.value.code == "locked"
    assert _refused(db, accounts, "canbo1", PASSWORD, NOW + timedelta(minutes=3)).code == "locked"
    assert [r.action for r in _audit(db, clerk)] == [
        "unlock", "login_failed", "login_failed", "unlock_failed", "unlock_failed", "unlock_failed",
        "unlock_locked", "login_locked"]
    assert _outbox(db) == []
    with db.read() as s, pytest.raises(NotFound):
        unlock(s, uuid.uuid4(), PASSWORD, device_id=accounts.device_id, now=NOW)


# --- roles -------------------------------------------------------------------------------

def test_roles_are_ordered() -> None:
    assert ROLES == ("clerk", "supervisor", "admin")
    expected = {("clerk", "clerk"): True, ("clerk", "supervisor"): False, ("clerk", "admin"): False,
                ("supervisor", "clerk"): True, ("supervisor", "supervisor"): True, ("supervisor", "admin"): False,
                ("admin", "clerk"): True, ("admin", "supervisor"): True, ("admin", "admin"): True}
    assert {(have, need): has_role(have, need) for have in ROLES for need in ROLES} == expected
    boss = StaffInfo(id=uuid.uuid4(), office_code="00004", username="sep", full_name="Sếp", role="admin", active=True)
    assert has_role(boss, "admin")
    gone = StaffInfo(id=uuid.uuid4(), office_code="00004", username="cu", full_name="Cũ", role="admin", active=False)
    assert not has_role(gone, "clerk")
    assert not has_role("boss", "clerk")
    with pytest.raises(ValueError):
        has_role("admin", "boss")
    require_role(boss, "supervisor")
    clerk = StaffInfo(id=uuid.uuid4(), office_code="00004", username="cb", full_name="Cán bộ", role="clerk",
                      active=True)
    with pytest.raises(Forbidden) as caught:
        require_role(clerk, "supervisor")
    assert caught.value.code == "forbidden" and isinstance(caught.value, DomainError)
    assert caught.value.message == "Chức năng này yêu cầu quyền Giám sát."
    with language("en"), pytest.raises(MotcuaError, match="needs the role Administrator"):
        require_role(clerk, "admin")
    with pytest.raises(Forbidden):
        require_role(None, "clerk")


def test_only_an_active_admin_manages_accounts(db: Database, accounts: OfficeRefs) -> None:
    kiosk = accounts.actor(label="kiosk")
    for actor in (accounts.actor("giamsat"), accounts.actor("canbo1"), kiosk):
        with db.write() as s:
            with pytest.raises(Forbidden):
                create_staff(s, actor, username="canbo3", full_name="Vũ Văn Ba", role="clerk", password="x" * 8)
            with pytest.raises(Forbidden):
                update_staff(s, actor, accounts.staff["canbo1"], role="admin")
            with pytest.raises(Forbidden):
                set_password(s, actor, accounts.staff["canbo1"], "x" * 8)
    # An admin whose account was deactivated (by another admin) can no longer act.
    with db.write() as s:
        second = create_staff(s, _admin(accounts), username="admin2", full_name="Đinh Thị Hai", role="admin",
                              password="matkhau456", now=NOW)
        update_staff(s, _as(accounts, second), accounts.staff["admin"], active=False, now=NOW)
    with db.write() as s, pytest.raises(Forbidden):
        update_staff(s, _admin(accounts), second.id, full_name="Đinh Thị Hai Hai", now=NOW)


# --- account administration ------------------------------------------------------------

def test_list_staff(db: Database, accounts: OfficeRefs) -> None:
    with db.read() as s:
        listed = list_staff(s, accounts.office_code)
    assert [(i.username, i.role) for i in listed] == [
        ("admin", "admin"), ("canbo1", "clerk"), ("canbo2", "clerk"), ("giamsat", "supervisor")]
    with db.read() as s:
        assert list_staff(s, "99999") == []
        assert get_staff(s, accounts.staff["giamsat"]).full_name == "Lê Thị Thu Hà"


def test_create_staff_syncs_without_the_password(db: Database, accounts: OfficeRefs) -> None:
    with db.write() as s:
        info = create_staff(s, _admin(accounts), username=" Vu.Ba_3 ", full_name="  Vũ   Văn Ba ",
                            role="clerk", password="hoasen2026", now=NOW)
    assert (info.username, info.full_name, info.role, info.active) == ("vu.ba_3", "Vũ Văn Ba", "clerk", True)
    assert _login(db, accounts, "vu.ba_3", "hoasen2026").id == info.id
    [out] = _outbox(db)
    assert (out.entity, out.entity_id, out.op_type, out.to_state) == ("staff", info.id, "create", "active")
    assert out.payload == {"username": "vu.ba_3", "full_name": "Vũ Văn Ba", "role": "clerk", "active": True}
    [audit] = [r for r in _audit(db, info.id) if r.action == "create"]
    assert (audit.actor, audit.staff_id, audit.op_id) == ("Trần Quốc Minh", accounts.staff["admin"], out.op_id)
    for text in (str(out.payload), str(audit.detail)):
        assert "hoasen2026" not in text and "argon2" not in text


def test_create_staff_validates(db: Database, accounts: OfficeRefs) -> None:
    good = {"username": "canbo3", "full_name": "Vũ Văn Ba", "role": "clerk", "password": "matkhau789"}
    bad = [
        ({"username": "ab"}, "invalid_username"),
        ({"username": "a" * 33}, "invalid_username"),
        ({"username": "can bo"}, "invalid_username"),
        ({"username": "cánbộ"}, "invalid_username"),
        ({"username": "can-bo"}, "invalid_username"),
        ({"username": "CANBO1"}, "username_taken"),
        ({"full_name": "   "}, "name_required"),
        ({"full_name": "A" * 201}, "name_too_long"),
        ({"role": "boss"}, "invalid_role"),
        ({"password": "1234567"}, "password_too_short"),
    ]
    for change, code in bad:
        with db.write() as s, pytest.raises(ValidationError) as caught:
            create_staff(s, _admin(accounts), **{**good, **change}, now=NOW)
        assert caught.value.code == code, change
        assert caught.value.field == next(iter(change)), change
    with language("en"), db.write() as s, pytest.raises(ValidationError, match="at least 8 characters"):
        create_staff(s, _admin(accounts), **{**good, "password": "short"}, now=NOW)
    assert _outbox(db) == []
    with db.write() as s:
        assert create_staff(s, _admin(accounts), **{**good, "username": "abc"}, now=NOW).username == "abc"


def test_update_staff(db: Database, accounts: OfficeRefs) -> None:
    clerk = accounts.staff["canbo2"]
    with db.write() as s:
        info = update_staff(s, _admin(accounts), clerk, full_name="Pha\u0323m Thi\u0323 Thuy\u0309 Tiên",
                            role="supervisor", now=NOW)
        assert (info.full_name, info.role) == ("Phạm Thị Thuỷ Tiên", "supervisor")
        unchanged = update_staff(s, _admin(accounts), clerk, full_name="Phạm Thị Thuỷ Tiên", role="supervisor",
                                 active=True, now=NOW)
        assert unchanged == info
        off = update_staff(s, _admin(accounts), clerk, active=False, now=NOW)
        assert not off.active
    rows = _outbox(db)
    assert [(r.op_type, r.from_state, r.to_state) for r in rows] == [
        ("update", "active", "active"), ("deactivate", "active", "inactive")]
    assert rows[0].payload == {"full_name": "Phạm Thị Thuỷ Tiên", "role": "supervisor"}
    audit = next(r for r in _audit(db, clerk) if r.op_id == rows[0].op_id)
    assert audit.detail["before"] == {"full_name": "Phạm Thị Thuỷ", "role": "clerk"}
    with db.write() as s:
        with pytest.raises(ValidationError) as caught:
            update_staff(s, _admin(accounts), clerk, role="boss")
        assert caught.value.code == "invalid_role"
        with pytest.raises(ValidationError) as caught:
            update_staff(s, _admin(accounts), clerk, full_name=" ")
        assert caught.value.code == "name_required"
        with pytest.raises(NotFound):
            update_staff(s, _admin(accounts), uuid.uuid4(), role="clerk")


def test_set_password_ends_a_lockout(db: Database, accounts: OfficeRefs) -> None:
    for _ in range(LOCK_AFTER):
        _refused(db, accounts, "canbo1", "sai")
    with db.write() as s, pytest.raises(ValidationError) as caught:
        set_password(s, _admin(accounts), accounts.staff["canbo1"], "ngan", now=NOW)
    assert caught.value.code == "password_too_short"
    with db.write() as s:
        set_password(s, _admin(accounts), accounts.staff["canbo1"], "matkhaumoi1", now=NOW + timedelta(minutes=1))
    at = NOW + timedelta(minutes=2)
    assert _refused(db, accounts, "canbo1", PASSWORD, at).code == "bad_credentials"
    assert _login(db, accounts, "canbo1", "matkhaumoi1", at).username == "canbo1"
    [out] = _outbox(db)
    assert (out.op_type, out.to_state) == ("set_password", "active")
    assert "matkhaumoi1" not in str(out.payload) and "argon2" not in str(out.payload)
    [audit] = [r for r in _audit(db) if r.op_id == out.op_id]
    assert audit.detail == {"lockout_cleared": True}


def test_clear_lockout_without_a_new_password(db: Database, accounts: OfficeRefs) -> None:
    for _ in range(LOCK_AFTER):
        _refused(db, accounts, "canbo1", "sai")
    with db.write() as s, pytest.raises(Forbidden):
        clear_lockout(s, accounts.actor("giamsat"), accounts.staff["canbo1"], now=NOW)
    with db.write() as s:
        assert clear_lockout(s, _admin(accounts), accounts.staff["canbo1"], now=NOW).locked_until is None
    assert _login(db, accounts, "canbo1", PASSWORD).username == "canbo1"
    assert _outbox(db) == []
    assert _audit(db)[-2].action == "clear_lockout"


def test_staff_belong_to_the_centre_once_enrolled(db: Database, accounts: OfficeRefs) -> None:
    for _ in range(LOCK_AFTER):
        _refused(db, accounts, "canbo1", "sai")
    with db.write() as s:
        s.execute(update(Office).where(Office.code == accounts.office_code).values(enrolled=True))
    admin = _admin(accounts)
    attempts = [
        lambda s: create_staff(s, admin, username="canbo3", full_name="Vũ Văn Ba", role="clerk",
                               password="matkhau789", now=NOW),
        lambda s: update_staff(s, admin, accounts.staff["canbo2"], full_name="Phạm Thuỷ", now=NOW),
        lambda s: set_password(s, admin, accounts.staff["canbo1"], "matkhaumoi1", now=NOW),
    ]
    for attempt in attempts:
        with db.write() as s, pytest.raises(DomainError) as caught:
            attempt(s)
        assert caught.value.code == "centre_owned"
    with language("en"), db.write() as s, pytest.raises(DomainError, match="managed by the centre"):
        attempts[0](s)
    assert _outbox(db) == []
    # Login and the office's own lockout still work offline.
    with db.write() as s:
        clear_lockout(s, admin, accounts.staff["canbo1"], now=NOW)
    assert _login(db, accounts, "canbo1", PASSWORD).username == "canbo1"


def test_the_last_active_admin_stays(db: Database, accounts: OfficeRefs) -> None:
    admin_id = accounts.staff["admin"]
    for change in ({"role": "supervisor"}, {"active": False}):
        with db.write() as s, pytest.raises(DomainError) as caught:
            update_staff(s, _admin(accounts), admin_id, **change, now=NOW)
        assert caught.value.code == "last_admin"
    with db.write() as s:
        second = create_staff(s, _admin(accounts), username="admin2", full_name="Đinh Thị Hai", role="admin",
                              password="matkhau456", now=NOW)
        assert update_staff(s, _admin(accounts), admin_id, role="supervisor", now=NOW).role == "supervisor"
    with db.write() as s, pytest.raises(DomainError) as caught:
        update_staff(s, _as(accounts, second), second.id, active=False, now=NOW)
    assert caught.value.code == "last_admin"
    with db.read() as s:
        admins = s.scalar(select(func.count()).select_from(Staff).where(Staff.role == "admin", Staff.active))
    assert admins == 1
