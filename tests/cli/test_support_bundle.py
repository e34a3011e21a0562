"""Issue 17: every process leaves a log under the data folder, and `motcua support-bundle`
(and `motcua logs`) hand the helpdesk the last logs and `db info` in one file, with the
citizens' personal data masked. Real `motcua` processes on a real office database."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

from core import incidents
from local_db import migrate
from local_db.database import Database
from local_db.office_setup import build_office
from tests.support.failures import incident_on, logging_to, records

ROOT = Path(__file__).resolve().parents[2]
CCCD, OLD_ID, PHONE, NAME = "001203004567", "123456789", "0912345678", "Nguyễn Văn Hoà"


def motcua(*args: str, url: str, data: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_CONFIG": "/nonexistent/settings.toml",
           "MOTCUA_DATA_DIR": str(data), "MOTCUA_DEVICE_NAME": "quay-1", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def office_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as s:
        build_office(s)
    db.dispose()
    return url


def test_the_counter_logs_under_the_data_folder_with_its_device_office_and_version(tmp_path: Path) -> None:
    url, data = office_db(tmp_path), tmp_path / "data"
    started = motcua("counter", "--exit-after-start", url=url, data=data)
    assert started.returncode == 0, started.stderr
    log = (data / "logs" / "counter.log").read_text(encoding="utf-8")
    [line] = [x for x in log.splitlines() if "office database" in x]
    assert " INFO [-] counter device=quay-1 office=00004 v" in line


def test_the_support_bundle_holds_the_logs_and_db_info_without_personal_data(tmp_path: Path) -> None:
    url, data = office_db(tmp_path), tmp_path / "data"
    # What the counter logged earlier today: a bug while a citizen's data was on the screen.
    for _ in logging_to(data, "counter", office="00004"):
        log = logging.getLogger("counter.intake")
        log.info("applicant %s, CCCD %s, phone %s", NAME, CCCD, PHONE)
        log.warning("scanned ID card %s|%s|%s|01021990|Nam|12 Phố Huế, Hà Nội|15062021", CCCD, OLD_ID, NAME)
        log.info('draft saved {"full_name": "Trần Thị Bích Ngọc", "phone": "+84 912 345 678", "code": "A015"}')
        try:
            raise KeyError(f"cccd {CCCD}")
        except KeyError as exc:
            number = incidents.note(exc, "background task save")
    (data / "logs" / "kiosk.log.1").write_text(f"2026-12-06 08:00:00,000 INFO [-] kiosk old line {PHONE}\n",
                                               encoding="utf-8")
    (data / "logs" / "kiosk.log").write_text("2026-12-07 08:00:00,000 INFO [-] kiosk started\n", encoding="utf-8")

    out = tmp_path / "bundle.txt"
    made = motcua("support-bundle", "--out", str(out), url=url, data=data)
    assert made.returncode == 0, made.stderr
    assert str(out) in made.stdout
    bundle = out.read_text(encoding="utf-8")
    assert "device: quay-1" in bundle and "version: " in bundle
    assert "== motcua db info ==" in bundle and "(00004)" in bundle and "services" in bundle
    assert "== counter.log" in bundle and "== kiosk.log" in bundle and "kiosk old line" in bundle  # rotated too
    assert f"incident {number}" in bundle and "Traceback (most recent call last)" in bundle
    for secret in (CCCD, OLD_ID, PHONE, "912 345 678", "Nguyễn", "Hoà", "Bích Ngọc", "Phố Huế"):
        assert secret not in bundle, secret
    assert "applicant [name], CCCD [cccd], phone [phone]" in bundle
    assert "[id-card-qr]" in bundle and '"code": "A015"' in bundle

    listed = motcua("logs", "--tail", "3", url=url, data=data)
    assert listed.returncode == 0 and str(data / "logs") in listed.stdout
    assert "counter.log" in listed.stdout and "kiosk.log" in listed.stdout
    assert CCCD not in listed.stdout and "[cccd]" in listed.stdout


def test_a_support_bundle_is_made_even_when_the_database_is_gone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = tmp_path / "bundle.txt"
    made = motcua("support-bundle", "--out", str(out), url="sqlite:////proc/motcua-gone/office.db", data=data)
    assert made.returncode == 0, made.stderr
    bundle = out.read_text(encoding="utf-8")
    assert "== motcua db info ==\ncannot read the database: " in bundle and "== cli.log" in bundle


def test_a_bug_in_a_command_prints_its_incident_number_and_logs_the_traceback(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch, capsys) -> None:
    from cli.main import main
    from core import logs

    data = tmp_path / "data"
    monkeypatch.setenv("MOTCUA_CONFIG", "/nonexistent/settings.toml")
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(data))
    monkeypatch.setenv("MOTCUA_DATABASE_URL", office_db(tmp_path))
    marker = f"cli-bug-{uuid.uuid4().hex[:8]}"

    def describe(db):  # type: ignore[no-untyped-def]
        raise KeyError(marker)

    monkeypatch.setattr("local_db.stats.describe", describe)
    try:
        assert main(["db", "info"]) == 1
    finally:
        logs.teardown()
    err = capsys.readouterr().err
    number = incident_on(err)
    assert f"motcua: unexpected error, incident {number} (log: {data / 'logs' / 'cli.log'})" in err
    assert "Traceback" not in err  # not on the clerk's terminal...
    [record] = records(data / "logs" / "cli.log", number)
    assert "Traceback (most recent call last)" in record and marker in record  # ...but in the log
