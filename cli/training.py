"""``--now "YYYY-MM-DD HH:MM"``: the apps on the training clock, for a demonstration or a
training session outside office hours (core/training_clock.py).

Where it works: a training data folder of its own, ``<data_dir>/training`` (its own
``office.db``, its own printed PDFs and logs), never the machine's office database, unless
``--database-url`` names one on the command line — and then only a database not enrolled
with a centre, which becomes a training database for good (local_db/training.py says why:
made-up service must never be synced as real). ``motcua demo --now ...`` sets the training
folder up with the demo office, its history ending at the training moment.
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from core.settings import Settings
from core.training_clock import FORMAT, TrainingClock, training_clock

TRAINING_DIR = "training"


def add_now_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", metavar='"YYYY-MM-DD HH:MM"',
                        help="training: the app's clock starts at this office time (UTC+7) and runs on from there; "
                             "a TRAINING badge on every window; works on the training database in "
                             "<data_dir>/training (or --database-url), never synced to the centre")


def training_settings(args: argparse.Namespace, settings: Settings) -> tuple[Settings, TrainingClock | None]:
    """The settings and clock of this run: unchanged without ``--now``; with it, the
    training data folder (and its database unless ``--database-url`` was given)."""
    text = getattr(args, "now", None)
    if not text:
        return settings, None
    clock = training_clock(text)
    folder = Path(settings.data_dir) / TRAINING_DIR
    explicit = getattr(args, "database_url", None)
    if not explicit:
        folder.mkdir(parents=True, exist_ok=True)
    url = explicit or f"sqlite:///{folder / 'office.db'}"
    return settings.replace(data_dir=folder, database_url=url), clock


def check_training_database(db: Any, clock: TrainingClock | None) -> None:
    """The start-up check of an app's database, saying how to set up the training one."""
    from cli.common import check_database
    from core.errors import DomainError

    try:
        check_database(db)
    except DomainError as exc:
        if clock is None or exc.code != "no_schema":
            raise
        raise DomainError("the training database has no office yet: `motcua demo --now \"YYYY-MM-DD HH:MM\"` sets "
                          "it up with the demo office (or give --database-url of a database that has one)",
                          code="no_schema") from exc


def start_training(db: Any, app: str, clock: TrainingClock | None) -> None:
    """Mark the database as a training one (refused when it is enrolled) and say so in the log."""
    if clock is None:
        return
    from local_db.training import mark_training

    with db.write() as s:
        mark_training(s, app=app, clock_start=clock.start, real_now=datetime.now(timezone.utc))
    logging.getLogger("motcua").warning("TRAINING: %s runs on the training clock from %s (office time) on %s; "
                                        "nothing of it is synced to the centre", app,
                                        clock.start.astimezone(_office_tz()).strftime(FORMAT), db.url)


def _office_tz():  # type: ignore[no-untyped-def]
    from core.working_calendar import OFFICE_TZ

    return OFFICE_TZ


__all__ = ["TRAINING_DIR", "add_now_option", "check_training_database", "start_training", "training_settings"]
