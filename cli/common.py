"""What every subcommand needs: the machine settings and the office database they name."""

from __future__ import annotations

import argparse

from core.settings import Settings, load_settings


def settings_from(args: argparse.Namespace, **overrides: object) -> Settings:
    return load_settings(database_url=getattr(args, "database_url", None), **overrides)


def open_database(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from local_db.database import Database

    return Database(settings_from(args).effective_database_url)


def print_passwords(passwords: dict[str, str]) -> None:
    print("Staff accounts (demo passwords):")
    for user, password in passwords.items():
        print(f"  {user:10} {password}")


def display_url(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def run_app(args: argparse.Namespace, kind: str, start, *, database=None) -> int:  # type: ignore[no-untyped-def]
    """The frame of an app command: this machine's settings (the device kind ``kind`` when
    the settings file does not say), the office database checked, ``start``,
    the database closed whatever happens. ``database(url)`` opens it (default: Database).
    ``--now`` (cli/training.py) gives the training data folder and clock: ``start(db,
    settings, clock)`` gets the clock, None for real service."""
    from local_db.database import Database

    from cli.training import check_training_database, start_training, training_settings

    settings, clock = training_settings(args, settings_from(args))
    if settings.device_kind == "tool":  # not said in the settings file: this machine is a `kind` here
        settings = settings.replace(device_kind=kind)
    db = (database or Database)(settings.effective_database_url)
    try:
        check_training_database(db, clock)
        start_training(db, kind, clock)
        log_office(db)
        warn_if_no_server(settings)
        return int(start(db, settings, clock) or 0)
    finally:
        db.dispose()


def warn_if_no_server(settings: Settings) -> None:
    """An app started with no central server set says so in its log (the counter shows its
    staff too: core/server_link.py)."""
    import logging

    from core.server_link import LOG_WARNING

    if not settings.server_url:
        logging.getLogger("motcua").warning(LOG_WARNING)


def log_office(db) -> None:  # type: ignore[no-untyped-def]
    """Every later log line names the office this app works for."""
    import logging

    from sqlalchemy import select

    from core import logs
    from local_db.models import Office

    try:
        with db.read() as s:
            code = s.scalars(select(Office.code)).first()
    except Exception:  # noqa: BLE001 - the log's office tag is not worth failing a start for
        # ...but whatever stopped the read is in the log, traceback included (the app's own
        # start-up check says the same to the user a moment later).
        logging.getLogger("motcua").warning("could not read the office code for the log", exc_info=True)
        return
    logs.set_office(code or "")
    logging.getLogger("motcua").info("office database %s, office %s", display_url(db.url), code or "(none yet)")


def check_database(db) -> None:  # type: ignore[no-untyped-def]
    """Refuse to start an app on a database without the schema, or on an older one."""
    from core.errors import DomainError
    from local_db import migrate

    current = migrate.current_revision(db)
    if current is None:
        raise DomainError(f"{display_url(db.url)} is not an office database yet: run `motcua db upgrade` "
                          "and enrol the office (or `motcua db seed-demo` for the demo office)", code="no_schema")
    if current != migrate.head_revision():
        raise DomainError(f"the office database is at schema {current}, this program needs "
                          f"{migrate.head_revision()}: run `motcua db upgrade`", code="old_schema")
