"""``motcua demo``: the demo office on the embedded default database (SQLite).

For now: create the demo office database if it is not there yet, check it, say where it
is and what is in it, and print every document it can show as PDF files (the demo's
printer). Later issues add the server, the agent and the app windows.
"""

from __future__ import annotations

import argparse
from cli.common import display_url, print_passwords, settings_from


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=2026)


def run(args: argparse.Namespace) -> int:
    from local_db import migrate
    from local_db.check import format_report, run_check
    from local_db.database import Database
    from local_db.demo.seed import seed_demo
    from local_db.stats import describe

    from core.errors import DomainError

    settings = settings_from(args)
    db = Database(settings.effective_database_url)
    try:
        migrate.upgrade(db)
        print("Setting up the demo office (30 days of history, about half a minute the first time)...")
        try:
            print_passwords(seed_demo(db, seed=args.seed).passwords)
        except DomainError as exc:
            if exc.code != "not_empty":
                raise
            print("The demo office is already there (delete the file to start again).")
        report = run_check(db)
        print(f"\nDatabase: {display_url(db.url)}")
        print(describe(db))
        print("\n" + format_report(report))
        _print_samples(db, settings)
        return 0 if report.ok else 1
    finally:
        db.dispose()


def _print_samples(db, settings) -> None:  # type: ignore[no-untyped-def]
    """Every document the office prints, from the demo data, as PDF files (the demo's printer)."""
    from pathlib import Path

    from cli.printing import this_device, tracking_host
    from printing.samples import write_samples

    office_code, device_id = this_device(db, settings)
    folder = Path(settings.data_dir) / "samples"
    written = write_samples(db, office_code, device_id, folder, langs=("vi",),
                            tracking_host=tracking_host(settings.server_url))
    print(f"\nPrinted documents of the demo office ({len(written)} PDFs): {folder}")
