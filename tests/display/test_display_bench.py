"""The display benchmark group runs (tiny): a real board process shows calls committed by
this process, and the figures are real latencies within the polling cycle."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import harness


def test_the_display_group_measures_call_to_board_on_a_real_board_process(tmp_path: Path) -> None:
    import benchmarks.display  # registers the group (benchmarks/__main__.py lists it for make bench)

    group = harness.registered()["display"]
    assert group.targets["call_to_board_p95_ms"].describe() == "< 500"
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    harness.run(["display"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    assert 0 < figures["call_to_board_p50_ms"] <= figures["call_to_board_p95_ms"] < 5000
    assert benchmarks.display.CALLS["tiny"] == 4
