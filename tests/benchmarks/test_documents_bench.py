"""The document benchmark group runs (tiny), needs no database, and measures real PDFs."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import documents, harness
from benchmarks.__main__ import load_groups
from tests.support.pdf_tools import qr_texts, rasterise


def test_the_group_is_registered_with_the_issue_targets() -> None:
    groups = load_groups()
    assert groups["documents"].targets["ticket_pdf_p95_ms"].describe() == "< 30"
    assert groups["documents"].targets["receipt_pdf_p95_ms"].describe() == "< 80"


def test_the_group_runs_at_a_tiny_scale_and_writes_its_figures(tmp_path: Path) -> None:
    load_groups()
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    harness.run(["documents"], ctx, results_path=tmp_path / "results.json")
    figures = json.loads((tmp_path / "results.json").read_text())
    for name in ("ticket_pdf", "receipt_pdf", "appointment_slip_pdf", "control_slip_pdf"):
        assert 0 < figures[f"{name}_p50_ms"] <= figures[f"{name}_p95_ms"], name
    assert not (tmp_path / "no-cache").exists()


def test_what_is_timed_is_a_real_document_with_a_fresh_code_each_time() -> None:
    tokens = documents._Tokens()
    first = tokens.next_receipt
    tokens.refill()
    assert tokens.next_receipt != first and tokens.next_receipt.startswith("HTTPS://MOTCUA.HANOI.GOV.VN/T/")
    pdf = documents.receipt_pdf(documents.receipt(tokens.next_receipt))
    assert qr_texts(rasterise(pdf)) == [tokens.next_receipt]
