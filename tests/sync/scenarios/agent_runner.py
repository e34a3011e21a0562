"""The office's sync agent as a process of its own, for the kill and memory scenarios.

    python -m tests.sync.scenarios.agent_runner DB_URL SERVER_URL PHASES_FILE [--batch N] [--page N]
                                                [--until-idle]

Rounds one after the other (as ``motcua sync run`` does, without the waits) with the
credential the office database holds. Each step is written to PHASES_FILE (one line, flushed
at once) before it starts — ``push`` (a request in flight), ``record`` (its answers being
written), ``pull``, ``apply`` (a page being applied) — so a test that kills the process
knows where it struck. With ``--until-idle`` it stops after a round that found nothing to
do, and prints its peak resident memory (kB) last.

    python -m tests.sync.scenarios.agent_runner --serve

reads one argument line at a time on stdin and runs each as a fresh agent process forked
from this one (imports done once, so a kill loop does not pay Python's start-up each life):
it answers ``pid N`` at once, then ``exit N STATUS`` when that agent is gone.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path
from typing import Any

import sync.agent as agent_module
from local_db.database import Database
from local_db.office_settings import get_office
from local_db.ops.enrollment import current_enrollment
from sync.agent import Agent
from sync.client import CentreClient


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("server_url")
    parser.add_argument("phases")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--until-idle", action="store_true")
    args = parser.parse_args(argv)
    phases = open(args.phases, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (open until killed)

    def phase(name: str) -> None:
        phases.write(name + "\n")
        phases.flush()
        os.fsync(phases.fileno())

    db = Database(args.db_url)
    with db.read() as s:
        office_code = get_office(s).code
        enrollment = current_enrollment(s)
    assert enrollment is not None, "the office is not enrolled"
    client = CentreClient(args.server_url, enrollment.credential, timeout=(2.0, 20.0))
    real_push, real_pull = client.push, client.pull
    real_record, real_apply = agent_module.record_results, agent_module.apply_page

    def push(ops: Any) -> Any:
        phase("push")
        return real_push(ops)

    def pull(after: str, limit: int) -> Any:
        phase("pull")
        return real_pull(after, limit)

    def record(*a: Any, **k: Any) -> Any:
        phase("record")
        return real_record(*a, **k)

    def apply(*a: Any, **k: Any) -> Any:
        phase("apply")
        return real_apply(*a, **k)

    client.push, client.pull = push, pull  # type: ignore[method-assign]
    agent_module.record_results, agent_module.apply_page = record, apply  # type: ignore[assignment]
    agent = Agent(db, client, office_code=office_code, batch=args.batch, page=args.page)
    phase("ready")
    idle = 0
    while True:
        report = agent.run_once()
        phase(f"round ok={report.ok} pushed={report.pushed} pulled={report.pulled}")
        idle = idle + 1 if report.ok and report.pushed == 0 and report.pulled == 0 else 0
        if args.until_idle and idle:
            break
    phase("done")
    print(peak_rss_kb())
    return 0


def peak_rss_kb() -> int:
    """This process's peak resident memory (kB): VmHWM, which an exec starts afresh (ru_maxrss
    on Linux keeps the peak of the process that forked and exec'ed us)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def serve() -> int:
    for line in sys.stdin:
        argv = line.split()
        if not argv:
            continue
        pid = os.fork()
        if pid == 0:  # the agent: a process of its own, killed or not
            code = 1
            try:
                code = main(argv)
            finally:
                sys.stdout.flush()
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _done, status = os.waitpid(pid, 0)
        print(f"exit {pid} {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else main(sys.argv[1:]))
