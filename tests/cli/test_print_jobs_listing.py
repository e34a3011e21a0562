"""`motcua print jobs` as the ward's IT person reads it (issue 19): times at office time,
and an empty list that says what it left out instead of "No print jobs." while another
device's queue is full. In-process (the listing, not the process, is the behaviour)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cli.printing import run
from local_db.database import Database
from local_db.office_setup import OfficeRefs, ensure_device
from printing.content import TicketContent
from printing.spool import queue_document

AT = datetime(2026, 11, 23, 2, 5, tzinfo=timezone.utc)  # 09:05 in Hà Nội


@pytest.fixture(params=["sqlite"])
def dialect(request: pytest.FixtureRequest) -> str:
    """A listing, not a database question: SQLite only."""
    return str(request.param)


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOTCUA_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOTCUA_DEVICE_NAME", "it-laptop")
    monkeypatch.setenv("MOTCUA_DEVICE_KIND", "tool")


def _jobs(db: Database, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    args = argparse.Namespace(database_url=db.url, print_command="jobs", all_devices="--all-devices" in extra,
                              state=[extra[extra.index("--state") + 1]] if "--state" in extra else None, limit=20)
    assert run(args) == 0
    return capsys.readouterr().out


def _queue_for_kiosk(db: Database, office: OfficeRefs, codes: list[str]) -> None:
    with db.write() as s:
        kiosk = ensure_device(s, office.office_code, "kiosk-1", "kiosk")
        for i, code in enumerate(codes):
            content = TicketContent(lang="vi", office_name="UBND Phường Ba Đình", ticket_code=code,
                                    service_name="Hộ tịch", counters=(1,), ahead=0, wait_minutes=0, issued_at=AT,
                                    token="T1ZXCVBNMASDFGHJKLQWERTYUIOP23")
            queue_document(s, office_code=office.office_code, device_id=kiosk.id, kind="ticket", content=content,
                           printer="pdf", title=code, now=AT.replace(second=i))


def test_an_empty_listing_says_whose_it_is_and_how_many_the_other_devices_have(
        db: Database, office: OfficeRefs, machine: None, capsys: pytest.CaptureFixture[str]) -> None:
    _queue_for_kiosk(db, office, ["A001", "A002", "A003"])
    assert _jobs(db, capsys).strip() == (
        "No print jobs from this device (it-laptop); --all-devices shows every device's: 3.")
    assert "No print jobs in state failed from this device (it-laptop); --all-devices shows every device's: 0." in (
        _jobs(db, capsys, "--state", "failed"))

    every = _jobs(db, capsys, "--all-devices").splitlines()
    assert every[0] == "Print jobs of every device of the office, newest first (at most 20), office time (UTC+7):"
    assert [line.split()[1:3] for line in every[1:]] == [["2026-11-23", "09:05"]] * 3  # 02:05 UTC is 09:05 there
    assert [line.split()[-1] for line in every[1:]] == ["A003", "A002", "A001"]
