"""A watched folder: where a network scanner drops its files (scan-to-folder over SMB/FTP).

A thread polls the folder (no extra dependency, and polling works on network shares where
inotify does not). Each new file is offered ONCE, and only when it is complete: its size and
modification time unchanged over two polls, it can be opened, and — for the formats we know —
it ends as such a file ends (``%%EOF`` for a PDF, ``IEND`` for a PNG, ``FFD9`` for a JPEG). A
file that stays unchanged but never looks complete is offered anyway after
:data:`GIVE_UP_S`, so that the clerk hears about a broken file instead of nothing.
Names a scanner or an editor uses while writing (``.part``, ``.tmp``, ``~$…``, dot files, ...)
are ignored; the renamed final file is what gets offered.

Files already in the folder when the watcher starts are offered too: the clerk may have
scanned before opening the intake screen. A file removed and later dropped again under the
same name is a new file. A file taken into a saved scan is moved to the subfolder
:data:`USED_FOLDER` (:func:`set_aside`): it is not offered again, after a restart either,
and it is still there should the clerk need it (the IT person empties that subfolder).

``on_file`` runs on the watcher's thread; a Qt screen hands the path over to its own thread
(a queued signal). An exception in ``on_file`` is logged and does not stop the watcher.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

log = logging.getLogger(__name__)

USED_FOLDER = "da-dung"  # files taken into a saved scan; subfolders are never offered
IGNORED_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".swp", ".lock")
GIVE_UP_S = 10.0


def is_ignored(name: str) -> bool:
    """Whether a file name is a temporary or partial one a watcher must not offer."""
    lowered = name.lower()
    return (
        lowered.startswith((".", "~$", "~"))
        or lowered.endswith(IGNORED_SUFFIXES)
        or lowered.endswith("~")
        or lowered in ("thumbs.db", "desktop.ini")
    )


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float | None = None
    offered: bool = False


class FolderWatcher:
    """Offers each new complete file of ``path`` to ``on_file``, once (see the module doc).

    ``interval`` is the polling period in seconds: a file is offered within about two
    intervals of its last write. Use :meth:`start` / :meth:`stop`, or ``with``.
    """

    def __init__(self, path: str | Path, on_file: Callable[[Path], None], *, interval: float = 0.5) -> None:
        self.path = Path(path)
        self.on_file = on_file
        self.interval = interval
        self._seen: dict[str, _Seen] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=f"folder-watcher:{self.path}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:
                log.exception("watching %s failed", self.path)
            self._stop.wait(self.interval)

    def poll(self, now: float | None = None) -> list[Path]:
        """One look at the folder; offers (and returns) the files that became ready."""
        now = time.monotonic() if now is None else now
        present: set[str] = set()
        ready: list[Path] = []
        try:
            entries = list(os.scandir(self.path))
        except FileNotFoundError:
            entries = []
        for entry in entries:
            if is_ignored(entry.name):
                continue
            try:
                if not entry.is_file():
                    continue
                stat = entry.stat()
            except OSError:
                continue
            present.add(entry.name)
            seen = self._seen.get(entry.name)
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                # New, still growing, or rewritten in place after being offered (a new scan
                # under the same name, offered again once complete).
                self._seen[entry.name] = _Seen(stat.st_size, stat.st_mtime_ns)
                continue
            if seen.offered or stat.st_size == 0:
                continue
            if seen.stable_since is None:
                seen.stable_since = now
            complete = _looks_complete(Path(entry.path))
            if complete is None:
                continue  # cannot be opened yet (still locked by the writer)
            if complete or now - seen.stable_since >= GIVE_UP_S:
                seen.offered = True
                ready.append(Path(entry.path))
        for name in list(self._seen):
            if name not in present:
                del self._seen[name]
        for path in sorted(ready, key=lambda p: p.name):
            try:
                self.on_file(path)
            except Exception:
                log.exception("handling %s failed", path)
        return ready


def set_aside(path: str | Path) -> Path:
    """Move a file of the watched folder, taken into a saved scan, to its :data:`USED_FOLDER`
    subfolder (a name already there gets ``-1``, ``-2``, ... so nothing is overwritten);
    returns where it went. Raises OSError (a read-only share, the file gone): the caller
    then remembers the file for the rest of the run instead."""
    path = Path(path)
    used = path.parent / USED_FOLDER
    used.mkdir(exist_ok=True)
    for n in range(1000):
        target = used / (path.name if n == 0 else f"{path.stem}-{n}{path.suffix}")
        try:  # link + unlink: never replaces a file of the same name (os.rename would on POSIX)
            os.link(path, target)
        except FileExistsError:
            continue
        except OSError:  # a share without hard links: a plain rename, checked first
            if target.exists():
                continue
            os.rename(path, target)
            return target
        path.unlink()
        return target
    raise FileExistsError(f"too many files named {path.name} in {used}")


def set_aside_all(paths: list[Path]) -> list[Path]:
    """:func:`set_aside` for each file; one that cannot move is logged and left where it
    is (the screen keeps it taken for the rest of the run). Returns where the others went."""
    moved = []
    for path in paths:
        try:
            moved.append(set_aside(path))
        except OSError as exc:
            log.warning("could not move %s out of the scanner folder: %s", path, exc)
    return moved


def _looks_complete(path: Path) -> bool | None:
    """True when the file ends as its format ends (or its format is unknown), False when it
    visibly stops short, None when it cannot be opened at all."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return None
    if b"%PDF-" in head:
        return b"%%EOF" in tail
    if head.startswith(b"\x89PNG"):
        return b"IEND" in tail[-16:]
    if head.startswith(b"\xff\xd8"):
        return b"\xff\xd9" in tail.rstrip(b"\x00")[-4:]
    return True
