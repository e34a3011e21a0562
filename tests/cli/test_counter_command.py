"""`motcua counter` as the ward's IT person starts it: it reaches the sign-in screen, and
the counter chosen with --counter is remembered by the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from local_db import migrate
from local_db.database import Database
from local_db.office_setup import build_office

ROOT = Path(__file__).resolve().parents[2]


def motcua(*args: str, url: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_CONFIG": "/nonexistent/settings.toml",
           "MOTCUA_DATA_DIR": str(tmp / "data"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "cli", "counter", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_counter_starts_to_its_sign_in_and_remembers_the_counter_of_the_machine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    empty = motcua("--exit-after-start", url=url, tmp=tmp_path)
    assert empty.returncode == 1 and "motcua db upgrade" in empty.stderr and "Traceback" not in empty.stderr
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as s:
        build_office(s)
    started = motcua("--exit-after-start", "--counter", "3", url=url, tmp=tmp_path)
    assert started.returncode == 0, started.stderr
    assert "motcua counter: ready" in started.stdout
    assert json.loads((tmp_path / "data" / "counter-desk.json").read_text()) == {"counter": 3}
    again = motcua("--exit-after-start", url=url, tmp=tmp_path)
    assert again.returncode == 0 and "motcua counter: ready" in again.stdout
