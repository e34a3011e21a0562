"""The watched folder a network scanner drops its files into."""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from scanning.folder import USED_FOLDER, FolderWatcher, is_ignored, set_aside
from scanning.pages import pages_from_file


class Offers:
    """Records what the watcher offers, with when."""

    def __init__(self) -> None:
        self.items: list[tuple[Path, float]] = []
        self.arrived = threading.Event()

    def __call__(self, path: Path) -> None:
        self.items.append((path, time.monotonic()))
        self.arrived.set()

    @property
    def names(self) -> list[str]:
        return [p.name for p, _t in self.items]


def _pdf_bytes(pages: int = 3) -> bytes:
    """A scanned-looking PDF, ~100 KB a page (noise does not compress)."""
    out = io.BytesIO()
    canvas = Canvas(out)
    for n in range(pages):
        noise = Image.frombytes("L", (400, 250), os.urandom(100_000))
        canvas.drawImage(ImageReader(noise), 50, 300, 400, 250)
        canvas.drawString(100, 700, f"Giay to trang {n + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _write_slowly(path: Path, data: bytes, chunks: int = 8, pause: float = 0.1) -> None:
    """As a network scanner does: the file appears at once and grows chunk by chunk."""
    step = len(data) // chunks + 1
    with path.open("wb") as fh:
        for start in range(0, len(data), step):
            fh.write(data[start : start + step])
            fh.flush()
            time.sleep(pause)


def test_a_dropped_pdf_is_offered_once_within_two_seconds_and_part_files_are_ignored(tmp_path: Path) -> None:
    offers = Offers()
    data = _pdf_bytes()
    with FolderWatcher(tmp_path, offers, interval=0.5):
        _write_slowly(tmp_path / "scan.pdf.part", data)  # a scanner's temporary name: never offered
        _write_slowly(tmp_path / "SCAN0001.pdf", data)
        written = time.monotonic()
        assert offers.arrived.wait(2.0), "not offered within 2 s"
        time.sleep(1.6)  # several more polls
    assert offers.names == ["SCAN0001.pdf"]
    assert offers.items[0][1] - written < 2.0
    assert len(pages_from_file(offers.items[0][0])) == 3  # complete when offered


def test_files_already_there_are_offered_and_an_incomplete_pdf_waits(tmp_path: Path) -> None:
    data = _pdf_bytes(1)
    (tmp_path / "before.pdf").write_bytes(data)
    (tmp_path / ".hidden.pdf").write_bytes(data)
    (tmp_path / "~$lock.pdf").write_bytes(data)
    (tmp_path / "half.pdf").write_bytes(data[: len(data) // 3].replace(b"%%EOF", b"%%XXX"))
    (tmp_path / "sub").mkdir()
    offers = Offers()
    watcher = FolderWatcher(tmp_path, offers, interval=0.05)
    t0 = 1000.0
    watcher.poll(t0)
    assert offers.names == []  # seen once: not known to be complete yet
    watcher.poll(t0 + 0.5)
    assert offers.names == ["before.pdf"]  # half.pdf does not end like a PDF yet
    (tmp_path / "half.pdf").write_bytes(data)  # the scanner finishes it
    watcher.poll(t0 + 1.0)
    watcher.poll(t0 + 1.5)
    assert offers.names == ["before.pdf", "half.pdf"]
    watcher.poll(t0 + 2.0)
    assert offers.names == ["before.pdf", "half.pdf"]  # once each


def test_a_file_that_never_completes_is_offered_after_a_while_so_its_error_shows(tmp_path: Path) -> None:
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    offers = Offers()
    watcher = FolderWatcher(tmp_path, offers)
    for k in range(5):
        watcher.poll(100.0 + k)
    assert offers.names == []
    watcher.poll(100.0 + 12)
    assert offers.names == ["cut.pdf"]


def test_a_file_removed_and_dropped_again_is_new(tmp_path: Path) -> None:
    offers = Offers()
    watcher = FolderWatcher(tmp_path, offers)
    path = tmp_path / "scan.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 jpeg body \xff\xd9")
    watcher.poll(1.0), watcher.poll(2.0)
    path.unlink()
    watcher.poll(3.0)
    path.write_bytes(b"\xff\xd8\xff\xe0 another body \xff\xd9")
    watcher.poll(4.0), watcher.poll(5.0)
    assert offers.names == ["scan.jpg", "scan.jpg"]


def test_a_file_set_aside_is_not_offered_again_by_a_new_watcher_and_nothing_is_overwritten(tmp_path: Path) -> None:
    first = tmp_path / "scan0001.jpg"
    first.write_bytes(b"\xff\xd8\xff\xe0 first \xff\xd9")
    offers = Offers()
    watcher = FolderWatcher(tmp_path, offers)
    watcher.poll(1.0), watcher.poll(2.0)
    assert offers.names == ["scan0001.jpg"]
    moved = set_aside(first)
    assert moved == tmp_path / USED_FOLDER / "scan0001.jpg" and moved.read_bytes().startswith(b"\xff\xd8\xff\xe0 first")
    # the scanner reuses the name the next day: the first file is not overwritten
    first.write_bytes(b"\xff\xd8\xff\xe0 second \xff\xd9")
    assert set_aside(first) == tmp_path / USED_FOLDER / "scan0001-1.jpg"
    assert (tmp_path / USED_FOLDER / "scan0001.jpg").read_bytes().startswith(b"\xff\xd8\xff\xe0 first")
    # the app restarts: a new watcher offers nothing (the subfolder is not looked into)
    again = Offers()
    restarted = FolderWatcher(tmp_path, again)
    restarted.poll(1.0), restarted.poll(2.0)
    assert again.names == []


def test_a_failing_handler_does_not_stop_the_watcher(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(path: Path) -> None:
        seen.append(path.name)
        raise RuntimeError("screen closed")

    (tmp_path / "a.png").write_bytes(b"\x89PNG....IEND\xaeB`\x82")
    (tmp_path / "b.png").write_bytes(b"\x89PNG....IEND\xaeB`\x82")
    watcher = FolderWatcher(tmp_path, handler)
    watcher.poll(1.0), watcher.poll(2.0)
    assert seen == ["a.png", "b.png"]


def test_temporary_names() -> None:
    for name in ("scan.pdf.part", "x.tmp", "~$doc.pdf", ".scan.pdf", "scan.pdf.crdownload", "Thumbs.db", "scan.pdf~"):
        assert is_ignored(name), name
    for name in ("scan.pdf", "SCAN0001.PDF", "anh chup.jpg", "partner.pdf"):
        assert not is_ignored(name), name
