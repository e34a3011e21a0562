"""The centre's answer to its own bugs: an incident number, never a bare 500.

An office's sync agent, a citizen's phone and a city official's browser all deserve the
same as a clerk at a counter: when the centre fails unexpectedly, the answer names an
incident number (core/incidents.py) and the traceback is in the server's log under it, so
the person who reports it and the person who reads the log talk about the same thing.
API clients get JSON (``{"detail": ..., "code": "unexpected", "incident": "K7RM3X"}``),
browsers a small page in the citizen's language.

A plain ASGI middleware (not an exception handler for ``Exception``, which Starlette
re-raises after answering, so the error would be logged a second time without its number).
It sits inside Starlette's own error middleware and outside the routes' handlers, so the
domain errors keep their own answers.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from core import incidents
from core.i18n import _, language

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def wants_html(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    return b"text/html" in headers.get(b"accept", b"")


def cookie_language(scope: Scope) -> str:
    headers = dict(scope.get("headers") or [])
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    return "en" if "lang=en" in cookie.replace(" ", "").split(";") else "vi"


def error_page(number: str, lang: str) -> str:
    with language(lang):
        title = _("Sorry, something went wrong")
        text = _("The page could not be shown because of an error on our side. If you call the helpdesk, "
                 "give them this incident number: {number}.").format(number=number)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f'</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>'
            f'<p><strong class="incident">{html.escape(number)}</strong></p></body></html>')


class IncidentMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            number = incidents.note(exc, f"{scope.get('method', '')} {scope.get('path', '')}")
            if started:  # half an answer is out: nothing better to do than to cut it
                raise
            if wants_html(scope):
                body = error_page(number, cookie_language(scope)).encode("utf-8")
                content_type = b"text/html; charset=utf-8"
            else:
                import json

                body = json.dumps({"detail": f"unexpected error on the central server, incident {number}",
                                   "code": "unexpected", "incident": number}).encode("utf-8")
                content_type = b"application/json"
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})


__all__ = ["IncidentMiddleware", "cookie_language", "error_page", "wants_html"]
