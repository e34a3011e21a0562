"""The migrations build exactly the schema the models describe (a forgotten migration, or a
column added to a model only, fails here before it fails in an office)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from local_db.base import Base
from local_db.database import Database


def test_upgraded_database_has_no_difference_from_the_models(empty_db: Database) -> None:
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff
