"""The citizens' web site: book an appointment, manage it, follow a dossier (issue 8).

The pages are in web/booking.py and web/tracking.py; what they share (language, CSRF,
headers, formatting, messages) in web/page.py.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from core.i18n import _
from sync.server.database import CentreDatabase
from sync.server.settings import ServerSettings
from sync.server.web.booking import add_booking_routes
from sync.server.web.page import CSS_PATH, Site
from sync.server.web.tracking import add_tracking_routes


def web_router(db: CentreDatabase, settings: ServerSettings) -> APIRouter:
    """The site's routes; ``app.include_router(web_router(db, settings))``."""
    site = Site(db, settings)
    router = APIRouter(include_in_schema=False)

    @router.get(CSS_PATH)
    def css() -> Response:
        return Response(site.css, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})

    @router.get("/")
    def home(request: Request) -> Response:
        with site.page(request) as page:
            return page.render("home.html", title=_("Public services online"))

    add_booking_routes(router, site)
    add_tracking_routes(router, site)
    return router


__all__ = ["Site", "web_router"]
