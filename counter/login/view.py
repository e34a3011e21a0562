"""The counter's sign-in screen, and the same screen as the idle lock (the clerk's
password to resume; another clerk signs out first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from core.i18n import _, current_language
from core.text import fold
from counter.context import CounterContext
from counter.login.model import CounterChoice, counters, sign_in, unlock
from ui.parts import button, label, panel, say, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.failures import database_outage, failure_words


def error_words(exc: Exception) -> str:
    """A sign-in failure in the clerk's words (the op's own message for its known codes)."""
    return failure_words(exc, unavailable=_(
        "The office database cannot be reached. Please try again or call the office's IT person."))


class LoginScreen(Screen):
    """``signed_in(staff)`` after a good password; ``unlocked(staff)`` after the idle lock;
    ``sign_out`` when the clerk at a locked desk chooses to sign out instead."""

    name = "login"
    signed_in = Signal(object)
    unlocked = Signal(object)
    sign_out = Signal()

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, *, remembered_counter: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.locked = False
        self.busy = False
        self.remembered_counter = remembered_counter
        self.choices: list[CounterChoice] = []
        self.office = label(role="title", center=True)
        self.heading = label(role="subtitle", center=True)
        self.username = QLineEdit()
        self.username.setObjectName("login-username")
        self.password = QLineEdit()
        self.password.setObjectName("login-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.counter = QComboBox()
        self.counter.setObjectName("login-counter")
        self.error = label(role="error", name="login-error")
        self.error.hide()
        self.submit = button(role="primary", name="login-submit", on_click=self._submit)
        self.other = button(role="link", name="login-sign-out", on_click=self.sign_out.emit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._submit)
        card = panel()
        card.setFixedWidth(520)
        self.form = QFormLayout()
        self.form.setVerticalSpacing(12)
        self.form.setHorizontalSpacing(16)
        self.user_label, self.password_label, self.counter_label = label(), label(), label()
        self.form.addRow(self.user_label, self.username)
        self.form.addRow(self.password_label, self.password)
        self.form.addRow(self.counter_label, self.counter)
        inner = vbox(card, [self.heading], margin=28, spacing=14)
        inner.addLayout(self.form)
        for w in (self.error, self.submit, self.other):
            inner.addWidget(w)
        outer = vbox(self, [self.office], margin=40, spacing=24)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.office.setText(self.ctx.office_name(current_language()))
        self.user_label.setText(_("Username"))
        self.password_label.setText(_("Password"))
        self.counter_label.setText(_("Counter"))
        self.other.setText(_("Sign out (another clerk)"))
        if self.locked and self.ctx.staff is not None:
            self.heading.setText(_("Locked after a pause. {name}, enter your password to continue.")
                                 .format(name=self.ctx.staff.full_name))
            self.submit.setText(_("Continue"))
        else:
            self.heading.setText(_("Sign in to the counter"))
            self.submit.setText(_("Sign in"))
        self._fill_counters()

    # --- states ---------------------------------------------------------------------------

    def enter(self, locked: bool = False, **params: Any) -> None:
        self.locked = locked and self.ctx.staff is not None
        self.busy = False
        self.password.clear()
        say(self.error, "", "error")
        if self.locked:
            self.username.setText(self.ctx.staff.username)
        else:
            self.username.clear()
        for w in (self.username, self.user_label, self.counter, self.counter_label):
            w.setVisible(not self.locked)
        self.other.setVisible(self.locked)
        self.retranslate()
        if not self.choices:
            self.tasks.run(counters, self.ctx, on_done=self._counters, on_error=lambda _e: None)
        (self.password if self.locked else self.username).setFocus()

    def leave(self) -> None:
        self.password.clear()  # a password never stays in a widget
        say(self.error, "", "error")

    def _counters(self, choices: list[CounterChoice]) -> None:
        self.choices = choices
        self._fill_counters()

    def _fill_counters(self) -> None:
        keep = self.counter.currentData() or self.remembered_counter or self.ctx.counter_number
        self.counter.blockSignals(True)
        self.counter.clear()
        for c in self.choices:
            words = _("Counter {number}").format(number=c.number)
            named = c.name and fold(c.name) not in (fold(words), f"quay {c.number}")  # "Quầy 1" is said once
            self.counter.addItem(f"{words} — {c.name}" if named else words, c.number)
        index = self.counter.findData(keep)
        self.counter.setCurrentIndex(max(index, 0))
        self.counter.blockSignals(False)

    # --- signing in -----------------------------------------------------------------------

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.locked and not self.username.text().strip():
            say(self.error, _("Enter your username."), "error")
            self.username.setFocus()
            return
        if not self.password.text():
            say(self.error, _("Enter your password."), "error")
            self.password.setFocus()
            return
        self.busy = True
        self.submit.setEnabled(False)
        say(self.error, "", "error")
        password = self.password.text()
        self.password.clear()
        if self.locked:
            self.tasks.run(unlock, self.ctx, password, on_done=self._unlocked, on_error=self._failed)
        else:
            self.tasks.run(sign_in, self.ctx, self.username.text(), password, on_done=self._signed_in,
                           on_error=self._failed)

    def _signed_in(self, staff: Any) -> None:
        self.busy = False
        self.submit.setEnabled(True)
        self.ctx.counter_number = self.counter.currentData()
        self.signed_in.emit(staff)

    def _unlocked(self, staff: Any) -> None:
        self.busy = False
        self.submit.setEnabled(True)
        self.unlocked.emit(staff)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.submit.setEnabled(True)
        say(self.error, error_words(exc), "error")
        self.password.setFocus()

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        return [("", lambda: None),
                ("missing", lambda: (self.username.setText("canbo1"), self._submit())),
                ("failed", lambda: self._failed(database_outage()))]

