"""``motcua sync``: the office's link with the city's central server.

``enroll SERVER_URL CODE`` trades the one-time code the city's IT gave for this machine's
credential (and remembers the server's address in the settings file); ``run`` is the
agent itself (a service beside the apps: push the outbox, pull the centre's changes, for
ever); ``once`` does one round and says what happened; ``status`` prints what the apps'
sync line shows: the backlog, the last exchanges, what the centre refused and why;
``settle OP_ID --by USERNAME`` keeps the centre's version of an op it refused or found in
conflict (a supervisor's or the admin's decision, signed in with their password at the
office server: the agent tells the centre at its next round and the entity's held ops go on).
The server's address and the city's CA bundle are machine settings (``server_url``,
``ca_bundle``).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import datetime, timezone

from cli.common import check_database, settings_from
from core.errors import MotcuaError
from core.i18n import _, language


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    enroll = sub.add_parser("enroll", help="enrol this office machine with the central server (one-time code)")
    enroll.add_argument("server_url", help="the central server, e.g. https://motcua.hanoi.gov.vn")
    enroll.add_argument("code", help="the one-time enrollment code from the city's IT")
    enroll.add_argument("--ca-bundle", help="the city's CA certificates (PEM), when not in the system's store")
    run = sub.add_parser("run", help="the sync agent: push and pull for ever (Ctrl+C to stop)")
    run.add_argument("--interval", type=float, default=30.0, help="seconds between rounds when all is well")
    sub.add_parser("once", help="one round: push everything waiting, pull everything new")
    sub.add_parser("status", help="the backlog, the last exchanges, what the centre refused")
    settle = sub.add_parser("settle", help="keep the centre's version of an op it refused or found in conflict")
    settle.add_argument("op_id", help="the op's id (as `motcua sync status` lists it)")
    settle.add_argument("--by", required=True, metavar="USERNAME",
                        help="the supervisor or admin who decided, signing in: their password is asked (from a "
                             "script, the first line of standard input); the audit log names them")


def run(args: argparse.Namespace) -> int:
    from local_db.database import Database

    settings = settings_from(args)
    if settings.device_kind == "tool":
        settings = settings.replace(device_kind="agent")
    db = Database(settings.effective_database_url)
    try:
        check_database(db)
        with language(settings.language):
            handler = {"enroll": _enroll, "run": _run, "once": _once, "status": _status,
                       "settle": _settle}[args.sync_command]
            try:
                return handler(db, settings, args)
            except MotcuaError as exc:
                # Said here, in the machine's language: an error is translated when it is
                # read, and cli.main reads it outside this block.
                print(f"motcua: {exc.message}", file=sys.stderr)
                return 1
    finally:
        db.dispose()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def build_agent(db, settings, **options):  # type: ignore[no-untyped-def]
    """The agent of this office database, with the enrolled credential and the machine's
    server address and CA bundle; None (and a message printed) before enrollment."""
    from core.errors import DomainError
    from local_db.office_settings import get_office
    from local_db.ops.enrollment import current_enrollment
    from sync.agent import Agent
    from sync.client import CentreClient

    with db.read() as s:
        office_code = get_office(s).code
        enrollment = current_enrollment(s)
    if enrollment is None:
        raise DomainError(_("This office is not enrolled with the central server yet: run "
                            "`motcua sync enroll SERVER_URL CODE` first."), code="not_enrolled")
    url = settings.server_url or enrollment.server_url
    if not url:
        raise DomainError(_("No central server address: set server_url in the settings file."),
                          code="no_server_url")
    client = CentreClient(url, enrollment.credential, ca_bundle=settings.ca_bundle or None)
    from local_db.attachment_store import AttachmentStore

    options.setdefault("store", AttachmentStore.in_data_dir(settings.data_dir))
    return Agent(db, client, office_code=office_code, **options)


def _enroll(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from core.errors import ValidationError
    from core.settings import save_setting
    from sync.enroll import enroll_office

    url = args.server_url.rstrip("/")
    done = enroll_office(db, url, args.code, device_name=settings.effective_device_name,
                         ca_bundle=args.ca_bundle or settings.ca_bundle or None)
    print(_("Office {office} is enrolled with {url} (this machine: {device}).").format(
        office=done.office_code, url=url, device=settings.effective_device_name))
    for name, value in (("server_url", url), ("ca_bundle", args.ca_bundle)):
        if value and getattr(settings, name) != value:
            try:
                path = save_setting(name, value)
                print(_("Saved {name} in {path}.").format(name=name, path=path))
            except ValidationError as exc:
                print(exc.message)
    print(_("Start the agent with `motcua sync run`."))
    return 0


def _once(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    agent = build_agent(db, settings)
    try:
        report = agent.run_once()
    finally:
        agent.client.close()
    print(_("Sent {pushed} operation(s): {acked} accepted, {rejected} refused, {conflict} in conflict, "
            "{held} waiting. Applied {pulled} change(s) from the centre.").format(
        pushed=report.pushed, acked=report.acked, rejected=report.rejected, conflict=report.conflict,
        held=report.held, pulled=report.pulled))
    if not report.ok:
        print(_("Stopped: {error}").format(error=report.error))
    return 0 if report.ok else 1


def _run(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    agent = build_agent(db, settings, interval=args.interval)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: stop.set())
    print(_("Sync agent running against {url}; Ctrl+C to stop.").format(url=agent.client.base_url), flush=True)
    try:
        agent.run_forever(stop)
    finally:
        agent.client.close()
    return 0


def _status(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from local_db.office_settings import get_office
    from local_db.ops.sync_outbox import sync_summary

    now = _now()
    with db.read() as s:
        office = get_office(s)
        summary = sync_summary(s, office.code, now)
    for line in status_lines(summary):
        print(line)
    return 0


def _settle(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    import uuid

    from cli.staff_sign_in import sign_in
    from core.errors import MotcuaError
    from local_db.office_settings import get_office
    from local_db.ops.sync_settle import settle_problem

    try:
        op_id = uuid.UUID(args.op_id.strip())
    except ValueError:
        print(_("Not an operation id: {op}").format(op=args.op_id))
        return 1
    try:
        with db.read() as s:
            office_code = get_office(s).code
            device_id = _cli_device(s, office_code)
        actor = sign_in(db, office_code, args.by.strip(), device_id=device_id, command="motcua sync settle")
        with db.write() as s:
            done = settle_problem(s, actor, op_id)
    except MotcuaError as exc:
        print(exc.message)
        return 1
    print(_("{subject} ({op_type}): the centre's version is kept; the agent tells the centre at its next round.")
          .format(subject=done.subject, op_type=done.op_type))
    return 0


def _cli_device(session, office_code):  # type: ignore[no-untyped-def]
    """The device the command line acts from: the enrolled agent's (any of this machine's)."""
    from sqlalchemy import select

    from local_db.models import Device

    device_id = session.scalar(select(Device.id).where(Device.office_code == office_code,
                                                       Device.private_key.is_not(None))
                               .order_by((Device.credential != "").desc(), Device.created_at).limit(1))
    if device_id is None:
        from core.errors import DomainError

        raise DomainError(_("This office has no device yet."), code="no_device")
    return device_id


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else _("never")


def status_lines(summary) -> list[str]:  # type: ignore[no-untyped-def]
    """The summary in words, one fact a line."""
    lines = [
        _("Enrolled: {answer}").format(answer=_("yes") if summary.enrolled else _("no")),
        _("Link to the centre: {state}").format(state=_("online") if summary.online else _("offline")),
        _("Last contact: {at}").format(at=_when(summary.last_contact_at)),
        _("Last push: {at}; last pull: {pull}").format(at=_when(summary.last_push_at),
                                                        pull=_when(summary.last_pull_at)),
        _("Waiting to be sent: {n} operation(s), {held} held behind a refused one").format(
            n=summary.pending, held=summary.held),
    ]
    if summary.oldest_pending_age is not None:
        hours = summary.oldest_pending_age.total_seconds() / 3600
        lines.append(_("Oldest waiting: {at} ({hours:.1f} h ago)").format(at=_when(summary.oldest_pending_at),
                                                                          hours=hours))
    if summary.credential_refused:
        lines.append(_("The centre refuses this machine's credential: enrol it again."))
    if summary.last_error:
        lines.append(_("Last error: {error}").format(error=summary.last_error))
    if summary.clock_warning:
        lines.append(_("This machine's clock differs from the centre's by {minutes:.0f} minutes: please set it "
                       "right.").format(minutes=abs(summary.clock_skew_seconds or 0) / 60))
    if summary.problem_count:
        lines.append(_("Refused by the centre: {n}").format(n=summary.problem_count))
        for p in summary.problems:
            lines.append(f"  #{p.seq} {p.entity} {p.op_type} [{p.state}] {p.op_id} {p.reason}")
    if summary.settling:
        lines.append(_("Settled here, the centre is told at the next round: {n}").format(n=len(summary.settling)))
        for p in summary.settling:
            lines.append(f"  #{p.seq} {p.entity} {p.op_type} [{p.state}] {p.op_id}")
    for notice in summary.notices:
        lines.append(_("Notice: {message}").format(message=notice.message))
    return lines
