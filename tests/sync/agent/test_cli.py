"""`motcua sync ...` as the ward's IT person runs it against a real centre on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli import main as cli_main
from local_db.database import Database
from local_db.office_setup import OfficeRefs
from tests.support.centre import Centre
from tests.sync.agent.helpers import more_tickets, office_ops

ROOT = Path(__file__).resolve().parents[3]
# Until cli/main.py lists it, the tests add the command themselves.
SYNC_COMMAND = ("cli.sync", "the link with the central server: enroll, run, once, status")


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine's settings file (enroll writes the server's address into it)."""
    config = tmp_path / "settings.toml"
    config.write_text("# the office server\nlanguage = \"en\"\n", encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(config))
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOTCUA_DEVICE_NAME", "office-server-agent")
    monkeypatch.delenv("MOTCUA_SERVER_URL", raising=False)
    monkeypatch.delenv("MOTCUA_LANGUAGE", raising=False)
    monkeypatch.setitem(cli_main.COMMANDS, "sync", SYNC_COMMAND)
    return config


def motcua(db: Database, *args: str) -> int:
    return cli_main.main(["--database-url", db.url, "sync", *args])


def test_enroll_once_and_status(db: Database, office: OfficeRefs, centre: Centre, machine: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert motcua(db, "status") == 0
    out = capsys.readouterr().out
    assert "Enrolled: no" in out and "offline" in out
    assert motcua(db, "once") == 1
    assert "not enrolled" in capsys.readouterr().err
    assert motcua(db, "enroll", centre.base_url, "WRONG-CODE-1") == 1
    assert "enrollment code" in capsys.readouterr().err

    assert motcua(db, "enroll", centre.base_url, centre.enroll_code()) == 0
    out = capsys.readouterr().out
    assert "Office 00004 is enrolled" in out and "server_url" in out
    assert f'server_url = "{centre.base_url}"' in machine.read_text(encoding="utf-8")
    assert "# the office server" in machine.read_text(encoding="utf-8")  # the IT person's comment stays

    more_tickets(db, office, 4)
    assert motcua(db, "status") == 0
    assert "Waiting to be sent: 5 operation(s)" in capsys.readouterr().out  # (+1: the counter's key, registered at enrollment)
    assert motcua(db, "once") == 0
    assert "Sent 5 operation(s): 5 accepted" in capsys.readouterr().out
    assert motcua(db, "status") == 0
    out = capsys.readouterr().out
    assert "Enrolled: yes" in out and "Link to the centre: online" in out and "Waiting to be sent: 0" in out


def test_run_drains_then_stops_on_sigterm(db: Database, office: OfficeRefs, centre: Centre, machine: Path) -> None:
    assert motcua(db, "enroll", centre.base_url, centre.enroll_code()) == 0
    more_tickets(db, office, 5)
    code = f"import sys; from cli import main; main.COMMANDS['sync'] = {SYNC_COMMAND!r}; sys.exit(main.main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "--database-url", db.url, "sync", "run", "--interval", "0.2"],
                            cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while set(office_ops(db).values()) != {"acked"} and time.monotonic() < deadline:
            time.sleep(0.1)
        more_tickets(db, office, 2, start=30)  # made while the agent runs: they go out by themselves
        while set(office_ops(db).values()) != {"acked"} and time.monotonic() < deadline:
            time.sleep(0.1)
        assert set(office_ops(db).values()) == {"acked"} and len(office_ops(db)) == 8  # (+1: the counter's key, registered at enrollment)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Sync agent running against" in out
