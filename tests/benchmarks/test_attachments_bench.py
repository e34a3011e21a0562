"""The attachments bench group (issue 9) at a tiny scale: real A4 pages become stored PDFs."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from benchmarks import harness
from benchmarks.attachments import A4_300DPI, TARGETS, a4_page, attachments
from local_db.attachment_store import FOLDER


def test_the_page_is_a4_at_300_dpi_in_colour_and_not_blank() -> None:
    page = a4_page(1)
    assert page.size == A4_300DPI and page.mode == "RGB"
    lo, hi = page.convert("L").getextrema()
    assert hi - lo > 150
    assert isinstance(page, Image.Image)


def test_the_group_runs_at_a_tiny_scale_and_stores_every_page(tmp_path: Path) -> None:
    ctx = harness.Context(scale="tiny", cache_dir=tmp_path / "no-cache", work_dir=tmp_path, log=lambda _m: None)
    figures = attachments(ctx)
    assert set(figures) == {"scan_page_to_attachment_p50_ms", "scan_page_to_attachment_p95_ms"}
    assert 0 < figures["scan_page_to_attachment_p50_ms"] <= figures["scan_page_to_attachment_p95_ms"]
    assert set(TARGETS) == {"scan_page_to_attachment_p95_ms"}
    stored = list((tmp_path / "attachments-bench" / "data" / FOLDER).rglob("*.pdf"))
    assert len(stored) == 3  # warm-up page included: every page its own file
