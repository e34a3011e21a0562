"""An HTTP proxy on loopback that breaks the link between the sync agent and the central
server on purpose (issue 7's scenarios), so the tests can say what happens when:

* the server committed but its answer is lost (``drop_responses``),
* the connection is cut before the request reaches the server (``cut_requests``),
* the server answers 500 for a while (``fail``),
* the link is down altogether (``down`` / ``up``),
* requests arrive twice, or old ones arrive late (``duplicate``, ``record`` then
  ``replay_recorded``: what a flaky mobile link or a retrying middlebox does).

Each fault applies to requests whose path starts with ``path`` (all when ""), counted
down as they happen. The agent talks to ``proxy.base_url`` instead of the server's.
The proxy only ever listens on 127.0.0.1 and stops with :meth:`stop` (or ``with``).
"""

from __future__ import annotations

import http.client
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class _Fault:
    kind: str  # drop / cut / fail / duplicate / record
    path: str
    count: int
    status: int = 500


@dataclass
class Seen:
    """What went through: the tests' view of the link."""

    requests: int = 0
    forwarded: int = 0
    dropped_responses: int = 0
    cut: int = 0
    failed: int = 0
    refused: int = 0
    duplicated: int = 0
    paths: list[str] = field(default_factory=list)


class FaultProxy:
    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        if parts.scheme != "http":
            raise ValueError("the fault proxy forwards plain HTTP on loopback only")
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.seen = Seen()
        self.recorded: list[Recorded] = []
        self._faults: list[_Fault] = []
        self._down = False
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _any(self) -> None:
                proxy._handle(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-proxy", daemon=True)
        self._thread.start()

    # --- what the tests call -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def drop_responses(self, count: int = 1, path: str = "") -> None:
        """Forward the next ``count`` requests, then close the connection instead of
        answering: the server did the work, the client never hears of it."""
        self._add(_Fault("drop", path, count))

    def cut_requests(self, count: int = 1, path: str = "") -> None:
        """Close the next ``count`` connections without forwarding: nothing reached the server."""
        self._add(_Fault("cut", path, count))

    def fail(self, count: int, status: int = 500, path: str = "") -> None:
        """Answer the next ``count`` requests with ``status`` without forwarding them."""
        self._add(_Fault("fail", path, count, status))

    def duplicate(self, count: int = 1, path: str = "") -> None:
        """Forward each of the next ``count`` requests twice; the client gets the second answer."""
        self._add(_Fault("duplicate", path, count))

    def record(self, count: int = 1, path: str = "") -> None:
        """Keep a copy of the next ``count`` requests (forwarded as usual) for :meth:`replay_recorded`."""
        self._add(_Fault("record", path, count))

    def replay_recorded(self, *, reverse: bool = True) -> list[int]:
        """Send the kept requests to the server again (newest first by default: old requests
        arriving late and out of order); returns the statuses the server answered."""
        with self._lock:
            kept, self.recorded = list(self.recorded), []
        statuses = []
        for r in reversed(kept) if reverse else kept:
            status, _headers, _body = self._forward(r.method, r.path, r.headers, r.body)
            statuses.append(status)
        return statuses

    def down(self) -> None:
        """The link is down: every connection is closed at once."""
        self._down = True

    def up(self) -> None:
        self._down = False

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- inside -------------------------------------------------------------------------------

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path) and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, list, bytes]:
        conn = http.client.HTTPConnection(*self.target, timeout=60)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            self.seen.forwarded += 1
            return response.status, response.getheaders(), data
        finally:
            conn.close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        self.seen.requests += 1
        self.seen.paths.append(h.path)
        if self._down:
            self.seen.refused += 1
            _close(h)
            return
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        headers = {k: v for k, v in h.headers.items() if k.lower() not in HOP_BY_HOP}
        fault = self._take(h.path)
        kind = fault.kind if fault else ""
        if kind == "cut":
            self.seen.cut += 1
            _close(h)
            return
        if kind == "fail":
            self.seen.failed += 1
            _answer(h, fault.status, [("Content-Type", "application/json")],  # type: ignore[union-attr]
                    b'{"detail": "injected failure"}')
            return
        if kind == "record":
            with self._lock:
                self.recorded.append(Recorded(h.command, h.path, headers, body))
        try:
            status, response_headers, data = self._forward(h.command, h.path, headers, body)
            if kind == "duplicate":
                self.seen.duplicated += 1
                status, response_headers, data = self._forward(h.command, h.path, headers, body)
        except OSError:
            _answer(h, 502, [("Content-Type", "application/json")], b'{"detail": "server unreachable"}')
            return
        if kind == "drop":
            self.seen.dropped_responses += 1
            _close(h)
            return
        _answer(h, status, response_headers, data)


def _answer(h: BaseHTTPRequestHandler, status: int, headers: list, body: bytes) -> None:
    h.send_response(status)
    for k, v in headers:
        if k.lower() not in HOP_BY_HOP:
            h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def _close(h: BaseHTTPRequestHandler) -> None:
    """Hang up without a word (the client sees a connection reset or an empty answer)."""
    h.close_connection = True
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


__all__ = ["FaultProxy", "Recorded", "Seen"]
