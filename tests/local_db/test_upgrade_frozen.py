"""Every frozen database of an earlier schema upgrades to head with nothing lost.

Each migration lands with a database frozen at the head before it (scripts/freeze_db.sh):
demo history and operations still waiting in the outbox. Upgrading must keep every row,
keep the un-synced outbox pending, and leave a database that `motcua db check` passes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from local_db import migrate
from local_db.check import run_check
from local_db.database import Database
from local_db.models import Appointment, AuditLog, Dossier, DossierEvent, Feedback, Outbox, Ticket

FROZEN = sorted((Path(__file__).parent / "frozen").glob("*.sqlite3"))
COUNTED = (Ticket, Dossier, DossierEvent, Appointment, Feedback, Outbox, AuditLog)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0 for m in COUNTED}
        counts["outbox_pending"] = s.scalar(select(func.count()).select_from(Outbox)
                                            .where(Outbox.state == "pending")) or 0
    return counts


def test_there_is_a_frozen_database_of_every_earlier_head() -> None:
    from alembic.script import ScriptDirectory

    revisions = [r.revision for r in ScriptDirectory(str(migrate.MIGRATIONS)).walk_revisions()]
    frozen = {p.stem for p in FROZEN}
    earlier = [r for r in revisions if r != migrate.head_revision()]
    assert set(earlier) <= frozen, f"freeze a database before adding a migration: missing {set(earlier) - frozen}"
    assert FROZEN, "no frozen database at all"


@pytest.mark.parametrize("frozen", FROZEN, ids=[p.stem for p in FROZEN])
def test_frozen_database_upgrades_with_everything_still_there(frozen: Path, tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    shutil.copy(frozen, path)
    db = Database(f"sqlite:///{path}")
    try:
        assert migrate.current_revision(db) == frozen.stem
        before = _counts(db)
        assert before["ticket"] > 50 and before["dossier"] > 10 and before["outbox_pending"] > 100
        migrate.upgrade(db)
        assert migrate.current_revision(db) == migrate.head_revision()
        assert _counts(db) == before
        report = run_check(db)
        assert report.ok, report.problems
    finally:
        db.dispose()
