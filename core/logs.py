"""Where every MotCua process writes what happened: ``<data_dir>/logs/<process>.log``.

A problem reported from an office is only as good as its log. Every process (kiosk,
counter, display board, sync agent, central server, the command line) starts through
``cli/main.py``, which calls :func:`setup` once: a rotating file per process kind under
the data folder (a few megabytes at most, so a kiosk left alone for a year never fills its
disk), and stderr too when a person is watching a terminal (always for the agent and the
server, whose stderr is the service manager's journal). Each line carries the device, the
office, the program's version and, for an unexpected error, its incident number
(:mod:`core.incidents`), so that lines from several machines can be told apart in one
support bundle.

Uncaught exceptions (a Qt slot that raised, a thread that died) are numbered and logged
too: there is no error that only a terminal nobody watches would have seen.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

from core import incidents

LOG_DIR = "logs"
MAX_BYTES = 2_000_000
BACKUPS = 4
FORMAT = ("%(asctime)s %(levelname)s [%(incident)s] %(kind)s device=%(device)s office=%(office)s "
          "v%(version)s %(name)s: %(message)s")
#: Processes whose stderr is a journal: they log there even without a terminal.
SERVICES = ("agent", "server")

_HANDLER_MARK = "_motcua_handler"


def version() -> str:
    try:
        return metadata.version("motcua")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def log_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / LOG_DIR


class _Context(logging.Filter):
    """Adds who is logging to every record (the office once it is known)."""

    def __init__(self, kind: str, device: str, office: str) -> None:
        super().__init__()
        self.kind, self.device, self.office, self.version = kind, device, office or "-", version()

    def filter(self, record: logging.LogRecord) -> bool:
        record.kind = self.kind
        record.device = self.device
        record.office = self.office
        record.version = self.version
        number = getattr(record, "incident", None)
        if not number:  # a record logged with its exception (not through incidents.note) still shows the number
            exc = record.exc_info[1] if record.exc_info else None
            number = incidents.number_of(exc) if exc is not None else None
        record.incident = number or "-"
        return True


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """stderr as it is when a line is written (a test harness swaps it; a stream captured
    once would be closed by then)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


_context: _Context | None = None


def setup(kind: str, data_dir: Path | str | None, *, device: str, office: str = "",
          stderr: bool | None = None, level: int = logging.INFO) -> Path | None:
    """Log this process to ``<data_dir>/logs/<kind>.log`` (and stderr, see the module
    docstring); returns the file's path (None when the folder cannot be written: the
    process still runs, logging to stderr). Calling it again replaces what it set up."""
    global _context
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    _context = _Context(kind, device, office)
    formatter = logging.Formatter(FORMAT)
    path: Path | None = None
    handlers: list[logging.Handler] = []
    if data_dir is not None:
        try:
            folder = log_dir(data_dir)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{kind}.log"
            handlers.append(logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                                 encoding="utf-8", delay=True))
        except OSError as exc:
            print(f"motcua: cannot write logs under {data_dir}: {exc}", file=sys.stderr)
            path = None
    to_terminal = stderr if stderr is not None else (kind in SERVICES or _is_terminal())
    if to_terminal or not handlers:
        console = _Stderr()
        # A clerk running a one-off command wants its answer, not the libraries' chatter.
        console.setLevel(level if kind in SERVICES or kind in ("kiosk", "counter", "display") else logging.WARNING)
        handlers.append(console)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(_context)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    _install_hooks()
    return path


def teardown() -> None:
    """Undo :func:`setup` (tests; a process simply exits)."""
    global _context, _hooks
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    _context = None
    if _hooks is not None:
        sys.excepthook, threading.excepthook = _hooks
        _hooks = None


def set_office(code: str) -> None:
    """The office this process works for, once the database has said (every later line)."""
    if _context is not None and code:
        _context.office = code


def _is_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    number = incidents.note(exc, "uncaught exception")
    print(f"motcua: unexpected error, incident {number} (the traceback is in the log)", file=sys.stderr)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        incidents.note(args.exc_value, f"uncaught exception in thread {args.thread.name if args.thread else '?'}")


_hooks: tuple[Callable[..., Any], Callable[..., Any]] | None = None


def _install_hooks() -> None:
    global _hooks
    if _hooks is None:
        _hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = _excepthook
        threading.excepthook = _thread_excepthook


__all__ = ["BACKUPS", "FORMAT", "LOG_DIR", "MAX_BYTES", "log_dir", "set_office", "setup", "teardown", "version"]
