"""``motcua server`` as the city's IT runs it: each command a real process on a temporary
centre database (SQLite; the same code serves PostgreSQL through the URL)."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from core.keys import generate_keypair
from sync.protocol import API

ROOT = Path(__file__).resolve().parents[3]
# ``server`` may not be registered in cli/main.py's COMMANDS yet: register it for the child.
RUN_CLI = ("import sys, cli.main as m; m.COMMANDS.setdefault('server', ('cli.server', 'central server')); "
           "raise SystemExit(m.main(sys.argv[1:]))")


def motcua(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-c", RUN_CLI, "server", *args], cwd=ROOT, env=env, text=True,
                            capture_output=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "MOTCUA_SERVER_DATABASE_URL": f"sqlite:///{tmp_path / 'centre.db'}",
            "MOTCUA_CONFIG": str(tmp_path / "none.toml")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_an_office_from_creation_to_a_revoked_device(env: dict[str, str], tmp_path: Path) -> None:
    from sync.server.migrate import head_revision

    assert f"centre schema (empty) -> {head_revision()}" in motcua("upgrade", env=env).stdout
    motcua("create-office", "00004", "--name-vi", "UBND Phường Ba Đình", "--name-en", "Ba Dinh Ward", env=env)
    assert motcua("create-office", "00004", "--name-vi", "x", "--name-en", "x", env=env, check=False).returncode == 1
    assert "20 services" not in (out := motcua("publish-catalog", "00004", env=env).stdout)
    assert "24 services and procedures published, 24 new or changed" in out
    assert "0 new or changed" in motcua("publish-catalog", "00004", env=env).stdout
    assert "published" in motcua("publish-holidays", "2026", env=env).stdout
    code = motcua("enroll-code", "00004", env=env).stdout.strip()
    assert len(code) == 14 and code.count("-") == 2
    assert motcua("enroll-code", "99999", env=env, check=False).returncode == 1

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", RUN_CLI, "server", "run", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                doc = requests.get(base + "/openapi.json", timeout=2).json()
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert API + "/push" in doc["paths"]
        _private, public = generate_keypair()
        enrolled = requests.post(base + API + "/enroll", timeout=10, json={
            "code": code, "device_name": "office-server", "device_kind": "agent",
            "public_key": base64.b64encode(public).decode()}).json()
        bearer = {"Authorization": f"Bearer {enrolled['credential']}"}
        pulled = requests.get(base + API + "/pull", headers=bearer, params={"after": "0", "limit": 1000}, timeout=10)
        entities = {c["entity"] for c in pulled.json()["changes"]}
        assert {"procedure", "service", "holiday", "device"} <= entities

        offices = motcua("offices", env=env).stdout
        assert "00004  UBND Phường Ba Đình" in offices and enrolled["device_id"] in offices
        assert "last contact never" not in offices
        motcua("revoke", enrolled["device_id"], env=env)
        assert requests.get(base + API + "/time", headers=bearer, timeout=10).status_code == 401
        assert "REVOKED" in motcua("offices", env=env).stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def test_commands_refuse_a_database_without_the_schema(env: dict[str, str]) -> None:
    result = motcua("offices", env=env, check=False)
    assert result.returncode == 1 and "motcua server upgrade" in result.stderr


def test_the_database_url_flag_wins_over_the_environment(env: dict[str, str], tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    motcua("--database-url", other, "upgrade", env=env)
    motcua("create-office", "00007", "--name-vi", "UBND Xã Thử", "--name-en", "Test Commune", "--database-url", other,
           env=env)
    assert "00007" in motcua("--database-url", other, "offices", env=env).stdout
    assert (tmp_path / "other.db").exists() and not (tmp_path / "centre.db").exists()


def test_the_server_command_does_not_load_qt_or_the_office_code(env: dict[str, str]) -> None:
    code = ("import sys; import cli.server, sync.server.app, sync.server.admin, sync.server.catalog; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'local_db', 'ui')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
