"""What the appointments page says, in words: an action, a status, a slot, the outcome of a
move, the chosen appointment, the day's counts.

Plain functions of the rows model.py reads (no widget here), so the page, the day tree and
the tour all say the same thing the same way.
"""

from __future__ import annotations

from datetime import datetime

from core.appointment_states import AppointmentStatus
from core.i18n import _, current_language, ngettext, pgettext
from core.working_calendar import to_office_time
from counter.appointments import model
from counter.appointments.dialogs import day_words, window_words
from counter.appointments.rows import ApptRow, DayView, Done, SearchHit, SlotRow
from ui.failures import failure_words


def action_words(action: str) -> str:
    return {
        "check_in": pgettext("counter appointments", "Check in"),
        "book": pgettext("counter appointments", "Book"),
        "reschedule": pgettext("counter appointments", "Reschedule"),
        "absent": pgettext("counter appointments", "Mark absent"),
        "cancel": pgettext("counter appointments", "Cancel appointment"),
        "capacity": pgettext("counter appointments", "Places of the slot"),
        "slots": pgettext("counter appointments", "Create slots"),
    }[action]


def status_words(a: ApptRow) -> str:
    if a.status == AppointmentStatus.CHECKED_IN:
        return pgettext("counter appointments", "Checked in, ticket {ticket}").format(ticket=a.ticket_code or "")
    if a.status == AppointmentStatus.CANCELLED:
        return pgettext("counter appointments", "Cancelled")
    if a.status == AppointmentStatus.NO_SHOW:
        return pgettext("counter appointments", "Absent")
    if a.overdue:
        return pgettext("counter appointments", "Booked, check-in time over")
    return pgettext("counter appointments", "Booked")


def hit_status_words(status: str) -> str:
    """The status of a search hit (its row only knows the status name)."""
    return {AppointmentStatus.BOOKED: pgettext("counter appointments", "Booked"),
            AppointmentStatus.CHECKED_IN: pgettext("counter appointments", "Checked in"),
            AppointmentStatus.CANCELLED: pgettext("counter appointments", "Cancelled"),
            AppointmentStatus.NO_SHOW: pgettext("counter appointments", "Absent")}.get(status, status)


def hit_words(h: SearchHit) -> str:
    """A search hit as its list shows it: code and citizen, then when and its status."""
    return (f"{h.code} · {h.citizen_name}\n{day_words(h.day)}, {window_words(h.start, h.end)} · "
            f"{hit_status_words(h.status)}")


def day_title(v: DayView) -> str:
    words = day_words(v.day)
    if v.is_today:
        words = _("{day} (today)").format(day=words)
    return words


def source_words(source: str) -> str:
    return {"kiosk": pgettext("counter appointments", "Kiosk"), "phone": pgettext("counter appointments", "Phone"), "counter": pgettext("counter appointments", "Counter"),
            "online": pgettext("counter appointments", "Online")}.get(source, source)


def slot_words(s: SlotRow) -> str:
    """``08:00–08:30 · Hộ tịch (A) · Tại cơ quan: đã đặt 2/4, còn 2 · Trực tuyến: ...``"""
    office = _("Office: {booked}/{quota} booked, {free} free").format(
        booked=s.office_booked, quota=s.office_quota, free=s.office_free)
    online = _("Online: {booked}/{quota} booked, {free} free").format(
        booked=s.online_booked, quota=s.online_quota, free=s.online_free)
    parts = [window_words(s.start, s.end), f"{s.service.name} ({s.service.prefix})", office, online]
    if s.over:
        parts.append(pgettext("counter appointments", "over"))
    return " · ".join(parts)


def done_words(done: Done) -> tuple[str, str]:
    """(text, role) of what the last move has to say."""
    when = (f"{day_words(done.day)}, {window_words(done.start, done.end)}"
            if done.day and done.start and done.end else "")
    if done.kind == model.CHECKED_IN:
        return _("Appointment {code} checked in: priority ticket {ticket} is printing. Hand it to the citizen."
                 ).format(code=done.code, ticket=done.ticket_code), "ok"
    if done.kind == model.ABSENT:
        return ngettext("{n} appointment whose check-in time is over was marked absent.",
                        "{n} appointments whose check-in time is over were marked absent.",
                        done.count).format(n=done.count), "ok"
    if done.kind == model.NOBODY_ABSENT:
        return _("No booked appointment has its check-in time over: nobody was marked absent."), "info"
    if done.kind == model.BOOKED:
        if done.print_job_id is not None:
            return _("Appointment {code} booked for {when}. The appointment slip is printing.").format(
                code=done.code, when=when), "ok"
        return _("Appointment {code} booked for {when}. Read the code and the time to the citizen.").format(
            code=done.code, when=when), "ok"
    if done.kind == model.RESCHEDULED:
        return _("Appointment {code} moved to {when}.").format(code=done.code, when=when), "ok"
    if done.kind == model.CANCELLED:
        return _("Appointment {code} cancelled; its place is free again.").format(code=done.code), "ok"
    if done.kind == model.CAPACITY:
        return _("The places of the time slot {time} were saved.").format(
            time=window_words(done.start, done.end) if done.start and done.end else ""), "ok"
    if done.kind == model.SLOTS_CREATED:
        if done.count:
            return ngettext("{n} time slot created.", "{n} time slots created.", done.count).format(n=done.count), "ok"
        return _("These time slots existed already; nothing was changed."), "info"
    return "", "hint"


def error_words(exc: Exception) -> str:
    return failure_words(exc, unavailable=_(
        "The action could not be saved: the office database cannot be reached. Please try again."))


def hhmm(moment: datetime | None) -> str:
    return to_office_time(moment).strftime("%H:%M") if moment else ""


def detail_words(slot: SlotRow | None, appt: ApptRow | None) -> str:
    """The chosen appointment in full (or the chosen slot, or what to do to choose one)."""
    if appt is not None and slot is not None:
        lines = [f"{appt.code} · {status_words(appt)}", appt.citizen_name,
                 _("Phone: {phone}").format(phone=appt.phone or "—"),
                 _("Procedure: {name}").format(name=appt.procedure_name or "—"),
                 _("Time: {day}, {time}").format(day=day_words(slot.day), time=window_words(slot.start, slot.end)),
                 _("Check-in from {start} to {end}").format(start=f"{slot.check_in_from:%H:%M}",
                                                            end=f"{slot.check_in_until:%H:%M}"),
                 _("Booked via {source} at {time} {day}").format(
                     source=source_words(appt.source).lower() if current_language() == "vi"
                     else source_words(appt.source),
                     time=hhmm(appt.booked_at), day=f"{to_office_time(appt.booked_at):%d/%m}")]
        if appt.checked_in_at is not None:
            lines.append(_("Checked in at {time}").format(time=hhmm(appt.checked_in_at)))
        return "\n".join(lines)
    if slot is not None:
        return slot_words(slot).replace(" · ", "\n")
    return _("Choose an appointment in the list (arrow keys or the mouse).")


def counts_words(slots: tuple[SlotRow, ...]) -> str:
    """``5 lịch hẹn · 3 còn chờ · 1 đã tiếp nhận`` of the slots shown."""
    appts = [a for s in slots for a in s.appointments]
    booked = sum(1 for a in appts if a.booked)
    came = sum(1 for a in appts if a.status == AppointmentStatus.CHECKED_IN)
    parts = [ngettext("{n} appointment", "{n} appointments", len(appts)).format(n=len(appts)),
             _("{n} still expected").format(n=booked), _("{n} checked in").format(n=came)]
    over = sum(1 for a in appts if a.overdue)
    if over:
        parts.append(ngettext("{n} past its check-in time", "{n} past their check-in time", over).format(n=over))
    return " · ".join(parts)


def empty_words(v: DayView) -> str:
    """Why a day (or a service on it) shows no time slot."""
    if not v.working_day:
        return _("The office does not receive citizens on this day.")
    if v.slots:
        return _("This service has no time slots on this day.")
    if v.can_manage:
        return _("No time slots on this day. Use “{button}” to make them.").format(button=action_words("slots"))
    return _("No time slots on this day. A supervisor can make them.")


__all__ = ["action_words", "counts_words", "day_title", "detail_words", "done_words", "empty_words", "error_words",
           "hhmm", "hit_status_words", "hit_words", "slot_words", "source_words", "status_words"]
