"""The layering of docs/ARCHITECTURE.md §2, kept by import-linter: Qt never leaks below ui/, arrows
point one way, and the database commands never load Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_db_commands_do_not_load_qt() -> None:
    code = ("import sys; from cli.main import main; main(['db', '--help']) if False else None; "
            "import cli.db, local_db.ops.queue, local_db.check; "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
