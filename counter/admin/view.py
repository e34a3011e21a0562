"""The administration page (admin only: ``min_role = "admin"``, the window hides it from
everybody else, and every model function refuses them anyway).

A row of tab buttons — staff accounts, counters and services, calendar and hours, kiosk and
desk settings, printers, display board notices — over the chosen tab, and one message line under
it saying what the last change did or why it was refused, in words.

Every database call goes through the TaskRunner (model.py); each change returns the whole
page's data, so every tab redraws from one :class:`~counter.admin.rows.AdminView`. The tab
that made the change refills its form from the saved values; the other tabs keep what is
typed in them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QPushButton, QStackedWidget, QWidget

from core.errors import DomainError, ValidationError
from core.i18n import _, ngettext, pgettext
from core.server_link import missing_server_words
from counter.admin import model
from counter.admin.calendar_tab import CalendarTab
from counter.admin.counters_tab import CountersTab
from counter.admin.printers_tab import PrintersTab
from counter.admin.rows import AdminView, Done
from counter.admin.settings_tab import NoticesTab, SettingsTab
from counter.admin.staff_tab import StaffTab
from counter.context import CounterContext
from local_db.ops.staff import Forbidden
from printing.printer_spec import parse_printer
from ui.parts import button, hbox, label, say, scroll_area, vbox
from ui.screen import Screen
from ui.tasks import TaskRunner
from ui.failures import database_outage, failure_words

TABS = ("staff", "counters", "calendar", "settings", "printers", "notices")


def tab_words(tab: str) -> str:
    return {
        "staff": _("Staff accounts"),
        "counters": _("Counters and services"),
        "calendar": _("Calendar and hours"),
        "settings": _("Kiosk and desk"),
        "printers": _("Printers"),
        "notices": _("Display board notices"),
    }[tab]


def _day(text: str) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y") if text else ""


def done_words(done: Done) -> tuple[str, str]:
    """(text, role) of what the last change has to say."""
    k, subject = done.kind, done.subject
    if k == model.STAFF_CREATED:
        return _("Account {username} created. It can sign in now with the password given.").format(
            username=subject), "ok"
    if k == model.STAFF_SAVED:
        return _("Account {username} saved.").format(username=subject), "ok"
    if k == model.PASSWORD_SET:
        return _("New password set for {username}; any lockout is cleared.").format(username=subject), "ok"
    if k == model.LOCKOUT_CLEARED:
        return _("Lockout cleared: {username} can sign in again.").format(username=subject), "ok"
    if k == model.COUNTER_SAVED:
        return _("Counter {number} saved. Its clerk calls from the new list at the next call.").format(
            number=subject), "ok"
    if k == model.COUNTER_ADDED:
        return _("Counter {number} added. A clerk can now sign in at it.").format(number=subject), "ok"
    if k == model.HOLIDAY_ADDED:
        return _("{date} added to the calendar. Due dates count it from now on.").format(date=_day(subject)), "ok"
    if k == model.HOLIDAY_REMOVED:
        return _("{date} removed from the calendar.").format(date=_day(subject)), "ok"
    if k == model.NATIONAL_ADDED:
        if done.count:
            return ngettext("{n} national day of {year} added.", "{n} national days of {year} added.",
                            done.count).format(n=done.count, year=subject), "ok"
        return _("Every national day of {year} is in the table already.").format(year=subject), "info"
    if k == model.HOURS_SAVED:
        return _("Working hours saved. Due dates of new dossiers use them."), "ok"
    if k == model.PIN_SET:
        return _("Kiosk PIN set. Every kiosk of the office takes it from now on."), "ok"
    if k == model.SETTINGS_SAVED:
        return _("Settings saved. Every machine of the office uses them from now on."), "ok"
    if k == model.NOTICES_SAVED:
        if done.count:
            return ngettext("{n} notice saved; the display board shows it.",
                            "{n} notices saved; the display board shows them in turn.",
                            done.count).format(n=done.count), "ok"
        return _("Notices saved: the display board shows none."), "ok"
    if k == model.TEST_PAGE_QUEUED:
        return _("Test page sent to {printer}. The status bar says when it has printed, or what went wrong.").format(
            printer=subject), "ok"
    if k == model.PRINTER_SAVED:
        return _("This desk now prints on {printer}, also after a restart.").format(printer=subject), "ok"
    if k == model.NOTHING_CHANGED:
        return _("Nothing was changed."), "info"
    return "", "hint"


def error_words(exc: Exception) -> str:
    """A refused change in the administrator's words: the rule's own message, a plain
    sentence when the database could not be reached."""
    return failure_words(exc, unavailable=_(
        "The change could not be saved: the office database cannot be reached. Please try again."))


def _printer_error(text: str) -> Exception:
    try:
        parse_printer(text)
    except ValidationError as exc:
        return exc
    return ValidationError(text)


class AdminPage(Screen):
    name = "admin"
    min_role = "admin"

    def __init__(self, ctx: CounterContext, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.view: AdminView | None = None
        self.busy = False
        self.tab = "staff"
        self._message: tuple[str, Callable[[], str]] | None = None

        self.title = label(role="title", name="admin-title")
        self.tab_buttons: dict[str, QPushButton] = {}
        tabs_row = hbox(spacing=8)
        tabs_row.addWidget(self.title)
        for tab in TABS:
            b = button(name=f"admin-tab-{tab}", on_click=lambda tab=tab: self.show_tab(tab))
            b.setCheckable(True)
            self.tab_buttons[tab] = b
            tabs_row.addWidget(b)
        self.tabs: dict[str, Any] = {
            "staff": StaffTab(self.act), "counters": CountersTab(self.act), "calendar": CalendarTab(self.act),
            "settings": SettingsTab(self.act), "printers": PrintersTab(self.act), "notices": NoticesTab(self.act),
        }
        self.stack = QStackedWidget()
        self.areas = {}
        for tab in TABS:
            # In large text a tab may not fit: it scrolls instead of pushing the window taller.
            self.areas[tab] = scroll_area(self.tabs[tab])
            self.stack.addWidget(self.areas[tab])
        self.message = label(role="hint", name="admin-message")
        self.message.hide()
        self.server_notice = label(role="info", name="admin-no-server")  # no central server set
        self.server_notice.setVisible(not ctx.tracking_host)
        layout = vbox(self, margin=16, spacing=12)
        layout.addWidget(self.server_notice)
        layout.addLayout(tabs_row)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        self.retranslate()
        self.show_tab("staff")

    # --- Screen -------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self._say()
        self.show_tab(params.get("tab", self.tab))
        self.refresh()

    def leave(self) -> None:
        """Passwords and PINs typed are forgotten (nobody else should find them on the page);
        notices edited and not saved yet stay for when the admin comes back."""
        self.tabs["staff"].clear_secrets()
        self.tabs["settings"].clear_secrets()
        self._say()

    def retranslate(self) -> None:
        self.title.setText(_("Administration"))
        self.server_notice.setText(missing_server_words() if not self.ctx.tracking_host else "")
        for tab, b in self.tab_buttons.items():
            b.setText(tab_words(tab))
        for t in self.tabs.values():
            t.retranslate()
        if self._message is not None:
            role, words = self._message
            say(self.message, words(), role)

    # --- tabs and messages -------------------------------------------------------------------

    def show_tab(self, tab: str) -> None:
        self.tab = tab
        self.stack.setCurrentWidget(self.areas[tab])
        for name, b in self.tab_buttons.items():
            if b.isChecked() != (name == tab):
                b.setChecked(name == tab)
                b.style().unpolish(b)  # the stylesheet's :checked look follows
                b.style().polish(b)

    def _say(self, role: str = "hint", words: Callable[[], str] | None = None) -> None:
        """Put a message on the message line ("" clears it); ``words`` gives its text in the
        language of the moment."""
        self._message = (role, words) if words is not None else None
        say(self.message, words() if words is not None else "", role)

    def _say_done(self, done: Done | None) -> None:
        if done is None:
            self._say()
        else:
            self._say(done_words(done)[1], lambda: done_words(done)[0])

    def _say_error(self, exc: Exception) -> None:
        self._say("error", lambda: error_words(exc))

    # --- the database ------------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.view.year if self.view is not None else None
        self.tasks.run(model.load, self.ctx, year, on_done=lambda v: self._show(v, refill_all=True),
                       on_error=self._failed)

    def act(self, fn: Callable[..., AdminView], *args: Any, select: Any = None, **kwargs: Any) -> None:
        """Run one change of the model off the GUI thread; the tab that asked is told
        (``after(select)``) when it is saved."""
        if self.busy:
            return
        if fn is model.load:  # the calendar's year buttons: a look, not a change
            self.tasks.run(fn, self.ctx, *args, on_done=lambda v: self._show(v), on_error=self._failed)
            return
        self.busy = True
        tab = self.tab
        year = self.view.year if self.view is not None else None
        calendar_change = fn in (model.add_holiday, model.remove_holiday, model.add_national_days)

        def run() -> AdminView:
            view = fn(self.ctx, *args, **kwargs)
            return view if calendar_change or year is None else model.in_year(self.ctx, view, year)

        self.tasks.run(run, on_done=lambda v: self._saved(v, tab, select), on_error=self._failed)

    def _saved(self, view: AdminView, tab: str, select: Any) -> None:
        self.busy = False
        self._show(view, acting=tab)
        self.tabs[tab].after(select)
        self._say_done(view.done)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self._say_error(exc)

    def _show(self, view: AdminView, *, acting: str | None = None, refill_all: bool = False) -> None:
        self.view = view
        for name, t in self.tabs.items():
            t.draw(view, refill=refill_all or name == acting)

    # --- the tour ---------------------------------------------------------------------------

    def _tour_view(self, **changes: Any) -> AdminView:
        """The office as it is (this year's calendar), with ``changes`` made up on top."""
        self.tasks.wait_idle()
        return replace(model.load(self.ctx), **changes)

    def _tour(self, tab: str, *, done: Done | None = None, error: Exception | None = None,
              **changes: Any) -> None:
        """Draw a made-up state (no database write): the tour's pictures."""
        view = self._tour_view(**changes)
        self.show_tab(tab)
        self._show(view, refill_all=True)
        if error is not None:
            self._say_error(error)
        else:
            self._say_done(done)

    def _tour_locked(self) -> None:
        base = self._tour_view()
        until = base.read_at + timedelta(minutes=12)
        staff = tuple(replace(s, locked_until=until) if s.role == "clerk" and i == 0 else s
                      for i, s in enumerate(sorted(base.staff, key=lambda s: s.role != "clerk")))
        staff = tuple(sorted(staff, key=lambda s: (not s.active, s.username)))
        self._tour("staff", staff=staff)
        locked = next(s for s in staff if s.locked_until is not None)
        self.tabs["staff"].choose(locked.username)

    def _tour_staff_edit(self, enrolled: bool = False) -> None:
        self._tour("staff", enrolled=enrolled)
        clerk = next((s for s in (self.view.staff if self.view else ()) if s.role == "clerk"), None)
        if clerk is not None:
            self.tabs["staff"].choose(clerk.username)

    def _tour_counter(self) -> None:
        self._tour("counters")
        if self.view is not None and self.view.counters:
            self.tabs["counters"].choose(self.view.counters[0].number)

    def _tour_calendar(self, enrolled: bool = False) -> None:
        self._tour("calendar", enrolled=enrolled)
        if self.view is not None and self.view.holidays:
            self.tabs["calendar"].choose(self.view.holidays[0].day)

    def _tour_notices(self, unsaved: bool = False) -> None:
        lines = ("Từ ngày 01/12, bộ phận một cửa mở cửa sáng thứ Bảy.",
                 "Công dân vui lòng chuẩn bị CCCD gắn chip khi làm thủ tục.")
        self._tour("notices", notices=lines)
        if unsaved:
            tab = self.tabs["notices"]
            tab.line.setText("Nghỉ lễ Quốc khánh từ 31/8 đến 02/9.")
            tab.add()

    def _tour_printers(self, problem: bool = False, typed: str = "") -> None:
        from local_db.ops.print_jobs import DevicePrinter

        base = self._tour_view()
        at = base.read_at - timedelta(minutes=7)
        made_up = (DevicePrinter(uuid.UUID(int=1), "kiosk-sanh-chinh", "kiosk", "escpos-usb:04b8:0202",
                                 waiting=3 if problem else 0, failed=3 if problem else 0,
                                 last_error=_("Receipt printer {spec} is out of paper.").format(spec="escpos-usb:04b8:0202") if problem else "", last_printed_at=at),
                   DevicePrinter(uuid.UUID(int=2), "quay-1", "counter", "cups:Brother_HL_L2321D", waiting=0,
                                 failed=0, last_error="", last_printed_at=at - timedelta(minutes=30)),
                   DevicePrinter(uuid.UUID(int=3), "quay-2", "counter", "escpos-net:192.168.1.52", waiting=1,
                                 failed=0, last_error="", last_printed_at=at - timedelta(hours=2)))
        self._tour("printers", printers=made_up, desk_printer="cups:Brother_HL_L2321D")
        if typed:
            self.tabs["printers"].field.setText(typed)

    def tour_states(self) -> list[tuple[str, Callable[[], None]]]:
        forbidden = lambda: Forbidden(_("This needs the role {role}.").format(
            role=pgettext("staff role", "Administrator")))
        mismatch = lambda: ValidationError(_("The two PINs are not the same. Please type the PIN again."))
        owned = lambda: DomainError(_("This office is enrolled: the holiday calendar is managed by the centre "
                                      "and cannot be changed here."), code="centre_owned")
        bad_printer = lambda: _printer_error("cups:HP LaserJet")
        d = "2026-12-31"
        states: list[tuple[str, Callable[[], None]]] = [
            ("", self.tasks.wait_idle),
            ("staff-edit", lambda: self._tour_staff_edit()),
            ("staff-locked", self._tour_locked),
            ("staff-enrolled", lambda: self._tour_staff_edit(enrolled=True)),
            ("counters", lambda: self._tour("counters")),
            ("counter-edit", self._tour_counter),
            ("counters-enrolled", lambda: self._tour("counters", enrolled=True)),
            ("calendar", lambda: self._tour_calendar()),
            ("calendar-empty", lambda: self._tour("calendar", holidays=(), year=2030)),
            ("calendar-enrolled", lambda: self._tour_calendar(enrolled=True)),
            ("settings", lambda: self._tour("settings")),
            ("settings-no-pin", lambda: self._tour("settings", rules=replace(self._tour_view().rules,
                                                                                 kiosk_pin_hash=""))),
            ("printers", lambda: self._tour_printers()),
            ("printers-problem", lambda: self._tour_printers(problem=True)),
            ("printers-typed", lambda: self._tour_printers(typed="escpos-net:192.168.1.60")),
            ("printers-bad", lambda: self._tour_printers(typed="cups:HP LaserJet")),
            ("printers-none", lambda: self._tour("printers", printers=())),
            ("notices", lambda: self._tour_notices()),
            ("notices-empty", lambda: self._tour("notices", notices=())),
            ("notices-unsaved", lambda: self._tour_notices(unsaved=True)),
        ]
        done_tabs = {
            model.STAFF_CREATED: ("staff", "canbo3"), model.STAFF_SAVED: ("staff", "canbo1"),
            model.PASSWORD_SET: ("staff", "canbo1"), model.LOCKOUT_CLEARED: ("staff", "canbo1"),
            model.COUNTER_SAVED: ("counters", "2"), model.COUNTER_ADDED: ("counters", "5"),
            model.HOLIDAY_ADDED: ("calendar", d), model.HOLIDAY_REMOVED: ("calendar", d),
            model.NATIONAL_ADDED: ("calendar", "2027"), model.HOURS_SAVED: ("calendar", ""),
            model.PIN_SET: ("settings", ""), model.SETTINGS_SAVED: ("settings", ""),
            model.NOTICES_SAVED: ("notices", ""), model.NOTHING_CHANGED: ("settings", ""),
            model.TEST_PAGE_QUEUED: ("printers", "cups:Brother_HL_L2321D"),
            model.PRINTER_SAVED: ("printers", "escpos-net:192.168.1.60"),
        }
        for kind, (tab, subject) in done_tabs.items():
            count = 11 if kind == model.NATIONAL_ADDED else 2 if kind == model.NOTICES_SAVED else 0
            states.append((f"done-{kind}", lambda tab=tab, kind=kind, subject=subject, count=count:
                           self._tour(tab, done=Done(kind, subject, count))))
        states += [
            ("done-national-none", lambda: self._tour("calendar", done=Done(model.NATIONAL_ADDED, "2027", 0))),
            ("done-notices-none", lambda: self._tour("notices", done=Done(model.NOTICES_SAVED), notices=())),
            ("error-pin-mismatch", lambda: self._tour("settings", error=mismatch())),
            ("error-centre-owned", lambda: self._tour("calendar", error=owned())),
            ("error-forbidden", lambda: self._tour("staff", error=forbidden())),
            ("error-bad-printer", lambda: self._tour("printers", error=bad_printer())),
            ("error-database", lambda: self._tour("staff", error=database_outage())),
        ]
        return states


__all__ = ["TABS", "AdminPage", "done_words", "error_words", "tab_words"]
