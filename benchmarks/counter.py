"""Counter figures.

* ``counter_cold_start_s``: ``python -m cli counter --exit-after-start`` offscreen on a small
  seeded office, from spawning the process to its "ready" line (printed once the sign-in
  screen is shown and the event loop runs); median and p95 of several starts.
* ``intake_save_receipt_p95_ms``: the intake wizard's save of a simple complete dossier
  (counter.intake.model.save: the dossier, its receipt print job and the draft's removal in
  one transaction) plus building the receipt's PDF from the stored job (Code 128, the signed
  tracking QR), on a demo office with two days of history; p95 of many saves.
* ``dashboard_30d_p95_ms``: the supervisor dashboard's figures over the last 30 days of a
  demo office seeded with 30 days of history (local_db.ops.dashboard.dashboard); p95.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks import harness
from benchmarks.harness import Context, Target, percentile
from benchmarks.kiosk import BENCH_NOW, SAMPLES, cold_start, seeded_office

TARGETS = {
    "counter_cold_start_s": Target(2, "<"),
    "intake_save_receipt_p95_ms": Target(200, "<"),
    "dashboard_30d_p95_ms": Target(1000, "<"),
}
COUNTS = {"full": {"saves": 200, "dashboards": 30}, "small": {"saves": 40, "dashboards": 8},
          "tiny": {"saves": 3, "dashboards": 2}}
BIRTH = "1.001193"  # Đăng ký khai sinh: a simple procedure with a short checklist


class _Clock:
    def __init__(self) -> None:
        self.now = BENCH_NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def intake_saves(url: str, scratch: Path, n: int) -> list[float]:
    """Milliseconds per save + receipt PDF, ``n`` dossiers on the same desk."""
    from counter.context import CounterContext
    from counter.intake.model import DocumentEntry, IntakeState, procedure_details, save
    from local_db.database import Database
    from local_db.office_settings import get_office
    from local_db.office_setup import ensure_device
    from local_db.ops.print_jobs import get_job
    from local_db.ops.staff import list_staff
    from printing.render import render_pdf

    db = Database(url)
    clock = _Clock()
    with db.write() as s:
        office = get_office(s)
        device = ensure_device(s, office.code, "bench-counter", "counter")
        staff = next(x for x in list_staff(s, office.code) if x.role == "clerk")
    ctx = CounterContext(db=db, office_code=office.code, device_id=device.id, office_name_vi=office.name_vi,
                         office_name_en=office.name_en, printer=f"pdf:{scratch / 'printed'}",
                         tracking_host="MOTCUA.HANOI.GOV.VN", counter_number=1, staff=staff, clock=clock)
    details = procedure_details(ctx, BIRTH)
    times: list[float] = []
    try:
        for i in range(n):
            clock.now = BENCH_NOW + timedelta(seconds=20 * i)
            docs = [DocumentEntry(name=d.name, required=d.required, originals=1) for d in details.checklist]
            state = IntakeState(step="preview", procedure_code=BIRTH, procedure_name=details.name, documents=docs,
                                full_name=f"Nguyễn Văn Thử {i}", cccd=f"001090{i:06d}", phone=f"09123{i:05d}",
                                birth_date="02/05/1990", gender="male", address="Số 1 phố Đội Cấn, Ba Đình, Hà Nội",
                                days_since_event="10")
            start = time.perf_counter()
            outcome = save(ctx, state)
            with db.read() as s:
                job = get_job(s, outcome.print_job_id)
            pdf = render_pdf(job.document, job.data)
            times.append((time.perf_counter() - start) * 1000)
            assert outcome.kind == "received" and pdf.startswith(b"%PDF")
    finally:
        db.dispose()
    return times


def dashboard_times(url: str, n: int) -> list[float]:
    from local_db.database import Database
    from local_db.office_settings import get_office, office_today
    from local_db.ops.dashboard import dashboard

    db = Database(url)
    try:
        with db.read() as s:
            code = get_office(s).code
        until: date = office_today(BENCH_NOW)
        times = []
        for _ in range(n):
            start = time.perf_counter()
            with db.read() as s:
                d = dashboard(s, code, since=until - timedelta(days=29), until=until, now=BENCH_NOW)
            times.append((time.perf_counter() - start) * 1000)
        assert d.queue.total.tickets > 0
        return times
    finally:
        db.dispose()


def _seeded(folder: Path, days: int) -> str:
    from local_db import migrate
    from local_db.database import Database
    from local_db.demo.seed import seed_demo

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"office-{days}d.db"
    path.unlink(missing_ok=True)
    db = Database(f"sqlite:///{path}")
    try:
        migrate.upgrade(db)
        seed_demo(db, seed=2026, days=days, now=BENCH_NOW)
    finally:
        db.dispose()
    return f"sqlite:///{path}"


@harness.group("counter", targets=TARGETS)
def counter(ctx: Context) -> dict[str, float]:
    """Counter cold start, intake save with its receipt PDF, the 30-day dashboard."""
    starts_n = SAMPLES.get(ctx.scale, SAMPLES["small"])["starts"]
    counts = COUNTS.get(ctx.scale, COUNTS["small"])
    scratch = ctx.work_dir / "counter-bench"
    ctx.log("counter: seeding a small demo office...")
    url = seeded_office(scratch)
    metrics: dict[str, float] = {}
    ctx.log(f"counter_cold_start: {starts_n} starts...")
    starts = [cold_start(url, scratch, app="counter") for _ in range(starts_n)]
    metrics["counter_cold_start_s"] = round(statistics.median(starts), 3)
    metrics["counter_cold_start_p95_s"] = round(percentile(starts, 95), 3)

    ctx.log(f"intake_save_receipt: {counts['saves']} dossiers...")
    saves = intake_saves(url, scratch, counts["saves"])[min(5, counts["saves"] - 1):]  # first few warm caches
    metrics["intake_save_receipt_p50_ms"] = round(statistics.median(saves), 2)
    metrics["intake_save_receipt_p95_ms"] = round(percentile(saves, 95), 2)

    days = 30 if ctx.scale == "full" else 3
    ctx.log(f"dashboard_30d: seeding {days} days of demo history...")
    url30 = _seeded(scratch, days)
    dash = dashboard_times(url30, counts["dashboards"])
    metrics["dashboard_30d_p50_ms"] = round(statistics.median(dash), 2)
    metrics["dashboard_30d_p95_ms"] = round(percentile(dash, 95), 2)
    return metrics
