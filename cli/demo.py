"""``motcua demo``: the demo office on the embedded default database (SQLite).

For now: create the demo office database if it is not there yet, check it, and say where
it is and what is in it. Later issues add the server, the agent and the app windows.
"""

from __future__ import annotations

import argparse
from cli.common import display_url, settings_from


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=2026)


def run(args: argparse.Namespace) -> int:
    from local_db import migrate
    from local_db.check import format_report, run_check
    from local_db.database import Database
    from local_db.demo.seed import seed_demo
    from local_db.stats import describe

    settings = settings_from(args)
    db = Database(settings.effective_database_url)
    try:
        migrate.upgrade(db)
        from local_db.models import Office
        from sqlalchemy import select

        with db.read() as s:
            has_office = s.scalars(select(Office)).first() is not None
        if not has_office:
            print("Building the demo office (30 days of history)...")
            summary = seed_demo(db, seed=args.seed)
            print("Staff accounts (demo passwords):")
            for user, password in summary.passwords.items():
                print(f"  {user:10} {password}")
        else:
            print("The demo office is already there (delete the file to start again).")
        report = run_check(db)
        print(f"\nDatabase: {display_url(db.url)}")
        print(describe(db))
        print("\n" + format_report(report))
        return 0 if report.ok else 1
    finally:
        db.dispose()
