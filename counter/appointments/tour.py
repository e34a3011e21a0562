"""The made-up states of the appointments page that the tour photographs.

A day around the real one (three slots of the first service with each status in them, and
an empty one), each move's outcome, each refusal, the searches and the dialogs — drawn on
the real page without writing anything to the database. ``AppointmentsPage.tour_states``
hands back ``tour_states(page)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from core.errors import DomainError, QuotaExceeded
from core.working_calendar import to_office_time
from counter.appointments import model
from counter.appointments.dialogs import BookDialog, RescheduleDialog
from counter.appointments.rows import ApptRow, DayView, Done, SlotChoices, SlotRow
from counter.appointments.words import error_words
from ui.failures import database_outage

if TYPE_CHECKING:
    from counter.appointments.view import AppointmentsPage

CODE = "LHP4W8ZN"  # the booked appointment most states choose


def base(page: AppointmentsPage) -> DayView:
    """The real day, read once for the tour (the made-up states replace ``page.view``)."""
    page.tasks.wait_idle()
    if getattr(page, "_tour_real", None) is None:
        page._tour_real = page.view or model.day_view(page.ctx, page.day)
    return page._tour_real


def tour_view(page: AppointmentsPage, **changes: Any) -> DayView:
    """A made-up day around the real one: three slots of the first service with each
    status in them (no database write)."""
    real = base(page)
    if not real.services:
        return real
    svc = real.services[0]
    day = real.day
    now = page.ctx.now()
    local = to_office_time(now)

    def appt(code: str, name: str, phone: str, status: str, source: str, ticket: str | None = None,
             closed: bool = False) -> ApptRow:
        return ApptRow(id=uuid.uuid4(), code=code, citizen_name=name, phone=phone, status=status, source=source,
                       ticket_code=ticket, procedure_code="1.001193", procedure_name_vi="Thủ tục đăng ký khai sinh",
                       procedure_name_en="Birth registration", booked_at=now - timedelta(days=1),
                       checked_in_at=now - timedelta(minutes=20) if status == "checked_in" else None,
                       window_closed=closed)

    def slot(start: time, minutes: int, appts: tuple[ApptRow, ...], quota: int = 4, online: int = 2,
             online_booked: int = 0) -> SlotRow:
        begin = datetime.combine(day, start, tzinfo=local.tzinfo)
        end = begin + timedelta(minutes=minutes)
        return SlotRow(id=uuid.uuid4(), service=svc, day=day, start=start, end=end.time(), office_quota=quota,
                       office_booked=sum(1 for a in appts if a.source != "online" and a.status != "cancelled"),
                       online_quota=online, online_booked=online_booked,
                       check_in_from=begin - timedelta(minutes=15), check_in_until=end,
                       over=end <= local, appointments=appts)

    slots = (
        slot(time(7, 30), 30, (appt("LHK7M2QP", "Nguyễn Văn Hoà", "0912345678", "checked_in", "kiosk", "A001"),
                               appt("LHX3D9TR", "Trần Thị Thuỷ", "0987654321", "no_show", "phone", closed=True))),
        slot(time(8, 30), 30, (appt(CODE, "Lê Minh Tuấn", "0358123456", "booked", "counter"),
                               appt("LHB6Y2HC", "Phạm Ngọc Ánh", "0771234567", "cancelled", "online")),
             online_booked=1),
        slot(time(9, 0), 30, (appt("LHR5N7JA", "Đỗ Quang Huy", "0903111222", "booked", "phone"),)),
        slot(time(9, 30), 30, (), quota=0, online=0),
    )
    values: dict[str, Any] = {"slots": slots, "done": None}
    values.update(changes)
    return replace(real, **values)


def show(page: AppointmentsPage, view: DayView | None = None, select: str | None = None, **changes: Any) -> None:
    """Draw ``view`` (or the made-up day with ``changes``) with ``select`` chosen: an
    appointment code, or ``"slot"`` for the second slot."""
    page.dialogs.close()
    page._say("")
    page.search.clear()
    page._clear_hits()
    page.view = view or tour_view(page, **changes)
    page.reads.void()  # the made-up day is not undone by a read still on its way
    if select == "slot" and page.view.slots:
        page._want = page.view.slots[1 if len(page.view.slots) > 1 else 0].id
    elif select is not None:
        for s in page.view.slots:
            for a in s.appointments:
                if a.code == select:
                    page._want = a.id
    page._draw()


def show_error(page: AppointmentsPage, exc: Exception, **changes: Any) -> None:
    show(page, select=CODE, **changes)
    page._say("error", "error", lambda: error_words(exc))


def show_done(page: AppointmentsPage, done: Done, **changes: Any) -> None:
    show(page, select=CODE, **changes)
    page._say_done(done)


def show_dialog(page: AppointmentsPage, opener: Callable[..., None], select: str | None = CODE,
                **changes: Any) -> None:
    show(page, select=select, **changes)
    opener(embedded=True)
    page.tasks.wait_idle()


def book_error(page: AppointmentsPage) -> None:
    """The booking dialog filled in with a phone number too short, sent."""
    show_dialog(page, page.forms.open_book, select=None)
    dialog = page.dialog
    if isinstance(dialog, BookDialog):
        dialog.search.setText("khai sinh")
        if dialog.procedures.count():
            dialog.procedures.setCurrentRow(0)
        for i in range(dialog.slots.count()):
            if dialog.slots.item(i).flags() & Qt.ItemFlag.ItemIsSelectable:
                dialog.slots.setCurrentRow(i)
                break
        dialog.name.setText("Nguyễn Văn Hoà")
        dialog.phone.setText("0912 345")
        dialog.accept()


def reschedule(page: AppointmentsPage) -> None:
    """The dialog over the made-up day (its appointment is not in the database)."""
    show(page, select=CODE)
    slot, appt = page.selected()
    if slot is None or appt is None or page.view is None:
        return
    others = tuple(s for s in page.view.slots if s.id != slot.id)
    choices = SlotChoices(days=(page.view.day,), slots=others)
    page.forms.show_reschedule(RescheduleDialog(appt, slot, choices, page, embedded=True), True)


def search(page: AppointmentsPage, query: str) -> None:
    show(page)
    page.search.setText(query)
    page.hits = model.search(page.ctx, query)
    page._draw_hits()


def tour_states(page: AppointmentsPage) -> list[tuple[str, Callable[[], None]]]:
    """(name, put the page in that state) for every state the tour photographs."""
    base(page)
    code = CODE

    def refusal(kind: str, **details: Any) -> Exception:
        return model.clerk_words(DomainError("", code=kind, appointment_code=code, **details))

    now = page.ctx.now()
    later = (now + timedelta(minutes=40)).isoformat()
    earlier = (now - timedelta(minutes=10)).isoformat()
    day = to_office_time(now).date()
    return [
        ("", page.tasks.wait_idle),
        ("day", lambda: show(page, select=code)),
        ("slot-chosen", lambda: show(page, select="slot")),
        ("empty-day", lambda: show(page, tour_view(page, slots=()))),
        ("empty-day-supervisor", lambda: show(page, tour_view(page, slots=(), can_manage=True))),
        ("closed-day", lambda: show(page, tour_view(page, slots=(), working_day=False))),
        ("supervisor", lambda: show(page, tour_view(page, can_manage=True), select=code)),
        ("checked-in", lambda: show_done(page, Done(model.CHECKED_IN, code=code, ticket_code="A012"))),
        ("absent", lambda: show_done(page, Done(model.ABSENT, count=2))),
        ("nobody-absent", lambda: show_done(page, Done(model.NOBODY_ABSENT))),
        ("booked-phone", lambda: show_done(page, Done(model.BOOKED, code=code, day=day, start=time(9, 0),
                                                      end=time(9, 30)))),
        ("booked-desk", lambda: show_done(page, Done(model.BOOKED, code=code, day=day, start=time(9, 0),
                                                     end=time(9, 30), print_job_id=uuid.uuid4()))),
        ("rescheduled", lambda: show_done(page, Done(model.RESCHEDULED, code=code, day=day, start=time(10, 0),
                                                     end=time(10, 30)))),
        ("cancelled", lambda: show_done(page, Done(model.CANCELLED, code=code))),
        ("capacity-saved", lambda: show_done(page, Done(model.CAPACITY, start=time(9, 0), end=time(9, 30)))),
        ("slots-created", lambda: show_done(page, Done(model.SLOTS_CREATED, count=8))),
        ("slots-existed", lambda: show_done(page, Done(model.SLOTS_CREATED, count=0))),
        ("too-early", lambda: show_error(page, refusal("too_early", window_start=later))),
        ("too-late", lambda: show_error(page, refusal("too_late", window_end=earlier))),
        ("wrong-day", lambda: show_error(page, refusal("wrong_day", day=day.isoformat()))),
        ("was-cancelled", lambda: show_error(page, refusal("cancelled"))),
        ("was-absent", lambda: show_error(page, refusal("no_show"))),
        ("already-checked-in", lambda: show_error(page, refusal("already_checked_in", ticket_code="A012"))),
        ("changed-meanwhile", lambda: show_error(page, refusal("illegal_transition"))),
        ("slot-full", lambda: show_error(page, model.clerk_words(QuotaExceeded("")))),
        ("not-found", lambda: show_error(page, refusal("appointment_not_found"))),
        ("clerk-refused", lambda: (show(page, select=code), page.forms.may_manage())),
        ("db-error", lambda: show_error(page, database_outage())),
        ("refresh-error", lambda: (show(page, select=code), page._refresh_failed(database_outage()))),
        ("search-hits", lambda: search(page, "nguyen")),
        ("search-none", lambda: search(page, "khong ai ten nay")),
        ("book-dialog", lambda: show_dialog(page, page.forms.open_book, select=None)),
        ("book-dialog-error", lambda: book_error(page)),
        ("reschedule-dialog", lambda: reschedule(page)),
        ("cancel-dialog", lambda: show_dialog(page, page.forms.open_cancel)),
        ("capacity-dialog", lambda: show_dialog(page, page.forms.open_capacity, select="slot", can_manage=True)),
        ("slots-dialog", lambda: show_dialog(page, page.forms.open_slots, select=None, can_manage=True)),
    ]


__all__ = ["CODE", "base", "show", "tour_states", "tour_view"]
