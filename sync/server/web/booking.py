"""Booking on the citizens' site: office -> procedure -> day and time -> details ->
confirmation, then the booking's private page (QR, calendar file, slip, move, cancel).

Privacy: a booking's page is reachable only by its private link (``/lich-hen/<secret>``);
only the secret's SHA-256 is stored. The secret is chosen when the confirmation page is
shown, so a confirmation sent twice finds its booking instead of making a second one.

A slot id comes from the citizen's browser, so it is never taken as is: booking or moving
accepts only a slot the site itself offers for the procedure (``data.offered_slot``: the
office's, the procedure's service, not a day off, within the horizon) and that has a place
left and has not begun; any other id is "not found" (booking) or "no place" (moving).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from core.errors import NotFound, QuotaExceeded, TransitionError, ValidationError
from core.i18n import _
from core.text import fold
from sync.server.bookings import book_online, cancel_online
from sync.server.database import lock_office
from sync.server.models import CentreWebBooking
from sync.server.online_moves import move_online
from sync.server.web import data, limits
from sync.server.web.ics import appointment_ics
from sync.server.web.page import (
    APPOINTMENT_WORDS,
    SECRET_FORM,
    SECURITY_HEADERS,
    Details,
    Page,
    Site,
    no_booking,
    no_such,
    procedure_docs,
    too_many_bookings,
    utcnow,
)
from sync.server.web.qr import qr_data_url


class _PhoneLimit(Exception):
    pass


class _NotOffered(Exception):
    """A move to a time the site does not offer for the booking (made by hand, or stale)."""


def add_booking_routes(router: APIRouter, site: Site) -> None:
    db, settings = site.db, site.settings
    horizon = settings.web_booking_days

    @router.get("/dat-lich")
    def choose_office(request: Request) -> Response:
        with site.page(request) as page, db.read() as s:
            return page.render("offices.html", title=_("Book an appointment"), back="/", offices=data.offices(s))

    @router.get("/dat-lich/{office_code}")
    def choose_procedure(request: Request, office_code: str, q: str = "") -> Response:
        with site.page(request) as page, db.read() as s:
            office = data.office(s, office_code)
            if office is None:
                return no_such(page)
            found = data.procedures(s, office_code, q[:100])
            # in the order of what the reader sees (English names on an English page), folded
            found.sort(key=lambda p: (fold(page.field_name(p)), fold(page.name(p))))
            groups: dict[str, list[data.Procedure]] = {}
            for proc in found:
                groups.setdefault(page.field_name(proc), []).append(proc)
            return page.render("procedures.html", title=_("Choose the procedure"), back="/dat-lich", office=office,
                               q=q[:100], groups=groups, count=len(found))

    def _slot_days(slots: list[data.Slot], ngay: str) -> tuple[list[date], date | None, list[data.Slot]]:
        days = sorted({s.day for s in slots})
        try:
            chosen: date | None = date.fromisoformat(ngay) if ngay else None
        except ValueError:
            chosen = None
        if chosen not in days:
            chosen = days[0] if days else None
        return days, chosen, [s for s in slots if s.day == chosen]

    @router.get("/dat-lich/{office_code}/{proc_code}")
    def choose_slot(request: Request, office_code: str, proc_code: str, ngay: str = "") -> Response:
        with site.page(request) as page, db.read() as s:
            return _slots_page(page, s, office_code, proc_code, ngay)

    def _slots_page(page: Page, s: Any, office_code: str, proc_code: str, ngay: str, *, error: str = "",
                    status: int = 200) -> Response:
        office, proc = site.office_and_procedure(s, office_code, proc_code)
        if office is None or proc is None:
            return no_such(page)
        slots = data.free_slots(s, office_code, proc, now=utcnow(), days=horizon)
        days, chosen, today_slots = _slot_days(slots, ngay)
        return page.render("slots.html", status=status, title=_("Choose a day and time"),
                           back=f"/dat-lich/{office_code}", office=office, proc=proc, days=days, chosen=chosen,
                           slots=today_slots, error=error, mode="book",
                           base=f"/dat-lich/{office_code}/{proc_code}", horizon=horizon)

    def _form_target(office_code: str, proc_code: str, slot_id: uuid.UUID) -> str:
        return f"/dat-lich/{office_code}/{proc_code}/{slot_id}"

    def _form_page(page: Page, office: Any, proc: Any, slot: Any, details: Details, *, status: int = 200) -> Response:
        """The details form (empty, kept for a change, or with its errors beside the fields)."""
        target = _form_target(office.code, proc.code, slot.id)
        return page.render("form.html", status=status, title=_("Your details"), back=f"/dat-lich/{office.code}/{proc.code}",
                           toggle=target, office=office, proc=proc, slot=slot, details=details, action=target)

    def _booking_context(s: Any, office_code: str, proc_code: str, slot_id: str) -> tuple[Any, Any, Any] | None:
        try:
            sid = uuid.UUID(slot_id)
        except ValueError:
            return None
        office, proc = data.office(s, office_code), data.procedure(s, office_code, proc_code)
        if office is None or proc is None:
            return None
        slot = data.offered_slot(s, office_code, proc, sid, now=utcnow(), days=horizon)
        if slot is None:
            return None
        return office, proc, slot

    @router.get("/dat-lich/{office_code}/{proc_code}/{slot_id}")
    def details_form(request: Request, office_code: str, proc_code: str, slot_id: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _booking_context(s, office_code, proc_code, slot_id)
            if found is None:
                return no_such(page)
            office, proc, slot = found
            if not data.bookable(slot, utcnow()):
                return _slots_page(page, s, office_code, proc_code, slot.day.isoformat(), status=409,
                                   error=_("Sorry, this time has no free place any more. Please choose another."))
            return _form_page(page, office, proc, slot, Details())

    @router.post("/dat-lich/{office_code}/{proc_code}/{slot_id}")
    def details_check(request: Request, office_code: str, proc_code: str, slot_id: str,
                      full_name: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "",
                      cccd: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
                      edit: Annotated[str, Form()] = "") -> Response:
        with site.page(request) as page:
            if not page.csrf_ok(csrf):
                return page.csrf_refused()
            with db.read() as s:
                found = _booking_context(s, office_code, proc_code, slot_id)
            if found is None:
                return no_such(page)
            office, proc, slot = found
            details = Details(full_name, phone, cccd)
            target = _form_target(office_code, proc_code, slot.id)
            if edit:
                return _form_page(page, office, proc, slot, details)
            details.check()
            if details.errors:
                return _form_page(page, office, proc, slot, details, status=422)
            # The booking's private link is chosen here and sent with the confirmation, so a
            # confirmation sent twice (a double tap, a reload) finds its booking, not a second one.
            return page.render("confirm.html", title=_("Check and confirm"), toggle=target, office=office, proc=proc,
                               slot=slot, details=details, action=target, confirm=target + "/xac-nhan",
                               secret=secrets.token_urlsafe(24))

    @router.post("/dat-lich/{office_code}/{proc_code}/{slot_id}/xac-nhan")
    def book(request: Request, office_code: str, proc_code: str, slot_id: str,
             full_name: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "",
             cccd: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
             secret: Annotated[str, Form()] = "") -> Response:
        with site.page(request) as page:
            if not page.csrf_ok(csrf):
                return page.csrf_refused()
            with db.read() as s:
                found = _booking_context(s, office_code, proc_code, slot_id)
            if found is None:
                return no_such(page)
            office, proc, slot = found
            target = _form_target(office_code, proc_code, slot.id)
            details = Details(full_name, phone, cccd).check()
            if details.errors:
                return _form_page(page, office, proc, slot, details, status=422)
            if not site.allow(request, limits.BOOK_IP, settings.web_bookings_per_ip_per_hour):
                return too_many_bookings(page)
            if not SECRET_FORM.fullmatch(secret):
                secret = secrets.token_urlsafe(24)
            now = utcnow()
            try:
                if not data.bookable(slot, now):
                    raise QuotaExceeded("no place left or begun", code="online_full")
                with db.write() as s:
                    lock_office(s, "phone:" + details.phone)  # one phone's bookings one at a time
                    if data.booking_by_secret(s, secret) is not None:  # this confirmation, sent again
                        return page.redirect(f"/lich-hen/{secret}")
                    if data.active_bookings(s, details.phone, now=now) >= settings.web_active_per_phone:
                        raise _PhoneLimit
                    booked = book_online(s, office_code, slot.id, full_name=details.full_name, phone=details.phone,
                                         id_number=details.cccd or None, procedure_code=proc.code, now=now)
                    s.add(CentreWebBooking(id=uuid.uuid4(), appointment_id=booked.id, office_code=office_code,
                                           secret_hash=data.secret_hash(secret), phone=details.phone,
                                           client_ip=site.client_ip(request)[:64], created_at=now))
            except _PhoneLimit:
                return page.message(_("Too many appointments for this phone number"), _(
                    "This phone number already has {count} appointments booked. Cancel one you do not need (with "
                    "the link you received when booking) before booking another.").format(
                    count=settings.web_active_per_phone), status=429, back=target, back_label=_("Back"))
            except (QuotaExceeded, ValidationError):
                with db.read() as s:
                    return _slots_page(page, s, office_code, proc_code, slot.day.isoformat(), status=409,
                                       error=_("Sorry, this time has no free place any more. Please choose another."))
            except NotFound:
                return no_such(page)
            return page.redirect(f"/lich-hen/{secret}")

    # --- a booking's private page -------------------------------------------------------------

    def _manage(s: Any, page: Page, secret: str) -> tuple[data.Booking, data.Office | None, data.Procedure | None] | None:
        booking = data.booking_by_secret(s, secret)
        if booking is None:
            return None
        proc = data.procedure(s, booking.office_code, booking.procedure_code) if booking.procedure_code else None
        return booking, data.office(s, booking.office_code), proc

    def _changeable(booking: data.Booking) -> bool:
        return booking.status == "booked" and booking.start > utcnow()

    @router.get("/lich-hen/{secret}")
    def manage(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return no_booking(page)
            booking, office, proc = found
            qr = qr_data_url(booking.token) if booking.status == "booked" and booking.token else ""
            return page.render("booking.html", title=_("Your appointment"), booking=booking, office=office, proc=proc,
                               qr=qr, status_text=_(APPOINTMENT_WORDS.get(booking.status, booking.status)),
                               docs=procedure_docs(proc) if booking.status == "booked" else [],
                               changeable=_changeable(booking), secret=secret,
                               link=str(request.url.replace(query="")))

    @router.get("/lich-hen/{secret}/in")
    def slip(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return no_booking(page)
            booking, office, proc = found
            qr = qr_data_url(booking.token) if booking.status == "booked" and booking.token else ""
            return page.render("slip.html", title=_("Appointment slip"), booking=booking, office=office, proc=proc,
                               qr=qr, docs=procedure_docs(proc), back=f"/lich-hen/{secret}",
                               status_text=_(APPOINTMENT_WORDS.get(booking.status, booking.status)))

    @router.get("/lich-hen/{secret}/lich-hen.ics")
    def calendar(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return no_booking(page)
            booking, office, proc = found
            docs = "; ".join(name for name, _required in procedure_docs(proc))
            text = appointment_ics(
                uid=f"{booking.id}@motcua", start=booking.start, end=booking.end,
                summary=_("Appointment {code}: {procedure}").format(code=booking.code, procedure=page.name(proc) or "-"),
                location=page.name(office),
                description=_("Show the QR code of your appointment at the kiosk. What to bring: {docs}").format(
                    docs=docs or "-"))
            return Response(text.encode("utf-8"), media_type="text/calendar; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="lich-hen-{booking.code}.ics"',
                **SECURITY_HEADERS})

    @router.get("/lich-hen/{secret}/huy")
    def cancel_form(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return no_booking(page)
            booking, office, proc = found
            if not _changeable(booking):
                return page.redirect(f"/lich-hen/{secret}")
            return page.render("cancel.html", title=_("Cancel the appointment"), back=f"/lich-hen/{secret}",
                               booking=booking, office=office, proc=proc, secret=secret)

    @router.post("/lich-hen/{secret}/huy")
    def cancel(request: Request, secret: str, csrf: Annotated[str, Form()] = "") -> Response:
        with site.page(request) as page:
            if not page.csrf_ok(csrf):
                return page.csrf_refused()
            try:
                with db.write() as s:
                    booking = data.booking_by_secret(s, secret)
                    if booking is None:
                        return no_booking(page)
                    if _changeable(booking):
                        cancel_online(s, booking.office_code, booking.id, reason="cancelled on the web site")
            except (TransitionError, NotFound):
                pass  # already cancelled or checked in meanwhile: the page tells the state
            return page.redirect(f"/lich-hen/{secret}")

    @router.get("/lich-hen/{secret}/doi")
    def move_form(request: Request, secret: str, ngay: str = "") -> Response:
        with site.page(request) as page, db.read() as s:
            return _move_page(page, s, secret, ngay)

    def _move_page(page: Page, s: Any, secret: str, ngay: str, *, error: str = "", status: int = 200) -> Response:
        found = _manage(s, page, secret)
        if found is None:
            return no_booking(page)
        booking, office, proc = found
        if not _changeable(booking) or proc is None:
            return page.redirect(f"/lich-hen/{secret}")
        slots = [x for x in data.free_slots(s, booking.office_code, proc, now=utcnow(), days=horizon)
                 if x.id != booking.slot_id]
        days, chosen, day_slots = _slot_days(slots, ngay)
        return page.render("slots.html", status=status, title=_("Move the appointment"), back=f"/lich-hen/{secret}",
                           toggle=f"/lich-hen/{secret}/doi", office=office, proc=proc, days=days, chosen=chosen,
                           slots=day_slots, error=error, mode="move", booking=booking,
                           base=f"/lich-hen/{secret}/doi", horizon=horizon)

    @router.post("/lich-hen/{secret}/doi")
    def move(request: Request, secret: str, slot_id: Annotated[str, Form()] = "",
             csrf: Annotated[str, Form()] = "") -> Response:
        with site.page(request) as page:
            if not page.csrf_ok(csrf):
                return page.csrf_refused()
            try:
                new_slot = uuid.UUID(slot_id)
            except ValueError:
                with db.read() as s:
                    return _move_page(page, s, secret, "", status=422, error=_("Choose a new time first."))
            if not site.allow(request, limits.BOOK_IP, settings.web_bookings_per_ip_per_hour):
                return too_many_bookings(page)
            try:
                with db.write() as s:
                    web = s.query(CentreWebBooking).filter_by(secret_hash=data.secret_hash(secret)).first()
                    booking = data.booking_by_secret(s, secret)
                    if web is None or booking is None:
                        return no_booking(page)
                    now = utcnow()
                    proc = data.procedure(s, booking.office_code, booking.procedure_code or "")
                    slot = data.offered_slot(s, booking.office_code, proc, new_slot, now=now, days=horizon) \
                        if proc is not None else None
                    if slot is None or not data.bookable(slot, now):
                        raise _NotOffered
                    moved = move_online(s, booking.office_code, booking.id, slot.id, now=now)
                    web.appointment_id = moved.id
            except (QuotaExceeded, ValidationError, _NotOffered):
                with db.read() as s:
                    return _move_page(page, s, secret, "", status=409, error=_(
                        "Sorry, this time has no free place any more. Please choose another."))
            except (TransitionError, NotFound):
                pass
            return page.redirect(f"/lich-hen/{secret}")
