"""The kiosk benchmark group runs (tiny): a real `motcua kiosk` cold start, taps to a
ticket in an offscreen window, and the memory figures."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from benchmarks import harness
from benchmarks.__main__ import load_groups


def test_the_group_is_registered_with_its_targets() -> None:
    groups = load_groups()
    targets = groups["kiosk"].targets
    assert targets["kiosk_cold_start_s"].describe() == "< 2"
    assert targets["kiosk_tap_to_ticket_p95_ms"].describe() == "< 150"
    assert targets["kiosk_rss_growth_pct"].describe() == "< 10"


def test_the_group_runs_at_a_tiny_scale_and_the_tickets_are_real(tmp_path: Path) -> None:
    from local_db.database import Database
    from local_db.models import PrintJob, Ticket

    load_groups()
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    outcome = harness.run(["kiosk"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    assert 0 < figures["kiosk_cold_start_s"] <= figures["kiosk_cold_start_p95_s"] < 30
    assert 0 < figures["kiosk_tap_to_ticket_p50_ms"] <= figures["kiosk_tap_to_ticket_p95_ms"]
    assert figures["kiosk_rss_after_first_mib"] > 50  # a Qt process, measured for real
    assert "kiosk_rss_growth_pct" in outcome.metrics
    db = Database(f"sqlite:///{tmp_path / 'kiosk-bench' / 'kiosk-bench.db'}")
    with db.read() as s:  # every tap gave a ticket and queued its paper, at the kiosk
        kiosk_tickets = s.scalar(select(func.count()).select_from(Ticket).where(Ticket.source == "walk_in",
                                                                                 Ticket.code.is_not(None)))
        jobs = s.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.document == "ticket"))
    db.dispose()
    assert jobs == 15 and kiosk_tickets >= 15
