"""The real kiosk window on a real X server, saying what it shows: for the xdotool scan test.

Run as ``python -m tests.support.kiosk_on_x DATABASE_URL PDF_DIR`` with ``DISPLAY`` set and
no ``QT_QPA_PLATFORM`` (Qt's xcb platform: X key events, as from a USB scanner). It builds
the same :class:`kiosk.app.KioskWindow` as ``motcua kiosk`` (the application-wide scanner
filter on the real clock), prints ``ready`` once the start screen is exposed, then one line
per change of screen (``screen NAME``) and of the dossier lookup's status or error
(``dossier-status TEXT``), and exits on SIGTERM. X shows pixels; these lines say what the
pixels mean.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path


def main(db_url: str, pdf_dir: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel

    from kiosk.app import KioskWindow
    from kiosk.context import KioskContext
    from local_db.database import Database
    from local_db.office_settings import get_office
    from local_db.office_setup import ensure_device
    from ui.app import make_app

    db = Database(db_url)
    with db.write() as s:
        office = get_office(s)
        device = ensure_device(s, office.code, "kiosk-x", "kiosk")
        ctx = KioskContext(db=db, office_code=office.code, device_id=device.id, office_name_vi=office.name_vi,
                           office_name_en=office.name_en, printer=f"pdf:{pdf_dir}", tracking_host="MOTCUA.HANOI.GOV.VN")
    app = make_app()
    window = KioskWindow(ctx, pdf_dir=Path(pdf_dir), print_in_background=False, use_camera=False)
    window.resize(540, 960)
    window.show()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: window.shutdown())
    window.nav.changed.connect(lambda name: print(f"screen {name}", flush=True))
    seen: dict[str, str] = {}

    def watch() -> None:  # also lets Python run its signal handlers while Qt waits
        for name in ("dossier-status", "dossier-error"):
            widget = window.findChild(QLabel, name)
            text = widget.text() if widget is not None and widget.isVisible() else ""
            if text != seen.get(name, ""):
                seen[name] = text
                print(f"{name} {text}", flush=True)

    ticker = QTimer(window)
    ticker.timeout.connect(watch)
    ticker.start(50)

    def ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(10, ready)
            return
        print("ready", flush=True)

    QTimer.singleShot(0, ready)
    code = app.exec()
    db.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
