"""The kiosk: its window, its screens and how they are wired (the composition root).

Full-screen with no decorations; closing is refused, so only the staff PIN ends it (the
OS kiosk session in the README completes this). A header shows the office, the date and
time; after a minute without a touch any screen goes back to the
start and forgets what was entered, with a countdown in the last ten seconds.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from core.i18n import _, current_language
from core.scan_input import ScanDetector
from core.scanned import ScanKind, classify
from core.working_calendar import OFFICE_TZ
from kiosk.booking.view import booking_screens
from kiosk.checkin.view import CheckInScreen
from kiosk.context import KioskContext
from kiosk.dossier.view import DossierScreen
from kiosk.guide.view import GuideScreen, ProcedureScreen
from kiosk.rating.view import RatingFormScreen, RatingScreen, RatingThanksScreen
from kiosk.start.view import StartScreen
from kiosk.ticket.view import PriorityScreen, ServiceScreen, TicketDoneScreen
from ui.idle import IdleWatcher
from ui.parts import OneLineLabel, hbox, label, panel
from ui.print_bridge import PrintBridge
from ui.qt_language import set_app_language
from ui.screen import Navigator
from ui.tasks import TaskRunner
from ui.theme import Theme, apply_theme, current_theme
from ui.training import on_training_clock, training_strip
from ui.widgets.scanner_input import ScannerInput
from ui.widgets.serial_scanner import serial_scanner
from ui.window_title import kiosk_words, window_title

PORTRAIT = (1080, 1920)


class Header(QWidget):
    """The office and the date and time. Nothing about the link to the city: whether the
    office is connected is the staff's concern (the counter shows it), not the citizen's."""

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        bar = panel("header")
        self.office = OneLineLabel(role="subtitle", name="office-name")
        self.clock = label(role="subtitle", wrap=False)
        row = hbox(bar, [self.office], margin=16)
        row.addWidget(self.clock)
        row.setStretch(0, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(bar)
        self.retranslate()

    def retranslate(self) -> None:
        self.office.setText(self.ctx.office_name(current_language()))
        self.tick()

    def tick(self) -> None:
        now = self.ctx.now().astimezone(OFFICE_TZ)
        self.clock.setText(f"{now:%H:%M}  {now:%d/%m/%Y}")


class KioskWindow(QWidget):
    def __init__(self, ctx: KioskContext, *, pdf_dir: Path, print_in_background: bool = True,
                 idle_timeout: float = 60.0, use_camera: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.tasks = TaskRunner(self)
        self.printer = PrintBridge(ctx.db, ctx.device_id, ctx.printer, pdf_dir, parent=self, clock=ctx.clock)
        self.header = Header(ctx)
        self.countdown = label(role="info", center=True, name="countdown")
        self.countdown.hide()
        self.nav = Navigator()
        self.start = StartScreen()
        self.done = TicketDoneScreen(ctx)
        for screen in (
            self.start, ServiceScreen(ctx, self.tasks), PriorityScreen(ctx, self.tasks), self.done,
            CheckInScreen(ctx, self.tasks, use_camera=use_camera), *booking_screens(ctx, self.tasks),
            DossierScreen(ctx, self.tasks), GuideScreen(ctx, self.tasks), ProcedureScreen(ctx, self.tasks),
            RatingScreen(ctx, self.tasks), RatingFormScreen(ctx, self.tasks), RatingThanksScreen(ctx),
        ):
            self.nav.add(screen)
            if hasattr(screen, "on_print_event"):  # screens that tell the citizen their paper printed
                self.printer.event.connect(screen.on_print_event)
        # A USB scanner types anywhere: the screen showing takes the scan, or the start
        # screen sends it where it belongs.
        self.scanner = ScannerInput(self, detector=ScanDetector(prefix=ctx.scanner_prefix))
        QApplication.instance().installEventFilter(self.scanner)
        self.scanner.scanned.connect(self.route_scan)
        self.serial_scanner = serial_scanner(ctx.scanner, self)  # a scanner in serial mode, if set
        if self.serial_scanner is not None:
            self.serial_scanner.scanned.connect(self.route_scan)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        self.training_badge = training_strip(ctx.clock)  # --now: a line of its own (the header is full)
        if self.training_badge is not None:
            layout.addWidget(self.training_badge, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.countdown)
        layout.addWidget(self.nav, 1)

        self.start.language_toggled.connect(self.toggle_language)
        self.start.large_text_toggled.connect(lambda: self.set_theme(large_text=not current_theme().large_text))
        self.start.high_contrast_toggled.connect(
            lambda: self.set_theme(high_contrast=not current_theme().high_contrast))
        self.idle = IdleWatcher(timeout=idle_timeout, parent=self)
        self.idle.countdown.connect(self._countdown)
        self.idle.timed_out.connect(self.reset)
        self.nav.changed.connect(self._screen_changed)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()
        self.nav.go("start")
        if print_in_background:
            self.printer.start()
        self.allow_close = False
        self.retitle()

    # --- behaviour shared by every screen ---------------------------------------------

    def reset(self) -> None:
        """Back to the start in Vietnamese, normal text: the next citizen starts afresh."""
        self.countdown.hide()
        if current_language() != "vi":
            self.toggle_language()
        self.nav.go("start")

    def route_scan(self, text: str) -> None:
        """A scan goes to the screen showing if it reads scans; from any other screen an
        appointment goes to check-in and a receipt to the dossier lookup."""
        current = self.nav.current
        if current is not None and hasattr(current, "on_scan"):
            current.on_scan(text)
            return
        kind = classify(text).kind
        if kind is ScanKind.APPOINTMENT:
            self.nav.go("checkin", scan=text)
        elif kind is ScanKind.RECEIPT:
            self.nav.go("dossier", scan=text)

    def toggle_language(self) -> None:
        set_app_language("en" if current_language() == "vi" else "vi")
        self.header.retranslate()
        self.nav.retranslate()
        self.retitle()

    def retitle(self) -> None:
        self.setWindowTitle(window_title(kiosk_words(), self.ctx.office_name(current_language()),
                                         training=on_training_clock(self.ctx.clock)))

    def set_theme(self, **change: bool) -> None:
        theme = current_theme()
        apply_theme(QApplication.instance(), Theme(large_text=change.get("large_text", theme.large_text),
                                                   high_contrast=change.get("high_contrast", theme.high_contrast)))

    def _screen_changed(self, name: str) -> None:
        if name == "start":
            self.idle.pause()
        else:
            self.idle.resume()

    def _countdown(self, seconds: int) -> None:
        if seconds <= 0:
            self.countdown.hide()
            return
        self.countdown.setText(_("No touch for a while: back to the start in {n} s. Touch the screen to stay.")
                               .format(n=seconds))
        self.countdown.show()

    def _tick(self) -> None:
        self.header.tick()

    # --- the panel: portrait or landscape ------------------------------------------------

    def fit_panel(self, size: tuple[int, int]) -> None:
        """Lay every screen out for a panel of ``size`` (width, height), then take that size.
        In that order: laid out for portrait, a screen is taller than a landscape panel, and
        the window would refuse to shrink to it."""
        self._orient(size[0] > size[1])
        self.resize(*size)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Full-screen, the panel decides the size: the screens follow its orientation."""
        super().resizeEvent(event)
        self._orient(event.size().width() > event.size().height())

    def _orient(self, landscape: bool) -> None:
        if landscape != self.nav.landscape:
            self.nav.orient(landscape)

    # --- no way out but the staff PIN -------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.allow_close:
            app = QApplication.instance()
            app.removeEventFilter(self.scanner)
            if self.serial_scanner is not None:
                self.serial_scanner.stop()
            app.removeEventFilter(self.idle)
            self._clock.stop()
            self.idle.stop()
            self.printer.stop()
            self.tasks.wait_idle(5000)
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_F4 and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            event.ignore()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        """Close for good (after the staff PIN, or at the end of a test)."""
        self.allow_close = True
        self.close()
