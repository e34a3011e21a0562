"""``python -m benchmarks [--only GROUP] [--scale small|full] [--rebuild]`` (``make bench``).

Runs the benchmark groups, prints their figures against the targets and merges them into
benchmarks/results.json. A later issue adds its group by writing a module that registers
it with ``benchmarks.harness.group`` and naming that module in GROUP_MODULES below.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from benchmarks import harness

# Modules that register benchmark groups, in the order they run.
GROUP_MODULES = [
    "benchmarks.foundation",
    "benchmarks.scanning",
    "benchmarks.documents",
    "benchmarks.kiosk",
    "benchmarks.counter",
    "benchmarks.display",
    "benchmarks.sync",
    "benchmarks.booking",
    "benchmarks.attachments",
]


def load_groups() -> dict[str, harness.Group]:
    for module in GROUP_MODULES:
        importlib.import_module(module)
    return harness.registered()


def main(argv: list[str] | None = None) -> int:
    # Every window measured renders offscreen (a desktop's own platform would add its
    # compositor's time to the figures), whatever the shell has set; the apps the benchmarks
    # start inherit it.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    groups = load_groups()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(groups), metavar="GROUP",
                        help=f"run only this group (repeatable); groups: {', '.join(groups)}")
    parser.add_argument("--scale", choices=harness.SCALES, default="full",
                        help="full = the issue's sizes (default); small = a quick smoke run")
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached big databases")
    parser.add_argument("--results", type=Path, default=None,
                        help="results file (default: benchmarks/results.json at full scale, "
                             "benchmarks/cache/results-small.json at small scale)")
    args = parser.parse_args(argv)

    results = args.results
    if results is None:
        results = harness.RESULTS_PATH if args.scale == "full" else harness.CACHE_DIR / "results-small.json"
    ctx = harness.Context(scale=args.scale, rebuild=args.rebuild)
    outcome = harness.run(args.only, ctx, results_path=results)
    print()
    print(harness.format_table(outcome.metrics, harness.all_targets()))
    print()
    print(f"{len(outcome.metrics)} figures written to {results} in {outcome.seconds:.0f} s")
    if outcome.missed:
        print(f"targets missed: {', '.join(sorted(outcome.missed))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
