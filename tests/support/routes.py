"""The route table of a FastAPI app as (method, path) pairs, routers included.

FastAPI keeps an included router as one entry of ``app.routes`` (in recent versions an
``_IncludedRouter`` with no ``path`` of its own), so a plain walk over ``app.routes``
misses the citizens' site; this walks into included routers, adding their prefix.
Starlette answers HEAD for every GET route by itself: that HEAD is not listed separately.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, str]]:
    for route in routes:
        path = getattr(route, "path", None)
        if path is not None:
            methods = set(getattr(route, "methods", None) or {"*"})
            if "GET" in methods:
                methods.discard("HEAD")
            for method in sorted(methods):
                yield method, prefix + path
            continue
        inner = getattr(route, "original_router", None)
        if inner is None:
            raise AssertionError(f"a route the table does not know how to read: {route!r}")
        context = getattr(route, "include_context", None)
        yield from _walk(inner.routes, prefix + (getattr(context, "prefix", "") or ""))


def route_table(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app answers (path templates as declared: ``/T/{token}``)."""
    return set(_walk(app.routes, ""))


__all__ = ["route_table"]
