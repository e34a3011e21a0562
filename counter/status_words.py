"""The status bar's sentences: the sync backlog and the printer, calm and exact."""

from __future__ import annotations

from datetime import datetime

from core.i18n import _, ngettext
from core.working_calendar import to_office_time
from counter.status import DeskStatus
from local_db.ops.print_jobs import PrintStatus


def age_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("under a minute")
    if minutes < 120:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = hours // 24
    return ngettext("{n} day", "{n} days", days).format(n=days)


def sync_words(st: DeskStatus, now: datetime) -> str:
    if st.never_connected:
        return never_connected_words(st)
    if st.link.online:
        parts = [_("Connected to the centre")]
    elif st.link.last_contact_at is not None:
        parts = [_("Working offline (last contact with the centre {when})")
                 .format(when=f"{to_office_time(st.link.last_contact_at):%H:%M %d/%m}")]
    else:
        parts = [_("Working offline (never connected to the centre)")]
    if st.pending:
        line = ngettext("{n} operation waiting to be sent", "{n} operations waiting to be sent",
                        st.pending).format(n=st.pending)
        if st.oldest_pending_at is not None:
            line += _(", the oldest for {age}").format(age=age_words((now - st.oldest_pending_at).total_seconds()))
        parts.append(line)
    else:
        parts.append(_("nothing waiting to be sent"))
    if st.rejected_count:
        parts.append(ngettext("{n} operation refused by the centre", "{n} operations refused by the centre",
                              st.rejected_count).format(n=st.rejected_count))
    if st.notices:
        parts.append(ngettext("{n} change by the centre to read", "{n} changes by the centre to read",
                              len(st.notices)).format(n=len(st.notices)))
    if st.credential_refused:
        parts.append(_("the centre no longer accepts this office's key: ask IT to enrol it again"))
    if st.clock_warning and st.clock_skew_seconds is not None:
        parts.append(clock_words(st.clock_skew_seconds))
    return " · ".join(parts)


def never_connected_words(st: DeskStatus) -> str:
    """A fresh office (or a demo before its agent ran): plainly not connected yet, what is
    kept, and where to read how to connect — not "11866 operations waiting, the oldest for 28
    days", which reads like a link that broke a month ago."""
    head = (_("Not connected to the city's server") if not st.enrolled
            else _("The city's server has not been reached yet"))
    parts = [head]
    if st.pending:
        parts.append(ngettext("{n} operation kept here", "{n} operations kept here", st.pending).format(n=st.pending))
    parts.append(_("click for how to connect"))  # short: the bar also holds the printer's state
    return " · ".join(parts)


def how_to_connect_words(st: DeskStatus) -> str:
    """The sync dialog's steps for the office's IT person, with the real commands and
    settings (README "Sync", cli/sync.py)."""
    if not st.enrolled:
        return _("This office is not connected to the city's server yet. Everything is kept in the office database "
                 "and is sent once it is connected; nothing is lost. To connect it, the office's IT person:\n"
                 "1. asks the city's IT for a one-time enrolment code for this office (at the centre: "
                 "motcua server enroll-code OFFICE_CODE);\n"
                 "2. on the office server, runs: motcua sync enroll https://SERVER_ADDRESS CODE "
                 "(add --ca-bundle city-ca.pem if the city's certificates are not in the system's store); this "
                 "writes the server's address into the settings file (server_url, and ca_bundle);\n"
                 "3. starts the sync agent there: motcua sync run (as a service that starts with the machine); "
                 "motcua sync status shows what it did.")
    return _("This office is enrolled, but the sync agent has not reached the city's server yet. On the office "
             "server, check that the agent runs (motcua sync run, or motcua sync once for one round that says what "
             "happened), that the server's address (the server_url setting) is right, and that the network lets it "
             "through. Everything is kept in the office database meanwhile; nothing is lost.")


def clock_words(skew_seconds: float) -> str:
    """This machine's clock against the centre's, in words staff can act on."""
    ahead = skew_seconds > 0
    minutes = round(abs(skew_seconds) / 60)
    if minutes >= 120:
        hours = round(minutes / 60)
        span = ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    else:
        span = ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    return (_("this computer's clock is {span} fast: please set it right") if ahead
            else _("this computer's clock is {span} slow: please set it right")).format(span=span)


def printer_words(p: PrintStatus) -> str:
    if p.failed:
        return ngettext("Printer problem: {error} · {n} paper waiting to print again",
                        "Printer problem: {error} · {n} papers waiting to print again",
                        p.waiting).format(error=p.last_error or _("unknown error"), n=p.waiting)
    if p.waiting:
        return ngettext("Printer: {n} paper printing", "Printer: {n} papers printing", p.waiting).format(n=p.waiting)
    return _("Printer: ready")
