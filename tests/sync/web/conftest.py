"""The web site's tests: a real centre on 127.0.0.1 per test, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.centre import Centre, centre_templates, centre_url  # noqa: F401 (fixtures)
from tests.sync.web.site import Browser, running_site


@pytest.fixture
def site(centre_url: str, tmp_path: Path) -> Iterator[Centre]:  # noqa: F811
    with running_site(centre_url, tmp_path / "centre") as running:
        yield running


@pytest.fixture
def browser(site: Centre) -> Browser:
    return Browser(site.base_url)
