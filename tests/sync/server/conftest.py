"""The central server's tests: a real server on 127.0.0.1 per test, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.support.centre import centre, centre_templates, centre_url  # noqa: F401 (fixtures)
