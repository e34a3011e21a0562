"""``motcua display``: the waiting-room board, full-screen, on the office database.

It shows each open counter with the number it serves, the last calls, the queues and the
office's notices, and calls each number aloud (espeak-ng's Vietnamese voice; sound files
are kept in the user's cache folder). It only reads the database. ``--digits`` reads
numbers digit by digit and ``--english`` repeats each call in English on this board,
whatever the office's setting; ``--no-sound`` shows only. Ctrl+C or SIGTERM closes it.

The process prints one ``motcua display: ready`` line once the board is shown and the
event loop runs; the hidden ``--exit-after-start`` flag closes it right then (smoke tests),
and the hidden ``--print-calls`` prints ``motcua display: shown CODE COUNTER NS`` each time
a new call is on screen (the benchmark's probe; NS is ``time.time_ns()``).
"""

from __future__ import annotations

import argparse
import time

from cli.common import run_app
from cli.training import add_now_option
from ui.placement import Area

_STARTED = time.perf_counter()
READY = "motcua display: ready"
SHOWN = "motcua display: shown"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windowed", action="store_true", help="a 1920x1080 window instead of full-screen")
    parser.add_argument("--geometry", type=Area.parse, metavar="WxH+X+Y",
                        help="a window in this area of the screen, zoomed out when it does not fit (motcua demo "
                             "uses it)")
    parser.add_argument("--digits", action="store_true", help="read ticket numbers digit by digit (A015: A, 0, 1, 5)")
    parser.add_argument("--english", action="store_true", help="repeat each call in English")
    parser.add_argument("--no-sound", action="store_true", help="show the calls without a chime or a voice")
    add_now_option(parser)
    parser.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--print-calls", action="store_true", help=argparse.SUPPRESS)


def open_board_database(url: str):  # type: ignore[no-untyped-def]
    """The office database for a board: on PostgreSQL a short connect timeout, so a server
    gone from the network is noticed in seconds (the board says it is reconnecting)."""
    from local_db.database import Database

    kwargs = {} if url.startswith("sqlite") else {"connect_args": {"connect_timeout": 5}}
    return Database(url, **kwargs)


def run(args: argparse.Namespace) -> int:
    return run_app(args, "display", lambda db, settings, clock: _run_board(db, settings, args, clock), database=open_board_database)


def _run_board(db, settings, args: argparse.Namespace, clock=None) -> int:  # type: ignore[no-untyped-def]
    import signal

    from PySide6.QtCore import QTimer

    from display.app import DisplayWindow
    from display.context import DisplayContext
    from display.style import BOARD_SIZE
    from ui.app import make_app
    from ui.placement import place, prepare_zoom

    zoom = prepare_zoom(args.geometry, BOARD_SIZE)
    ctx = DisplayContext.open(db, style="digits" if args.digits else None, english=True if args.english else None,
                              sound=not args.no_sound, clock=clock)
    app = make_app(language=settings.language, name="MotCua display")
    window = DisplayWindow(ctx)
    if args.print_calls:
        def shown(call) -> None:  # type: ignore[no-untyped-def]
            card = window.view.cards.get(call.counter_number)
            if card is not None:
                card.repaint()  # drawn, not only set
            print(f"{SHOWN} {call.code} {call.counter_number} {time.time_ns()}", flush=True)

        window.shown.connect(shown)
    if args.geometry is not None:
        place(window, args.geometry, zoom)
        window.show()
    elif args.windowed:
        window.resize(*BOARD_SIZE)
        window.show()
    else:
        from PySide6.QtCore import Qt

        window.setCursor(Qt.CursorShape.BlankCursor)  # a TV: no mouse pointer left in the middle
        window.showFullScreen()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: window.close())
    wake = QTimer(window)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start(250)

    def ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed() or not window.settled:
            QTimer.singleShot(10, ready)
            return
        print(f"{READY} ({time.perf_counter() - _STARTED:.2f} s, office {ctx.office_code})", flush=True)
        if args.exit_after_start:
            QTimer.singleShot(0, window.close)

    QTimer.singleShot(0, ready)
    code = app.exec()
    window.shutdown()
    return code
