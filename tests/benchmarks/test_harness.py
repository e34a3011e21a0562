"""The benchmark harness and the big-database generator, at a tiny scale.

The generator writes rows in bulk instead of going through the operations, so these tests
hold it to the operations: the tiny database passes ``motcua db check``, the operations
carry on from it (ticket numbers, dossier sequences, the change sequence), and the rows
it wrote have the same shape (payload keys, event details, filled columns) as the rows
the operations write next to them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from benchmarks import bigdb, harness
from benchmarks.__main__ import main as bench_main
from core.citizen import normalize_phone, validate_cccd
from core.fees import FeeInput
from core.text import fold
from core.working_calendar import OFFICE_TZ
from local_db.check import format_report, run_check
from local_db.database import Database
from local_db.models import Citizen, Dossier, Outbox, Serial, Service, Ticket
from local_db.office_settings import calendar_for
from local_db.ops.citizens import CitizenInput
from local_db.ops.dossiers import (
    DocumentLine,
    checklist_for,
    handle_at_desk,
    receive_dossier,
    reject,
    request_supplement,
    reschedule,
    result_back,
    return_result,
    send_to_processing,
    supplement_received,
    withdraw,
)
from local_db.ops.queue import call_next, finish_serving, issue_ticket, mark_no_show, recall, start_serving
from local_db.ops.search import search_dossiers

# One worker takes the whole module, so its tiny benchmark database (a module fixture) is built once (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("bench-harness")

TINY = bigdb.Scale(tickets=2_000, dossiers=600, days=10)
UTC = timezone.utc
DB_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")


# --- harness --------------------------------------------------------------------------------


def test_percentile_interpolates_between_ranks() -> None:
    data = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert harness.percentile(data, 50) == 3.0
    assert harness.percentile(data, 0) == 1.0
    assert harness.percentile(data, 100) == 5.0
    assert harness.percentile(data, 95) == pytest.approx(4.8)
    with pytest.raises(ValueError):
        harness.percentile([], 50)


def test_measure_warms_up_then_times_every_call() -> None:
    calls: list[int] = []
    between: list[int] = []
    timing = harness.measure(calls.append, 7, warmup=3, between=between.append)
    assert timing.n == 7
    assert calls == [-1, -2, -3, 0, 1, 2, 3, 4, 5, 6]
    assert between == calls
    assert all(ms >= 0 for ms in timing.samples_ms)
    ms = harness.timing_from_ns([1_000_000, 2_000_000, 3_000_000])
    assert ms.metrics("op") == {"op_p50_ms": 2.0, "op_p95_ms": 2.9}


def test_results_are_merged_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    harness.write_results({"a_ms": 1.0, "b_ms": 2.0}, path)
    merged = harness.write_results({"b_ms": 3.0, "c_ratio": 4}, path)
    assert merged == {"a_ms": 1.0, "b_ms": 3.0, "c_ratio": 4}
    assert json.loads(path.read_text()) == merged  # a flat object of numbers
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    with pytest.raises(ValueError):
        harness.write_results({"bad_ms": float("nan")}, path)
    assert json.loads(path.read_text()) == merged


def test_table_marks_targets_met_and_missed() -> None:
    targets = {"fast_ms": harness.Target(10), "ratio": harness.Target(5, "<=")}
    table = harness.format_table({"fast_ms": 12.5, "ratio": 5.0, "other": 1.0}, targets)
    lines = {line.split()[0]: line for line in table.splitlines()[2:]}
    assert lines["fast_ms"].endswith("MISS") and "< 10" in lines["fast_ms"]
    assert lines["ratio"].endswith("ok")
    assert not lines["other"].endswith(("ok", "MISS"))
    assert harness.missed({"fast_ms": 12.5, "ratio": 5.0}, targets) == ["fast_ms"]


@pytest.fixture
def fake_group() -> Any:
    seen: list[harness.Context] = []

    @harness.group("test_fake", targets={"fake_op_p95_ms": harness.Target(1)})
    def fake(ctx: harness.Context) -> dict[str, float]:
        seen.append(ctx)
        return {"fake_op_p95_ms": 2.0}

    yield seen
    harness._REGISTRY.pop("test_fake", None)


def test_cli_runs_one_group_and_keeps_other_figures(tmp_path: Path, fake_group: list[harness.Context],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"printing_receipt_p95_ms": 80.0}))
    assert bench_main(["--only", "test_fake", "--scale", "small", "--results", str(results)]) == 0
    data = json.loads(results.read_text())
    assert data["printing_receipt_p95_ms"] == 80.0  # a group not run this time keeps its figure
    assert data["fake_op_p95_ms"] == 2.0
    assert data["bench_cpu_count"] == float(os.cpu_count() or 0)
    assert fake_group[0].scale == "small"
    out = capsys.readouterr().out
    assert "fake_op_p95_ms" in out and "MISS" in out and "targets missed: fake_op_p95_ms" in out
    assert "foundation" in harness.registered()  # the module list of __main__ was loaded


# --- the big database, tiny -----------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> bigdb.Cached:
    cache = tmp_path_factory.mktemp("bench-cache")
    return bigdb.ensure_cached(cache, "tiny", scale=TINY)  # raises if run_check fails


@pytest.fixture
def tiny_copy(tiny: bigdb.Cached, tmp_path: Path) -> Any:
    path = bigdb.fresh_copy(tiny.path, tmp_path)
    db = Database(f"sqlite:///{path}")
    try:
        yield db
    finally:
        db.dispose()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.wall_clock  # the history ends yesterday, office time; today's rows are stamped now
def test_tiny_database_passes_the_check_and_holds_the_history(tiny: bigdb.Cached, tiny_copy: Database) -> None:
    report = run_check(tiny_copy)
    assert report.ok, format_report(report)
    assert report.counts["tickets"] == TINY.tickets
    assert report.counts["dossiers"] == TINY.dossiers
    assert report.counts["outbox_acked"] == tiny.info["counts"]["changes"]
    assert report.counts["outbox_pending"] == 0
    with tiny_copy.read() as s:
        days = s.scalars(select(Ticket.day).distinct()).all()
        assert len(days) == TINY.days
        assert max(days) < datetime.now(OFFICE_TZ).date()  # today starts empty
        statuses = set(s.scalars(select(Ticket.status).distinct()))
        assert statuses == {"done", "no_show"}
        assert s.scalar(select(func.count()).select_from(Ticket).where(Ticket.priority_reason.is_not(None))) > 0
        assert set(s.scalars(select(Dossier.status).distinct())) >= {"returned", "ready", "in_processing"}
        citizens = s.execute(select(Citizen.full_name, Citizen.name_folded, Citizen.cccd, Citizen.phone)).all()
    names = [c.full_name for c in citizens]
    assert sum(1 for n in names if not n.isascii()) > len(names) * 0.9  # Vietnamese, with diacritics
    assert all(c.name_folded == fold(c.full_name) for c in citizens)
    assert all(validate_cccd(c.cccd) == c.cccd for c in citizens if c.cccd)
    assert all(normalize_phone(c.phone) == c.phone for c in citizens if c.phone)
    assert len({c.cccd for c in citizens if c.cccd}) == sum(1 for c in citizens if c.cccd)
    conn = sqlite3.connect(tiny.path)
    try:
        issued = [r[0] for r in conn.execute("SELECT issued_at FROM ticket")]
    finally:
        conn.close()
    local = {datetime.fromisoformat(t).replace(tzinfo=UTC).astimezone(OFFICE_TZ).hour for t in issued}
    assert min(local) >= 7 and max(local) <= 16  # issued within the office's opening hours
    assert local & {8, 9} and local & {14, 15}


def test_cache_is_reused_and_rebuilt_when_changed(tmp_path: Path) -> None:
    small = bigdb.Scale(tickets=300, dossiers=60, days=3)
    first = bigdb.ensure_cached(tmp_path, "t", scale=small)
    assert first.built and first.path.exists()
    again = bigdb.ensure_cached(tmp_path, "t", scale=small)
    assert not again.built and again.path == first.path
    conn = sqlite3.connect(first.path)  # someone writes into the cache
    try:
        with conn:
            conn.execute("UPDATE serial SET value = value + 1 WHERE key = 'change'")
    finally:
        conn.close()
    rebuilt = bigdb.ensure_cached(tmp_path, "t", scale=small)
    assert rebuilt.built


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in a JSON value; a procedure's fee rule is copied verbatim, so not descended."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            paths.add(prefix + k)
            if k != "rule":
                paths |= _key_paths(v, prefix + k + ".")
    elif isinstance(value, list):
        for item in value:
            paths |= _key_paths(item, prefix + "[].")
    return paths


def _shapes(conn: sqlite3.Connection, where: str) -> dict[tuple[str, str], dict[str, set[str]]]:
    shapes: dict[tuple[str, str], dict[str, set[str]]] = {}
    rows = conn.execute(
        "SELECT o.entity, o.op_type, o.payload, a.detail, o.device_time, a.at, a.actor, o.entity_id "
        f"FROM outbox o JOIN audit_log a ON a.op_id = o.op_id WHERE {where}").fetchall()
    for entity, op, payload, audit, device_time, at, _actor, _entity_id in rows:
        assert DB_TIME.fullmatch(device_time) and device_time == at
        s = shapes.setdefault((entity, op), {"payload": set(), "audit": set(), "event": set()})
        s["payload"] |= _key_paths(json.loads(payload))
        s["audit"] |= _key_paths(json.loads(audit))
    for table, key in (("ticket_event", "ticket_id"), ("dossier_event", "dossier_id")):
        entity = table.split("_")[0]
        for action, detail in conn.execute(
                f"SELECT e.action, e.detail FROM {table} e WHERE e.{key} IN "
                f"(SELECT o.entity_id FROM outbox o WHERE {where})"):
            if (entity, action) in shapes:
                shapes[(entity, action)]["event"] |= _key_paths(json.loads(detail))
    return shapes


def _filled(conn: sqlite3.Connection, table: str, status: str | None, where: str) -> list[frozenset[str]]:
    if status is not None:
        where = f"status = '{status}' AND {where}"
    cur = conn.execute(f"SELECT * FROM {table} WHERE {where}")
    names = [d[0] for d in cur.description]
    return [frozenset(n for n, v in zip(names, row) if v is not None) for row in cur.fetchall()]


@pytest.mark.wall_clock  # the history ends yesterday, office time; today's rows are stamped now
def test_rows_have_the_shape_the_operations_write(tiny: bigdb.Cached, tiny_copy: Database) -> None:
    """Run the real operations on the last history day and compare their rows with generated ones."""
    db = tiny_copy
    last_day = datetime.fromisoformat(tiny.info["last_day"]).date()
    with db.read() as s:
        refs = bigdb.load_refs(s)
        top_seq = s.scalar(select(func.max(Outbox.seq)))
        ht = s.scalar(select(Service.id).where(Service.code == "HT"))
        top_ht = s.scalar(select(func.max(Ticket.number)).where(Ticket.day == last_day, Ticket.service_id == ht))
        day_dossiers = s.scalar(select(Serial.value).where(Serial.key == f"dossier:{refs.office_code}:{last_day}"))
        calendar = calendar_for(s, refs.office_code)
    clock = datetime.combine(last_day, time(18, 0), tzinfo=OFFICE_TZ).astimezone(UTC)

    def at() -> datetime:
        nonlocal clock
        clock += timedelta(minutes=1)
        return clock

    kiosk, clerk = refs.actor(None, label="kiosk"), refs.actor("canbo1")
    with db.write() as s:
        t1 = issue_ticket(s, kiosk, "HT", now=at())
    with db.write() as s:
        t2 = issue_ticket(s, kiosk, "HT", priority_reason="elderly", now=at())
    assert (t1.number, t1.code) == (top_ht + 1, f"A{top_ht + 1:03d}")  # numbering carries on
    with db.write() as s:
        assert call_next(s, clerk, 1, now=at()).id == t2.id
    with db.write() as s:
        recall(s, clerk, t2.id, now=at())
    with db.write() as s:
        mark_no_show(s, clerk, t2.id, now=at())
    with db.write() as s:
        assert call_next(s, clerk, 1, now=at()).id == t1.id
    with db.write() as s:
        start_serving(s, clerk, t1.id, now=at())
    with db.write() as s:
        finish_serving(s, clerk, t1.id, now=at())

    def receive(code: str, **kw: Any) -> Any:
        with db.write() as s:
            docs = [DocumentLine(name=d.name, required=d.required, originals=1)
                    for d in checklist_for(s, refs.office_code, code)]
            return receive_dossier(
                s, clerk, procedure_code=code, documents=docs, counter_number=1, now=at(),
                applicant=CitizenInput(full_name="Trần Thị Thuỷ", cccd="001190012345", phone="0912345678",
                                       gender="female"), **kw)

    a = receive("1.004873", ticket_id=t1.id)
    assert a.code.endswith(f"-{day_dossiers + 1:04d}")  # the day's sequence carries on
    steps = [
        lambda s: send_to_processing(s, clerk, a.id, now=at()),
        lambda s: request_supplement(s, clerk, a.id, items=["Tờ khai"], now=at()),
        lambda s: supplement_received(s, clerk, a.id, counter_number=2, now=at()),
        lambda s: send_to_processing(s, clerk, a.id, now=at()),
        lambda s: reschedule(s, clerk, a.id, reason="Cần xác minh", now=at(), new_due_at=calendar.closing_time(
            calendar.next_working_day(calendar.next_working_day(s.get(Dossier, a.id).due_at.astimezone(OFFICE_TZ)
                                                                  .date())))),
        lambda s: result_back(s, clerk, a.id, now=at()),
        lambda s: return_result(s, clerk, a.id, returned_to="Trần Thị Thuỷ", fee_paid_vnd=3000, counter_number=1,
                                now=at()),
    ]
    for step in steps:
        with db.write() as s:
            step(s)
    b = receive("1.001193", fee_input=FeeInput(days_since_event=3))
    c, d = receive("1.004884"), receive("1.004845")
    with db.write() as s:
        handle_at_desk(s, clerk, b.id, counter_number=1, now=at())
    with db.write() as s:
        reject(s, clerk, c.id, reason="Không thuộc thẩm quyền", now=at())
    with db.write() as s:
        withdraw(s, clerk, d.id, reason="Công dân xin rút", counter_number=1, now=at())

    report = run_check(db)
    assert report.ok, format_report(report)
    path = Path(db.engine.url.database or "")
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT min(seq) FROM outbox WHERE seq > ?", (top_seq,)).fetchone()[0] == top_seq + 1
    real = _shapes(conn, f"o.seq > {top_seq}")
    made = _shapes(conn, f"o.seq <= {top_seq}")
    must = {("ticket", op) for op in ("issue", "call", "recall", "serve", "finish", "no_show")} | {
        ("dossier", op) for op in ("receive", "send_to_processing", "result_back", "handle_at_desk",
                                   "return_result", "request_supplement", "supplement_received")}
    assert must <= set(made), sorted(must - set(made))
    for key in sorted(set(real) & set(made)):
        assert made[key] == real[key], key
    # The same columns are filled for the same outcome (the operations stamp created_at with
    # the wall clock, today; the history was created on office days before today). created_at
    # is UTC text, so the cut is the UTC moment the office's day after last_day began (17:00
    # UTC the day before): the office date's own text would cut at 07:00 office time, and
    # from office midnight to 07:00 the operations' rows would fall on the history's side.
    cut = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=OFFICE_TZ).astimezone(UTC)
    today = cut.strftime("%Y-%m-%d %H:%M:%S")
    for table, status in (("ticket", "done"), ("ticket", "no_show"), ("dossier", "returned"),
                          ("dossier", "ready"), ("citizen", None)):
        theirs = set(_filled(conn, table, status, f"created_at >= '{today}'"))
        ours = set(_filled(conn, table, status, f"created_at < '{today}'"))
        assert theirs and ours, (table, status)
        optional = {"priority_reason", "ticket_id", "birth_date"}
        assert {f - optional for f in theirs} <= {f - optional for f in ours}, (table, status)


def test_generated_people_are_found_by_search(tiny_copy: Database) -> None:
    with tiny_copy.read() as s:
        refs = bigdb.load_refs(s)
        rows = s.execute(select(Dossier.code, Dossier.applicant_id, Citizen.full_name, Citizen.cccd, Citizen.phone)
                         .join(Citizen, Citizen.id == Dossier.applicant_id)
                         .where(Citizen.cccd.is_not(None), Citizen.phone.is_not(None)).limit(5)).all()
        assert rows
        for code, applicant, name, cccd, phone in rows:
            for query in (name, fold(name), " ".join(name.split()[-2:]), cccd, f"+84 {phone[1:]}"):
                found = search_dossiers(s, refs.office_code, query, limit=20)
                assert any(f.applicant_id == applicant for f in found), query
            assert [f.code for f in search_dossiers(s, refs.office_code, code)] == [code]


def test_benchmark_runs_on_a_copy_and_leaves_the_cache_alone(tiny: bigdb.Cached, tmp_path: Path) -> None:
    from benchmarks import foundation

    cache_dir = tiny.path.parent
    before = _sha(tiny.path)
    ctx = harness.Context(scale="tiny", cache_dir=cache_dir, work_dir=tmp_path, log=lambda _m: None)
    metrics = foundation.run_foundation(ctx, scale=TINY,
                                        samples={"issue": 8, "call": 8, "search": 10, "warmup": 2})
    for name in ("issue_ticket_p50_ms", "issue_ticket_p95_ms", "bare_insert_p95_ms",
                 "issue_ticket_vs_bare_insert_ratio", "call_next_p95_ms", "dossier_search_p95_ms"):
        assert metrics[name] > 0, name
    assert metrics["bigdb_tickets_count"] == TINY.tickets
    assert _sha(tiny.path) == before  # the timed part never touches the cache
    assert not any(tmp_path.joinpath("motcua-bench").iterdir())  # the scratch copy is gone
    shutil.rmtree(tmp_path / "motcua-bench")
