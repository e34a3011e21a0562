"""A kiosk on the training clock (``motcua kiosk --now "2026-11-23 09:00"``, issue 19): it
gives numbers at 09:00 on a Monday whatever the hour really is (the suite runs at any hour,
at night too: that is the case this is for), every window says TRAINING, and what it made
can never reach the centre."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select, update

from cli.kiosk import open_kiosk
from cli.training import start_training, training_settings
from core.errors import DomainError
from core.i18n import set_language
from core.settings import Settings
from local_db.database import Database
from local_db.models import Office, Ticket
from local_db.training import refuse_if_training
from ui.app import make_app

TRAINING_AT = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội


def _tap(qtbot, window, name: str) -> None:  # type: ignore[no-untyped-def]
    [widget] = [w for w in window.findChildren(QPushButton, name) if w.isVisible()]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    window.tasks.wait_idle()


def test_a_kiosk_on_the_training_clock_gives_numbers_at_nine_with_a_badge_and_never_syncs(
        qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    args = argparse.Namespace(now="2026-11-23 09:00", database_url=db.url)  # as `motcua kiosk` parses them
    settings, clock = training_settings(args, Settings(data_dir=tmp_path, device_name="kiosk-training"))
    assert clock is not None and settings.data_dir == tmp_path / "training"
    start_training(db, "kiosk", clock)
    make_app()
    ctx, window = open_kiosk(db, settings, clock=clock, print_in_background=False, use_camera=False)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    try:
        badge = window.findChild(QLabel, "training-badge")
        assert badge.isVisible() and badge.text() == "ĐÀO TẠO / TRAINING"
        assert window.windowTitle() == "[ĐÀO TẠO / TRAINING] Kiosk — UBND Phường Ba Đình — MotCua"

        _tap(qtbot, window, "choice-ticket_service")
        _tap(qtbot, window, "service-HT")
        _tap(qtbot, window, "priority-none")
        assert window.nav.current.name == "ticket_done"
        with db.read() as s:
            ticket = s.scalars(select(Ticket)).one()
        assert ticket.code == "A001"
        assert TRAINING_AT <= ticket.issued_at < TRAINING_AT + timedelta(minutes=1)  # the training clock's time
        assert badge.isVisible()  # on every screen: laid over the window, not inside one screen
    finally:
        window.shutdown()
        set_language("vi")

    with db.read() as s, pytest.raises(DomainError) as refused:
        refuse_if_training(s)  # what `motcua sync enroll` and the agent check
    assert refused.value.code == "training_database"


def test_the_training_clock_is_refused_on_an_enrolled_database_and_a_bad_time_is_explained(
        db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        s.execute(update(Office).values(enrolled=True))
    args = argparse.Namespace(now="2026-11-23 09:00", database_url=db.url)
    settings, clock = training_settings(args, Settings(data_dir=tmp_path))
    with pytest.raises(DomainError) as refused:
        start_training(db, "counter", clock)
    assert refused.value.code == "training_enrolled"
    with pytest.raises(Exception, match="YYYY-MM-DD HH:MM"):
        training_settings(argparse.Namespace(now="9h sáng", database_url=None), Settings(data_dir=tmp_path))
    # Without --database-url, --now never touches the machine's office database.
    plain, _clock = training_settings(argparse.Namespace(now="2026-11-23 09:00", database_url=None),
                                      Settings(data_dir=tmp_path, database_url=db.url))
    assert plain.effective_database_url == f"sqlite:///{tmp_path / 'training' / 'office.db'}"
