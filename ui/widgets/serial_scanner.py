"""A QR scanner in serial mode, heard in the GUI thread (scanning.serial_qr reads it).

:class:`SerialScanner` has the same :attr:`scanned` signal as the keyboard-wedge
:class:`~ui.widgets.scanner_input.ScannerInput`, so a screen connects both the same way:
the reader's thread emits it and Qt queues it to the receivers in the GUI thread. The
keyboard wedge keeps working beside it (a desk may have either kind of scanner).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from scanning.serial_qr import SerialCodeReader, SerialSpec, parse_scanner

log = logging.getLogger(__name__)


class SerialScanner(QObject):
    scanned = Signal(str)
    problem = Signal(str)

    def __init__(self, spec: SerialSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.reader = SerialCodeReader(spec, self.scanned.emit, self._problem)
        self._last_problem = ""

    def start(self) -> SerialScanner:
        self.reader.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        return self

    def stop(self) -> None:
        self.reader.stop()

    def _problem(self, message: str) -> None:
        if message != self._last_problem:  # said once, not every few seconds while unplugged
            self._last_problem = message
            log.warning("QR scanner: %s", message)
        self.problem.emit(message)


def serial_scanner(setting: str, parent: QObject | None = None) -> SerialScanner | None:
    """The serial scanner the ``scanner`` setting names, started; None for ``keyboard``.
    A malformed setting is logged and ignored: the keyboard wedge still works."""
    try:
        spec = parse_scanner(setting)
    except ValueError as exc:
        log.warning("scanner setting %r ignored: %s", setting, exc)
        return None
    return SerialScanner(spec, parent).start() if spec is not None else None


__all__ = ["SerialScanner", "serial_scanner"]
