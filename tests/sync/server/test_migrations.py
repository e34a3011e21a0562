"""The centre's own Alembic history: it builds exactly the tables the models describe, in
its own version table, and goes down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from sync.server import migrate
from sync.server.database import CentreDatabase
from sync.server.models import Base


def test_the_migrated_schema_matches_the_models(centre_url) -> None:
    db = CentreDatabase(centre_url)
    try:
        assert migrate.current_revision(db) == migrate.head_revision()
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "version_table": "centre_alembic_version"}), Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diffs == []
        assert "centre_alembic_version" in tables and "alembic_version" not in tables
        assert all(t.startswith("centre_") for t in tables)
    finally:
        db.dispose()


def test_down_to_nothing_and_up_again(centre_url) -> None:
    db = CentreDatabase(centre_url)
    try:
        migrate.downgrade(db, "base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"centre_alembic_version"}
        migrate.upgrade(db)
        assert migrate.current_revision(db) == migrate.head_revision()
    finally:
        db.dispose()


def test_an_acknowledged_push_is_on_disk(centre_url) -> None:
    """SQLite: WAL and synchronous=FULL. PostgreSQL: synchronous commit on, set by the centre
    on each connection (the test cluster's default is off)."""
    db = CentreDatabase(centre_url)
    try:
        with db.engine.connect() as conn:
            if db.engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            else:
                assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    finally:
        db.dispose()
