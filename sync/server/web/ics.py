"""An appointment as an iCalendar file (RFC 5545): CRLF lines folded at 75 octets, times in
the office's zone (``TZID=Asia/Ho_Chi_Minh`` with its VTIMEZONE, UTC+7 all year)."""

from __future__ import annotations

from datetime import datetime, timezone

TZID = "Asia/Ho_Chi_Minh"

_VTIMEZONE = [
    "BEGIN:VTIMEZONE", f"TZID:{TZID}", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700", "TZNAME:ICT", "END:STANDARD", "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF + space (never
    splitting a UTF-8 character)."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def appointment_ics(*, uid: str, start: datetime, end: datetime, summary: str, location: str, description: str,
                    stamp: datetime | None = None) -> str:
    """``start``/``end`` are office-local wall times (aware in OFFICE_TZ or naive)."""
    stamp = (stamp or datetime.now(timezone.utc)).astimezone(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//MotCua//Online booking//VI", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", *_VTIMEZONE, "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
             f"DTSTART;TZID={TZID}:{_local(start)}", f"DTEND;TZID={TZID}:{_local(end)}",
             f"SUMMARY:{escape(summary)}", f"LOCATION:{escape(location)}", f"DESCRIPTION:{escape(description)}",
             "BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape(summary)}", "TRIGGER:-PT1H", "END:VALARM",
             "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


__all__ = ["TZID", "appointment_ics", "escape", "fold"]
