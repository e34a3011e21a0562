"""``motcua demo``: the demo office on the embedded default database (SQLite).

Create the demo office database if it is not there yet, check it, say where it is and
what is in it, print every document it can show as PDF files (the demo's printer), then
start the demo's own central server on 127.0.0.1 and send the office's history to it
(cli/demo_sync.py; ``--no-sync`` leaves it out), then open the apps: the kiosk and the
display board (in windows) and a counter desk, side by side on the screen (cli/desktop.py),
with the sync agent beside them, when this machine has a display (``--no-apps``: stop
after the setup).
"""

from __future__ import annotations

import argparse
import subprocess

from cli.common import display_url, print_passwords, settings_from
from cli.training import add_now_option, start_training, training_settings


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-apps", action="store_true", help="set up only; do not open the kiosk, the counter and the board")
    parser.add_argument("--no-sync", action="store_true", help="no demo central server and sync agent")
    add_now_option(parser)  # a training demo: its own database in <data_dir>/training, no sync (cli/training.py)


def run(args: argparse.Namespace) -> int:
    from core.errors import DomainError
    from local_db import migrate
    from local_db.check import format_report, run_check
    from local_db.database import Database
    from local_db.demo.seed import seed_demo
    from local_db.stats import describe

    settings, clock = training_settings(args, settings_from(args))
    db = Database(settings.effective_database_url)
    try:
        migrate.upgrade(db)
        print("Setting up the demo office (30 days of history, about half a minute the first time)...")
        try:
            # On the training clock the history ends at the training moment, not today.
            print_passwords(seed_demo(db, seed=args.seed, now=clock() if clock else None).passwords)
        except DomainError as exc:
            if exc.code != "not_empty":
                raise
            print("The demo office is already there (delete the file to start again).")
        report = run_check(db)
        print(f"\nDatabase: {display_url(db.url)}")
        print(describe(db))
        print("\n" + format_report(report))
        _print_samples(db, settings)
        if not report.ok:
            return 1
        start_training(db, "demo", clock)  # refused on an enrolled database; never synced after
        if clock is not None:
            print(f"\nTRAINING: the apps run on the training clock from {args.now} (office time), on {display_url(db.url)}; "
                  "nothing of it is synced to a central server.")
        centre = None if args.no_sync or clock is not None else _demo_sync(db, settings)
    finally:
        db.dispose()
    training = ["--now", args.now] if clock is not None else []
    first = ["--database-url", args.database_url] if clock is not None and args.database_url else []
    try:
        return 0 if args.no_apps else _open_apps(with_agent=centre is not None, first=first, extra=training)
    finally:
        if centre is not None:
            centre.stop()


def _demo_sync(db, settings):  # type: ignore[no-untyped-def]
    """The demo's central server, running, with the office enrolled and synced once; None
    (and why, printed) when it cannot start."""
    from cli.demo_sync import enrol_and_sync, start_demo_centre
    from local_db.office_settings import get_office

    with db.read() as s:
        office = get_office(s)
        code, name_vi, name_en = office.code, office.name_vi, office.name_en
    print("\nStarting the demo's central server and sending the office's history to it...")
    centre = start_demo_centre(settings, code, name_vi, name_en)
    if isinstance(centre, str):
        print(f"No sync in this demo: {centre}.")
        return None
    try:
        for line in enrol_and_sync(db, settings, centre):
            print(line)
    except Exception as exc:  # the demo goes on offline, as an office would
        print(f"The first sync round failed ({exc}); the office works offline meanwhile.")
    return centre


def _open_apps(*, with_agent: bool = False, first: list[str] | None = None, extra: list[str] | None = None) -> int:
    """The kiosk, one counter desk and the display board side by side on this desktop
    (cli/desktop.py), until all are closed (Ctrl+C closes them); 1 when one of them failed.
    Without a display, say how to open them elsewhere."""
    import os
    import subprocess
    import sys

    from cli.desktop import demo_layout, desktop_env, no_window_help, open_apps, screen_area

    env = desktop_env(os.environ)
    if env is None:
        print("\nNo display on this machine, so no window opens. On a desktop, open the apps with:\n"
              "  .venv/bin/motcua kiosk --windowed\n  .venv/bin/motcua counter --counter 1\n"
              "  .venv/bin/motcua display --windowed")
        return 0
    screen = screen_area(env)
    if isinstance(screen, str):
        print(no_window_help(screen), file=sys.stderr)
        return 1
    layout = demo_layout(screen)
    print(f"\nOpening the kiosk, counter 1 and the display board on the screen ({screen}): "
          f"kiosk {layout['kiosk']}, counter {layout['counter']}, board {layout['display']} "
          "(sign in with a password above; close the windows or press Ctrl+C to stop)...", flush=True)
    apps = open_apps(env, layout, first=first or [], extra=extra or [])
    agent = subprocess.Popen([sys.executable, "-m", "cli", "sync", "run"]) if with_agent else None
    try:
        for app in apps:
            app.wait()
    except KeyboardInterrupt:
        _close_after_ctrl_c(apps)
    finally:
        if agent is not None:  # the apps are closed: the agent's last round is not needed
            agent.terminate()
            agent.wait(timeout=10)
    failed = [(name, app.returncode) for name, app in zip(("kiosk", "counter", "display board"), apps)
              if app.returncode != 0]
    for name, code in failed:
        print(f"The {name} ended with exit code {code}.", file=sys.stderr)
    return 1 if failed else 0


def _close_after_ctrl_c(apps: list[subprocess.Popen[bytes]]) -> None:
    """Ctrl+C in a terminal reaches the apps too, and each closes itself: give them the
    time to (a second or two; much longer on a loaded machine), since a second signal in
    the middle of their exit would kill them half-way; those still open after half a minute
    (the demo alone was interrupted) are asked with SIGTERM."""
    import time

    deadline = time.monotonic() + 30
    for app in apps:
        try:
            app.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for app in apps:
        if app.poll() is None:
            app.terminate()
    for app in apps:
        app.wait(timeout=10)


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
