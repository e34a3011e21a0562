"""``motcua db``: upgrade, seed-demo, check, info."""

from __future__ import annotations

import argparse
from datetime import datetime

from cli.common import display_url, open_database, print_passwords


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    sub.add_parser("upgrade", help="create the database or bring it to the current schema")
    seed = sub.add_parser("seed-demo", help="build the demo office with 30 days of history (empty database)")
    seed.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same office)")
    seed.add_argument("--days", type=int, default=30, help="days of history (default 30)")
    seed.add_argument("--now", help="pretend it is this moment (ISO 8601 with offset)")
    check = sub.add_parser("check", help="verify integrity, outbox completeness and the office invariants")
    check.add_argument("--full", action="store_true",
                       help="SQLite: the full integrity_check (indexes against tables too; slower on big files)")
    sub.add_parser("info", help="where the database is and what is in it")


def run(args: argparse.Namespace) -> int:
    db = open_database(args)
    try:
        return {"upgrade": _upgrade, "seed-demo": _seed, "check": _check, "info": _info}[args.db_command](db, args)
    finally:
        db.dispose()


def _upgrade(db, args) -> int:  # type: ignore[no-untyped-def]
    from local_db import migrate

    before = migrate.current_revision(db)
    migrate.upgrade(db)
    after = migrate.current_revision(db)
    print(f"{display_url(db.url)}: schema {before or '(empty)'} -> {after}")
    return 0


def _seed(db, args) -> int:  # type: ignore[no-untyped-def]
    from local_db import migrate
    from local_db.demo.seed import seed_demo

    migrate.upgrade(db)
    now = datetime.fromisoformat(args.now) if args.now else None
    summary = seed_demo(db, seed=args.seed, days=args.days, now=now)
    print(f"Demo office {summary.office_name} ({summary.office_code}) in {display_url(db.url)}")
    print(f"  history {summary.first_day} .. {summary.last_day}: {summary.tickets} tickets, "
          f"{sum(summary.dossiers.values())} dossiers, {summary.feedback} ratings")
    print("  dossiers by status: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.dossiers.items())))
    print_passwords(summary.passwords)
    return 0


def _check(db, args) -> int:  # type: ignore[no-untyped-def]
    from local_db.check import format_report, run_check

    report = run_check(db, full=args.full)
    print(format_report(report))
    return 0 if report.ok else 1


def _info(db, args) -> int:  # type: ignore[no-untyped-def]
    from local_db.stats import describe

    print(f"database: {display_url(db.url)}")
    print(describe(db))
    return 0

