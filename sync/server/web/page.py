"""What every page of the citizens' site shares: the language, the CSRF token, the
security headers, the formatting of days and times, the citizen's details and the
messages (issue 8).

Server-rendered pages (Jinja2), one CSS file, no JavaScript. Vietnamese by default; a
``?lang=en`` link on every page switches language and keeps it in a ``lang`` cookie. Every
form carries a CSRF token that must equal the ``csrf`` cookie (double submit); a POST
without it gets a page saying so. Abuse limits live in the database (web/limits.py), so
several workers share them.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from time import monotonic
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.citizen import normalize_phone, validate_cccd
from core.errors import ValidationError
from core.i18n import LANGUAGES, N_, _, language, localized, ngettext
from core.text import clean_name
from core.working_calendar import OFFICE_TZ
from sync.server.database import CentreDatabase
from sync.server.settings import ServerSettings
from sync.server.web import data, limits

HERE = Path(__file__).resolve().parent
CSS_PATH = "/web/site.css"
CSRF_COOKIE = "csrf"
LANG_COOKIE = "lang"
YEAR = 365 * 24 * 3600
MAX_NAME = 100
CATALOG_SECONDS = 60.0
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


def utcnow() -> datetime:
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
        return localized(getattr(thing, "name_vi", ""), getattr(thing, "name_en", ""), self.lang)

    def field_name(self, proc: data.Procedure) -> str:
        return localized(proc.field_vi, proc.field_en, self.lang)

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
        self._catalog: dict[tuple[str, str], tuple[float, Any]] = {}

    def office_and_procedure(self, session: Any, office_code: str, proc_code: str) -> tuple[Any, Any]:
        """The office and the procedure a booking page shows, kept for :data:`CATALOG_SECONDS`:
        every booking citizen loads the slot page, the catalog changes a few times a year,
        and a procedure switched off meanwhile is refused by the booking itself anyway."""
        key, now = (office_code, proc_code), monotonic()
        found = self._catalog.get(key)
        if found is None or now - found[0] > CATALOG_SECONDS:
            value = (data.office(session, office_code), data.procedure(session, office_code, proc_code))
            if len(self._catalog) > 10_000:  # made-up codes must not grow it for ever
                self._catalog.clear()
            self._catalog[key] = found = (now, value)
        return found[1]

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
            return limits.hit(session, kind, self.client_ip(request), limit=limit, now=utcnow())


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


def procedure_docs(proc: data.Procedure | None) -> list[tuple[str, bool]]:
    return list(proc.documents) if proc is not None else []


def no_such(page: Page) -> Response:
    return page.message(_("Page not found"), _("We could not find this office, procedure or time. Start again."),
                        status=404, back="/dat-lich", back_label=_("Book an appointment"))


def no_booking(page: Page) -> Response:
    return page.message(_("Appointment not found"), _(
        "This link does not lead to an appointment. Check that you copied the whole link."), status=404)


def too_many_bookings(page: Page) -> Response:
    return page.message(_("Too many attempts"), _(
        "Too many bookings were tried from this connection in the last hour. Please try again later."), status=429)


def too_many_lookups(page: Page) -> Response:
    return page.message(_("Too many look-ups"), _(
        "Too many look-ups were made from this connection in the last hour. Please try again later."), status=429,
        back="/")
