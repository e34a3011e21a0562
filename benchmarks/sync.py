"""Sync figures (issue 7): the office's backlog drained into the central server, and the
server's ingest under fifty offices at once. The centre runs on a real PostgreSQL (a
throwaway cluster, tests/support/pg_cluster.py, stopped at the end) and is served by
``motcua server run`` (uvicorn) on 127.0.0.1 in its own process.

* ``backlog_15k_drain_s``: an office that was offline for days (the demo simulation's
  tickets with their calls, dossiers, appointments, slots and feedback, made by the office
  operations themselves, ~15,000 ops waiting in its outbox, cached in benchmarks/cache/)
  enrols, then its agent — a separate process, default batch of 200 — runs one round
  (``Agent.run_once``: push everything, pull what came back); the time of that round.
* ``agent_drain_rss_mb``: that agent process's peak resident memory (VmHWM) after the round.
* ``backlog_vs_direct_insert_ratio``: the same batches (read from the same outbox with the
  agent's own ``next_batch``) applied by ``sync.server.apply.apply_batch`` directly, one
  write transaction per batch, no HTTP, on a fresh centre database of the same kind;
  drain time / direct time (``backlog_direct_apply_s`` is the direct time).
* ``server_ingest_ops_per_s``: 50 enrolled devices of 50 offices (one thread and one
  requests session each) push their batches of 200 at once, each office its own copy of a
  window of the backlog (every id remapped, so nothing is a duplicate); all ops / wall time.
  ``server_push_p95_ms`` (and ``_p50_ms``): the push request latency under that load.
  ``server_ingest_ops_per_server_cpu_s``: the same ops per CPU second the server process
  used meanwhile — what one server core could take, however busy the machine was.

Everything checks that it really happened: the drain and the direct path must leave every
op judged on the centre (``backlog_server_applied_ops`` = ``backlog_ops``), and every push
must answer 200 with one result per op.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks import harness
from benchmarks.harness import Context, Target, percentile

TARGETS = {
    "backlog_15k_drain_s": Target(15, "<"),
    "agent_drain_rss_mb": Target(150, "<"),
    "backlog_vs_direct_insert_ratio": Target(4, "<="),
    "server_ingest_ops_per_s": Target(3000, ">"),
}


@dataclass(frozen=True)
class Size:
    ops: int  # the office's backlog
    days: int  # simulated office days the backlog is taken from
    offices: int  # simulated offices pushing at once
    batches: int  # batches of INGEST_BATCH each of them pushes


SIZES = {
    "full": Size(ops=15_000, days=35, offices=50, batches=3),
    "small": Size(ops=2_000, days=5, offices=10, batches=2),
    "tiny": Size(ops=500, days=1, offices=3, batches=1),
}
AGENT_BATCH = 200  # the agent's default (sync.agent.DEFAULT_BATCH)
INGEST_BATCH = 200
SERVER_WORKERS = 1  # `motcua server run` default: one uvicorn process
INGEST_WORKERS = 1  # (one process: its pid is the server whose CPU time is read; 2 measured no better on 2 cores)
SEED = 2026
SEED_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)  # a Friday, 17:00 in Hà Nội
CACHE_VERSION = "1"  # bump when the backlog's contents change
ROOT = harness.BENCH_DIR.parent
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --- the office backlog --------------------------------------------------------------------


def backlog_office(ctx: Context, size: Size) -> Path:
    """An office database with exactly ``size.ops`` ops waiting in its outbox, built by the
    demo simulation (the office operations themselves) and cached; later ops of the
    simulation beyond that number are marked acked (they never leave)."""
    from sqlalchemy import func, select, update

    from local_db import migrate
    from local_db.database import Database
    from local_db.demo.seed import seed_demo
    from local_db.models import Outbox

    path = ctx.cache_dir / f"sync-office-{size.ops}-{size.days}d-v{CACHE_VERSION}.db"
    if path.exists() and not ctx.rebuild:
        return path
    ctx.cache_dir.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    ctx.log(f"sync: simulating {size.days} office days for a backlog of {size.ops:,} ops (cached after)...")
    t0 = time.perf_counter()
    db = Database(f"sqlite:///{building}")
    try:
        migrate.upgrade(db)
        seed_demo(db, seed=SEED, days=size.days, now=SEED_NOW)
        with db.write() as s:
            made = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.state == "pending")) or 0
            if made < size.ops:
                raise RuntimeError(f"the simulation made {made} ops, fewer than {size.ops}: raise Size.days")
            last = s.scalar(select(Outbox.seq).where(Outbox.state == "pending").order_by(Outbox.seq)
                            .offset(size.ops - 1).limit(1))
            s.execute(update(Outbox).where(Outbox.seq > last).values(state="acked", acked_at=SEED_NOW))
    finally:
        db.dispose()
    _checkpoint(building)
    os.replace(building, path)
    ctx.log(f"sync: backlog built in {time.perf_counter() - t0:.1f} s")
    return path


def _checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def scratch_copy(src: Path, dest: Path) -> str:
    dest.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    shutil.copy(src, dest)
    return f"sqlite:///{dest}"


def office_code_of(url: str) -> str:
    from local_db.database import Database
    from local_db.office_settings import get_office

    db = Database(url)
    try:
        with db.read() as s:
            return get_office(s).code
    finally:
        db.dispose()


def read_batches(url: str, office_code: str, batch: int) -> list[list[Any]]:
    """The outbox as the agent sends it: its own next_batch, in seq order, as wire ops."""
    from local_db.database import Database
    from local_db.ops.sync_outbox import next_batch
    from sync.agent import to_wire

    db = Database(url)
    out: list[list[Any]] = []
    try:
        after = 0
        while True:
            with db.read() as s:
                ops = next_batch(s, office_code, batch, after_seq=after)
            if not ops:
                return out
            out.append([to_wire(op) for op in ops])
            after = ops[-1].seq
    finally:
        db.dispose()


def pending_ops(url: str) -> int:
    from sqlalchemy import func, select

    from local_db.database import Database
    from local_db.models import Outbox
    from local_db.ops.sync_outbox import WAITING_STATES

    db = Database(url)
    try:
        with db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Outbox).where(Outbox.state.in_(WAITING_STATES))) or 0)
    finally:
        db.dispose()


# --- the centre: PostgreSQL databases and the server process -----------------------------


class Centres:
    """Fresh migrated centre databases on one throwaway PostgreSQL cluster."""

    def __init__(self, cluster: Any) -> None:
        from sync.server import migrate
        from sync.server.database import CentreDatabase

        self.cluster = cluster
        self._admin("CREATE DATABASE centre_template")
        db = CentreDatabase(cluster.url("centre_template"))
        try:
            migrate.upgrade(db)
        finally:
            db.dispose()

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def fresh(self, name: str) -> str:
        self._admin(f"CREATE DATABASE {name} TEMPLATE centre_template")
        return self.cluster.url(name)


@contextmanager
def pg_cluster() -> Iterator[Any]:
    from tests.support.pg_cluster import PgCluster

    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server_process(database_url: str, log_path: Path, *, workers: int,
                   env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``motcua server run`` on 127.0.0.1 in its own process (``env``: extra environment,
    e.g. server settings): (its base URL, its pid); stopped after."""
    import requests

    port = _free_port()
    cmd = [sys.executable, "-m", "cli", "server", "run", "--database-url", database_url, "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    probe = requests.Session()
    probe.trust_env = False  # loopback, never through a proxy from the environment
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the centre did not start: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if probe.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the centre did not answer within 60 s")
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        probe.close()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)  # the server's own process group (start_new_session)
                proc.wait(10)


def _public_key() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def enrolled_devices(db: Any, office_codes: list[str]) -> list[tuple[Any, str]]:
    """Create each office on the centre and enrol one agent device for it: (DeviceRef, credential)."""
    from sync.protocol import EnrollRequest
    from sync.server import admin, auth

    out = []
    with db.write() as s:
        for code in office_codes:
            admin.create_office(s, code, name_vi=f"UBND Phường {code}", name_en=f"Ward {code}")
            one_time = admin.enrollment_code(s, code)
            resp = auth.enroll(s, EnrollRequest(code=one_time, device_name=f"bench-agent-{code}", device_kind="agent",
                                                public_key=_public_key()))
            out.append((auth.DeviceRef(id=resp.device_id, office_code=code, kind="agent",
                                       name=f"bench-agent-{code}"), resp.credential))
    return out


def judged_ops(db: Any, office_code: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from sync.server.models import CentreOp

    with db.read() as s:
        return {status: int(n) for status, n in s.execute(
            select(CentreOp.status, func.count()).where(CentreOp.office_code == office_code)
            .group_by(CentreOp.status))}


# --- the agent, in its own process ---------------------------------------------------------


def _agent_main(office_url: str, server_url: str, batch: int) -> None:
    """One agent round on ``office_url``; prints one JSON line (time, counts, VmHWM)."""
    from local_db.database import Database
    from local_db.ops.enrollment import current_enrollment
    from sync.agent import Agent
    from sync.client import CentreClient

    db = Database(office_url)
    with db.read() as s:
        enrollment = current_enrollment(s)
    assert enrollment is not None, "the office is not enrolled"
    client = CentreClient(server_url, enrollment.credential, timeout=(5.0, 120.0))
    agent = Agent(db, client, office_code=enrollment.office_code, batch=batch)
    start = time.perf_counter()
    report = agent.run_once()
    seconds = time.perf_counter() - start
    client.close()
    db.dispose()
    print(json.dumps({"seconds": seconds, "ok": report.ok, "error": report.error, "pushed": report.pushed,
                      "acked": report.acked, "rejected": report.rejected, "conflict": report.conflict,
                      "held": report.held, "pulled": report.pulled, "vmhwm_kb": _status_kb("VmHWM")}), flush=True)


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run_agent(office_url: str, server_url: str, batch: int, timeout: float) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "benchmarks.sync", "agent", office_url, server_url, str(batch)],
                         cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    lines = [x for x in out.stdout.splitlines() if x.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"the agent failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])


# --- the measurements ----------------------------------------------------------------------


def drain(ctx: Context, centres: Centres, office_src: Path, size: Size) -> dict[str, Any]:
    """Enrol the office with a fresh centre, then one agent round in its own process."""
    from sync.enroll import enroll_office
    from sync.server import admin
    from sync.server.database import CentreDatabase

    work = ctx.work_dir / "sync-bench"
    office_url = scratch_copy(office_src, work / "office-drain.db")
    code = office_code_of(office_url)
    centre_url = centres.fresh("centre_drain")
    db = CentreDatabase(centre_url)
    try:
        with db.write() as s:
            admin.create_office(s, code, name_vi="UBND Phường Ba Đình", name_en="Ba Dinh Ward")
            one_time = admin.enrollment_code(s, code)
        with server_process(centre_url, work / "server-drain.log", workers=SERVER_WORKERS) as (base, _pid):
            from local_db.database import Database

            office = Database(office_url)
            try:
                enroll_office(office, base, one_time, device_name="bench-agent")
            finally:
                office.dispose()
            # (Enrolling adds the registration of the office's existing device keys: a few ops.)
            waiting = pending_ops(office_url)
            ctx.log(f"sync: the agent drains {waiting:,} ops...")
            got = run_agent(office_url, base, AGENT_BATCH, timeout=600)
        judged = judged_ops(db, code)
    finally:
        db.dispose()
    if not got["ok"] or got["pushed"] != waiting or waiting < size.ops:
        raise RuntimeError(f"the drain did not push the backlog of {waiting}: {got}")
    left = pending_ops(office_url)
    if sum(judged.values()) != waiting or left:
        raise RuntimeError(f"the centre judged {judged} of {waiting} ops; {left} still waiting in the office")
    return {"seconds": got["seconds"], "rss_mb": got["vmhwm_kb"] / 1024, "judged": judged, "code": code,
            "pulled": got["pulled"], "ops": waiting}


def direct(ctx: Context, centres: Centres, batches: list[list[Any]], code: str) -> dict[str, Any]:
    """The same batches through apply_batch, one write transaction each, no HTTP."""
    from sync.server.apply import apply_batch
    from sync.server.database import CentreDatabase

    db = CentreDatabase(centres.fresh("centre_direct"))
    try:
        [(device, _cred)] = enrolled_devices(db, [code])
        ctx.log(f"sync: the same {len(batches)} batches straight into apply_batch...")
        start = time.perf_counter()
        for ops in batches:
            with db.write() as s:
                apply_batch(s, device, ops, datetime.now(timezone.utc))
        seconds = time.perf_counter() - start
        judged = judged_ops(db, code)
    finally:
        db.dispose()
    n = sum(len(b) for b in batches)
    if sum(judged.values()) != n:
        raise RuntimeError(f"apply_batch judged {judged} of {n} ops")
    return {"seconds": seconds, "judged": judged}


def office_bodies(window: list[Any], office_code: str, credential_office: str, batch: int) -> list[bytes]:
    """The window's ops as another office's own: every id remapped (uuid5 per office, so the
    references between them still hold), the office code replaced; JSON push bodies."""
    from sync.protocol import PushRequest

    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"motcua-bench/{credential_office}")
    memo: dict[str, str] = {}

    def remap(m: re.Match[str]) -> str:
        found = m.group(0)
        if found not in memo:
            memo[found] = str(uuid.uuid5(namespace, found))
        return memo[found]

    bodies = []
    for i in range(0, len(window), batch):
        text = PushRequest(ops=window[i:i + batch]).model_dump_json()
        text = UUID_RE.sub(remap, text).replace(f'"office_code":"{office_code}"',
                                                 f'"office_code":"{credential_office}"')
        bodies.append(text.encode("utf-8"))
    return bodies


def ingest(ctx: Context, centres: Centres, batches: list[list[Any]], code: str, size: Size) -> dict[str, Any]:
    """``size.offices`` offices push ``size.batches`` batches each, all at once."""
    import requests

    from sync.protocol import API, PushResponse
    from sync.server.database import CentreDatabase

    flat = [op for b in batches for op in b]
    per_office = size.batches * INGEST_BATCH
    if len(flat) < per_office:
        raise RuntimeError(f"the backlog ({len(flat)} ops) is smaller than one office's pushes ({per_office})")
    start_at = min(len(flat) // 2, len(flat) - per_office)  # mid-history: tickets, dossiers, bookings
    window = flat[start_at:start_at + per_office]
    codes = [f"I{k + 1:04d}" for k in range(size.offices)]
    centre_url = centres.fresh("centre_ingest")
    db = CentreDatabase(centre_url)
    try:
        devices = enrolled_devices(db, codes)
        bodies = [office_bodies(window, code, c, INGEST_BATCH) for c in codes]
        work = ctx.work_dir / "sync-bench"
        with server_process(centre_url, work / "server-ingest.log", workers=INGEST_WORKERS) as (base, pid):
            latencies: list[float] = []
            statuses: dict[str, int] = {}
            errors: list[str] = []
            lock = threading.Lock()
            barrier = threading.Barrier(size.offices + 1)

            def office(k: int) -> None:
                session = requests.Session()
                session.trust_env = False
                session.headers.update({"Authorization": f"Bearer {devices[k][1]}",
                                        "Content-Type": "application/json"})
                mine: list[float] = []
                seen: dict[str, int] = {}
                try:
                    session.get(base + API + "/time", timeout=(5, 60))  # connect (and warm) before the start
                    barrier.wait()
                    for body in bodies[k]:
                        t = time.perf_counter()
                        resp = session.post(base + API + "/push", data=body, timeout=(5, 120))
                        mine.append((time.perf_counter() - t) * 1000)
                        if resp.status_code != 200:
                            raise RuntimeError(f"push answered {resp.status_code}: {resp.text[:300]}")
                        for r in PushResponse.model_validate_json(resp.content).results:
                            seen[r.status] = seen.get(r.status, 0) + 1
                except Exception as exc:  # reported below; the others carry on
                    with lock:
                        errors.append(f"{codes[k]}: {type(exc).__name__}: {exc}")
                    barrier.abort()  # (harmless once every office has started)
                finally:
                    session.close()
                with lock:
                    latencies.extend(mine)
                    for key, n in seen.items():
                        statuses[key] = statuses.get(key, 0) + n

            threads = [threading.Thread(target=office, args=(k,), daemon=True) for k in range(size.offices)]
            for t in threads:
                t.start()
            ctx.log(f"sync: {size.offices} offices push {size.batches} batches of {INGEST_BATCH} at once...")
            barrier.wait(timeout=120)
            start, cpu_before = time.perf_counter(), cpu_seconds(pid)
            for t in threads:
                t.join(600)
            wall, server_cpu = time.perf_counter() - start, cpu_seconds(pid) - cpu_before
        judged = sum(sum(judged_ops(db, c).values()) for c in codes)
    finally:
        db.dispose()
    total = size.offices * per_office
    if errors or sum(statuses.values()) != total or judged != total:
        raise RuntimeError(f"ingest: {errors[:3]} results {statuses}, judged {judged} of {total}")
    return {"ops": total, "wall": wall, "latencies": latencies, "statuses": statuses, "server_cpu": server_cpu}


@harness.group("sync", targets=TARGETS)
def sync(ctx: Context) -> dict[str, float]:
    """Backlog drain through a real server on PostgreSQL, direct apply, 50-office ingest."""
    size = SIZES.get(ctx.scale, SIZES["small"])
    office_src = backlog_office(ctx, size)
    work = ctx.work_dir / "sync-bench"
    batches = read_batches(scratch_copy(office_src, work / "office-batches.db"), office_code_of(
        f"sqlite:///{office_src}"), AGENT_BATCH)
    mix = Counter(op.entity for ops in batches for op in ops)
    ctx.log(f"sync: the backlog: {', '.join(f'{n:,} {entity}' for entity, n in mix.most_common())} ops")
    metrics: dict[str, float] = {}
    ctx.log("sync: starting a throwaway PostgreSQL cluster...")
    with pg_cluster() as cluster:
        centres = Centres(cluster)
        drained = drain(ctx, centres, office_src, size)
        direct_run = direct(ctx, centres, batches, drained["code"])
        ingested = ingest(ctx, centres, batches, drained["code"], size)
    metrics["backlog_ops"] = float(drained["ops"])  # the backlog and the enrolment's key registrations
    metrics["backlog_server_applied_ops"] = float(drained["judged"].get("applied", 0))
    metrics["backlog_server_judged_ops"] = float(sum(drained["judged"].values()))
    metrics["backlog_15k_drain_s"] = round(drained["seconds"], 3)
    metrics["backlog_drain_ops_per_s"] = round(drained["ops"] / drained["seconds"], 1)
    metrics["agent_drain_rss_mb"] = round(drained["rss_mb"], 1)
    metrics["backlog_direct_apply_s"] = round(direct_run["seconds"], 3)
    metrics["backlog_vs_direct_insert_ratio"] = round(drained["seconds"] / direct_run["seconds"], 2)
    metrics["server_ingest_ops"] = float(ingested["ops"])
    metrics["server_ingest_ops_per_s"] = round(ingested["ops"] / ingested["wall"], 1)
    # The server process's own CPU per op: what the figure would be with a core to itself
    # (the benchmark shares the machine with PostgreSQL, the 50 clients and whatever else runs).
    metrics["server_ingest_ops_per_server_cpu_s"] = round(ingested["ops"] / max(ingested["server_cpu"], 1e-3), 1)
    metrics["server_push_p50_ms"] = round(percentile(ingested["latencies"], 50), 1)
    metrics["server_push_p95_ms"] = round(percentile(ingested["latencies"], 95), 1)
    ctx.log(f"sync: drain judged {drained['judged']}, pulled back {drained['pulled']}; direct judged "
            f"{direct_run['judged']}; ingest results {ingested['statuses']}")
    return metrics


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "agent":
        _agent_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("usage: python -m benchmarks.sync agent OFFICE_URL SERVER_URL BATCH "
                 "(the benchmark itself: python -m benchmarks --only sync)")
