"""The counter's window names its counter and the office, in the language shown (issue 19:
all three windows were titled "MotCua")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from core.i18n import set_language
from counter.app import CounterWindow
from counter.context import CounterContext
from ui.app import make_app
from ui.theme import Theme, apply_theme


def test_the_counter_window_is_titled_by_its_counter_and_office(qtbot, counter_ctx: CounterContext,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    apply_theme(make_app(), Theme(desk=True))
    counter_ctx.staff = None
    counter_ctx.counter_number = None  # a machine that has not been told its counter yet
    w = CounterWindow(counter_ctx, pdf_dir=tmp_path / "kept", print_in_background=False, idle_lock_s=3600)
    qtbot.addWidget(w)
    try:
        assert w.windowTitle() == "Quầy giao dịch — UBND Phường Ba Đình — MotCua"
        assert w.findChild(QLabel, "desk-no-server").isHidden()  # a central server is set: no notice
        counter_ctx.counter_number = 1  # chosen at sign-in
        w.toggle_language()
        assert w.windowTitle() == "Counter 1 — Ba Dinh Ward People's Committee — MotCua"
    finally:
        w.shutdown()
        set_language("vi")


def test_with_no_central_server_staff_are_told_on_the_desk_and_the_admin_page(qtbot, counter_ctx: CounterContext,  # type: ignore[no-untyped-def]
                                                                              tmp_path: Path) -> None:
    apply_theme(make_app(), Theme(desk=True))
    counter_ctx.staff = None
    counter_ctx.tracking_host = ""  # server_url unset (core/server_link.py)
    w = CounterWindow(counter_ctx, pdf_dir=tmp_path / "kept", print_in_background=False, idle_lock_s=3600)
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    try:
        desk = w.findChild(QLabel, "desk-no-server")
        assert desk.isVisible() and desk.text().startswith("Chưa đặt máy chủ trung tâm (mục server_url)")
        admin = w.findChild(QLabel, "admin-no-server")
        assert admin.text() == desk.text() and not admin.isHidden()
        w.toggle_language()
        assert desk.text().startswith("No central server is set")
    finally:
        w.shutdown()
        set_language("vi")



def test_a_counter_on_the_training_clock_says_so_on_its_window(qtbot, counter_ctx: CounterContext,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    from core.training_clock import training_clock

    apply_theme(make_app(), Theme(desk=True))
    counter_ctx.clock = training_clock("2026-11-23 09:00")  # motcua counter --now "2026-11-23 09:00"
    w = CounterWindow(counter_ctx, pdf_dir=tmp_path / "kept", print_in_background=False, idle_lock_s=3600)
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    try:
        assert w.windowTitle() == "[ĐÀO TẠO / TRAINING] Quầy 1 — UBND Phường Ba Đình — MotCua"
        badge = w.findChild(QLabel, "training-badge")
        assert badge.isVisible() and badge.text() == "ĐÀO TẠO / TRAINING"
    finally:
        w.shutdown()
