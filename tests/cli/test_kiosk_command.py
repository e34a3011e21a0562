"""`motcua kiosk` as the ward's IT person starts it: a clear line when the database is not
ready, a start that reaches an interactive start screen, and setting the staff PIN."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.pin.model import PinCheck, check_pin
from local_db import migrate
from local_db.database import Database
from local_db.office_settings import get_office
from local_db.office_setup import build_office

ROOT = Path(__file__).resolve().parents[2]


def motcua(*args: str, url: str, tmp: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_CONFIG": "/nonexistent/settings.toml",
                "MOTCUA_DATA_DIR": str(tmp / "data"), "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run([sys.executable, "-m", "cli", "kiosk", *args], cwd=ROOT, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_a_database_without_an_office_is_one_clear_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    empty = motcua(url=url, tmp=tmp_path)
    assert empty.returncode == 1
    assert empty.stderr.strip().count("\n") == 0 and "motcua db upgrade" in empty.stderr

    migrate.upgrade(Database(url))
    no_office = motcua(url=url, tmp=tmp_path)
    assert no_office.returncode == 1
    assert no_office.stderr.strip() == "motcua: no office in this database: run `motcua db seed-demo` or enrol the office"
    assert "Traceback" not in no_office.stderr


def test_the_kiosk_starts_to_an_interactive_start_screen_and_the_pin_can_be_set(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as s:
        build_office(s)
    started = motcua("--exit-after-start", url=url, tmp=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "motcua kiosk: ready" in started.stdout
    smoke = motcua("--windowed", url=url, tmp=tmp_path, MOTCUA_KIOSK_SMOKE="1")
    assert smoke.returncode == 0 and "motcua kiosk: ready" in smoke.stdout

    mismatch = motcua("--set-pin", url=url, tmp=tmp_path, stdin="2468\n2469\n")
    assert mismatch.returncode == 1 and "differ" in mismatch.stderr
    short = motcua("--set-pin", url=url, tmp=tmp_path, stdin="246\n")
    assert short.returncode == 1 and "4 to 6 digits" in short.stderr
    ok = motcua("--set-pin", url=url, tmp=tmp_path, stdin="2468\n2468\n")
    assert ok.returncode == 0, ok.stderr
    with db.read() as s:
        code = get_office(s).code
    assert check_pin(db, code, "2468") == PinCheck(ok=True)
    db.dispose()
