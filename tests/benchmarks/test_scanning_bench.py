"""The scanning benchmark group runs (tiny), needs no database, and fails on a frame it cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import harness, scanning
from benchmarks.__main__ import load_groups


def test_the_group_is_registered_with_its_target() -> None:
    groups = load_groups()
    assert "scanning" in groups
    assert groups["scanning"].targets["qr_decode_frame_p95_ms"].describe() == "< 40"


def test_the_group_runs_at_a_tiny_scale_and_writes_its_figures(tmp_path: Path) -> None:
    load_groups()
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    outcome = harness.run(["scanning"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    for name in ("qr_decode_frame_p50_ms", "qr_decode_frame_p95_ms", "qr_decode_empty_frame_p95_ms",
                 "token_sign_verify_per_s"):
        assert figures[name] > 0, name
    assert figures["qr_decode_frame_p50_ms"] <= figures["qr_decode_frame_p95_ms"] <= figures["qr_decode_frame_max_ms"]
    assert not (tmp_path / "no-cache").exists()  # no big database involved
    assert outcome.metrics["token_sign_verify_per_s"] == figures["token_sign_verify_per_s"]


def test_a_frame_that_does_not_decode_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanning, "decode_frame", lambda *a, **k: None)
    with pytest.raises(AssertionError, match="did not decode"):
        scanning.run_scanning(harness.Context(scale="tiny", log=lambda _m: None))
