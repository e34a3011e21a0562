"""The appointment operations' refusals (local_db words them in Vietnamese only) said again for the clerk, in the page's language."""

from __future__ import annotations

from datetime import date, datetime

from core.errors import MotcuaError, QuotaExceeded
from core.i18n import _
from core.working_calendar import to_office_time


def _hhmm(iso: str | None) -> str:
    if not iso:
        return ""
    return to_office_time(datetime.fromisoformat(iso)).strftime("%H:%M")


def clerk_words(exc: MotcuaError) -> MotcuaError:
    """An operation's refusal in the clerk's language; any other keeps its own message."""
    d = exc.details
    code = d.get("appointment_code", "")
    words = None
    if exc.code == "too_early":
        words = _("Too early for appointment {code}: check-in opens at {time}.").format(
            code=code, time=_hhmm(d.get("window_start")))
    elif exc.code == "too_late":
        words = _("The check-in time of appointment {code} ended at {time}. The citizen can take an "
                  "ordinary ticket.").format(code=code, time=_hhmm(d.get("window_end")))
    elif exc.code == "wrong_day":
        day = date.fromisoformat(d["day"]) if d.get("day") else None
        words = _("Appointment {code} is for {day}, not today: it can only be checked in on that day.").format(
            code=code, day=f"{day:%d/%m/%Y}" if day else "")
    elif exc.code == "cancelled":
        words = _("Appointment {code} was cancelled.").format(code=code)
    elif exc.code == "no_show":
        words = _("Appointment {code} is already marked absent.").format(code=code)
    elif exc.code == "already_checked_in":
        words = _("Appointment {code} is already checked in (ticket {ticket}).").format(
            code=code, ticket=d.get("ticket_code") or "")
    elif exc.code == "illegal_transition":
        words = _("Appointment {code} is no longer booked (it was checked in, cancelled or marked absent "
                  "meanwhile). The list now shows it as it is.").format(code=code)
    elif isinstance(exc, QuotaExceeded) or exc.code == "quota_exceeded":
        words = _("This time slot has no free place left. Choose another time slot.")
    elif exc.code == "slot_past":
        words = _("This time slot is already over. Choose a later one.")
    elif exc.code == "same_slot":
        words = _("The appointment is already in this time slot.")
    elif exc.code == "below_booked":
        words = _("The places cannot be fewer than those already booked (office: {office}, online: "
                  "{online}).").format(office=d.get("office_booked", 0), online=d.get("online_booked", 0))
    elif exc.code == "not_working_day":
        words = _("The office does not receive citizens on that day: no time slots can be made.")
    elif exc.code in ("appointment_not_found", "slot_not_found"):
        words = _("This appointment or time slot no longer exists. The list now shows the day as it is.")
    elif exc.code == "procedure_not_found" or (exc.code == "wrong_service" and exc.details.get("field") != "slot"):
        words = _("This procedure cannot be booked in this time slot. Choose the procedure again.")
    if words is None:
        return exc
    return type(exc)(words, code=exc.code, **{k: v for k, v in d.items() if k != "code"})


__all__ = ["clerk_words"]
