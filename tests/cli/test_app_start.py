"""What every app says in its log as it starts (issue 19): no central server set is a
warning, since receipts then carry no tracking address."""

from __future__ import annotations

import logging

import pytest

from cli.common import warn_if_no_server
from core.settings import Settings


def test_an_app_without_a_central_server_warns_in_its_log_and_one_with_it_does_not(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="motcua"):
        warn_if_no_server(Settings(server_url="https://motcua.hanoi.gov.vn"))
        assert caplog.records == []
        warn_if_no_server(Settings(server_url=""))
    [record] = caplog.records
    assert record.levelname == "WARNING" and "no central server is set (server_url)" in record.getMessage()
