"""The office's sync agent against a real central server on 127.0.0.1 (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.support.centre import centre, centre_templates, centre_url  # noqa: F401 (fixtures)
