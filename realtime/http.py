"""uvicorn's HTTP protocols with a deadline on the request head (slow loris), for realtime.serve.

uvicorn times out an idle keep-alive connection, but not one that has sent part of a request:
1,000 sockets each sending half a request head were held open for ever, and on a worker with
1,024 file descriptors they locked out every new fan and /healthz. Here every request head (a
WebSocket handshake is one too) must be complete within CREASE_HTTP_HEAD_TIMEOUT seconds, and at
most CREASE_HTTP_MAX_INCOMPLETE connections of a process may be part-way through one: past that
the oldest is closed. Both answer 408 and close. The connection set these protocols share is
also what realtime.capacity counts against CREASE_MAX_CONNECTIONS.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import h11
from django.conf import settings
from uvicorn.protocols.http.h11_impl import H11Protocol

from realtime import capacity
from realtime.metrics import REQUESTS_REFUSED

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is part of uvicorn[standard]
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

logger = logging.getLogger(__name__)

_incomplete: OrderedDict[HeadDeadline, None] = OrderedDict()
"""Connections of this process part-way through a request head, oldest first."""


def _timeout_response(reason: str) -> bytes:
    body = f"{reason}\n".encode()
    return (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
        + f"content-length: {len(body)}\r\n".encode()
        + b"connection: close\r\n\r\n"
        + body
    )


class HeadDeadline:
    """The deadline of one connection's request head; mixed into a uvicorn HTTP protocol."""

    transport: asyncio.Transport
    connections: set[Any]
    _head_timer: asyncio.TimerHandle | None = None

    def _head_started(self) -> None:
        """A request head is expected or being read: start its clock (once)."""
        capacity.track(self.connections)
        if self._head_timer is None:
            loop = asyncio.get_running_loop()
            timeout = float(settings.CREASE_HTTP_HEAD_TIMEOUT)
            self._head_timer = loop.call_later(timeout, self._head_timed_out, "timeout")

    def _head_partial(self) -> None:
        """Bytes arrived and the head is still not complete: count it as part-way through.

        Counted only then, not from connection_made: the event loop accepts a whole burst of
        connections (a reconnect storm, 500 fans at once) before it reads any of them, so
        counting from the accept closed all but the newest 100 fans of a burst, each of which
        had sent its whole handshake."""
        if self._head_timer is None or self in _incomplete:
            return
        _incomplete[self] = None
        limit = max(1, int(settings.CREASE_HTTP_MAX_INCOMPLETE))
        while len(_incomplete) > limit:
            oldest = next(iter(_incomplete))
            oldest._head_timed_out("too_many_incomplete")

    def _head_done(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        _incomplete.pop(self, None)

    def _head_timed_out(self, why: str) -> None:
        self._head_done()
        REQUESTS_REFUSED.labels(f"head_{why}").inc()
        if not self.transport.is_closing():
            reason = (
                f"the request head was not complete within {settings.CREASE_HTTP_HEAD_TIMEOUT} s"
                if why == "timeout"
                else "too many connections are part-way through a request; this one waited longest"
            )
            self.transport.write(_timeout_response(reason))
            self.transport.close()


class GuardedH11Protocol(HeadDeadline, H11Protocol):
    """uvicorn's h11 protocol with the request-head deadline."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_started()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and self._head_timer is None:
            self._head_started()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head_done()  # the head is parsed (a request, an upgrade, or an error)
        else:
            self._head_partial()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(HeadDeadline, HttpToolsProtocol):
        """uvicorn's httptools protocol (the default) with the request-head deadline."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._head_started()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._head_partial()  # a no-op once on_headers_complete has stopped the clock

        def on_message_begin(self) -> None:
            self._head_started()
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            self._head_done()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_done()
            super().connection_lost(exc)

    AutoGuardedProtocol: type[asyncio.Protocol] = GuardedHttpToolsProtocol
else:  # pragma: no cover
    AutoGuardedProtocol = GuardedH11Protocol

GUARDED = {
    "auto": "realtime.http:AutoGuardedProtocol",
    "httptools": "realtime.http:GuardedHttpToolsProtocol",
    "h11": "realtime.http:GuardedH11Protocol",
}
"""uvicorn's --http choices and the guarded protocol realtime.serve uses for each."""
