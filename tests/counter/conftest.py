"""A counter desk on the test office database: counter 1, clerk canbo1 logged in."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from counter.context import CounterContext  # noqa: E402
from local_db.attachment_store import AttachmentStore  # noqa: E402
from local_db.database import Database  # noqa: E402
from local_db.models import Staff  # noqa: E402
from local_db.office_settings import get_office  # noqa: E402
from local_db.office_setup import OfficeRefs, ensure_device  # noqa: E402
from local_db.ops.staff import StaffInfo, get_staff  # noqa: E402
from tests.support.clock import Clock  # noqa: E402

# Monday 23 November 2026, 09:00 in Hà Nội: the office is open.
COUNTER_NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite"])
def dialect(request: pytest.FixtureRequest) -> str:
    """Screens run on SQLite only; BOTH_DATABASES opts a test about the database back in
    (tests/support/dialects.py says why)."""
    return str(request.param)


@pytest.fixture
def clock() -> Clock:
    return Clock(COUNTER_NOW)


def staff_info(db: Database, username: str) -> StaffInfo:
    """The clerk as the sign-in returns it."""
    with db.read() as s:
        return get_staff(s, s.scalars(select(Staff.id).where(Staff.username == username)).one())


@pytest.fixture
def counter_ctx(db: Database, office: OfficeRefs, tmp_path: Path, clock: Clock) -> CounterContext:
    with db.write() as s:
        device = ensure_device(s, office.office_code, "counter-1", "counter")
        o = get_office(s)
        ctx = CounterContext(db=db, office_code=o.code, device_id=device.id, office_name_vi=o.name_vi,
                             office_name_en=o.name_en, printer=f"pdf:{tmp_path / 'printed'}",
                             tracking_host="MOTCUA.HANOI.GOV.VN", counter_number=1, clock=clock,
                             attachments=AttachmentStore(tmp_path / "attachments"))
    ctx.staff = staff_info(db, "canbo1")
    return ctx
