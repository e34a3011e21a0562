"""The booking benchmark group runs (tiny): a real centre on a throwaway PostgreSQL served by
`motcua server run`, citizens racing through the site's forms for the last 20 online places
of a slot — exactly 20 get one, whatever the number of racers — and phones loading the slot
page. (Importing benchmarks.booking registers the group.)"""

from __future__ import annotations

import pytest

import json
from pathlib import Path

from benchmarks import booking, harness


@pytest.mark.slow
def test_the_booking_race_gives_exactly_the_places_left_and_the_slot_page_is_timed(tmp_path: Path) -> None:
    targets = harness.registered()["booking"].targets
    assert targets["booking_race_successes"].describe() == "== 20"
    assert targets["booking_page_p95_ms"].describe() == "< 300"

    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "cache", work_dir=tmp_path, log=lambda _m: None)
    harness.run(["booking"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())

    racers, phones, rounds = booking.SIZES["tiny"]
    assert racers > booking.RACE_LEFT  # more citizens than places
    assert figures["booking_race_clients"] == racers
    assert figures["booking_race_successes"] == booking.RACE_LEFT
    assert figures["booking_page_requests"] == phones * rounds
    assert 0 < figures["booking_page_p50_ms"] <= figures["booking_page_p95_ms"]
