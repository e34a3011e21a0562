"""The staff PIN pad that closes the kiosk (opened by the hidden corner gesture).

Big keys, the digits shown as dots, and plain words for every outcome: wrong PIN (with
the tries left), locked for a minute after five wrong tries, or no PIN set for the office.
The check runs off the GUI thread (argon2 is slow on purpose). On the right PIN the
screen emits ``accepted``; kiosk/exit_gesture.py connects it to the window's shutdown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

from core.i18n import _, ngettext, pgettext
from kiosk.context import KioskContext
from kiosk.pin.model import PIN_DIGITS, PinCheck, PinGuard, Verdict, check_pin
from ui.failures import failure_words
from ui.flow import Flip, column
from ui.parts import button, hbox, label, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.theme import set_role

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok")


class PinScreen(Screen):
    name = "pin"
    accepted = Signal()

    def __init__(self, ctx: KioskContext, tasks: TaskRunner, guard: PinGuard | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.guard = guard or PinGuard()
        self.digits = ""
        self.checking = False
        self.title = label(role="title", center=True)
        self.hint = label(role="subtitle", center=True)
        self.dots = label(role="big", center=True, wrap=False, name="pin-dots")
        self.status = label(role="hint", center=True, name="pin-status")
        self.keys = {}
        grid = QGridLayout()
        grid.setSpacing(18)
        for i, key in enumerate(KEYS):
            b = button(key if key.isdigit() else "", "pin_key", name=f"pin-{key}",
                       on_click=lambda k=key: self.press(k))
            self.keys[key] = b
            grid.addWidget(b, i // 3, i % 3)
        self.cancel = button(name="pin-cancel", on_click=lambda: self.go("start"))
        pad = QWidget()
        pad.setLayout(grid)
        row = hbox(items=[])
        row.addStretch(1)
        row.addWidget(pad, 4)
        row.addStretch(1)
        # The keys under the words (portrait), or beside them (landscape).
        words = column([self.title, self.hint, self.dots, self.status], spacing=22, stretch_end=True)
        layout = vbox(self, margin=40, spacing=22)
        layout.addWidget(Flip([words, column([row], spacing=0)], portrait=[0, 0], landscape=[1, 1], spacing=22))
        layout.addStretch(1)
        layout.addWidget(self.cancel)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(1000)
        self._lock_timer.timeout.connect(self._tick_lock)
        self._message: tuple[str, Any] = ("", None)
        self.retranslate()

    # --- texts -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Staff only"))
        self.hint.setText(_("Enter the staff PIN to close the kiosk."))
        self.keys["clear"].setText(pgettext("kiosk pin", "Clear"))
        self.keys["ok"].setText(pgettext("kiosk pin", "OK"))
        self.cancel.setText(pgettext("kiosk pin", "Cancel and go back"))
        self._show_dots()
        self._say(*self._message)

    def _show_dots(self) -> None:
        shown = max(PIN_DIGITS[0], len(self.digits))
        self.dots.setText(" ".join("•" if i < len(self.digits) else "–" for i in range(shown)))

    def _say(self, kind: str, value: Any = None) -> None:
        """One message at a time, kept so a language switch can say it again."""
        self._message = (kind, value)
        texts = {
            "": "",
            "short": _("The PIN has 4 to 6 digits."),
            "checking": _("Checking..."),
            "closing": _("PIN accepted. Closing the kiosk..."),
            "not_set": _("No staff PIN is set for this office yet, so the kiosk cannot be closed here. "
                         "An administrator sets one on the counter's admin page, or with: "
                         "motcua kiosk --set-pin --user NAME"),
            "error": _("The PIN cannot be checked right now (the office database does not answer). "
                       "Please try again."),
        }
        if kind == "wrong":
            text = ngettext("Wrong PIN. {n} try left before the pad locks for a minute.",
                            "Wrong PIN. {n} tries left before the pad locks for a minute.", value).format(n=value)
        elif kind == "locked":
            text = ngettext("Too many wrong tries: the pad is locked. Try again in {n} second.",
                            "Too many wrong tries: the pad is locked. Try again in {n} seconds.", value).format(n=value)
        elif kind == "error" and isinstance(value, BaseException):
            text = failure_words(value, unavailable=texts["error"])
        else:
            text = texts[kind]
        role = {"": "hint", "checking": "info", "closing": "ok"}.get(kind, "error")
        if self.status.property("role") != role:
            set_role(self.status, role)
            # The repolish alone leaves the label's size hint without the new role's
            # padding and border; a style-change event makes it take them.
            QApplication.sendEvent(self.status, QEvent(QEvent.Type.StyleChange))
        self.status.setText(text)

    # --- behaviour -----------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.digits = ""
        self.checking = False
        self._show_dots()
        locked = self.guard.locked_for()
        if locked:  # leaving the pad does not end a lockout
            self._say("locked", locked)
            self._lock_timer.start()
        else:
            self._say("")

    def leave(self) -> None:
        self.digits = ""
        self._show_dots()
        self._lock_timer.stop()
        self._say("")

    def press(self, key: str) -> None:
        if self.checking:
            return
        if key == "clear":
            self.digits = ""
        elif key == "ok":
            self.submit()
            return
        elif len(self.digits) < PIN_DIGITS[1]:
            self.digits += key
        self._show_dots()
        if self._message[0] in ("short", "wrong", "error", "not_set"):
            self._say("")

    def submit(self) -> None:
        locked = self.guard.locked_for()
        if locked:
            self.digits = ""
            self._show_dots()
            self._say("locked", locked)
            self._lock_timer.start()
            return
        if len(self.digits) < PIN_DIGITS[0]:
            self._say("short")
            return
        pin, self.digits = self.digits, ""
        self._show_dots()
        self.checking = True
        self._say("checking")
        self.tasks.run(check_pin, self.ctx.db, self.ctx.office_code, pin, actor=self.ctx.actor, now=self.ctx.now(),
                       on_done=self._checked, on_error=self._failed)

    def _checked(self, check: PinCheck) -> None:
        self.checking = False
        verdict: Verdict = self.guard.record(check)
        if verdict.outcome == "ok":
            self._say("closing")
            # After this callback returns: the window's shutdown waits for running tasks,
            # and this one counts as running until its callback is done.
            QTimer.singleShot(0, self.accepted.emit)
        elif verdict.outcome == "wrong":
            self._say("wrong", verdict.tries_left)
        elif verdict.outcome == "locked":
            self._say("locked", verdict.locked_s)
            self._lock_timer.start()
        else:
            self._say("not_set")

    def _failed(self, exc: Exception) -> None:
        self.checking = False
        self._say("error", exc)

    def _tick_lock(self) -> None:
        left = self.guard.locked_for()
        if left:
            self._say("locked", left)
        else:
            self._lock_timer.stop()
            self._say("")

    def tour_states(self) -> list[tuple[str, Any]]:
        def typed() -> None:
            self.digits = "1234"
            self._show_dots()

        return [
            ("", lambda: None),
            ("typed", typed),
            ("short", lambda: self._say("short")),
            ("checking", lambda: self._say("checking")),
            ("wrong", lambda: self._say("wrong", 4)),
            ("wrong_last", lambda: self._say("wrong", 1)),
            ("locked", lambda: self._say("locked", 60)),
            ("not_set", lambda: self._say("not_set")),
            ("error", lambda: self._say("error")),
            ("closing", lambda: self._say("closing")),
        ]
