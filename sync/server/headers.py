"""Security headers on every answer of the centre (issue 18): the API's JSON, the citizens'
pages, a 404, an error page, the 500 of an incident, ``/docs``.

* ``Content-Security-Policy``: the site's own stylesheet and ``data:`` images (the QR codes
  are inline PNGs), no script, forms only to the site itself, never inside a frame. The API
  docs (``/docs``, ``/redoc``) are the one exception: FastAPI's page loads Swagger UI from its
  CDN and starts it with one inline script, which is allowed by its SHA-256 (worked out from
  the page as it is sent, so a change of FastAPI or of the root path cannot break it).
* ``X-Frame-Options: DENY`` (for browsers older than ``frame-ancestors``), ``Referrer-Policy:
  no-referrer`` (a booking's private link must never leave in a Referer),
  ``X-Content-Type-Options: nosniff``.
* ``Strict-Transport-Security`` only on an answer that goes out over HTTPS: the server's own
  TLS (``--ssl-certfile``), or a trusted reverse proxy that says ``X-Forwarded-Proto: https``
  (uvicorn believes it only from ``--forwarded-allow-ips``). Never over plain HTTP, where a
  browser ignores it and it would only confuse whoever tries the server first without TLS.

A header a route set itself is kept (the site's pages set their own policy and ``no-store``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi import FastAPI

from sync.server.incidents import Message, Receive, Scope, Send

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
DOCS_CDN = "https://cdn.jsdelivr.net"
HSTS = "max-age=31536000"  # a year; no includeSubDomains: the city's other hosts are not ours to decide
COMMON = {
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"x-content-type-options": b"nosniff",
}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: bytes) -> str:
    """The policy of an API docs page: its CDN, and its own inline scripts by hash."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
                      for s in _INLINE_SCRIPT.findall(page))
    return (f"default-src 'none'; script-src {DOCS_CDN} {hashes}; style-src {DOCS_CDN}; "
            f"img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """Plain ASGI, outermost of the app's own middleware (so the incident middleware's 500s
    and the body limit's early 413s get the headers too)."""

    def __init__(self, app: Any, docs_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(p for p in docs_paths if p)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(COMMON)
        if scope.get("scheme") == "https":
            extra[b"strict-transport-security"] = HSTS.encode()
        if scope.get("path") in self.docs_paths:
            await self._docs(scope, receive, send, extra)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _merged(message.get("headers", ()), {
                    **extra, b"content-security-policy": CSP.encode()})}
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send, extra: dict[bytes, bytes]) -> None:
        """Hold the (small) docs page back until its inline scripts are hashed."""
        start: Message | None = None
        body = b""

        async def hold(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body += message.get("body", b"")
            if message.get("more_body", False):
                return
            policy = docs_policy(body).encode()
            await send({**start, "headers": _merged(start.get("headers", ()),
                                                    {**extra, b"content-security-policy": policy})})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, hold)


def _merged(headers: Any, extra: dict[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    result = list(headers)
    present = {name.lower() for name, _value in result}
    result += [(name, value) for name, value in extra.items() if name not in present]
    return result


def install(app: FastAPI) -> None:
    """Add the headers to every answer of ``app`` (call after its other middleware)."""
    app.add_middleware(SecurityHeaders, docs_paths=(app.docs_url or "", app.redoc_url or ""))


__all__ = ["CSP", "HSTS", "SecurityHeaders", "docs_policy", "install"]
