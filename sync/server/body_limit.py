"""Every request body is limited while it streams, before anything parses it (issue 18).

A limit on ``Content-Length`` alone let a chunked body through whole: one unauthenticated
600 MB push took the centre from 0.1 to 2 GB. So this ASGI middleware counts the bytes the
application actually receives and, past the route's limit, raises :class:`BodyTooLarge`
from ``receive`` — the handler (or FastAPI's form and JSON parsing) stops there and the app
answers 413 (:func:`too_large_answer`, registered by :func:`install`). A body announced
over the limit is refused before the application runs at all.

An answer that starts before the whole body came in (a 413, a 401 given before reading the
body, a 404) carries ``Connection: close``: uvicorn then closes the connection instead of
reading and throwing away the rest of the body, however long the client goes on sending.

The limit is the route's: the push and the blob upload take :attr:`ServerSettings.max_request_bytes`
(a push of 500 ops; a 1 MB upload chunk), everything else — enrollment, resolve, the
citizens' forms — :attr:`ServerSettings.max_form_bytes`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from core.i18n import _, language
from sync.protocol import API
from sync.server.incidents import Message, Receive, Scope, Send, cookie_language, wants_html
from sync.server.settings import ServerSettings

LimitFor = Callable[[Scope], int]


class BodyTooLarge(HTTPException):
    """The request's body went past its route's limit (HTTP 413). An HTTPException, so that
    FastAPI's body parsing lets it through to the app's handler untouched."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail="request too large")
        self.limit = limit


def limit_for(settings: ServerSettings) -> LimitFor:
    """The body limit of a request: large for the push and the blob upload, small elsewhere."""
    push_path = API + "/push"
    blobs_path = API + "/blobs/"

    def limit(scope: Scope) -> int:
        path, method = scope.get("path", ""), scope.get("method", "")
        if (method == "POST" and path == push_path) or (method == "PATCH" and path.startswith(blobs_path)):
            return settings.max_request_bytes
        return settings.max_form_bytes

    return limit


def _has_body(scope: Scope) -> tuple[bool, int | None]:
    """(whether the request has a body, its announced length if any)."""
    announced: int | None = None
    chunked = False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            announced = int(value) if value.isdigit() else None
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    return chunked or bool(announced), announced


class BodyLimit:
    """Plain ASGI (no per-request tasks, unlike ``@app.middleware("http")``)."""

    def __init__(self, app: Any, limit_for: LimitFor) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        has_body, announced = _has_body(scope)
        if announced is not None and announced > limit:
            response = too_large_answer(scope, limit)
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        received = 0
        body_done = not has_body

        async def counted_receive() -> Message:
            nonlocal received, body_done
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
                if not message.get("more_body", False):
                    body_done = True
            return message

        async def closing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not body_done:
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, counted_receive, closing_send)


def too_large_answer(scope: Scope, limit: int) -> Response:
    """413: a short page in the citizen's language for a browser, JSON for a program."""
    if wants_html(scope):
        with language(cookie_language(scope)):
            title = _("Too much data")
            text = _("The form sent more data than this site accepts. Go back and send it again.")
        return HTMLResponse(f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
                            f'</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>',
                            status_code=413)
    return Response(json.dumps({"detail": "request too large", "code": "too_large", "limit": limit}),
                    status_code=413, media_type="application/json")


def install(app: FastAPI, settings: ServerSettings) -> None:
    """Limit every body of ``app`` (the middleware and the answer to :class:`BodyTooLarge`)."""

    @app.exception_handler(BodyTooLarge)
    def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        return too_large_answer(request.scope, exc.limit)

    app.add_middleware(BodyLimit, limit_for=limit_for(settings))


__all__ = ["BodyLimit", "BodyTooLarge", "install", "limit_for", "too_large_answer"]
