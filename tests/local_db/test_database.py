"""The office database itself: schema at head, pragmas, append-only history, serials."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from core.ids import new_id
from local_db import migrate
from local_db.database import Database, rowcount
from local_db.journal import next_serial, record
from local_db.models import AuditLog, Office, Outbox, Service
from local_db.office_setup import OfficeRefs


def test_template_is_at_head(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()


def test_committed_work_is_durable_and_checked(db: Database) -> None:
    """SQLite: WAL, synchronous=FULL, foreign keys on. PostgreSQL: synchronous commit on,
    set by the product on each connection (the test cluster's default is off)."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    with pytest.raises(DBAPIError):  # a dangling reference is refused on both
        with db.write() as s:
            s.execute(text("INSERT INTO counter_service (counter_id, service_id) VALUES (:a, :b)"),
                      {"a": new_id().hex if db.is_sqlite else new_id(), "b": new_id().hex if db.is_sqlite else new_id()})


def test_serial_numbers_roll_back_with_their_transaction(db: Database) -> None:
    with db.write() as s:
        assert next_serial(s, "k") == 1
    with pytest.raises(RuntimeError):
        with db.write() as s:
            assert next_serial(s, "k") == 2
            raise RuntimeError("operation failed after taking a number")
    with db.write() as s:
        assert next_serial(s, "k") == 2  # the failed operation gave its number back


def test_audit_log_is_append_only(db: Database, office) -> None:  # type: ignore[no-untyped-def]
    actor = office.actor("canbo1")
    from datetime import datetime, timezone
    with db.write() as s:
        record(s, actor, entity="office", entity_id=new_id(), op_type="test", payload={"a": 1},
               now=datetime.now(timezone.utc))
    with pytest.raises(DBAPIError):
        with db.write() as s:
            s.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(DBAPIError):
        with db.write() as s:
            s.execute(text("DELETE FROM audit_log"))
    with db.read() as s:
        assert s.scalars(select(AuditLog.actor)).all() == ["canbo1"]
        assert len(s.scalars(select(Outbox)).all()) == 1


def test_naive_datetimes_are_refused(db: Database) -> None:
    from datetime import datetime
    with pytest.raises(Exception, match="naive"):
        with db.write() as s:
            office = s.scalars(select(Office)).first()
            office.enrolled_at = None  # type: ignore[attr-defined]
            office.created_at = datetime(2026, 1, 1)
            s.flush()


def test_rowcount_counts_the_rows_an_update_matched_and_refuses_a_query(db: Database, office: OfficeRefs) -> None:
    """The guarded UPDATEs (a quota place taken, a print job re-queued) act on this count."""
    with db.write() as s:
        renamed = s.execute(update(Service).where(Service.office_code == office.office_code)
                            .values(sort_order=Service.sort_order + 1).execution_options(synchronize_session=False))
        assert rowcount(renamed) == len(office.services) > 0
        none = s.execute(update(Service).where(Service.code == "NO-SUCH").values(sort_order=0)
                         .execution_options(synchronize_session=False))
        assert rowcount(none) == 0
        with pytest.raises(TypeError):
            rowcount(s.execute(select(Service.code)))
