"""Shared fixtures: a fresh office database per test, on SQLite and on PostgreSQL.

Tests that ask for ``db`` (or ``office``) run twice, once per dialect. The schema is
migrated once per dialect into a template; each test gets a copy (a file copy for SQLite,
``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), so a test costs milliseconds, not a
migration.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from core.passwords import TEST_CHEAP_HASHES
from local_db import migrate
from local_db.database import Database
from local_db.office_setup import OfficeRefs, build_office
from tests.support.dialects import DIALECTS

# Every Qt window of the tests renders offscreen, whatever the machine or the shell has set
# (a desktop's QT_QPA_PLATFORM=wayland, or none at all): set here, before any QApplication,
# not in the Makefile, so `pytest` alone behaves as `make test`. The desktop test
# (tests/cli/test_demo_desktop.py) takes it out again for the apps it starts on its X server.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Real argon2id hashes with its cheapest parameters (core/passwords.py says why and why only
# here); the processes the tests start inherit it.
os.environ[TEST_CHEAP_HASHES] = "1"

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None)
hypothesis_settings.register_profile("dev")  # Hypothesis defaults; HYPOTHESIS_PROFILE=dev
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A fixed moment for building the template office, so every test sees the same holidays table.
TEMPLATE_NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
_counter = itertools.count()
_CLOCK_TRAVEL = pytest.StashKey[tuple[datetime, object]]()


def pytest_configure(config: pytest.Config) -> None:
    """The clock matrix (scripts/clock_matrix.sh): MOTCUA_CLOCK_AT moves the wall clock."""
    from tests.support import clock_matrix

    moment = clock_matrix.moment_from_env()
    if moment is not None:
        config.stash[_CLOCK_TRAVEL] = (moment, clock_matrix.start(moment))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests marked ``slow`` (each a large share of a worker's minute: the tours, kill
    loops, the week offline) go first, so xdist hands them out at the start and the two
    workers finish together instead of one running a tour alone at the end.

    On an xdist worker under ``--dist loadgroup`` (make test), xdist marks the node id of
    every ``xdist_group`` test with its group; without the mark the group is scattered
    across workers and its module-scoped fixture (the kiosk tour: minutes of CPU) is built
    on each. pytest 9.2 broke this silently (pytest-dev/pytest-xdist#1386): refuse to run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep their order
    if not getattr(config.option, "loadgroup", False):
        return
    lost = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
    if lost:
        raise pytest.UsageError(f"pytest-xdist's loadgroup no longer groups tests ({lost[0]} has no @group); "
                                "see pytest-dev/pytest-xdist#1386 and the pytest pin in pyproject.toml")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The clock matrix: every test (its fixtures included) starts at the moment itself; a
    run of a minute or two would otherwise drift past 16:59 into the next office day."""
    travel = item.config.stash.get(_CLOCK_TRAVEL, None)
    if travel is not None:
        from tests.support import clock_matrix

        moment, traveller = travel
        item.config.stash[_CLOCK_TRAVEL] = (moment, clock_matrix.restart(traveller, moment))


def pytest_report_header(config: pytest.Config) -> str | None:
    from tests.support import clock_matrix

    moment = clock_matrix.moment_from_env()
    return clock_matrix.header(moment) if moment is not None else None


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    url = os.environ.get("MOTCUA_TEST_PG_URL")
    if url:
        yield url
        return
    from tests.support.pg_cluster import PgCluster

    cluster = PgCluster().start()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


@pytest.fixture
def xserver() -> Iterator[object]:
    """A real X server of its own (Xvfb, 1920x1080, a free display number, no TCP), like a
    desktop without a window manager: tests/support/xserver.py."""
    from tests.support.xserver import XServer

    server = XServer(1920, 1080).start()
    try:
        yield server
    finally:
        server.stop()


def _admin_url(server_url: str, database: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + database


class _Templates:
    """Template databases per dialect: empty (migrated) and with the test office in it."""

    def __init__(self, tmp_root: Path) -> None:
        self.tmp_root = tmp_root
        self.refs: dict[str, OfficeRefs] = {}  # dialect -> the test office's ids
        self._sqlite: dict[str, Path] = {}
        self._pg: set[str] = set()

    def _build(self, db: Database, with_office: bool) -> None:
        migrate.upgrade(db)
        if with_office:
            with db.write() as s:
                self.refs[db.engine.dialect.name] = build_office(s, now=TEMPLATE_NOW)
        db.dispose()

    def sqlite_copy(self, dest: Path, with_office: bool) -> str:
        kind = "office" if with_office else "empty"
        if kind not in self._sqlite:
            path = self.tmp_root / f"template-{kind}.db"
            self._build(Database(f"sqlite:///{path}"), with_office)
            self._sqlite[kind] = path
        shutil.copy(self._sqlite[kind], dest)
        return f"sqlite:///{dest}"

    def pg_copy(self, server_url: str, name: str, with_office: bool) -> str:
        template = "motcua_tpl_office" if with_office else "motcua_tpl_empty"
        admin = create_engine(_admin_url(server_url, "postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                if template not in self._pg:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {template}"))
                    conn.execute(text(f"CREATE DATABASE {template}"))
                    self._build(Database(_admin_url(server_url, template)), with_office)
                    self._pg.add(template)
                conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        finally:
            admin.dispose()
        return _admin_url(server_url, name)

    def pg_drop(self, server_url: str, name: str) -> None:
        admin = create_engine(_admin_url(server_url, "postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        finally:
            admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> _Templates:
    return _Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _fresh_url(request: pytest.FixtureRequest, dialect: str, templates: _Templates, tmp_path: Path,
               with_office: bool) -> Iterator[str]:
    if dialect == "sqlite":
        yield templates.sqlite_copy(tmp_path / "office.db", with_office)
        return
    server = request.getfixturevalue("pg_cluster")
    name = f"motcua_t{os.getpid()}_{next(_counter)}"
    url = templates.pg_copy(server, name, with_office)
    try:
        yield url
    finally:
        templates.pg_drop(server, name)


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, dialect: str, templates: _Templates, tmp_path: Path) -> Iterator[str]:
    """A migrated database with nothing in it."""
    yield from _fresh_url(request, dialect, templates, tmp_path, with_office=False)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, dialect: str, templates: _Templates, tmp_path: Path) -> Iterator[str]:
    """A migrated database holding the test office (build_office)."""
    yield from _fresh_url(request, dialect, templates, tmp_path, with_office=True)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def empty_db(empty_db_url: str) -> Iterator[Database]:
    database = Database(empty_db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def office(db: Database, templates: _Templates) -> OfficeRefs:
    """References (ids) of the test office inside ``db``: services, counters, procedures, staff."""
    return templates.refs[db.engine.dialect.name]


@pytest.fixture(autouse=True)
def _no_widgets_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    """Qt tests: every top-level widget a test made is deleted after it. A widget merely
    closed lives on, and each later restyle would polish it again (tests slowing down one
    after the other), and its timers would keep running into the next test."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        if not widget.property("keep_between_tests"):  # a module-scoped fixture's window
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
