"""Issue 7's "must show" scenarios: an office, a real centre on 127.0.0.1 and, between them,
a proxy that breaks the link on purpose (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.centre import Centre, centre, centre_templates, centre_url  # noqa: F401 (fixtures)
from tests.support.fault_proxy import FaultProxy


@pytest.fixture
def proxy(centre: Centre) -> Iterator[FaultProxy]:  # noqa: F811 (the fixture above)
    """A fault-injecting proxy in front of the test centre; agents talk to ``proxy.base_url``."""
    with FaultProxy(centre.base_url) as running:
        yield running
