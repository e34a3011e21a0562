"""Staff close the kiosk: five taps in the top-left corner, then the office's PIN.
A citizen cannot: close and Alt+F4 do nothing, wrong PINs lock the pad for a minute."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from kiosk.app import KioskWindow
from kiosk.exit_gesture import CORNER_PX, install_exit
from kiosk.pin.model import (
    LOCKOUT_S,
    PinCheck,
    PinGuard,
    check_pin,
    valid_pin,
)
from local_db.database import Database
from local_db.models import AuditLog, OfficeSetting
from local_db.office_setup import OfficeRefs
from local_db.ops.office_rules import set_kiosk_pin

PIN = "2468"


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def set_pin(db: Database, office: OfficeRefs, pin: str) -> None:
    """As the administrator sets it (the counter's admin page, or ``motcua kiosk --set-pin``)."""
    with db.write() as s:
        set_kiosk_pin(s, office.actor("admin"), pin)


@pytest.fixture
def staff_kiosk(kiosk: KioskWindow, office: OfficeRefs) -> KioskWindow:
    set_pin(kiosk.ctx.db, office, PIN)
    install_exit(kiosk)
    return kiosk


def tap_at(qtbot, window: KioskWindow, x: int, y: int) -> None:  # type: ignore[no-untyped-def]
    point = QPoint(x, y)
    target = window.childAt(point) or window
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, point))


def tap(qtbot, window: KioskWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    [widget] = [w for w in window.findChildren(QPushButton, name) if w.isVisible()]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    window.tasks.wait_idle()


def type_pin(qtbot, window: KioskWindow, pin: str) -> None:  # type: ignore[no-untyped-def]
    for digit in pin:
        tap(qtbot, window, f"pin-{digit}")
    tap(qtbot, window, "pin-ok")


def status(window: KioskWindow) -> str:
    return window.findChild(QLabel, "pin-status").text()


def open_pad(qtbot, window: KioskWindow) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        tap_at(qtbot, window, 20, 20)
    assert window.nav.current.name == "pin"


def test_close_is_ignored_but_five_corner_taps_and_the_right_pin_close_the_kiosk(qtbot, staff_kiosk):  # type: ignore[no-untyped-def]
    k = staff_kiosk
    qtbot.keyClick(k, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    k.close()
    assert k.isVisible()  # Alt+F4 and close do nothing
    for _ in range(4):
        tap_at(qtbot, k, 20, 20)
    assert k.nav.current.name == "start"  # four taps: nothing
    tap_at(qtbot, k, 20, 20)
    assert k.nav.current.name == "pin"
    assert "Dành riêng cho cán bộ" in [w.text() for w in k.findChildren(QLabel) if w.isVisible()]
    for digit in PIN:
        tap(qtbot, k, f"pin-{digit}")
    assert k.findChild(QLabel, "pin-dots").text() == "• • • •"  # never the digits themselves
    tap(qtbot, k, "pin-ok")
    qtbot.waitUntil(lambda: not k.isVisible())


def test_taps_elsewhere_or_too_slow_do_not_open_the_pad(qtbot, staff_kiosk):  # type: ignore[no-untyped-def]
    k = staff_kiosk
    clock = FakeClock()
    k.exit_gesture.clock = clock
    for _ in range(5):  # in the header, beside the corner: a citizen's taps
        tap_at(qtbot, k, 400, 30)
    for _ in range(3):
        tap_at(qtbot, k, 20, 20)
    tap_at(qtbot, k, CORNER_PX + 30, 20)  # outside the corner: the count starts again
    for _ in range(4):
        tap_at(qtbot, k, 20, 20)
    assert k.nav.current.name == "start"
    clock.t += 10
    for _ in range(5):  # five taps, but over more than three seconds
        clock.t += 0.8
        tap_at(qtbot, k, 20, 20)
    assert k.nav.current.name == "start"
    tap_at(qtbot, k, 20, 20)  # the last five within three seconds: now it opens
    assert k.nav.current.name == "pin"


def test_a_wrong_pin_is_refused_and_five_lock_the_pad_for_a_minute(qtbot, staff_kiosk):  # type: ignore[no-untyped-def]
    k = staff_kiosk
    clock = FakeClock()
    k.pin.guard = PinGuard(clock=clock)
    open_pad(qtbot, k)
    type_pin(qtbot, k, "12")
    assert status(k) == "Mã PIN gồm từ 4 đến 6 chữ số."
    tap(qtbot, k, "pin-clear")
    type_pin(qtbot, k, "1111")
    assert status(k) == "Mã PIN không đúng. Còn 4 lần thử trước khi bàn phím bị khoá một phút."
    assert k.isVisible()
    for _ in range(4):
        type_pin(qtbot, k, "9999")
    assert "bàn phím đã bị khoá" in status(k) and "60 giây" in status(k)

    # Locked: even the right PIN is refused, also after leaving the pad and coming back.
    tap(qtbot, k, "pin-cancel")
    assert k.nav.current.name == "start"
    open_pad(qtbot, k)
    assert "bàn phím đã bị khoá" in status(k)
    clock.t += 30
    type_pin(qtbot, k, PIN)
    assert "30 giây" in status(k) and k.isVisible()

    clock.t += LOCKOUT_S
    k.pin._tick_lock()
    assert status(k) == ""
    type_pin(qtbot, k, PIN)
    qtbot.waitUntil(lambda: not k.isVisible())


def test_each_try_of_the_pin_leaves_an_audit_row_naming_the_kiosk_never_the_digits(  # type: ignore[no-untyped-def]
        qtbot, staff_kiosk):
    k = staff_kiosk
    open_pad(qtbot, k)
    type_pin(qtbot, k, "1357")
    type_pin(qtbot, k, PIN)
    qtbot.waitUntil(lambda: not k.isVisible())
    with k.ctx.db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action.in_(["kiosk_pin_ok", "kiosk_pin_wrong"]))).all()
    assert sorted((r.action, r.entity_id, r.device_id, r.staff_id) for r in rows) == [
        ("kiosk_pin_ok", k.ctx.device_id, k.ctx.device_id, None),
        ("kiosk_pin_wrong", k.ctx.device_id, k.ctx.device_id, None)]
    assert all("1357" not in str(r.detail) and PIN not in str(r.detail) for r in rows)


def test_messages_follow_the_language_and_the_pad_forgets_the_digits(qtbot, staff_kiosk):  # type: ignore[no-untyped-def]
    k = staff_kiosk
    open_pad(qtbot, k)
    type_pin(qtbot, k, "1111")
    k.toggle_language()
    assert status(k) == "Wrong PIN. 4 tries left before the pad locks for a minute."
    tap(qtbot, k, "pin-1")
    tap(qtbot, k, "pin-cancel")
    assert k.pin.digits == "" and k.findChild(QLabel, "pin-dots").text() == "– – – –"
    k.reset()


def test_without_an_office_pin_the_pad_says_so_and_stays(qtbot, kiosk):  # type: ignore[no-untyped-def]
    install_exit(kiosk)
    open_pad(qtbot, kiosk)
    type_pin(qtbot, kiosk, "0000")
    assert "chưa đặt mã PIN" in status(kiosk) and "motcua kiosk --set-pin --user" in status(kiosk)
    assert kiosk.isVisible()


def test_the_pin_is_stored_hashed_and_checked(kiosk_ctx, office):  # type: ignore[no-untyped-def]
    set_pin(kiosk_ctx.db, office, "135790")
    with kiosk_ctx.db.read() as s:
        stored = s.scalars(select(OfficeSetting.value).where(OfficeSetting.key == "kiosk_pin_hash")).one()
    assert "135790" not in str(stored) and str(stored).startswith("$argon2id$")
    assert check_pin(kiosk_ctx.db, kiosk_ctx.office_code, "135790") == PinCheck(ok=True)
    assert check_pin(kiosk_ctx.db, kiosk_ctx.office_code, "135791") == PinCheck(ok=False)


def test_pin_rules_and_the_guard_without_qt() -> None:
    assert valid_pin("1234") and valid_pin("123456")
    assert not valid_pin("123") and not valid_pin("1234567") and not valid_pin("12a4") and not valid_pin("١٢٣٤")
    clock = FakeClock()
    guard = PinGuard(clock=clock)
    wrong = PinCheck(ok=False)
    assert [guard.record(wrong).tries_left for _ in range(4)] == [4, 3, 2, 1]
    verdict = guard.record(wrong)
    assert (verdict.outcome, verdict.locked_s) == ("locked", 60)
    clock.t += 59.5
    assert guard.locked_for() == 1
    clock.t += 0.5
    assert guard.locked_for() == 0
    assert guard.record(wrong).tries_left == 4  # a fresh count after the lockout
    assert guard.record(PinCheck(ok=True)).outcome == "ok"
    assert guard.record(PinCheck(ok=False, configured=False)).outcome == "not_set"
