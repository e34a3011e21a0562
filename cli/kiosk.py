"""``motcua kiosk``: the citizens' kiosk, full-screen, on the office database.

Full-screen with no window decorations; closing and Alt+F4 are refused, and the only way
out is the staff PIN pad behind a hidden corner gesture (five taps in the top-left corner
within three seconds). The OS kiosk session in the README (a single-app session) does the
rest. ``--set-pin --user USERNAME`` sets the office's kiosk PIN and exits: an administrator
signs in first (their password, then the PIN twice; from a script, one line each on
standard input), the PIN is stored hashed, and the audit log names who changed it.

The process prints one ``motcua kiosk: ready`` line once the start screen is shown and
the event loop runs (logs, and the cold-start benchmark); the hidden ``--exit-after-start``
flag (or ``MOTCUA_KIOSK_SMOKE=1``) closes it right then, for smoke tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from cli.common import settings_from, warn_if_no_server
from cli.training import add_now_option, check_training_database, start_training, training_settings
from ui.placement import Area

_STARTED = time.perf_counter()  # as early as this module is imported: the process start, nearly
SMOKE_ENV = "MOTCUA_KIOSK_SMOKE"
READY = "motcua kiosk: ready"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windowed", action="store_true",
                        help="a 1080x1920 window instead of full-screen (trying it on a desktop; zoomed out to fit a "
                             "smaller screen)")
    parser.add_argument("--geometry", type=Area.parse, metavar="WxH+X+Y",
                        help="a window in this area of the screen, zoomed out when it does not fit (motcua demo "
                             "uses it)")
    parser.add_argument("--landscape", action="store_true", help="a landscape panel (1920x1080)")
    parser.add_argument("--set-pin", action="store_true",
                        help="set the staff PIN that closes the kiosks of this office (4-6 digits), then exit; "
                             "needs --user")
    parser.add_argument("--user", metavar="USERNAME",
                        help="with --set-pin: the administrator changing it (the password is asked; from a script, "
                             "the first line of standard input)")
    add_now_option(parser)
    parser.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)


def _set_pin(db, settings, office_code: str, username: str | None) -> int:  # type: ignore[no-untyped-def]
    """Sign in (an administrator: the operation checks the role), then the new PIN twice;
    the operation stores its hash and writes the audit row naming who changed it."""
    from cli.staff_sign_in import ask_secret, sign_in
    from core.i18n import _, set_language
    from kiosk.pin.model import valid_pin
    from local_db.office_setup import ensure_device
    from local_db.ops.authority import require_current_role, role_needed
    from local_db.ops.office_rules import set_kiosk_pin

    set_language(settings.language)

    if not username:
        print(_("motcua: setting the kiosk PIN needs an administrator: add --user USERNAME (you will be asked "
                "for the password)."), file=sys.stderr)
        return 2
    with db.write() as s:
        device_id = ensure_device(s, office_code, settings.effective_device_name, "kiosk").id
    actor = sign_in(db, office_code, username, device_id=device_id, command="motcua kiosk --set-pin")
    with db.read() as s:  # refused before the PIN is typed; the operation checks again as it writes
        require_current_role(s, actor, role_needed(set_kiosk_pin) or "admin")
    pin = ask_secret("New kiosk PIN (4-6 digits): ")
    if not valid_pin(pin):
        print("motcua: the kiosk PIN must be 4 to 6 digits", file=sys.stderr)
        return 1
    if ask_secret("Once more: ") != pin:
        print("motcua: the two PINs differ; nothing changed", file=sys.stderr)
        return 1
    with db.write() as s:
        set_kiosk_pin(s, actor, pin)
    print("Kiosk PIN set for every kiosk of the office.")
    return 0


def run(args: argparse.Namespace) -> int:
    from local_db.database import Database
    from local_db.office_settings import get_office

    settings, clock = training_settings(args, settings_from(args))
    if settings.device_kind == "tool":  # not said in the settings file: this machine is a kiosk here
        settings = settings.replace(device_kind="kiosk")
    smoke = args.exit_after_start or os.environ.get(SMOKE_ENV, "") not in ("", "0")
    db = Database(settings.effective_database_url)
    try:
        check_training_database(db, clock)
        warn_if_no_server(settings)
        with db.read() as s:
            office_code = get_office(s).code  # NotFound: "no office in this database: ..."
        if args.set_pin:
            return _set_pin(db, settings, office_code, args.user)
        start_training(db, "kiosk", clock)
        return _run_kiosk(db, settings, args, smoke, clock)
    finally:
        db.dispose()


def _desktop_area(size: tuple[int, int]) -> Area | None:
    """Where a windowed kiosk goes on this desktop: the screen's free area, asked of Qt in a
    process of its own (ui/placement.py; Qt's zoom is set before this process's application
    exists); None when that cannot be learnt (then the window opens at its own size)."""
    from cli.desktop import screen_area
    from ui.placement import windowed_area

    screen = screen_area(os.environ)
    return windowed_area(screen, size) if isinstance(screen, Area) else None


def open_kiosk(db, settings, *, clock=None, print_in_background: bool = True, use_camera: bool = True):  # type: ignore[no-untyped-def]
    """The kiosk's context and window for this machine (``clock``: the training clock of
    ``--now``, None for real service); the command and the training test open it alike."""
    from pathlib import Path

    from kiosk.app import KioskWindow
    from kiosk.context import KioskContext
    from kiosk.exit_gesture import install_exit

    ctx = KioskContext.open(db, settings, clock=clock)
    window = KioskWindow(ctx, pdf_dir=Path(settings.data_dir) / "prints", print_in_background=print_in_background,
                         use_camera=use_camera)
    install_exit(window)
    return ctx, window


def _run_kiosk(db, settings, args: argparse.Namespace, smoke: bool, clock=None) -> int:  # type: ignore[no-untyped-def]
    import signal

    from PySide6.QtCore import QTimer

    from kiosk.app import PORTRAIT
    from kiosk.pin.model import pin_is_set
    from ui.app import make_app
    from ui.placement import place, prepare_zoom

    size = PORTRAIT[::-1] if args.landscape else PORTRAIT
    area = args.geometry
    if area is None and args.windowed:
        area = _desktop_area(size)
    zoom = prepare_zoom(area, size)
    app = make_app(language=settings.language)
    ctx, window = open_kiosk(db, settings, clock=clock)
    if not pin_is_set(db, ctx.office_code) and not smoke:
        print("motcua kiosk: no staff PIN is set for this office, so the PIN pad cannot close the kiosk; "
              "set one with `motcua kiosk --set-pin --user ADMIN`", file=sys.stderr)
    window.fit_panel(size)  # the screens laid out for the panel's orientation before the window shows
    if area is not None:
        place(window, area, zoom)
        window.show()
    elif args.windowed:
        window.show()
    else:
        window.showFullScreen()

    # Ctrl+C in a terminal (and SIGTERM from the session) close the kiosk cleanly: staff at
    # the machine's console already have more power than the PIN gives.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: window.shutdown())
    wake = QTimer(window)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start(250)

    def ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed() or window.nav.current is not window.start:
            QTimer.singleShot(10, ready)
            return
        shown = f"{round(window.width() * zoom)}x{round(window.height() * zoom)}"
        print(f"{READY} ({time.perf_counter() - _STARTED:.2f} s, office {ctx.office_code}, window {shown}"
              + (f" zoomed out to {zoom:.2f}" if zoom < 1 else "") + ")", flush=True)
        if smoke:
            QTimer.singleShot(0, window.shutdown)

    QTimer.singleShot(0, ready)
    return app.exec()
