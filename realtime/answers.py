"""Small ASGI answers written once for every layer that sends them itself: a short HTTP
response, a WebSocket refused with a close code the browser can read, and the lifespan protocol.

Standard library only (the dependency-free app of practice/raw.py uses it too).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from realtime.types import Receive, Send

TEXT = b"text/plain; charset=utf-8"


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    *,
    content_type: bytes = TEXT,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """A whole HTTP response with its length; `headers` adds to the content type."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def refuse_websocket(receive: Receive, send: Send, code: int, reason: str) -> None:
    """Accept, then close with `code` and `reason`: a browser cannot read why a handshake was
    refused, but it can read a close code."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code, "reason": reason})


async def answer_lifespan(
    receive: Receive, send: Send, *, on_shutdown: Callable[[], Awaitable[Any]] | None = None
) -> None:
    """Answer startup at once and shutdown after `on_shutdown` (e.g. draining fans)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if on_shutdown is not None:
                await on_shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
