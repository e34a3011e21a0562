"""Following a dossier on the citizens' site: by the receipt's QR (``/T/<token>``, checked
with the office's device keys the centre holds) or by the dossier code plus the phone
number. Someone holding only the code or the paper sees the dossier's progress and nothing
personal; a wrong code/phone pair gets exactly the answer an unknown code gets.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from core.citizen import normalize_phone
from core.errors import ValidationError
from core.i18n import _
from core.text import mask_name
from core.tokens import ReceiptToken, Result, verify
from sync.server.dossiers import status_words
from sync.server.web import data, limits
from sync.server.web.page import (
    Page,
    Site,
    too_many_lookups,
    utcnow,
)


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


def add_tracking_routes(router: APIRouter, site: Site) -> None:
    db, settings = site.db, site.settings

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
                return too_many_lookups(page)
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
                return too_many_lookups(page)
            text, now = token.strip().upper(), utcnow()
            with db.read() as s:
                first = verify(text, data.any_office_ring(s), office_code="", now=now, expect_kind=ReceiptToken)
                token_obj = first.token if first.result in (Result.VALID, Result.WRONG_OFFICE) else None
                dossier = None
                if isinstance(token_obj, ReceiptToken):
                    ring = data.office_ring(s, token_obj.office_code)
                    checked = verify(text, ring, office_code=token_obj.office_code, now=now, expect_kind=ReceiptToken)
                    if checked.ok and isinstance(checked.token, ReceiptToken):
                        dossier = data.dossier_by_id(s, checked.token.office_code, checked.token.entity_id)
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
