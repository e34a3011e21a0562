"""Issue 17 on the central server: a bug answers with an incident number (JSON for the
API, a page in the citizen's language for a browser) and the traceback is in the log
under that number, once; the domain errors keep their own answers. A real centre on
127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core.errors import DomainError
from tests.support.centre import Centre
from tests.support.failures import incident_on, logging_to, records

TIMEOUT = 10


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield from logging_to(tmp_path / "logs-data", "server")


def test_a_bug_answers_with_an_incident_number_and_the_log_has_its_traceback(  # type: ignore[no-untyped-def]
        centre: Centre, log_file: Path, monkeypatch) -> None:
    marker = f"centre-bug-{uuid.uuid4().hex[:8]}"

    def render(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError(marker)

    monkeypatch.setattr("sync.server.web.page.Page.render", render)
    page = requests.get(centre.base_url + "/", headers={"Accept": "text/html"}, timeout=TIMEOUT)
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    number = incident_on(page.text)
    assert "Xin lỗi, đã xảy ra lỗi" in page.text and f"mã sự cố: {number}" in page.text
    english = requests.get(centre.base_url + "/", headers={"Accept": "text/html"}, cookies={"lang": "en"},
                           timeout=TIMEOUT)
    assert "Sorry, something went wrong" in english.text

    api = requests.get(centre.base_url + "/", headers={"Accept": "application/json"}, timeout=TIMEOUT)
    assert api.status_code == 500
    body = api.json()
    assert body["code"] == "unexpected" and body["incident"] in body["detail"]

    [record] = records(log_file, number)
    assert "GET /" in record and "Traceback (most recent call last)" in record and marker in record


def test_a_refused_rule_keeps_its_own_answer(centre: Centre, log_file: Path) -> None:  # type: ignore[no-untyped-def]
    def refuse() -> None:
        raise DomainError("the slot is full", code="quota_exceeded")

    centre.app.add_api_route("/refuse-for-test", refuse)
    answer = requests.get(centre.base_url + "/refuse-for-test", timeout=TIMEOUT)
    assert answer.status_code == 409 and answer.json() == {"detail": "the slot is full", "code": "quota_exceeded"}
    assert not log_file.exists() or "incident" not in log_file.read_text(encoding="utf-8")
