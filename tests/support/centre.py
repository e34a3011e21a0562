"""A real central server for tests: its own database, migrated, with an office, served by
uvicorn on 127.0.0.1 (a free port) from a background thread.

    with running_centre(url, tmp_path, office_code="00004") as centre:
        code = centre.code                          # a one-time enrollment code made at start
        another = centre.enroll_code("00004")       # (as many more as needed)
        requests.post(centre.api_url + "/enroll", json={...})   # api_url = base_url + /api/v1
        with centre.read() as s: ...                # look at what the server holds

Fixtures (import them into a conftest): ``centre_url`` — a fresh, migrated centre database
per test on the ``dialect`` fixture's database (an SQLite file copy, or a PostgreSQL
``CREATE DATABASE ... TEMPLATE``, as tests/conftest.py does for office databases) — and
``centre``, a running centre on it with the test office 00004 created.

``centre.faults`` makes the server misbehave on purpose (``fail(503, times=3)``: the next
three requests answer 503 before reaching the app).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from sync.protocol import API
from sync.server import admin, migrate
from sync.server.app import create_app
from sync.server.database import CentreDatabase
from sync.server.models import CentreChange, CentreEntity, CentreOp
from sync.server.settings import ServerSettings

TEST_OFFICE = ("00004", "UBND Phường Ba Đình", "Ba Dinh Ward People's Committee")
_counter = itertools.count()


class Faults:
    """An ASGI wrapper in front of the app: answers chosen requests itself (HTTP errors)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._status = 0
        self._left = 0
        self._match: Callable[[str, str], bool] = lambda _method, _path: True
        self.injected = 0

    def fail(self, status: int = 500, times: int = 1, match: Callable[[str, str], bool] | None = None) -> None:
        """The next ``times`` requests (that ``match(method, path)``) answer ``status``."""
        with self._lock:
            self._status, self._left = status, times
            self._match = match or (lambda _method, _path: True)

    def clear(self) -> None:
        with self._lock:
            self._left = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            with self._lock:
                hit = self._left > 0 and self._match(scope["method"], scope["path"])
                if hit:
                    self._left -= 1
                    self.injected += 1
                    status = self._status
            if hit:
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": b'{"detail": "injected fault"}'})
                return
        await self.app(scope, receive, send)


class Centre:
    """A running central server and handles on its database."""

    def __init__(self, db: CentreDatabase, settings: ServerSettings, *, ssl_certfile: str | None = None,
                 ssl_keyfile: str | None = None) -> None:
        self.ssl = (ssl_certfile, ssl_keyfile) if ssl_certfile else None
        self.db = db
        self.settings = settings
        self.app = create_app(db, settings)
        self.faults = Faults(self.app)
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.code = ""  # a one-time enrollment code for the office running_centre created

    # --- serving ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{'localhost' if self.ssl else '127.0.0.1'}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API

    def start(self) -> Centre:
        """Serve (again, on the same port after a :meth:`stop`)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        tls = {"ssl_certfile": self.ssl[0], "ssl_keyfile": self.ssl[1]} if self.ssl else {}
        config = uvicorn.Config(self.faults, log_level="warning", lifespan="off", access_log=False,
                                timeout_graceful_shutdown=2, **tls)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                                  name=f"centre-{self.port}")
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test centre did not start")
            time.sleep(0.01)
        self._server, self._thread, self._sock = server, thread, sock
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    # --- the IT person's actions -------------------------------------------------------------

    def create_office(self, code: str, name_vi: str = "UBND Phường Thử", name_en: str = "Test Ward") -> None:
        with self.db.write() as s:
            admin.create_office(s, code, name_vi=name_vi, name_en=name_en)

    def enroll_code(self, office_code: str = TEST_OFFICE[0]) -> str:
        with self.db.write() as s:
            return admin.enrollment_code(s, office_code)

    # --- looking inside ----------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.db.write() as s:
            yield s

    def ops(self, office_code: str | None = None, status: str | None = None) -> list[CentreOp]:
        """The ops the centre judged (``status="applied"``: the set it applied), by office seq."""
        with self.db.read() as s:
            q = select(CentreOp)
            if office_code:
                q = q.where(CentreOp.office_code == office_code)
            if status:
                q = q.where(CentreOp.status == status)
            return list(s.scalars(q.order_by(CentreOp.office_code, CentreOp.seq)))

    def entity(self, entity: str, entity_id: uuid.UUID) -> CentreEntity | None:
        with self.db.read() as s:
            return s.get(CentreEntity, (entity_id, entity))

    def changes(self) -> list[CentreChange]:
        with self.db.read() as s:
            return list(s.scalars(select(CentreChange).order_by(CentreChange.seq)))


@contextmanager
def running_centre(database_url: str, tmp_path: Path, *, office_code: str | None = TEST_OFFICE[0],
                   name_vi: str = TEST_OFFICE[1], name_en: str = TEST_OFFICE[2],
                   settings: ServerSettings | None = None, ssl_certfile: str | None = None,
                   ssl_keyfile: str | None = None) -> Iterator[Centre]:
    """Migrate the database, create the office (None: none), serve; stop and dispose after.
    With a certificate and key, serve HTTPS (``base_url`` is then ``https://localhost:PORT``,
    so the certificate should name localhost; tests/support/tls_ca.py makes such one)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = CentreDatabase(database_url)
    try:
        migrate.upgrade(db)
        if office_code is not None:
            with db.write() as s:
                from sync.server.models import CentreOffice

                if s.get(CentreOffice, office_code) is None:
                    admin.create_office(s, office_code, name_vi=name_vi, name_en=name_en)
        centre = Centre(db, (settings or ServerSettings()).replace(database_url=db.url), ssl_certfile=ssl_certfile,
                        ssl_keyfile=ssl_keyfile)
        if office_code is not None:
            centre.code = centre.enroll_code(office_code)
        centre.start()
        try:
            yield centre
        finally:
            centre.stop()
    finally:
        db.dispose()


# --- fresh centre databases (fixtures) ------------------------------------------------------


def _admin_url(server_url: str, database: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + database


class CentreTemplates:
    """One migrated template centre database per dialect; each test gets a copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._sqlite: Path | None = None
        self._pg: str | None = None

    def sqlite_copy(self, dest: Path) -> str:
        if self._sqlite is None:
            path = self.root / "centre-template.db"
            db = CentreDatabase(f"sqlite:///{path}")
            migrate.upgrade(db)
            db.dispose()
            self._sqlite = path
        shutil.copy(self._sqlite, dest)
        return f"sqlite:///{dest}"

    def pg_copy(self, server_url: str, name: str) -> str:
        admin_engine = create_engine(_admin_url(server_url, "postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin_engine.connect() as conn:
                if self._pg is None:
                    template = f"motcua_centre_tpl_{os.getpid()}"
                    conn.execute(text(f"DROP DATABASE IF EXISTS {template}"))
                    conn.execute(text(f"CREATE DATABASE {template}"))
                    db = CentreDatabase(_admin_url(server_url, template))
                    migrate.upgrade(db)
                    db.dispose()
                    self._pg = template
                conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {self._pg}"))
        finally:
            admin_engine.dispose()
        return _admin_url(server_url, name)

    @staticmethod
    def pg_drop(server_url: str, name: str) -> None:
        admin_engine = create_engine(_admin_url(server_url, "postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin_engine.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        finally:
            admin_engine.dispose()


@pytest.fixture(scope="session")
def centre_templates(tmp_path_factory: pytest.TempPathFactory) -> CentreTemplates:
    return CentreTemplates(tmp_path_factory.mktemp("centre-templates"))


@pytest.fixture
def centre_url(request: pytest.FixtureRequest, dialect: str, centre_templates: CentreTemplates,
               tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty centre database on the test's dialect."""
    if dialect == "sqlite":
        yield centre_templates.sqlite_copy(tmp_path / "centre.db")
        return
    server = request.getfixturevalue("pg_cluster")
    name = f"motcua_centre_{os.getpid()}_{next(_counter)}"
    url = centre_templates.pg_copy(server, name)
    try:
        yield url
    finally:
        centre_templates.pg_drop(server, name)


@pytest.fixture
def centre(centre_url: str, tmp_path: Path) -> Iterator[Centre]:
    """A running centre with the test office (00004) created."""
    with running_centre(centre_url, tmp_path / "centre") as running:
        yield running


__all__ = ["Centre", "CentreTemplates", "Faults", "TEST_OFFICE", "centre", "centre_templates", "centre_url",
           "running_centre"]
