"""The benchmark harness: groups of timed measurements, their targets, and results.json.

A *group* is a function that measures something and returns ``{metric name: number}``.
Groups live in their own modules (``benchmarks/foundation.py``, later printing, kiosk,
sync ...) and register themselves with :func:`group`; ``benchmarks/__main__.py`` lists the
modules to import. Every run merges its figures into ``benchmarks/results.json`` (a flat
JSON object, metric name -> number, the unit in the name) and keeps the figures of groups
that did not run this time, so one group can be re-measured alone.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_PATH = BENCH_DIR / "results.json"
CACHE_DIR = BENCH_DIR / "cache"  # git-ignored: the big databases, built once
SCALES = ("small", "full")


# --- targets and groups --------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a metric should be: ``at most`` / ``under`` a limit (or at least, for rates)."""

    limit: float
    op: str = "<"  # "<", "<=", ">", ">=", "==" (a count that must be exact)

    def met(self, value: float) -> bool:
        return {
            "<": value < self.limit, "<=": value <= self.limit,
            ">": value > self.limit, ">=": value >= self.limit, "==": value == self.limit,
        }[self.op]

    def describe(self) -> str:
        return f"{self.op} {self.limit:g}"


@dataclass
class Context:
    """What a group gets: the scale, where to keep caches and scratch files, a logger."""

    scale: str = "full"
    rebuild: bool = False
    cache_dir: Path = CACHE_DIR
    work_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    log: Callable[[str], None] = lambda msg: print(msg, flush=True)


GroupFn = Callable[[Context], dict[str, float]]


@dataclass(frozen=True)
class Group:
    name: str
    fn: GroupFn
    targets: dict[str, Target]
    doc: str


_REGISTRY: dict[str, Group] = {}


def group(name: str, *, targets: dict[str, Target] | None = None) -> Callable[[GroupFn], GroupFn]:
    """Register a benchmark group; ``targets`` maps some of its metrics to their goals."""

    def register(fn: GroupFn) -> GroupFn:
        _REGISTRY[name] = Group(name=name, fn=fn, targets=dict(targets or {}), doc=(fn.__doc__ or "").strip())
        return fn

    return register


def registered() -> dict[str, Group]:
    return dict(_REGISTRY)


def all_targets() -> dict[str, Target]:
    out: dict[str, Target] = {}
    for g in _REGISTRY.values():
        out.update(g.targets)
    return out


# --- timing --------------------------------------------------------------------------------


def percentile(samples: Iterable[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    data = sorted(samples)
    if not data:
        raise ValueError("no samples")
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    if lo == hi:
        return float(data[lo])
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


@dataclass(frozen=True)
class Timing:
    """Summary of timed samples, in milliseconds."""

    samples_ms: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.samples_ms)

    @property
    def p50_ms(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def max_ms(self) -> float:
        return max(self.samples_ms)

    def metrics(self, prefix: str) -> dict[str, float]:
        return {f"{prefix}_p50_ms": round(self.p50_ms, 3), f"{prefix}_p95_ms": round(self.p95_ms, 3)}


def timing_from_ns(samples_ns: Iterable[int]) -> Timing:
    return Timing(tuple(ns / 1e6 for ns in samples_ns))


def measure(action: Callable[[int], Any], n: int, *, warmup: int = 20,
            between: Callable[[int], Any] | None = None) -> Timing:
    """Time ``action(i)`` n times (after ``warmup`` untimed calls) with perf_counter_ns.

    ``between(i)``, if given, runs untimed after each call (to refill a queue, say).
    """
    for i in range(warmup):
        action(-1 - i)
        if between is not None:
            between(-1 - i)
    samples: list[int] = []
    clock = time.perf_counter_ns
    for i in range(n):
        start = clock()
        action(i)
        samples.append(clock() - start)
        if between is not None:
            between(i)
    return timing_from_ns(samples)


# --- results.json --------------------------------------------------------------------------


def load_results(path: Path = RESULTS_PATH) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def write_results(new: dict[str, float], path: Path = RESULTS_PATH) -> dict[str, float]:
    """Merge ``new`` into the file (other metrics are kept) and replace it atomically."""
    for key, value in new.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"metric {key!r} is not a finite number: {value!r}")
    merged = load_results(path)
    merged.update(new)
    merged = dict(sorted(merged.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(merged, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return merged


def machine_metrics() -> dict[str, float]:
    """A little context so figures from different machines are not compared blindly."""
    out: dict[str, float] = {"bench_cpu_count": float(os.cpu_count() or 0)}
    try:  # other work on the machine skews every figure: keep the load the run started with
        out["bench_load_avg_1m"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    major, minor, patch = sqlite3.sqlite_version_info
    out["bench_sqlite_version_number"] = float(major * 1_000_000 + minor * 1_000 + patch)
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        out["bench_memory_gib"] = round(pages * page_size / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return out


# --- report --------------------------------------------------------------------------------


def format_table(metrics: dict[str, float], targets: dict[str, Target]) -> str:
    """One line per metric: name, value, target, and ok / MISS."""
    rows = [("metric", "value", "target", "")]
    for name in sorted(metrics):
        value = metrics[name]
        target = targets.get(name)
        mark = "" if target is None else ("ok" if target.met(value) else "MISS")
        shown = f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
        rows.append((name, shown, target.describe() if target else "", mark))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip())
        if i == 0:
            lines.append("-" * (sum(widths) + 6))
    return "\n".join(lines)


def missed(metrics: dict[str, float], targets: dict[str, Target]) -> list[str]:
    return [n for n, v in metrics.items() if n in targets and not targets[n].met(v)]


@dataclass
class RunOutcome:
    metrics: dict[str, float]
    merged: dict[str, float]
    missed: list[str]
    seconds: float


def run(groups: list[str] | None = None, ctx: Context | None = None,
        results_path: Path = RESULTS_PATH) -> RunOutcome:
    """Run the named groups (all when None), merge their figures into results.json."""
    ctx = ctx or Context()
    available = registered()
    names = list(available) if not groups else groups
    unknown = [n for n in names if n not in available]
    if unknown:
        raise KeyError(f"unknown benchmark group(s): {', '.join(unknown)}; known: {', '.join(available)}")
    started = time.perf_counter()
    metrics: dict[str, float] = dict(machine_metrics())
    for name in names:
        g = available[name]
        ctx.log(f"== {name} ({ctx.scale}) ==")
        t0 = time.perf_counter()
        got = g.fn(ctx)
        ctx.log(f"== {name} done in {time.perf_counter() - t0:.1f} s ==")
        metrics.update(got)
    merged = write_results(metrics, results_path)
    targets = all_targets()
    return RunOutcome(metrics=metrics, merged=merged, missed=missed(metrics, targets),
                      seconds=time.perf_counter() - started)


__all__ = [
    "BENCH_DIR", "CACHE_DIR", "Context", "Group", "RESULTS_PATH", "RunOutcome", "SCALES", "Target",
    "Timing", "all_targets", "format_table", "group", "load_results", "machine_metrics", "measure",
    "missed", "percentile", "registered", "run", "timing_from_ns", "write_results",
]
