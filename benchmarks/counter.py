"""Counter figures.

* ``counter_cold_start_s``: ``python -m cli counter --exit-after-start`` offscreen on a small
  seeded office, from spawning the process to its "ready" line (printed once the sign-in
  screen is shown and the event loop runs); median and p95 of several starts.
"""

from __future__ import annotations

import statistics

from benchmarks import harness
from benchmarks.harness import Context, Target, percentile
from benchmarks.kiosk import SAMPLES, cold_start, seeded_office

TARGETS = {
    "counter_cold_start_s": Target(2, "<"),
}


@harness.group("counter", targets=TARGETS)
def counter(ctx: Context) -> dict[str, float]:
    """Counter cold start."""
    counts = SAMPLES.get(ctx.scale, SAMPLES["small"])
    scratch = ctx.work_dir / "counter-bench"
    ctx.log("counter: seeding a small demo office...")
    url = seeded_office(scratch)
    ctx.log(f"counter_cold_start: {counts['starts']} starts...")
    starts = [cold_start(url, scratch, app="counter") for _ in range(counts["starts"])]
    return {"counter_cold_start_s": round(statistics.median(starts), 3),
            "counter_cold_start_p95_s": round(percentile(starts, 95), 3)}
