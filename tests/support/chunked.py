"""A client that streams a chunked request body over a raw socket and stops as soon as the
server answers — what a well-behaved client does when refused, and what an attacker's
client does not need to do: the server must refuse early either way.

    sent = stream_chunked("127.0.0.1", port, "POST", "/api/v1/push", total=600 * MB)
    sent.status, sent.body_sent   # 413, a few megabytes

``watch(bytes_sent)`` is called every few chunks (a test checks the server's memory there and
raises to stop at once).
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MB = 1024 * 1024


@dataclass
class Streamed:
    status: int | None  # None: the server closed without an answer
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_sent: int = 0  # bytes of the body the client sent before it stopped
    seconds: float = 0.0
    finished: bool = False  # the client sent the whole body


def _read_answer(sock: socket.socket, deadline: float) -> tuple[int | None, dict[str, str], bytes]:
    data = b""
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            got = sock.recv(65536)
        except (ConnectionResetError, BlockingIOError):
            break
        if not got:
            break
        data += got
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            headers = {}
            for line in head.split(b"\r\n")[1:]:
                name, _c, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "-1"))
            if length >= 0 and len(body) >= length:
                break
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None, {}, b""
    lines = head.split(b"\r\n")
    headers = {}
    for line in lines[1:]:
        name, _c, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def stream_chunked(host: str, port: int, method: str, path: str, *, total: int, headers: dict[str, str] | None = None,
                   chunk: int = 256 * 1024, seconds: float = 20.0, watch: Callable[[int], None] | None = None,
                   watch_every: int = 4 * MB) -> Streamed:
    """Send ``total`` bytes as a chunked body (or fewer: stop when the server answers or
    closes, or after ``seconds``); then read the answer."""
    started = time.monotonic()
    deadline = started + seconds
    sock = socket.create_connection((host, port), timeout=seconds)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Transfer-Encoding: chunked",
                *(f"{k}: {v}" for k, v in (headers or {}).items()), "", ""]
        sock.sendall("\r\n".join(head).encode("latin-1"))
        sock.setblocking(False)
        piece = b"x" * chunk
        framed = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        pending = b""
        sent = next_watch = 0
        answered = False
        while time.monotonic() < deadline:
            if not pending:
                if sent >= total:
                    break
                pending = framed
                sent += chunk
            readable, writable, _x = select.select([sock], [sock], [], 0.5)
            if readable:
                answered = True
                break
            if writable:
                try:
                    pending = pending[sock.send(pending):]
                except (BrokenPipeError, ConnectionResetError):
                    answered = True
                    break
            if watch is not None and sent >= next_watch:
                watch(sent)
                next_watch = sent + watch_every
        finished = not answered and sent >= total and not pending
        if finished:
            try:
                sock.sendall(b"0\r\n\r\n")
            except BlockingIOError:
                sock.setblocking(True)
                sock.sendall(b"0\r\n\r\n")
        status, answer_headers, body = _read_answer(sock, time.monotonic() + 10)
        return Streamed(status, answer_headers, body, sent - len(pending), time.monotonic() - started, finished)
    finally:
        sock.close()


__all__ = ["MB", "Streamed", "stream_chunked"]
