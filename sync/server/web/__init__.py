"""The citizens' web site on the central server (issue 8): booking, managing a booking,
following a dossier. ``app.include_router(web_router(db, settings))``."""

from __future__ import annotations

from sync.server.web.routes import web_router

__all__ = ["web_router"]
