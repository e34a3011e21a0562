"""`motcua sync settle OP_ID --by USERNAME`: a supervisor, signed in with their password, keeps
the centre's version of a refused op, and `motcua sync status` lists it until the centre knows.
Naming a supervisor without their password does nothing (issue 18: the command used to take
the name alone)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from local_db import journal
from local_db.database import Database
from local_db.models import AuditLog
from local_db.office_setup import OfficeRefs
from tests.support.centre import Centre
from tests.sync.agent.helpers import NOW, at, office_ops
from tests.sync.agent.test_cli import machine, motcua  # noqa: F401 (the fixture)


def _typed(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    """What the person types when asked (a piped standard input: one line per question)."""
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def test_settle_from_the_command_line(db: Database, office: OfficeRefs, centre: Centre, machine: Path,  # noqa: F811
                                      capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    gadget = uuid.uuid4()
    with db.write() as s:  # a kind of record this centre does not know: refused
        refused = journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="create",
                                 payload={}, now=NOW, to_state="active")
        later = journal.record(s, office.actor("admin"), entity="gadget", entity_id=gadget, op_type="update",
                               payload={}, now=at(1), from_state="active", to_state="active")
    assert motcua(db, "enroll", centre.base_url, centre.enroll_code()) == 0
    assert motcua(db, "once") == 0
    capsys.readouterr()
    assert motcua(db, "status") == 0
    out = capsys.readouterr().out
    assert "Refused by the centre: 1" in out and str(refused) in out
    _typed(monkeypatch, "matkhau123")
    assert motcua(db, "settle", str(refused), "--by", "canbo1") == 1  # a clerk may not
    assert "Supervisor" in capsys.readouterr().out
    assert motcua(db, "settle", "not-an-id", "--by", "giamsat") == 1
    capsys.readouterr()
    _typed(monkeypatch, "not-her-password")
    assert motcua(db, "settle", str(refused), "--by", "giamsat") == 1  # her name alone is not enough
    assert "settling" not in office_ops(db).values()
    capsys.readouterr()
    _typed(monkeypatch, "matkhau123")
    assert motcua(db, "settle", str(refused), "--by", "giamsat") == 0
    assert "the centre's version is kept" in capsys.readouterr().out
    with db.read() as s:
        [row] = s.scalars(select(AuditLog).where(AuditLog.action == "sync_settle"))
        assert row.staff_id == office.staff["giamsat"] and "motcua sync settle" in row.actor
    assert motcua(db, "status") == 0
    out = capsys.readouterr().out
    assert "Refused by the centre" not in out and "Settled here, the centre is told at the next round: 1" in out
    assert motcua(db, "once") == 0
    capsys.readouterr()
    states = office_ops(db)
    assert states[refused] == "settled" and states[later] == "rejected"  # judged in the same round: unknown too
    assert motcua(db, "status") == 0
    assert "Settled here" not in capsys.readouterr().out
