"""``motcua server``: the city's central server and its administration.

The database is ``--database-url`` or ``MOTCUA_SERVER_DATABASE_URL`` (default: an SQLite
file ``centre.db`` in the data folder — fine for trying it; PostgreSQL in production).
Never loads Qt or the office database code.
"""

from __future__ import annotations

import argparse
import sys
import uuid

from cli.common import display_url


def register(parser: argparse.ArgumentParser) -> None:
    url_help = "centre database URL (default: MOTCUA_SERVER_DATABASE_URL, else centre.db in the data folder)"
    parser.add_argument("--database-url", dest="server_database_url", help=url_help)
    sub = parser.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        # Also accepted after the action; SUPPRESS keeps it from hiding the one given before.
        p.add_argument("--database-url", dest="server_database_url", default=argparse.SUPPRESS, help=url_help)
        return p

    run = action("run", "serve the sync API with uvicorn (OpenAPI document at /openapi.json)")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8700, help="port (default 8700)")
    run.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (PostgreSQL only)")
    run.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM; else put a TLS proxy in front)")
    run.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    run.add_argument("--forwarded-allow-ips", metavar="ADDRESSES",
                     help="the reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For and "
                          "X-Forwarded-Proto are believed (default: MOTCUA_SERVER_FORWARDED_ALLOW_IPS, else none)")
    action("upgrade", "create the centre database or bring it to the current schema")
    office = action("create-office", "register an office (ward or commune)")
    office.add_argument("code", help="the office code, e.g. 00004")
    office.add_argument("--name-vi", required=True, help="Vietnamese name")
    office.add_argument("--name-en", required=True, help="English name")
    office.add_argument("--unit-id", default="", help="QCVN 102 unit id")
    code = action("enroll-code", "make a one-time enrollment code for a device of an office")
    code.add_argument("office", help="office code")
    code.add_argument("--days", type=float, default=7.0, help="days the code stays valid (default 7)")
    catalog = action("publish-catalog", "publish the procedure catalog and its services to an office")
    catalog.add_argument("office", help="office code")
    catalog.add_argument("--file", help="catalog JSON (default: the demo catalog local_db/demo/procedures.json)")
    hol = action("publish-holidays", "publish Vietnam's national days off and make-up days of a year")
    hol.add_argument("year", type=int)
    rev = action("revoke", "revoke a device: its credential stops working, its key leaves the key ring")
    rev.add_argument("device_id", help="device id (see `offices`)")
    action("offices", "each office: last contact, ops received, refused or in conflict, devices")
    compact = action("compact", "drop superseded change-log rows and unfinished uploads older than the retention period")
    compact.add_argument("--days", type=float, help="retention in days (default: MOTCUA_SERVER_RETENTION_DAYS or 30)")
    resolve = action("resolve", "unblock the entity of a refused or conflicting op")
    resolve.add_argument("op_id")
    resolve.add_argument("--apply", action="store_true", help="force the office's op through (default: discard it)")


def run(args: argparse.Namespace) -> int:
    from sync.server.database import CentreDatabase
    from sync.server.settings import load_server_settings

    settings = load_server_settings(getattr(args, "server_database_url", None))
    if args.server_command == "run":
        return _serve(settings, args)
    db = CentreDatabase(settings.effective_database_url)
    try:
        if args.server_command != "upgrade":
            _check_schema(db)
        handler = {"upgrade": _upgrade, "create-office": _create_office, "enroll-code": _enroll_code,
                   "publish-catalog": _publish_catalog, "publish-holidays": _publish_holidays, "revoke": _revoke,
                   "offices": _offices, "compact": _compact, "resolve": _resolve}[args.server_command]
        return handler(db, settings, args)
    finally:
        db.dispose()


def _check_schema(db) -> None:  # type: ignore[no-untyped-def]
    from core.errors import DomainError
    from sync.server import migrate

    current, head = migrate.current_revision(db), migrate.head_revision()
    if current != head:
        raise DomainError(f"{display_url(db.url)} is at centre schema {current or '(none)'}, this program needs "
                          f"{head}: run `motcua server upgrade`", code="old_schema")


def _serve(settings, args) -> int:  # type: ignore[no-untyped-def]
    import uvicorn

    from sync.server.database import CentreDatabase

    db = CentreDatabase(settings.effective_database_url)
    try:
        _check_schema(db)
    finally:
        db.dispose()
    scheme = "https" if args.ssl_certfile else "http"
    options: dict[str, object] = (
        {"ssl_certfile": args.ssl_certfile, "ssl_keyfile": args.ssl_keyfile} if args.ssl_certfile else {})
    if args.forwarded_allow_ips is not None:
        settings = settings.replace(forwarded_allow_ips=args.forwarded_allow_ips.strip())
    # No proxy named: uvicorn must not believe X-Forwarded-For from anyone (its own default
    # trusts 127.0.0.1, so a proxy on the same host would let any client pick its address).
    proxies = settings.forwarded_allow_ips
    options.update(proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)
    print(f"motcua server: {display_url(settings.effective_database_url)} on {scheme}://{args.host}:{args.port}",
          flush=True)
    from sync.server.http_protocol import HTTP_PROTOCOL

    if args.workers > 1:
        import os

        os.environ["MOTCUA_SERVER_DATABASE_URL"] = settings.effective_database_url
        os.environ["MOTCUA_SERVER_FORWARDED_ALLOW_IPS"] = proxies
        uvicorn.run("sync.server.app:app_from_environment", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level="info", http=HTTP_PROTOCOL, **options)
        return 0
    from sync.server.app import create_app

    db = CentreDatabase(settings.effective_database_url)
    try:
        uvicorn.run(create_app(db, settings), host=args.host, port=args.port, log_level="info", http=HTTP_PROTOCOL,
                    **options)
    finally:
        db.dispose()
    return 0


def _upgrade(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from sync.server import migrate

    before = migrate.current_revision(db)
    migrate.upgrade(db)
    print(f"{display_url(db.url)}: centre schema {before or '(empty)'} -> {migrate.current_revision(db)}")
    return 0


def _create_office(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from sync.server import admin

    with db.write() as s:
        office = admin.create_office(s, args.code, name_vi=args.name_vi, name_en=args.name_en, unit_id=args.unit_id)
        print(f"office {office.code}: {office.name_vi} / {office.name_en}")
    return 0


def _enroll_code(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from sync.server import admin

    with db.write() as s:
        code = admin.enrollment_code(s, args.office, valid_days=args.days)
    print(code)
    print(f"one-time enrollment code for office {args.office}, valid {args.days:g} days "
          "(on the office server: motcua sync enroll ...)", file=sys.stderr)
    return 0


def _publish_catalog(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from sync.server import catalog

    rows = catalog.load_catalog(Path(args.file) if args.file else None)
    with db.write() as s:
        done = catalog.publish_catalog(s, args.office, rows)
    print(f"office {args.office}: {done.rows} services and procedures published, {done.changed} new or changed")
    return 0


def _publish_holidays(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from sync.server import catalog

    with db.write() as s:
        done = catalog.publish_holidays(s, args.year)
    print(f"{args.year}: {done.rows} national days off and make-up days published, {done.changed} new or changed")
    return 0


def _revoke(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from core.errors import ValidationError
    from sync.server import admin

    try:
        device_id = uuid.UUID(args.device_id)
    except ValueError as exc:
        raise ValidationError(f"not a device id: {args.device_id}", field="device_id") from exc
    with db.write() as s:
        device = admin.revoke_device(s, device_id)
        print(f"device {device.id} ({device.name}, office {device.office_code}) revoked")
    return 0


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "never"


def _offices(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from sync.server import admin

    with db.read() as s:
        rows = admin.offices(s)
    if not rows:
        print("no offices yet (motcua server create-office CODE --name-vi ... --name-en ...)")
    for o in rows:
        print(f"{o.code}  {o.name_vi}")
        print(f"  enrolled {_when(o.enrolled_at)}; last contact {_when(o.last_contact_at)}")
        print(f"  ops received {o.ops_received}: applied {o.ops_applied}, rejected {o.ops_rejected}, "
              f"in conflict {o.ops_conflict}")
        for d in o.devices:
            state = "REVOKED" if d.revoked else f"last seen {_when(d.last_seen_at)}"
            print(f"  device {d.id}  {d.kind:8} {d.name}  {state}")
    return 0


def _compact(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from sync.server import blobs, changelog

    days = args.days if args.days is not None else settings.retention_days
    with db.write() as s:
        deleted = changelog.compact(s, timedelta(days=days))
        floor = changelog.floor(s)
        dropped = blobs.drop_abandoned(s, timedelta(days=days))
    print(f"{deleted} superseded changes older than {days:g} days removed; cursors below {floor} refetch")
    print(f"{dropped} unfinished uploads older than {days:g} days removed")
    return 0


def _resolve(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from sync.server.apply import resolve

    with db.write() as s:
        status = resolve(s, uuid.UUID(args.op_id), apply=args.apply)
    print(f"op {args.op_id}: {status}")
    return 0
