"""What the failure tests share: this process's log in a temporary data folder, the
incident number read off a screen, and an office database that is really gone."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from core import incidents, logs
from local_db.database import Database

NUMBER = re.compile(rf"\b[{incidents.ALPHABET}]{{{incidents.LENGTH}}}\b")
# A log record starts with its time; the lines of a traceback do not.
RECORD = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def logging_to(data_dir: Path, kind: str, office: str = "") -> Iterator[Path]:
    """This test process logs as ``kind`` would (core.logs.setup); the log file's path."""
    path = logs.setup(kind, data_dir, device=f"test-{kind}", office=office, stderr=False)
    assert path is not None
    try:
        yield path
    finally:
        logs.teardown()


def incident_on(text: str) -> str:
    """The one incident number in a message (a log line names it twice)."""
    found = set(NUMBER.findall(text))
    assert len(found) == 1, f"no single incident number in {text!r}"
    return str(found.pop())


def records(log: Path, needle: str) -> list[str]:
    """The log's records (first line and traceback) that mention ``needle`` in their first line."""
    out: list[str] = []
    current: list[str] | None = None
    for line in log.read_text(encoding="utf-8").splitlines():
        if RECORD.match(line):
            if current is not None:
                out.append("\n".join(current))
            current = [line] if needle in line else None
        elif current is not None:
            current.append(line)
    if current is not None:
        out.append("\n".join(current))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gone_database(db: Database, tmp_path: Path) -> Database:
    """The same kind of database, really gone: an SQLite file whose folder was removed, a
    PostgreSQL server nobody listens for."""
    if db.engine.dialect.name == "sqlite":
        folder = tmp_path / "gone"
        gone = Database(f"sqlite:///{folder / 'office.db'}")  # (makes the folder)
        folder.rmdir()  # and the folder goes, as a removed share or a wiped data folder would
        return gone
    return Database(make_url(db.url).set(host="127.0.0.1", port=_free_port()).render_as_string(hide_password=False))
