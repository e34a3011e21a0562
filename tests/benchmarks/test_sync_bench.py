"""The sync benchmark group runs (tiny): a real centre on a throwaway PostgreSQL served by
`motcua server run` in its own process, an enrolled agent process that really drains the
office's outbox into it, the direct apply_batch path and a few offices pushing at once.
(Importing benchmarks.sync registers the group, whatever GROUP_MODULES says.)"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks import harness
from benchmarks.sync import SIZES


@pytest.mark.slow
def test_the_sync_group_drains_a_real_backlog_into_a_real_centre_at_a_tiny_scale(tmp_path: Path) -> None:
    from local_db.database import Database
    from local_db.models import Outbox

    targets = harness.registered()["sync"].targets
    assert targets["backlog_15k_drain_s"].describe() == "< 15"
    assert targets["agent_drain_rss_mb"].describe() == "< 150"
    assert targets["backlog_vs_direct_insert_ratio"].describe() == "<= 4"
    assert targets["server_ingest_ops_per_s"].describe() == "> 3000"

    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "cache", work_dir=tmp_path, log=lambda _m: None)
    harness.run(["sync"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    size = SIZES["tiny"]

    for name in ("backlog_15k_drain_s", "agent_drain_rss_mb", "backlog_direct_apply_s",
                 "backlog_vs_direct_insert_ratio", "server_ingest_ops_per_s", "server_ingest_ops_per_server_cpu_s",
                 "server_push_p50_ms", "server_push_p95_ms"):
        assert isinstance(figures[name], (int, float)) and math.isfinite(figures[name]) and figures[name] > 0, name
    assert 20 < figures["agent_drain_rss_mb"] < 1000  # a Python process's VmHWM, in MB
    assert figures["backlog_vs_direct_insert_ratio"] == pytest.approx(  # (both times are rounded to the ms)
        figures["backlog_15k_drain_s"] / figures["backlog_direct_apply_s"], rel=0.02)
    assert figures["server_push_p50_ms"] <= figures["server_push_p95_ms"]

    # Every op of the backlog reached the centre, and the office knows it.
    # (the backlog, plus the office's device keys registered when it enrolled)
    assert size.ops <= figures["backlog_ops"] <= size.ops + 5
    assert figures["backlog_server_judged_ops"] == figures["backlog_ops"]
    assert figures["backlog_server_applied_ops"] == figures["backlog_ops"]
    assert figures["server_ingest_ops"] == size.offices * size.batches * 200
    office = Database(f"sqlite:///{tmp_path / 'sync-bench' / 'office-drain.db'}")
    try:
        with office.read() as s:
            states = dict(s.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
    finally:
        office.dispose()
    assert states.get("pending", 0) == states.get("sent", 0) == states.get("held", 0) == 0
    assert states["acked"] >= size.ops
