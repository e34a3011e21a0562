"""The centre database: engine set-up per dialect and one session per request.

Like the office database (local_db/database.py, which the centre must not import): on
SQLite, WAL, synchronous=FULL, foreign keys and ``BEGIN IMMEDIATE`` for writes, so writers
queue instead of failing to upgrade a read lock. On PostgreSQL every connection sets
``synchronous_commit`` on (an acknowledged push is on disk whatever the server's default
says), and writes are NOT serialised
globally — fifty offices push at once — but each push takes its own office's advisory lock
(:func:`lock_office`) and whoever appends to the change log takes the change-log lock
(sync/server/changelog.py), which is all the ordering the rules need.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Engine, Table, create_engine, event, text
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
OFFICE_LOCK_NAMESPACE = 0x43454E54  # "CENT": two-key advisory locks (namespace, office)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        pg_engine = create_engine(url, **kwargs)

        @event.listens_for(pg_engine, "connect")
        def _durable(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute("SET synchronous_commit TO on")
            dbapi_conn.commit()

        return pg_engine

    if u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                              "check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class CentreDatabase:
    """The centre database of one server process."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_bind = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._write_sessions = sessionmaker(bind=write_bind, expire_on_commit=False)
        self._read_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error."""
        with self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot; anything written in it is rolled back."""
        with self._read_sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values) into ``table`` in the session's transaction.

    PostgreSQL: one COPY — a push of 200 ops writes ~400 rows, and row-at-a-time INSERTs
    (even pipelined) cost the server a statement each. SQLite: executemany.
    """
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    from psycopg.types.json import Jsonb

    names = list(rows[0])
    json_columns = {name for name in names if isinstance(table.c[name].type, JSON)}
    driver = conn.connection.driver_connection
    assert driver is not None  # a live pooled psycopg connection
    cursor = driver.cursor()
    with cursor, cursor.copy(f'COPY {table.name} ({", ".join(names)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Jsonb(row[n]) if n in json_columns and row[n] is not None else row[n] for n in names])


def office_lock_key(office_code: str) -> int:
    """A stable signed 32-bit number for an office code (the second key of the lock)."""
    return int.from_bytes(hashlib.sha256(office_code.encode()).digest()[:4], "big", signed=True)


def lock_office(session: Session, office_code: str) -> None:
    """Serialise this office's pushes (a replayed request waits for the first to commit,
    then finds every op already there) without slowing other offices. SQLite: the
    write transaction already holds the database lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :k)"),
                        {"ns": OFFICE_LOCK_NAMESPACE, "k": office_lock_key(office_code)})


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE run through ``Session.execute`` matched. The session types
    its answer as a plain Result; for such a statement it is a CursorResult, which counts."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"a {type(result).__name__} counts no rows (not an UPDATE or DELETE)")
    return result.rowcount


__all__ = ["CentreDatabase", "bulk_insert", "lock_office", "make_engine", "normalise_url", "office_lock_key",
           "rowcount"]
