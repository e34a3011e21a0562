"""A database the apps ran on with ``--now`` (the training clock) never reaches the centre:
enrolling it is refused before the centre is even asked, and an agent started on it pushes
nothing (local_db/training.py, issue 19)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from core.errors import DomainError
from local_db.database import Database
from local_db.models import Outbox
from local_db.office_setup import OfficeRefs
from local_db.training import mark_training
from sync.agent import Agent
from sync.client import CentreClient
from sync.enroll import enroll_office

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
NOWHERE = "https://127.0.0.1:9"  # nothing listens: a refusal must come before any connection


@pytest.fixture(params=["sqlite"])
def dialect(request: pytest.FixtureRequest) -> str:
    """A check before any network or database-specific work: SQLite only."""
    return str(request.param)


def test_a_training_database_is_never_enrolled_nor_pushed(db: Database, office: OfficeRefs) -> None:
    with db.write() as s:
        mark_training(s, app="kiosk", clock_start=NOW, real_now=NOW)
        pending = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending"))
    with pytest.raises(DomainError) as refused:
        enroll_office(db, NOWHERE, "ABCD-1234", device_name="agent-1", timeout=(0.5, 0.5))
    assert refused.value.code == "training_database"

    with CentreClient(NOWHERE, timeout=(0.5, 0.5)) as client:
        report = Agent(db, client, office_code=office.office_code).run_once()
    assert not report.ok and report.pushed == 0 and "training database" in report.error
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending")) == pending
