"""The counter benchmark group runs (tiny): a real `motcua counter` cold start."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import harness
from benchmarks.__main__ import load_groups


def test_the_counter_group_starts_a_real_counter_process(tmp_path: Path) -> None:
    groups = load_groups()
    assert groups["counter"].targets["counter_cold_start_s"].describe() == "< 2"
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    harness.run(["counter"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    assert 0 < figures["counter_cold_start_s"] <= figures["counter_cold_start_p95_s"] < 30
