"""uvicorn's HTTP/1.1 protocol with TCP_NODELAY on every connection, whatever the mode.

asyncio turns Nagle's algorithm off only for sockets it knows to be TCP; the listening
socket uvicorn hands to its worker processes (``--workers N``) is re-created from a file
descriptor without its protocol number, so in that mode asyncio leaves Nagle on. uvicorn
writes a response's head and body separately, and the client's delayed ACK then holds the
body back: every keep-alive request took ~40 ms more with two workers than with one
(measured on loopback). Setting the option on each connection's socket fixes both modes.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    # the signature of uvicorn's own (also ignored there): asyncio.Transport, narrower than BaseProtocol's
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # a socket that does not take it (never seen on Linux TCP) stays as it is
                pass
        super().connection_made(transport)


#: What ``uvicorn.run(..., http=HTTP_PROTOCOL)`` takes (an import string: worker processes import it).
HTTP_PROTOCOL = "sync.server.http_protocol:NoDelayH11Protocol"

__all__ = ["HTTP_PROTOCOL", "NoDelayH11Protocol"]
