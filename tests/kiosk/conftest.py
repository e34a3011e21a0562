"""A kiosk window on the test office database, offscreen, at the default 1080x1920."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.i18n import set_language  # noqa: E402
from kiosk.app import PORTRAIT, KioskWindow  # noqa: E402
from kiosk.context import KioskContext  # noqa: E402
from local_db.database import Database  # noqa: E402
from local_db.office_settings import get_office  # noqa: E402
from local_db.office_setup import OfficeRefs, ensure_device  # noqa: E402
from tests.support.clock import Clock  # noqa: E402
from ui.app import make_app  # noqa: E402
from ui.theme import Theme, apply_theme  # noqa: E402

# Monday 23 November 2026, 09:00 in Hà Nội: the office is open.
KIOSK_NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite"])
def dialect(request: pytest.FixtureRequest) -> str:
    """Screens run on SQLite only; BOTH_DATABASES opts a test about the database back in
    (tests/support/dialects.py says why)."""
    return str(request.param)


@pytest.fixture
def clock() -> Clock:
    return Clock(KIOSK_NOW)


@pytest.fixture
def kiosk_ctx(db: Database, office: OfficeRefs, tmp_path: Path, clock: Clock) -> KioskContext:
    with db.write() as s:
        device = ensure_device(s, office.office_code, "kiosk-1", "kiosk")
        o = get_office(s)
        return KioskContext(db=db, office_code=o.code, device_id=device.id, office_name_vi=o.name_vi,
                            office_name_en=o.name_en, printer=f"pdf:{tmp_path / 'printed'}",
                            tracking_host="MOTCUA.HANOI.GOV.VN", clock=clock)


@pytest.fixture
def kiosk(qtbot, kiosk_ctx: KioskContext, tmp_path: Path) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    app = make_app()
    apply_theme(app, Theme())
    window = KioskWindow(kiosk_ctx, pdf_dir=tmp_path / "kept", print_in_background=False, use_camera=False)
    qtbot.addWidget(window)
    window.resize(*PORTRAIT)
    window.show()
    yield window
    window.tasks.wait_idle()
    window.shutdown()  # timers stopped, filters removed: nothing of it runs into the next test
    window.deleteLater()
    set_language("vi")
