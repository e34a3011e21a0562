"""The counter window: the composition root of the clerk's screens.

It owns the sign-in screen, the pages a clerk's role may open (left column), the header
(office, counter, clerk, language, lock, sign out), the status bar that always shows the
sync backlog and the printer, the print worker of this desk, and the idle lock. Pages never
import each other; they are Screens wired here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, current_language
from core.server_link import missing_server_words
from counter.context import CounterContext
from counter.keys import shortcut, tooltip, with_key
from counter.login.model import close_desk, idle_lock_minutes, open_desk
from counter.login.view import LoginScreen
from counter.scanning.work import tidy_store
from counter.status import DeskStatus, desk_status
from counter.status_words import printer_words, sync_words
from counter.sync_dialog import SyncDialog
from local_db.ops.staff import role_label
from ui.idle import IdleWatcher
from ui.parts import button, hbox, label, panel, vbox
from ui.print_bridge import PrintBridge
from ui.qt_language import set_app_language
from ui.screen import Navigator, Screen
from ui.tasks import TaskRunner
from ui.training import on_training_clock, show_training_badge
from ui.window_title import counter_words, window_title

ROLE_ORDER = {"clerk": 0, "supervisor": 1, "admin": 2}
PAGE_TITLES = {"queue": N_("Queue"), "intake": N_("New dossier"), "dossiers": N_("Dossiers"),
               "appointments": N_("Appointments"), "dashboard": N_("Dashboard"), "admin": N_("Administration")}
STATUS_REFRESH_MS = 5_000
DESK_SIZE = (1600, 900)


def allowed(role: str, needed: str) -> bool:
    return ROLE_ORDER.get(role, -1) >= ROLE_ORDER[needed]


def desk_pages(ctx: CounterContext, tasks: TaskRunner) -> list[Screen]:
    """Every page of the desk, in the order of the left column. A page says the least role
    that may open it in ``min_role`` (default: every clerk)."""
    from counter.admin.view import AdminPage
    from counter.appointments.view import AppointmentsPage
    from counter.dashboard.view import DashboardPage
    from counter.dossiers.view import DossiersPage
    from counter.intake.view import IntakeScreen
    from counter.queue.view import QueuePanel

    return [QueuePanel(ctx, tasks), IntakeScreen(ctx, tasks), DossiersPage(ctx, tasks), AppointmentsPage(ctx, tasks),
            DashboardPage(ctx, tasks), AdminPage(ctx, tasks)]


class CounterWindow(QWidget):
    def __init__(self, ctx: CounterContext, *, pdf_dir: Path, print_in_background: bool = True,
                 remembered_counter: int | None = None, idle_lock_s: float | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.printer = PrintBridge(ctx.db, ctx.device_id, ctx.printer, pdf_dir, parent=self, clock=ctx.clock)

        self.office = label(role="subtitle")
        self.who = label(name="desk-who")
        self.language = button(name="desk-language", on_click=self.toggle_language)
        self.lock_button = button(name="desk-lock", on_click=self.lock)
        self.sign_out_button = button(name="desk-sign-out", on_click=self.sign_out)
        self.header = panel("header")
        hbox(self.header, [self.office, self.who], margin=10, spacing=16).addStretch(1)
        self.header.layout().addWidget(self.language)
        self.header.layout().addWidget(self.lock_button)
        self.header.layout().addWidget(self.sign_out_button)

        self.nav = Navigator()
        self.login = LoginScreen(ctx, self.tasks, remembered_counter=remembered_counter)
        self.nav.add(self.login)
        self.pages = desk_pages(ctx, self.tasks)
        self.page_buttons: dict[str, QPushButton] = {}
        self.side = QWidget()
        self.side.setObjectName("screen")
        side_layout = vbox(self.side, margin=10, spacing=8)
        for page in self.pages:
            self.nav.add(page)
            if hasattr(page, "on_print_event"):
                self.printer.event.connect(page.on_print_event)
            b = button(name=f"nav-{page.name}", on_click=lambda name=page.name: self.open_page(name))
            b.setCheckable(True)
            self.page_buttons[page.name] = b
            side_layout.addWidget(b)
        side_layout.addStretch(1)
        self.side.setFixedWidth(230)

        self.sync_status = button(role="link", name="desk-sync", on_click=self.show_sync)  # opens the refusals
        self.printer_status = label(role="hint", name="desk-printer")
        status = QWidget()
        bar = hbox(status, [self.sync_status], margin=8, spacing=24)
        bar.addStretch(1)
        bar.addWidget(self.printer_status)
        self.sync_status.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.side)
        body.addWidget(self.nav, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        # No central server set: staff are told (receipts carry no tracking address); citizens never see it.
        self.server_notice = label(role="info", name="desk-no-server")
        self.server_notice.setVisible(not ctx.tracking_host)
        layout.addWidget(self.server_notice)
        layout.addWidget(status)

        self.lock_shortcut = shortcut("lock", self, self.lock, context=Qt.ShortcutContext.WindowShortcut)
        self.login.signed_in.connect(self._signed_in)
        self.login.unlocked.connect(self._unlocked)
        self.login.sign_out.connect(self.sign_out)
        self.nav.changed.connect(lambda _name: self._chrome())
        minutes = idle_lock_s / 60 if idle_lock_s is not None else idle_lock_minutes(ctx)
        self.idle = IdleWatcher(timeout=minutes * 60, warn=0, parent=self)
        self.idle.timed_out.connect(self.lock)
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start(STATUS_REFRESH_MS)
        self.status: DeskStatus | None = None
        self.training_badge = show_training_badge(self, ctx.clock)
        self.nav.go("login")
        self.retranslate()
        self.refresh_status()
        if print_in_background:
            self.printer.start()

    # --- signing in and out -------------------------------------------------------------

    def _signed_in(self, staff: Any) -> None:
        self.ctx.staff = staff
        self.tasks.run(open_desk, self.ctx, on_error=lambda _e: None)
        self.tasks.run(tidy_store, self.ctx, on_error=lambda _e: None)  # scans of intakes that ended without a dossier
        first = next((p.name for p in self.pages if self._may_open(p)), None)
        if first is not None:
            self.open_page(first)
        self.idle.resume()

    def _unlocked(self, staff: Any) -> None:
        self.ctx.staff = staff
        self.open_page(self._last_page or "queue")
        self.idle.resume()

    def lock(self) -> None:
        """The idle lock (or the Lock button): the page's work stays, the password resumes."""
        if self.ctx.staff is None or self.nav.current is self.login:
            return
        self._last_page = self.nav.current.name
        self.idle.pause()
        self.nav.go("login", locked=True)

    def sign_out(self) -> None:
        if self.ctx.staff is not None:
            self.tasks.run(close_desk, self.ctx, on_error=lambda _e: None)
            self.tasks.wait_idle()  # the counter closes as this clerk, before the clerk is forgotten
        self.ctx.staff = None
        self._last_page = None
        self.idle.pause()
        self.nav.go("login")

    _last_page: str | None = None

    # --- pages ---------------------------------------------------------------------------

    def _may_open(self, page: Screen) -> bool:
        return self.ctx.staff is not None and allowed(self.ctx.staff.role, getattr(page, "min_role", "clerk"))

    def open_page(self, name: str) -> None:
        page = self.nav.screens.get(name)
        if page is None or not self._may_open(page):
            return  # a clerk cannot open the admin page, whatever the shortcut
        self.nav.go(name)

    def _chrome(self) -> None:
        """Header, left column and buttons for who is signed in and where."""
        self.setWindowTitle(window_title(counter_words(self.ctx.counter_number),
                                         self.ctx.office_name(current_language()),
                                         training=on_training_clock(self.ctx.clock)))
        signed_in = self.ctx.staff is not None and self.nav.current is not self.login
        self.side.setVisible(signed_in)
        for name, b in self.page_buttons.items():
            b.setVisible(signed_in and self._may_open(self.nav.screens[name]))
            b.setChecked(self.nav.current.name == name)
        self.lock_button.setVisible(signed_in)
        self.sign_out_button.setVisible(signed_in)
        if signed_in:
            role = role_label(self.ctx.staff.role)
            counter = (_("Counter {number}").format(number=self.ctx.counter_number)
                       if self.ctx.counter_number is not None else _("No counter"))
            self.who.setText(f"{counter} · {self.ctx.staff.full_name} ({role})")
        else:
            self.who.setText("")

    # --- language, status ----------------------------------------------------------------

    def toggle_language(self) -> None:
        set_app_language("en" if current_language() == "vi" else "vi")
        self.retranslate()
        for screen in self.nav.screens.values():
            screen.retranslate()

    def retranslate(self) -> None:
        self.office.setText(self.ctx.office_name(current_language()))
        self.language.setText("English" if current_language() == "vi" else "Tiếng Việt")
        self.lock_button.setText(with_key(_("Lock"), "lock"))
        self.lock_button.setToolTip(tooltip("lock"))
        self.sign_out_button.setText(_("Sign out"))
        self.server_notice.setText(missing_server_words() if not self.ctx.tracking_host else "")
        for name, b in self.page_buttons.items():
            b.setText(_(PAGE_TITLES.get(name, name)))
        self._chrome()
        if self.status is not None:
            self._show_status(self.status)

    def refresh_status(self) -> None:
        self.tasks.run(desk_status, self.ctx, on_done=self._show_status, on_error=lambda _e: None)

    def _show_status(self, st: DeskStatus) -> None:
        self.status = st
        now = self.ctx.now()
        self.sync_status.setText(sync_words(st, now))
        self.printer_status.setText(printer_words(st.printer))

    def show_sync(self) -> SyncDialog | None:
        """The backlog and the operations the centre refused, with their reasons."""
        if self.status is None:
            return None
        dialog = SyncDialog(self.status, self.ctx.now(), self)
        dialog.open()
        return dialog

    # --- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        """An accidental close loses nothing: every step is already in the database; the
        counter closes and the print worker stops. But Alt+F4 pressed by habit while a clerk
        is signed in (a citizen perhaps at the desk) would close the counter under them: so
        it asks first, naming the number being served; signed out, it closes at once."""
        if self.ctx.staff is not None and not self._close_confirmed:
            event.ignore()
            self.ask_to_close()
            return
        self.shutdown()
        event.accept()

    _close_confirmed = False
    close_question: QMessageBox | None = None

    def close_now(self) -> None:
        """Close without asking (SIGTERM from the session, Ctrl+C in a terminal): whoever
        sent it meant it, and a question nobody sees would keep the process alive."""
        self._close_confirmed = True
        self.close()

    def ask_to_close(self) -> QMessageBox:
        """The question (one at a time): Close closes the window, anything else keeps it."""
        if self.close_question is not None and self.close_question.isVisible():
            return self.close_question
        queue = self.nav.screens.get("queue")
        state = getattr(queue, "state", None)
        current = getattr(state, "current", None)
        box = QMessageBox(QMessageBox.Icon.Warning, _("Close the counter app?"), "", parent=self)
        box.setObjectName("desk-close-question")
        if current is not None:
            box.setText(_("Number {code} is still being served at this desk. Close anyway? Counter {counter} "
                          "closes and {clerk} is signed out.").format(code=current.code,
                                                                      counter=self.ctx.counter_number,
                                                                      clerk=self.ctx.staff.full_name))
        else:
            box.setText(_("{clerk} is signed in. Close anyway? The counter closes and {clerk} is signed out.")
                        .format(clerk=self.ctx.staff.full_name))
        close = box.addButton(_("Close the app"), QMessageBox.ButtonRole.DestructiveRole)
        close.setObjectName("desk-close-yes")
        stay = box.addButton(_("Keep working"), QMessageBox.ButtonRole.RejectRole)
        stay.setObjectName("desk-close-no")
        box.setDefaultButton(stay)  # Enter or Esc: nothing is closed
        box.setEscapeButton(stay)

        def answered(_result: int) -> None:
            if box.clickedButton() is close:
                self._close_confirmed = True
                self.close()

        box.finished.connect(answered)
        self.close_question = box
        box.open()
        return box

    def shutdown(self) -> None:
        self._status_timer.stop()
        self.idle.stop()
        if self.ctx.staff is not None:
            self.tasks.run(close_desk, self.ctx, on_error=lambda _e: None)
        self.tasks.wait_idle()
        self.printer.stop()


__all__ = ["DESK_SIZE", "CounterWindow", "allowed", "desk_pages"]
