"""A worker process for the robustness tests.

    python -m tests.support.ticket_worker URL MODE N [--days D] [--wait]

MODE "tickets": issue N tickets, alternating services, each in its own write transaction.
MODE "mixed": the same, but every third operation receives a dossier instead.
--days D (default 1): operation i happens on office day today + (i mod D); round robin
keeps every run and every worker on the same days, racing for the same numbers.
--wait: once imported and connected, print ``READY`` and wait for a line on stdin before
the first operation, so a test can start its next worker while it checks the last one.

Before entering each transaction it prints ``BEGIN i`` (flushed); after the commit,
``DONE i <kind> <id> <code>``. A test that kills the process right after a ``BEGIN``
therefore knows which operations were committed and which one may have been cut off.
The actor is the office's first device. Imports are kept lean: the kill loop starts this
process dozens of times.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core.actor import Actor
from local_db.database import Database
from local_db.models import Device
from local_db.ops.queue import issue_ticket

SERVICES = ("HT", "CT", "KD", "XH")
PROCEDURE = "2.000815"  # attestation of copies: same day, two documents


def office_actor(db: Database) -> Actor:
    with db.read() as s:
        device = s.scalars(select(Device).order_by(Device.created_at, Device.name)).first()
        if device is None:
            raise SystemExit("no device in this database: build the office first")
        return Actor(office_code=device.office_code, device_id=device.id, label=f"worker {device.name}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ticket_worker")
    parser.add_argument("url")
    parser.add_argument("mode", choices=("tickets", "mixed"))
    parser.add_argument("n", type=int)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--wait", action="store_true")
    args = parser.parse_args(argv)
    mode, days = args.mode, args.days
    db = Database(args.url)
    actor = office_actor(db)
    out = sys.stdout
    if mode == "mixed":
        from local_db.ops.citizens import CitizenInput
        from local_db.ops.dossiers import DocumentLine, receive_dossier

        applicant = CitizenInput(full_name="Trần Thị Kiểm Thử", cccd="001190054321", phone="0912000111")
        documents = [DocumentLine("Bản chính giấy tờ", originals=1), DocumentLine("Bản sao cần chứng thực", copies=1)]
    if args.wait:
        out.write("READY\n")
        out.flush()
        if not sys.stdin.readline():
            return 0  # the test went away without giving the go
    tickets = 0
    for i in range(args.n):
        now = datetime.now(timezone.utc) + timedelta(days=i % days)
        out.write(f"BEGIN {i}\n")
        out.flush()
        if mode == "mixed" and i % 3 == 2:
            with db.write() as s:
                d = receive_dossier(s, actor, procedure_code=PROCEDURE, applicant=applicant, documents=documents,
                                    now=now)
            out.write(f"DONE {i} dossier {d.id} {d.code}\n")
        else:
            with db.write() as s:
                t = issue_ticket(s, actor, SERVICES[tickets % len(SERVICES)], now=now)
            tickets += 1
            out.write(f"DONE {i} ticket {t.id} {t.code}\n")
        out.flush()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
