"""``motcua logs`` and ``motcua support-bundle``: what the city's helpdesk asks an office for.

When a clerk reads out an incident number, the helpdesk needs this machine's recent logs
and a picture of its office database. ``support-bundle`` puts them in one text file
(``motcua-support-<device>-<time>.txt``) that can be mailed or attached to a ticket:
version, device, the settings that matter (the database URL without its password), the
output of ``motcua db info``, and the last lines of every log under ``<data_dir>/logs``.
Citizens' data never leaves with it: CCCD and phone numbers, names and ID-card QR texts
are masked (core/masking.py) in everything the file holds.
"""

from __future__ import annotations

import argparse
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from cli.common import display_url, settings_from
from core import logs
from core.masking import mask_personal
from core.settings import Settings

DEFAULT_LINES = 2000


def register(parser: argparse.ArgumentParser) -> None:
    if parser.prog.endswith("support-bundle"):
        parser.add_argument("--out", type=Path, help="the file to write (default: motcua-support-<device>-<time>.txt "
                                                     "in the current folder)")
        parser.add_argument("--lines", type=int, default=DEFAULT_LINES,
                            help=f"last lines of each log (default {DEFAULT_LINES})")
    else:
        parser.add_argument("--tail", type=int, default=0, metavar="N",
                            help="also print the last N lines of each log (personal data masked)")


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.command == "support-bundle":
        return _bundle(settings, args)
    return _logs(settings, args)


def log_files(data_dir: Path) -> list[Path]:
    """The current log of each process kind (``kiosk.log``, ``counter.log``, ...)."""
    folder = logs.log_dir(data_dir)
    return sorted(folder.glob("*.log")) if folder.is_dir() else []


def last_lines(path: Path, n: int) -> list[str]:
    """The last ``n`` lines of a log, reaching into its rotated copies (``.1``, ``.2``...)
    when the current file is short."""
    lines: list[str] = []
    for i in range(0, logs.BACKUPS + 1):
        part = path if i == 0 else path.with_name(f"{path.name}.{i}")
        if not part.exists():
            break
        lines = part.read_text(encoding="utf-8", errors="replace").splitlines() + lines
        if len(lines) >= n:
            break
    return lines[-n:] if n > 0 else []


def _logs(settings: Settings, args: argparse.Namespace) -> int:
    folder = logs.log_dir(settings.data_dir)
    print(f"logs: {folder}")
    files = log_files(Path(settings.data_dir))
    if not files:
        print("  (none yet)")
    for path in files:
        stat = path.stat()
        when = datetime.fromtimestamp(stat.st_mtime, UTC).astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"  {path.name:14} {stat.st_size:>10} bytes, last written {when}")
        if args.tail:
            for line in last_lines(path, args.tail):
                print("    " + mask_personal(line))
    return 0


def _db_info(settings: Settings) -> str:
    try:
        from local_db.database import Database
        from local_db.stats import describe

        db = Database(settings.effective_database_url)
        try:
            return describe(db)
        finally:
            db.dispose()
    except Exception as exc:  # the bundle is most wanted exactly when the database is in trouble
        return f"cannot read the database: {type(exc).__name__}: {exc}"


def bundle_text(settings: Settings, lines: int = DEFAULT_LINES) -> str:
    """Everything the helpdesk gets, personal data masked."""
    now = datetime.now(UTC)
    out = [
        "MotCua support bundle",
        f"made: {now.isoformat(timespec='seconds')}",
        f"version: {logs.version()}",
        f"device: {settings.effective_device_name} ({settings.device_kind})",
        f"system: {platform.platform()}, Python {platform.python_version()}",
        f"database: {display_url(settings.effective_database_url)}",
        f"data folder: {settings.data_dir}",
        f"printer: {settings.printer}, scanner: {settings.scanner}, server: {settings.server_url or '-'}, "
        f"language: {settings.language}",
        "",
        "== motcua db info ==",
        _db_info(settings),
    ]
    files = log_files(Path(settings.data_dir))
    if not files:
        out += ["", f"== no logs under {logs.log_dir(settings.data_dir)} =="]
    for path in files:
        out += ["", f"== {path.name} (last {lines} lines) ==", *last_lines(path, lines)]
    return mask_personal("\n".join(out)) + "\n"


def _bundle(settings: Settings, args: argparse.Namespace) -> int:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    device = "".join(c if c.isalnum() or c in "-_" else "-" for c in settings.effective_device_name)
    out: Path = args.out or Path.cwd() / f"motcua-support-{device}-{stamp}.txt"
    try:
        out.write_text(bundle_text(settings, args.lines), encoding="utf-8")
    except OSError as exc:
        print(f"motcua: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"support bundle: {out}")
    return 0
