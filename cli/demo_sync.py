"""The demo's own central server and sync agent (``motcua demo``), so the whole product runs
on one machine: a centre database beside the office's, the server on 127.0.0.1, the demo
office created there and enrolled once, and one sync round that sends the office's history.

It drives the same commands the city's IT and the office's IT person run
(``motcua server ...``, the agent of ``motcua sync``), in subprocesses, so the demo shows
what an installation does. Nothing here writes the user's settings file: the server's
address is kept with the office's enrollment.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from core.settings import Settings

DEMO_PORT = 8700


@dataclass
class DemoCentre:
    url: str
    server: subprocess.Popen
    env: dict[str, str]

    def stop(self) -> None:
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


def _motcua(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True, timeout=120)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_demo_centre(settings: Settings, office_code: str, name_vi: str, name_en: str, *,
                      port: int = DEMO_PORT) -> DemoCentre | str:
    """The demo centre running (its database ``centre.db`` in the data folder), with the
    demo office in it; or why it could not start, in a sentence."""
    env = dict(os.environ, MOTCUA_SERVER_DATABASE_URL=f"sqlite:///{Path(settings.data_dir) / 'centre.db'}")
    if not _port_free(port):
        return f"port {port} on 127.0.0.1 is in use, so the demo's central server does not start"
    upgraded = _motcua(env, "server", "upgrade")
    if upgraded.returncode != 0:
        return f"the demo's central server database could not be prepared: {upgraded.stderr.strip()}"
    made = _motcua(env, "server", "create-office", office_code, "--name-vi", name_vi, "--name-en", name_en)
    if made.returncode != 0 and "exists" not in made.stderr:
        return f"the demo office could not be created on the central server: {made.stderr.strip()}"
    server = subprocess.Popen([sys.executable, "-m", "cli", "server", "run", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    centre = DemoCentre(url, server, env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return "the demo's central server stopped at start"
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return centre
        except requests.RequestException:
            time.sleep(0.2)
    centre.stop()
    return "the demo's central server did not answer within 30 seconds"


def enrol_and_sync(db, settings: Settings, centre: DemoCentre) -> list[str]:  # type: ignore[no-untyped-def]
    """Enrol the demo office with the demo centre (once), then one sync round; what to
    print about it."""
    from cli.sync import build_agent, status_lines
    from local_db.office_settings import get_office
    from local_db.ops.enrollment import current_enrollment
    from local_db.ops.sync_outbox import sync_summary
    from sync.enroll import enroll_office

    with db.read() as s:
        office_code = get_office(s).code
        enrolled = current_enrollment(s)
    if enrolled is None:
        code = _motcua(centre.env, "server", "enroll-code", office_code)
        if code.returncode != 0:
            return [f"No enrollment code from the demo's central server: {code.stderr.strip()}"]
        enroll_office(db, centre.url, code.stdout.split()[0], device_name=settings.effective_device_name)
    settings = settings.replace(server_url=centre.url)
    agent = build_agent(db, settings)
    try:
        report = agent.run_once()
    finally:
        agent.client.close()
    lines = [f"Sync with the demo's central server ({centre.url}): {report.pushed} operations sent, "
             f"{report.acked} accepted, {report.rejected} refused; {report.pulled} changes received."]
    with db.read() as s:
        lines += ["  " + line for line in status_lines(sync_summary(s, office_code, _now()))]
    return lines


def _now():  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


__all__ = ["DEMO_PORT", "DemoCentre", "enrol_and_sync", "start_demo_centre"]
