"""``motcua display``: its options, and a real start on an office database (offscreen)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import display as command
from tests.support.dialects import BOTH_DATABASES

ROOT = Path(__file__).resolve().parents[2]


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    command.register(parser)
    return parser.parse_args(list(argv))


def test_the_options() -> None:
    args = _parse("--windowed", "--digits", "--english", "--no-sound")
    assert (args.windowed, args.digits, args.english, args.no_sound, args.exit_after_start) == (
        True, True, True, True, False)
    plain = _parse()
    assert (plain.windowed, plain.digits, plain.english, plain.no_sound) == (False, False, False, False)


@BOTH_DATABASES  # a second process opens the office database by its URL
def test_the_board_starts_on_the_office_database_and_says_ready(db_url: str, tmp_path: Path) -> None:
    code = ("import sys, argparse; from cli import display as c; p = argparse.ArgumentParser(); "
            "p.add_argument('--database-url'); c.register(p); sys.exit(c.run(p.parse_args(sys.argv[1:])))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOTCUA_CONFIG": str(tmp_path / "none.toml"),
           "MOTCUA_DATA_DIR": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code, "--database-url", db_url, "--exit-after-start", "--no-sound"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "motcua display: ready" in out.stdout and "office 00004" in out.stdout


def test_a_database_without_the_schema_is_refused(tmp_path: Path) -> None:
    from core.errors import DomainError

    with pytest.raises(DomainError, match="not an office database"):
        command.run(_parse("--database-url", f"sqlite:///{tmp_path / 'empty.db'}", "--exit-after-start"))
