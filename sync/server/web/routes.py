"""The citizens' web site: book an appointment, manage it, follow a dossier (issue 8).

Server-rendered pages (Jinja2), one CSS file, no JavaScript. Vietnamese by default; a
``?lang=en`` link on every page switches language and keeps it in a ``lang`` cookie. Every
form carries a CSRF token that must equal the ``csrf`` cookie (double submit); a POST
without it gets a page saying so. Abuse limits live in the database (web/limits.py), so
several workers share them.

Privacy: a booking's page is reachable only by its private link (``/lich-hen/<secret>``,
only the secret's SHA-256 is stored). Someone holding only a dossier code or a receipt QR
sees the dossier's progress and nothing personal; a wrong code/phone pair gets exactly the
answer an unknown code gets.
"""

from __future__ import annotations

import hmac
import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.citizen import normalize_phone, validate_cccd
from core.errors import NotFound, QuotaExceeded, TransitionError, ValidationError
from core.i18n import LANGUAGES, N_, _, language, ngettext
from core.text import clean_name, fold, mask_name
from core.tokens import ReceiptToken, Result, verify
from core.working_calendar import OFFICE_TZ
from sync.server.bookings import book_online, cancel_online
from sync.server.database import CentreDatabase, lock_office
from sync.server.dossiers import status_words
from sync.server.models import CentreWebBooking
from sync.server.online_moves import move_online
from sync.server.settings import ServerSettings
from sync.server.web import data, limits
from sync.server.web.ics import appointment_ics
from sync.server.web.qr import qr_data_url

HERE = Path(__file__).resolve().parent
CSS_PATH = "/web/site.css"
CSRF_COOKIE = "csrf"
LANG_COOKIE = "lang"
YEAR = 365 * 24 * 3600
MAX_NAME = 100
SECRET_FORM = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))
APPOINTMENT_WORDS = {"booked": N_("Booked"), "checked_in": N_("Checked in"), "no_show": N_("Missed"),
                     "cancelled": N_("Cancelled")}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # the private booking link must never leave in a Referer
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- formatting (called inside a page's language) ----------------------------------------


def fmt_day(day: date) -> str:
    return "{weekday}, {date}".format(weekday=_(WEEKDAYS[day.weekday()]), date=day.strftime("%d/%m/%Y"))


def fmt_time(t: time | datetime) -> str:
    if isinstance(t, datetime):
        t = t.astimezone(OFFICE_TZ).time()
    return t.strftime("%H:%M")


def first_upper(text: str) -> str:
    """``text`` with its first character in upper case and the rest untouched ("đang giải
    quyết" -> "Đang giải quyết"; str.capitalize would lower-case the rest)."""
    return text[:1].upper() + text[1:]


def fmt_moment(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(OFFICE_TZ)
    return "{time} {date}".format(time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y"))


# --- a page being answered -----------------------------------------------------------------


@dataclass
class Page:
    site: Site
    request: Request
    lang: str
    csrf: str
    set_cookies: dict[str, str] = field(default_factory=dict)

    def name(self, thing: Any) -> str:
        """The Vietnamese or English name of an office / procedure / field."""
        if thing is None:
            return ""
        return (getattr(thing, "name_en", "") if self.lang == "en" else "") or getattr(thing, "name_vi", "")

    def field_name(self, proc: data.Procedure) -> str:
        return (proc.field_en if self.lang == "en" else "") or proc.field_vi

    def toggle_url(self, fallback: str | None) -> str:
        other = "en" if self.lang == "vi" else "vi"
        if self.request.method == "GET":
            url = self.request.url.include_query_params(lang=other)
            return f"{url.path}?{url.query}"
        return (fallback or "/") + "?lang=" + other

    def _finish(self, response: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        for key, value in self.set_cookies.items():
            response.set_cookie(key, value, max_age=YEAR, path="/", httponly=True, samesite="lax",
                                secure=self.request.url.scheme == "https")
        return response

    def render(self, template: str, *, status: int = 200, title: str = "", back: str | None = None,
               toggle: str | None = None, **context: Any) -> Response:
        html = self.site.env.get_template(template).render(
            page=self, lang=self.lang, title=title, back=back, toggle_url=self.toggle_url(toggle), csrf=self.csrf,
            css=CSS_PATH, fmt_day=fmt_day, fmt_time=fmt_time, fmt_moment=fmt_moment, **context)
        return self._finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        return self._finish(RedirectResponse(url, status_code=303))

    def message(self, title: str, text: str, *, status: int, back: str | None = "/", back_label: str = "",
                toggle: str | None = None) -> Response:
        """A page saying ``text``, with one way back: a button to ``back`` (the small "← Back"
        link above the title is left out, it would lead to the same place)."""
        return self.render("message.html", status=status, title=title, text=text, way_back=back,
                           back_label=back_label or _("Back to the start"), toggle=toggle)

    def csrf_ok(self, submitted: str) -> bool:
        cookie = self.request.cookies.get(CSRF_COOKIE, "")
        return bool(cookie) and bool(submitted) and hmac.compare_digest(cookie, submitted)

    def csrf_refused(self) -> Response:
        """The way back is the form the citizen sent: the GET page of the same path (a
        confirmation, ``.../xac-nhan``, goes back to its details form)."""
        form = self.request.url.path.removesuffix("/xac-nhan")
        return self.message(_("This form has expired"), _(
            "For your safety the form could not be accepted (its security code was missing or old). Open the "
            "page again and send the form once more."), status=403, back=form, back_label=_("Open the form again"),
            toggle=form)


# --- the site ------------------------------------------------------------------------------


class Site:
    def __init__(self, db: CentreDatabase, settings: ServerSettings) -> None:
        self.db = db
        self.settings = settings
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                               autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.env.globals["_"] = _
        self.env.globals["ngettext"] = ngettext
        self.env.filters["first_upper"] = first_upper
        self.css = (HERE / "site.css").read_bytes()

    @contextmanager
    def page(self, request: Request) -> Iterator[Page]:
        asked = request.query_params.get("lang")
        cookies: dict[str, str] = {}
        if asked in LANGUAGES:
            lang = asked
            cookies[LANG_COOKIE] = asked
        else:
            lang = request.cookies.get(LANG_COOKIE) or "vi"
            lang = lang if lang in LANGUAGES else "vi"
        csrf = request.cookies.get(CSRF_COOKIE, "")
        if len(csrf) < 20 or not csrf.replace("-", "").replace("_", "").isalnum():
            csrf = secrets.token_urlsafe(24)
            cookies[CSRF_COOKIE] = csrf
        with language(lang):
            yield Page(self, request, lang, csrf, cookies)

    @staticmethod
    def client_ip(request: Request) -> str:
        """The client's address as uvicorn saw it (it applies X-Forwarded-For only from the
        proxies named by --forwarded-allow-ips, 127.0.0.1 by default)."""
        return request.client.host if request.client else "unknown"

    def allow(self, request: Request, kind: str, limit: int) -> bool:
        """Count one hit of ``kind`` for the client's address, in its own transaction (a
        refused attempt still counts)."""
        with self.db.write() as session:
            return limits.hit(session, kind, self.client_ip(request), limit=limit, now=_now())


# --- the citizen's details ---------------------------------------------------------------


@dataclass
class Details:
    full_name: str = ""
    phone: str = ""
    cccd: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def check(self) -> Details:
        """Clean and validate; errors (in the current language) beside each field."""
        self.full_name = clean_name(self.full_name)[:MAX_NAME]
        if not self.full_name:
            self.errors["full_name"] = _("Enter your full name.")
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError:
            self.phone = self.phone.strip()[:20]
            self.errors["phone"] = _("Enter a mobile number: 10 digits starting with 03, 05, 07, 08 or 09.")
        self.cccd = "".join(self.cccd.split())[:20]
        if self.cccd:
            try:
                self.cccd = validate_cccd(self.cccd)
            except ValidationError:
                self.errors["cccd"] = _("This is not a valid ID number (CCCD): check the 12 digits on your card, "
                                        "or leave it empty.")
        return self


def _procedure_docs(proc: data.Procedure | None) -> list[tuple[str, bool]]:
    return list(proc.documents) if proc is not None else []


def web_router(db: CentreDatabase, settings: ServerSettings) -> APIRouter:
    """The site's routes; ``app.include_router(web_router(db, settings))``."""
    site = Site(db, settings)
    router = APIRouter(include_in_schema=False)
    horizon = settings.web_booking_days

    @router.get(CSS_PATH)
    def css() -> Response:
        return Response(site.css, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})

    @router.get("/")
    def home(request: Request) -> Response:
        with site.page(request) as page:
            return page.render("home.html", title=_("Public services online"))

    # --- booking ---------------------------------------------------------------------------

    @router.get("/dat-lich")
    def choose_office(request: Request) -> Response:
        with site.page(request) as page, db.read() as s:
            return page.render("offices.html", title=_("Book an appointment"), back="/", offices=data.offices(s))

    @router.get("/dat-lich/{office_code}")
    def choose_procedure(request: Request, office_code: str, q: str = "") -> Response:
        with site.page(request) as page, db.read() as s:
            office = data.office(s, office_code)
            if office is None:
                return _no_such(page)
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
        office, proc = data.office(s, office_code), data.procedure(s, office_code, proc_code)
        if office is None or proc is None:
            return _no_such(page)
        slots = data.free_slots(s, office_code, proc, now=_now(), days=horizon)
        days, chosen, today_slots = _slot_days(slots, ngay)
        return page.render("slots.html", status=status, title=_("Choose a day and time"),
                           back=f"/dat-lich/{office_code}", office=office, proc=proc, days=days, chosen=chosen,
                           slots=today_slots, error=error, mode="book",
                           base=f"/dat-lich/{office_code}/{proc_code}", horizon=horizon)

    def _form_target(office_code: str, proc_code: str, slot_id: uuid.UUID) -> str:
        return f"/dat-lich/{office_code}/{proc_code}/{slot_id}"

    def _booking_context(s: Any, office_code: str, proc_code: str, slot_id: str) -> tuple[Any, Any, Any] | None:
        try:
            sid = uuid.UUID(slot_id)
        except ValueError:
            return None
        office, proc, slot = data.office(s, office_code), data.procedure(s, office_code, proc_code), \
            data.slot(s, office_code, sid)
        if office is None or proc is None or slot is None:
            return None
        return office, proc, slot

    @router.get("/dat-lich/{office_code}/{proc_code}/{slot_id}")
    def details_form(request: Request, office_code: str, proc_code: str, slot_id: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _booking_context(s, office_code, proc_code, slot_id)
            if found is None:
                return _no_such(page)
            office, proc, slot = found
            if slot.left <= 0 or slot.start <= _now():
                return _slots_page(page, s, office_code, proc_code, slot.day.isoformat(), status=409,
                                   error=_("Sorry, this time has no free place any more. Please choose another."))
            return page.render("form.html", title=_("Your details"), back=f"/dat-lich/{office_code}/{proc_code}",
                               office=office, proc=proc, slot=slot, details=Details(),
                               action=_form_target(office_code, proc_code, slot.id))

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
                return _no_such(page)
            office, proc, slot = found
            details = Details(full_name, phone, cccd)
            target = _form_target(office_code, proc_code, slot.id)
            if edit:
                return page.render("form.html", title=_("Your details"), back=f"/dat-lich/{office_code}/{proc_code}",
                                   toggle=target, office=office, proc=proc, slot=slot, details=details, action=target)
            details.check()
            if details.errors:
                return page.render("form.html", status=422, title=_("Your details"), toggle=target,
                                   back=f"/dat-lich/{office_code}/{proc_code}", office=office, proc=proc, slot=slot,
                                   details=details, action=target)
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
                return _no_such(page)
            office, proc, slot = found
            target = _form_target(office_code, proc_code, slot.id)
            details = Details(full_name, phone, cccd).check()
            if details.errors:
                return page.render("form.html", status=422, title=_("Your details"), toggle=target,
                                   back=f"/dat-lich/{office_code}/{proc_code}", office=office, proc=proc, slot=slot,
                                   details=details, action=target)
            if not site.allow(request, limits.BOOK_IP, settings.web_bookings_per_ip_per_hour):
                return _too_many_bookings(page)
            if not SECRET_FORM.fullmatch(secret):
                secret = secrets.token_urlsafe(24)
            now = _now()
            try:
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
                return _no_such(page)
            return page.redirect(f"/lich-hen/{secret}")

    # --- a booking's private page -------------------------------------------------------------

    def _manage(s: Any, page: Page, secret: str) -> tuple[data.Booking, data.Office | None, data.Procedure | None] | None:
        booking = data.booking_by_secret(s, secret)
        if booking is None:
            return None
        proc = data.procedure(s, booking.office_code, booking.procedure_code) if booking.procedure_code else None
        return booking, data.office(s, booking.office_code), proc

    def _changeable(booking: data.Booking) -> bool:
        return booking.status == "booked" and booking.start > _now()

    @router.get("/lich-hen/{secret}")
    def manage(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return _no_booking(page)
            booking, office, proc = found
            qr = qr_data_url(booking.token) if booking.status == "booked" and booking.token else ""
            return page.render("booking.html", title=_("Your appointment"), booking=booking, office=office, proc=proc,
                               qr=qr, status_text=_(APPOINTMENT_WORDS.get(booking.status, booking.status)),
                               docs=_procedure_docs(proc) if booking.status == "booked" else [],
                               changeable=_changeable(booking), secret=secret,
                               link=str(request.url.replace(query="")))

    @router.get("/lich-hen/{secret}/in")
    def slip(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return _no_booking(page)
            booking, office, proc = found
            qr = qr_data_url(booking.token) if booking.status == "booked" and booking.token else ""
            return page.render("slip.html", title=_("Appointment slip"), booking=booking, office=office, proc=proc,
                               qr=qr, docs=_procedure_docs(proc), back=f"/lich-hen/{secret}",
                               status_text=_(APPOINTMENT_WORDS.get(booking.status, booking.status)))

    @router.get("/lich-hen/{secret}/lich-hen.ics")
    def calendar(request: Request, secret: str) -> Response:
        with site.page(request) as page, db.read() as s:
            found = _manage(s, page, secret)
            if found is None:
                return _no_booking(page)
            booking, office, proc = found
            docs = "; ".join(name for name, _required in _procedure_docs(proc))
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
                return _no_booking(page)
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
                        return _no_booking(page)
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
            return _no_booking(page)
        booking, office, proc = found
        if not _changeable(booking) or proc is None:
            return page.redirect(f"/lich-hen/{secret}")
        slots = [x for x in data.free_slots(s, booking.office_code, proc, now=_now(), days=horizon)
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
                return _too_many_bookings(page)
            try:
                with db.write() as s:
                    web = s.query(CentreWebBooking).filter_by(secret_hash=data.secret_hash(secret)).first()
                    if web is None:
                        return _no_booking(page)
                    moved = move_online(s, web.office_code, web.appointment_id, new_slot)
                    web.appointment_id = moved.id
            except (QuotaExceeded, ValidationError):
                with db.read() as s:
                    return _move_page(page, s, secret, "", status=409, error=_(
                        "Sorry, this time has no free place any more. Please choose another."))
            except (TransitionError, NotFound):
                pass
            return page.redirect(f"/lich-hen/{secret}")

    # --- tracking a dossier -------------------------------------------------------------------

    def _dossier_page(page: Page, s: Any, dossier: data.Dossier, *, verified: bool) -> Response:
        proc = data.procedure(s, dossier.office_code, dossier.procedure_code) if dossier.procedure_code else None
        bring = _what_to_bring(dossier, proc)
        return page.render("dossier.html", title=_("Your dossier"), back="/tra-cuu", dossier=dossier, proc=proc,
                           office=data.office(s, dossier.office_code), status_text=status_words(dossier.status),
                           steps=[(st, status_words(st.to_state)) for st in dossier.steps], bring=bring,
                           verified=verified, masked=mask_name(dossier.full_name) if verified else "",
                           toggle="/tra-cuu")

    @router.get("/tra-cuu")
    def track_form(request: Request) -> Response:
        with site.page(request) as page:
            return page.render("track.html", title=_("Track a dossier"), back="/", code="", phone="", errors={})

    @router.post("/tra-cuu")
    def track(request: Request, code: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "",
              csrf: Annotated[str, Form()] = "") -> Response:
        with site.page(request) as page:
            if not page.csrf_ok(csrf):
                return page.csrf_refused()
            code_clean = "".join(ch for ch in code.upper() if ch.isalnum() or ch in "-/.")[:40]
            errors = {}
            if not code_clean:
                errors["code"] = _("Enter the dossier code printed on your receipt.")
            try:
                phone_clean = normalize_phone(phone)
            except ValidationError:
                phone_clean = ""
                errors["phone"] = _("Enter the mobile number you gave when you handed in the dossier.")
            if errors:
                return page.render("track.html", status=422, title=_("Track a dossier"), back="/",
                                   code=code[:40], phone=phone[:20], errors=errors)
            if not site.allow(request, limits.LOOKUP_IP, settings.web_lookups_per_ip_per_hour):
                return _too_many_lookups(page)
            with db.read() as s:
                for dossier in data.dossiers_by_code(s, code_clean):
                    try:
                        same = normalize_phone(dossier.phone) == phone_clean
                    except ValidationError:
                        same = False
                    if same:
                        return _dossier_page(page, s, dossier, verified=True)
            return page.render("track.html", status=404, title=_("Track a dossier"), back="/", code=code[:40],
                               phone=phone[:20], errors={}, not_found=True)

    def _receipt(request: Request, token: str) -> Response:
        with site.page(request) as page:
            if not site.allow(request, limits.LOOKUP_IP, settings.web_lookups_per_ip_per_hour):
                return _too_many_lookups(page)
            text, now = token.strip().upper(), _now()
            with db.read() as s:
                first = verify(text, data.any_office_ring(s), office_code="", now=now, expect_kind=ReceiptToken)
                token_obj = first.token if first.result in (Result.VALID, Result.WRONG_OFFICE) else None
                dossier = None
                if isinstance(token_obj, ReceiptToken):
                    ring = data.office_ring(s, token_obj.office_code)
                    checked = verify(text, ring, office_code=token_obj.office_code, now=now, expect_kind=ReceiptToken)
                    if checked.ok and isinstance(checked.token, ReceiptToken):
                        dossier = data.dossier_by_id(s, checked.token.entity_id)
                        if dossier is None:
                            return page.message(_("Not on the server yet"), _(
                                "This receipt is genuine, but the dossier {code} has not reached the central server "
                                "yet. Please try again later.").format(code=checked.token.dossier_code),
                                status=404, back="/tra-cuu", back_label=_("Track by code"), toggle="/tra-cuu")
                        return _dossier_page(page, s, dossier, verified=False)
            return page.message(_("This code cannot be read"), _(
                "This is not the QR code of a receipt of ours, or it was damaged. Type the dossier code and your "
                "phone number instead."), status=404, back="/tra-cuu", back_label=_("Track by code"), toggle="/tra-cuu")

    @router.get("/T/{token}")
    def receipt_upper(request: Request, token: str) -> Response:
        return _receipt(request, token)

    @router.get("/t/{token}")
    def receipt_lower(request: Request, token: str) -> Response:
        return _receipt(request, token)

    return router


class _PhoneLimit(Exception):
    pass


def _what_to_bring(dossier: data.Dossier, proc: data.Procedure | None) -> list[str]:
    if dossier.status == "needs_supplement":
        return [_("The documents the office asked you to add (see the latest step above)."),
                _("Your receipt and your ID card (CCCD).")]
    if dossier.status == "ready":
        return [_("Your receipt and your ID card (CCCD), to collect the result."),
                _("Anyone collecting for you needs a written authorisation and their own ID card.")]
    if dossier.status in ("received", "in_processing"):
        return [_("Nothing for now: the office is working on it. Keep your receipt.")]
    return []


def _no_such(page: Page) -> Response:
    return page.message(_("Page not found"), _("We could not find this office, procedure or time. Start again."),
                        status=404, back="/dat-lich", back_label=_("Book an appointment"))


def _no_booking(page: Page) -> Response:
    return page.message(_("Appointment not found"), _(
        "This link does not lead to an appointment. Check that you copied the whole link."), status=404)


def _too_many_bookings(page: Page) -> Response:
    return page.message(_("Too many attempts"), _(
        "Too many bookings were tried from this connection in the last hour. Please try again later."), status=429)


def _too_many_lookups(page: Page) -> Response:
    return page.message(_("Too many look-ups"), _(
        "Too many look-ups were made from this connection in the last hour. Please try again later."), status=429,
        back="/")


__all__ = ["Site", "web_router"]
