"""The server's HTTP protocol turns Nagle's algorithm off on every connection, also in the
multi-worker mode where asyncio does not (its listening socket comes without a protocol
number): otherwise each keep-alive request waited ~40 ms for the client's delayed ACK."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from uvicorn.server import ServerState

from sync.server.http_protocol import HTTP_PROTOCOL


async def _nodelay_of_accepted_connection(http: str) -> int:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]  # never called: no request is sent
        raise AssertionError

    config = uvicorn.Config(app, http=http, log_level="warning")
    config.load()
    state = ServerState()
    made: list[asyncio.Protocol] = []

    def factory() -> asyncio.Protocol:
        proto = config.http_protocol_class(config=config, server_state=state, app_state={})
        made.append(proto)
        return proto

    # As uvicorn's worker processes get it: a TCP socket whose protocol number is 0.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = await asyncio.get_running_loop().create_server(factory, sock=listener)
    try:
        _reader, writer = await asyncio.open_connection(*listener.getsockname())
        for _ in range(100):
            if made and getattr(made[0], "transport", None) is not None:
                break
            await asyncio.sleep(0.01)
        sock = made[0].transport.get_extra_info("socket")  # type: ignore[attr-defined]
        value = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        return value
    finally:
        server.close()
        await server.wait_closed()


def test_connections_get_tcp_nodelay_even_from_a_worker_s_socket() -> None:
    assert asyncio.run(_nodelay_of_accepted_connection("h11")) == 0  # what plain uvicorn gets there
    assert asyncio.run(_nodelay_of_accepted_connection(HTTP_PROTOCOL)) != 0
