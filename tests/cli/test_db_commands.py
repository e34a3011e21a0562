"""`motcua db ...` and `motcua demo` as the ward's IT person runs them."""

from __future__ import annotations

import pytest

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-20T15:30:00+07:00"  # a Friday afternoon


def motcua(*args: str, url: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_CONFIG": "/nonexistent/settings.toml"}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_upgrade_seed_check_info_on_a_new_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    up = motcua("db", "upgrade", url=url)
    assert up.returncode == 0, up.stderr
    assert "-> 0001" in up.stdout or "->" in up.stdout

    seed = motcua("db", "seed-demo", "--days", "6", "--now", NOW, url=url)
    assert seed.returncode == 0, seed.stderr
    assert "UBND Phường Ba Đình" in seed.stdout
    assert "canbo1" in seed.stdout  # the demo passwords are printed

    check = motcua("db", "check", url=url)
    assert check.returncode == 0, check.stdout + check.stderr

    info = motcua("db", "info", url=url)
    assert info.returncode == 0
    assert "tickets" in info.stdout and "dossiers" in info.stdout

    again = motcua("db", "seed-demo", url=url)
    assert again.returncode == 1
    assert "already has an office" in again.stderr


def test_check_fails_loudly_on_a_damaged_database(tmp_path: Path) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path / 'office.db'}"
    assert motcua("db", "seed-demo", "--days", "3", "--now", NOW, url=url).returncode == 0
    con = sqlite3.connect(tmp_path / "office.db")
    with con:
        con.execute("UPDATE ticket SET status = 'waiting' WHERE id = (SELECT id FROM ticket WHERE status = 'done' LIMIT 1)")
    con.close()
    check = motcua("db", "check", url=url)
    assert check.returncode == 1
    assert "ticket" in check.stdout


def test_a_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    bad = motcua("db", "info", url="postgresql://nobody@127.0.0.1:1/none")
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr
