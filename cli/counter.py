"""``motcua counter``: the clerk's desk app on the office database.

The clerk signs in and chooses the counter; ``--counter N`` chooses it for them and this
machine remembers it (``counter-desk.json`` in the data folder). Closing the window loses
nothing: every step is already in the database. The process prints one ``motcua counter:
ready`` line once the sign-in screen is shown (logs, and the cold-start benchmark); the
hidden ``--exit-after-start`` flag closes it right then, for smoke tests.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from cli.common import run_app
from cli.training import add_now_option
from ui.placement import Area

_STARTED = time.perf_counter()
READY = "motcua counter: ready"
REMEMBERED = "counter-desk.json"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--counter", type=int, metavar="N", help="this machine is counter N (remembered)")
    parser.add_argument("--geometry", type=Area.parse, metavar="WxH+X+Y",
                        help="a window in this area of the screen, zoomed out when it does not fit (motcua demo "
                             "uses it)")
    parser.add_argument("--full-screen", action="store_true", help="full-screen instead of a 1600x900 window")
    add_now_option(parser)
    parser.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)


def remembered_counter(data_dir: Path, chosen: int | None) -> int | None:
    """The counter this machine was told it is (``chosen`` is remembered for next time)."""
    path = data_dir / REMEMBERED
    if chosen is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"counter": chosen}), encoding="utf-8")
        return chosen
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("counter")
        return int(value) if value is not None else None
    except (OSError, ValueError, TypeError):
        return None


def run(args: argparse.Namespace) -> int:
    return run_app(args, "counter", lambda db, settings, clock: _run_counter(db, settings, args, clock))


def _run_counter(db, settings, args: argparse.Namespace, clock=None) -> int:  # type: ignore[no-untyped-def]
    import signal

    from PySide6.QtCore import QTimer

    from counter.app import DESK_SIZE, CounterWindow
    from counter.context import CounterContext
    from ui.app import make_app
    from ui.placement import place, prepare_zoom
    from ui.theme import Theme

    zoom = prepare_zoom(args.geometry, DESK_SIZE)
    counter = remembered_counter(Path(settings.data_dir), args.counter)
    ctx = CounterContext.open(db, settings, counter_number=counter, clock=clock)
    app = make_app(language=settings.language, theme=Theme(desk=True))
    window = CounterWindow(ctx, pdf_dir=Path(settings.data_dir) / "prints", remembered_counter=counter)
    if args.full_screen:
        window.showFullScreen()
    elif args.geometry is not None:
        place(window, args.geometry, zoom)
        window.show()
    else:
        window.resize(*DESK_SIZE)
        window.show()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: window.close_now())
    wake = QTimer(window)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start(250)

    def ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(10, ready)
            return
        print(f"{READY} ({time.perf_counter() - _STARTED:.2f} s, office {ctx.office_code})", flush=True)
        if args.exit_after_start:
            QTimer.singleShot(0, window.close)

    QTimer.singleShot(0, ready)
    return app.exec()
