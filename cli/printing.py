"""``motcua print``: the print queue of this machine, its worker, a test page, and samples.

What the ward's IT person needs at a terminal: is anything stuck in the queue and why
(``jobs``), does the printer work (``test``), run the worker by hand (``worker``), reprint
or cancel a job (``reprint``, ``cancel``, by a staff member signed in with their password and
recorded under their account), and every
document printed from the office's own data (``samples``).
"""

from __future__ import annotations

import argparse
import threading
import uuid
from pathlib import Path

from cli.common import settings_from


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="print_command", metavar="ACTION", required=True)
    jobs = sub.add_parser("jobs", help="the print jobs of this machine (newest first)")
    jobs.add_argument("--all-devices", action="store_true", help="jobs of every device of the office")
    jobs.add_argument("--state", action="append", choices=["queued", "printing", "done", "failed", "cancelled"],
                      help="only jobs in this state (repeatable)")
    jobs.add_argument("--limit", type=int, default=20)
    worker = sub.add_parser("worker", help="print this machine's queued jobs (until Ctrl+C, or --once)")
    worker.add_argument("--once", action="store_true", help="print what is due now, then stop")
    test = sub.add_parser("test", help="queue a test ticket for this machine's printer and print it now")
    test.add_argument("--printer", help="printer setting to use instead of the machine's")
    test.add_argument("--lang", choices=["vi", "en"], default="vi")
    for name, text in (("reprint", "print a job again"), ("cancel", "cancel a queued or failed job")):
        p = sub.add_parser(name, help=text)
        p.add_argument("job", help="job id (or its last characters, as `motcua print jobs` shows)")
        p.add_argument("--staff", required=True, help="username of the staff member doing it, who signs in: the "
                       "password is asked (from a script, the first line of standard input); the audit log names them")
    samples = sub.add_parser("samples", help="every document, from the office's own data, as PDF (and PNG)")
    samples.add_argument("--out", type=Path, default=Path("motcua-samples"), help="output folder")
    samples.add_argument("--lang", choices=["vi", "en"], action="append", help="language(s); default both")
    samples.add_argument("--png", type=int, metavar="DPI", help="also rasterise each page to PNG at DPI")


def run(args: argparse.Namespace) -> int:
    from local_db.database import Database

    settings = settings_from(args)
    db = Database(settings.effective_database_url)
    try:
        handler = {"jobs": _jobs, "worker": _worker, "test": _test, "reprint": _reprint, "cancel": _cancel,
                   "samples": _samples}[args.print_command]
        return handler(db, settings, args)
    finally:
        db.dispose()


# --- this machine --------------------------------------------------------------------------


def this_device(db, settings) -> tuple[str, uuid.UUID]:  # type: ignore[no-untyped-def]
    """(office code, device id) of this machine, registering the device (and its signing key)
    on first use."""
    from local_db.office_settings import get_office
    from local_db.office_setup import ensure_device

    with db.write() as s:
        office = get_office(s)
        device = ensure_device(s, office.code, settings.effective_device_name, settings.device_kind)
        return office.code, device.id


def _worker_for(db, settings, device_id, printer, on_change=None):  # type: ignore[no-untyped-def]
    from printing.spool import PrintWorker

    return PrintWorker(db, device_id, printer or settings.printer, Path(settings.data_dir) / "prints",
                       on_change=on_change)


def _say_event(event) -> None:  # type: ignore[no-untyped-def]
    job = event.job
    label = job.title or job.document
    if event.state == "done":
        print(f"printed  {short_id(job.id)}  {label}  -> {job.pdf_path}")
    elif event.state == "failed":
        print(f"WAITING  {short_id(job.id)}  {label}: {event.message} (attempt {job.attempts}; it will retry)")


# --- actions -------------------------------------------------------------------------------


def _jobs(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    """The jobs of this machine (or of every device), newest first, at office time (UTC+7:
    the office's clock, whatever the server's time zone), saying what was left out: an
    empty list on a machine that prints nothing must not read as an empty queue."""
    from core.working_calendar import OFFICE_TZ
    from local_db.ops.print_jobs import list_jobs, print_status

    office_code, device_id = this_device(db, settings)
    device = settings.effective_device_name
    with db.read() as s:
        jobs = list_jobs(s, None if args.all_devices else device_id, states=args.state, limit=args.limit,
                         office_code=office_code)
        others = 0 if args.all_devices else _other_devices_jobs(s, office_code, device_id, args.state)
        status = print_status(s, device_id)
    states = f" in state {', '.join(args.state)}" if args.state else ""
    if not jobs:
        if args.all_devices:
            print(f"No print jobs{states} on any device of the office.")
        else:
            print(f"No print jobs{states} from this device ({device}); --all-devices shows every device's: {others}.")
    else:
        whose = "every device of the office" if args.all_devices else f"this device ({device})"
        print(f"Print jobs{states} of {whose}, newest first (at most {args.limit}), office time (UTC+7):")
    for job in jobs:
        when = job.created_at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
        line = f"{short_id(job.id)}  {when}  {job.state:9} {job.document:18} {job.title}"
        if job.state in ("failed", "queued") and job.last_error:
            line += f"  [{job.attempts} attempt(s): {job.last_error}]"
        print(line)
    if jobs and others:
        print(f"--all-devices shows every device's: {others} more from other devices.")
    if status.problem:
        print(f"\nThis machine's printer: {status.waiting} job(s) waiting, {status.failed} failed; "
              f"last error: {status.last_error}")
    return 0


def _other_devices_jobs(session, office_code: str, device_id: uuid.UUID, states) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from local_db.models import PrintJob

    stmt = select(func.count()).select_from(PrintJob).where(
        PrintJob.office_code == office_code, PrintJob.device_id.is_distinct_from(device_id))
    if states:
        stmt = stmt.where(PrintJob.state.in_(tuple(states)))
    return int(session.scalar(stmt) or 0)


def _worker(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    _, device_id = this_device(db, settings)
    worker = _worker_for(db, settings, device_id, None, on_change=_say_event)
    recovered = worker.recover()
    if recovered:
        print(f"{recovered} job(s) left half-printed by a stopped worker are queued again.")
    if args.once:
        worker.run_once()
        return 0
    print(f"Printing on {worker.spec.text or settings.printer}; Ctrl+C to stop.")
    stop = threading.Event()
    try:
        worker.run_forever(stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


def _test(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from local_db.ops.print_jobs import get_job
    from printing.test_page import queue_test_page

    office_code, device_id = this_device(db, settings)
    printer = args.printer or settings.printer
    with db.write() as s:
        job = queue_test_page(s, office_code=office_code, device_id=device_id, printer=printer, lang=args.lang)
    worker = _worker_for(db, settings, device_id, printer, on_change=_say_event)
    worker.run_once()
    with db.read() as s:
        job = get_job(s, job.id)
    return 0 if job.state == "done" else 1


def short_id(job_id: uuid.UUID) -> str:
    """The last 8 hex digits: a UUIDv7 starts with its timestamp, so jobs queued together
    share their first digits but not their last."""
    return str(job_id)[-8:]


def _find_job(db, prefix: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from core.errors import NotFound
    from local_db.models import PrintJob

    try:
        return uuid.UUID(prefix)
    except ValueError:
        pass
    with db.read() as s:
        ids = [row for row in s.scalars(select(PrintJob.id)) if str(row).endswith(prefix.lower())]
    if len(ids) != 1:
        raise NotFound(f"{'No' if not ids else 'More than one'} print job ends with {prefix!r}.", code="no_job")
    return ids[0]


def _staff_actor(db, office_code: str, device_id: uuid.UUID, username: str, command: str):  # type: ignore[no-untyped-def]
    """The staff member doing it, signed in: their password is asked (from a script, the
    first line of standard input), as at a counter; the audit row names them."""
    from cli.staff_sign_in import sign_in

    return sign_in(db, office_code, username, device_id=device_id, command=command)


def _reprint(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from local_db.ops.print_jobs import reprint

    office_code, device_id = this_device(db, settings)
    job_id = _find_job(db, args.job)
    actor = _staff_actor(db, office_code, device_id, args.staff, "motcua print reprint")
    with db.write() as s:
        job = reprint(s, actor, job_id, device_id=device_id, printer=settings.printer)
    print(f"Queued again as {short_id(job.id)} ({job.title or job.document}); `motcua print worker --once` prints it.")
    return 0


def _cancel(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from local_db.ops.print_jobs import cancel

    office_code, device_id = this_device(db, settings)
    job_id = _find_job(db, args.job)
    actor = _staff_actor(db, office_code, device_id, args.staff, "motcua print cancel")
    with db.write() as s:
        job = cancel(s, actor, job_id)
    print(f"Cancelled {short_id(job.id)} ({job.title or job.document}).")
    return 0


def _samples(db, settings, args) -> int:  # type: ignore[no-untyped-def]
    from printing.samples import write_samples

    office_code, device_id = this_device(db, settings)
    written = write_samples(db, office_code, device_id, args.out, langs=tuple(args.lang or ("vi", "en")),
                            png_dpi=args.png, tracking_host=tracking_host(settings.server_url))
    for path in written:
        print(path)
    return 0


def tracking_host(server_url: str) -> str:
    """The host of the central tracking page printed in receipt QR codes ("" when none is set)."""
    from core import server_link

    return server_link.tracking_host(server_url)
