"""The counter benchmark group runs (tiny): a real `motcua counter` cold start, intake
saves that really receive dossiers and build their receipts, and the dashboard."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import harness
from benchmarks.__main__ import load_groups


def test_the_counter_group_runs_at_a_tiny_scale_on_real_dossiers(tmp_path: Path) -> None:
    from local_db.database import Database
    from local_db.models import Dossier, PrintJob

    groups = load_groups()
    targets = groups["counter"].targets
    assert targets["counter_cold_start_s"].describe() == "< 2"
    assert targets["intake_save_receipt_p95_ms"].describe() == "< 200"
    assert targets["dashboard_30d_p95_ms"].describe() == "< 1000"
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    harness.run(["counter"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    assert 0 < figures["counter_cold_start_s"] <= figures["counter_cold_start_p95_s"] < 30
    assert 0 < figures["intake_save_receipt_p50_ms"] <= figures["intake_save_receipt_p95_ms"]
    assert 0 < figures["dashboard_30d_p50_ms"] <= figures["dashboard_30d_p95_ms"]
    db = Database(f"sqlite:///{tmp_path / 'counter-bench' / 'kiosk-bench.db'}")
    with db.read() as s:
        receipts = s.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.document == "receipt"))
        bench_dossiers = s.scalar(select(func.count()).select_from(Dossier).where(Dossier.status == "received"))
    db.dispose()
    assert receipts == 3 and bench_dossiers >= 3
