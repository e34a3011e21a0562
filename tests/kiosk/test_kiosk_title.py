"""The kiosk's window names the app and the office, in the language shown (issue 19: all
three windows were titled "MotCua")."""

from __future__ import annotations

from kiosk.app import KioskWindow


def test_the_kiosk_window_is_titled_by_its_app_and_office_in_the_language_shown(kiosk: KioskWindow) -> None:
    assert kiosk.windowTitle() == "Kiosk — UBND Phường Ba Đình — MotCua"
    kiosk.toggle_language()
    assert kiosk.windowTitle() == "Kiosk — Ba Dinh Ward People's Committee — MotCua"
    kiosk.reset()  # the next citizen: back in Vietnamese
    assert kiosk.windowTitle() == "Kiosk — UBND Phường Ba Đình — MotCua"
    assert kiosk.training_badge is None  # real service: no training badge
