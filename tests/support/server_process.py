"""``motcua server run`` as a real process on a migrated centre database, for the tests that
must see what the server process itself does (its memory, its uvicorn options).

    with server_process(centre_url, tmp_path, "--forwarded-allow-ips", "127.0.0.1") as server:
        requests.get(server.base_url + "/healthz")
        server.rss_mb(), server.peak_mb()     # from /proc/PID/status
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from sync.server import admin, migrate
from sync.server.database import CentreDatabase
from tests.support.centre import TEST_OFFICE

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    port: int
    database_url: str
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _status_kb(self, field: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise AssertionError(f"no {field} in /proc/{self.process.pid}/status")

    def rss_mb(self) -> float:
        return self._status_kb("VmRSS") / 1024

    def peak_mb(self) -> float:
        """The most resident memory the process ever had (VmHWM)."""
        return self._status_kb("VmHWM") / 1024

    def cpu_seconds(self) -> float:
        """User and system CPU the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def enroll(self, device_name: str = "agent") -> str:
        """Enroll a new agent of the test office over HTTP, as ``motcua sync enroll`` does;
        its credential."""
        import base64

        import requests

        from core.keys import generate_keypair
        from sync.protocol import API

        _private, public = generate_keypair()
        r = requests.post(self.base_url + API + "/enroll", timeout=10, json={
            "code": self.enroll_code(), "device_name": device_name, "device_kind": "agent",
            "public_key": base64.b64encode(public).decode()})
        assert r.status_code == 200, r.text
        return str(r.json()["credential"])

    def enroll_code(self, office_code: str = TEST_OFFICE[0]) -> str:
        db = CentreDatabase(self.database_url)
        try:
            with db.write() as s:
                return admin.enrollment_code(s, office_code)
        finally:
            db.dispose()


@contextmanager
def server_process(database_url: str, tmp_path: Path, *args: str, env: dict[str, str] | None = None
                   ) -> Iterator[ServerProcess]:
    """Migrate the database, create the test office, run the server; stop it after."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = CentreDatabase(database_url)
    try:
        migrate.upgrade(db)
        with db.write() as s:
            from sync.server.models import CentreOffice

            if s.get(CentreOffice, TEST_OFFICE[0]) is None:
                admin.create_office(s, TEST_OFFICE[0], name_vi=TEST_OFFICE[1], name_en=TEST_OFFICE[2])
    finally:
        db.dispose()
    port = _free_port()
    log = tmp_path / "server.log"
    environment = {**os.environ, "MOTCUA_SERVER_DATABASE_URL": database_url,
                   "MOTCUA_CONFIG": str(tmp_path / "none.toml"), **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "cli.main", "server", "run", "--port", str(port), *args],
                                   cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(process, port, database_url, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(server.base_url + "/healthz", timeout=2)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the server did not start: " + log.read_text()) from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


__all__ = ["ServerProcess", "server_process"]
