"""The ``motcua`` command. Subcommands are imported only when used, so ``motcua db`` and
``motcua sync`` never load Qt."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

# name -> (module, help). Each module has register(subparsers_parser) and run(args) -> int.
COMMANDS = {
    "db": ("cli.db", "office database: upgrade, seed-demo, check, info"),
    "demo": ("cli.demo", "set up the demo office and show what is in it"),
    "print": ("cli.printing", "print queue of this machine: jobs, worker, test page, reprint, samples"),
    "counter": ("cli.counter", "the clerk's desk app: sign in, call numbers, take in dossiers (--counter N)"),
    "kiosk": ("cli.kiosk", "the citizens' kiosk, full-screen (--windowed to try it; --set-pin)"),
    "display": ("cli.display", "the waiting-room board: each counter's number, calls said aloud (--windowed to try it)"),
    "server": ("cli.server", "the city's central server: run it, offices, enrollment codes, catalog, holidays, revoke"),
    "sync": ("cli.sync", "the link with the central server: enroll SERVER_URL CODE, run, once, status"),
    "tour": ("cli.tour", "a PNG of every screen and state in both languages, with an index.html"),
    "logs": ("cli.support", "where this machine's logs are, and their last lines (personal data masked)"),
    "support-bundle": ("cli.support", "one file for the city's helpdesk: last logs, `db info`, personal data masked"),
}
#: The process a command is, for its log file (<data_dir>/logs/<kind>.log).
APPS = ("kiosk", "counter", "display")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="motcua", description="MotCua — phần mềm bộ phận một cửa")
    parser.add_argument("--database-url", help="office database URL (default: settings / MOTCUA_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Two passes: find the command first, then let only its module add its own arguments.
    # "-h" after the command is the command's help: keep it out of the first pass.
    known, _ = parser.parse_known_args([a for a in argv if a not in ("-h", "--help")] if argv[:1] != ["-h"] else argv)
    if not getattr(known, "command", None):
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[known.command][0])
    sub_action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    module.register(sub_action.choices[known.command])
    args = parser.parse_args(argv)
    from sqlalchemy.exc import OperationalError

    from core.errors import MotcuaError

    log_path = start_logging(args)
    try:
        return int(module.run(args) or 0)
    except MotcuaError as exc:
        print(f"motcua: {exc.message}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        # Unreachable server, wrong password, unwritable file: say which, without a traceback.
        print(f"motcua: cannot use the office database: {exc.orig or exc}".strip(), file=sys.stderr)
        return 1
    except Exception as exc:
        # A bug: a number to quote, the traceback in the log (not on a clerk's terminal).
        from core import incidents

        number = incidents.note(exc, f"motcua {args.command}")
        where = f" (log: {log_path})" if log_path else ""
        print(f"motcua: unexpected error, incident {number}{where}", file=sys.stderr)
        return 1


def process_kind(args: argparse.Namespace) -> str:
    """Which log file a command writes: the apps and the two services their own, every
    other command ``cli``."""
    if args.command in APPS:
        return str(args.command)
    if args.command == "sync" and getattr(args, "sync_command", None) == "run":
        return "agent"
    if args.command == "server" and getattr(args, "server_command", None) == "run":
        return "server"
    return "cli"


def start_logging(args: argparse.Namespace) -> Path | None:
    """Every process logs to ``<data_dir>/logs/<kind>.log`` (core/logs.py); a settings file
    that cannot be read still leaves a log (in the default data folder)."""
    import logging
    import os
    import socket

    from core import logs
    from core.settings import default_data_dir, load_settings

    kind = process_kind(args)
    try:
        settings = load_settings(database_url=getattr(args, "database_url", None))
        if settings.device_kind == "tool" and kind in (*APPS, "agent", "server"):
            settings = settings.replace(device_kind=kind)
        data_dir, device = settings.data_dir, settings.effective_device_name
    except Exception:  # the command itself will say what is wrong with the settings
        data_dir, device = default_data_dir(), f"{socket.gethostname()}-{kind}"
    path = logs.setup(kind, data_dir, device=device)
    logging.getLogger("motcua").info("motcua %s started (pid %d)", args.command, os.getpid())
    return path


if __name__ == "__main__":
    raise SystemExit(main())
