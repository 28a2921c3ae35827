"""Request-body limits in front of Django: refused by Content-Length, or counted as they stream.

Django's ASGI handler reads a whole request body (into memory, then a temporary file past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any view or DATA_UPLOAD_MAX_MEMORY_SIZE check sees it: a
512 MiB anonymous POST was spooled to disk before the API's 413. This middleware answers 413 as
soon as the declared length, or the bytes received so far, pass the path's limit, and closes the
connection instead of reading the rest. A body that trickles in slower than the body timeout
gets 408. Django then gets the body, already read and small, in one message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

from realtime.answers import send_response
from realtime.metrics import REQUESTS_REFUSED

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def body_limit(path: str) -> int:
    """Bytes a request body to this path may have: the API's limit, else the site's."""
    if path.startswith("/api/"):
        return int(settings.CREASE_API_MAX_BODY_BYTES)
    return int(settings.CREASE_MAX_BODY_BYTES)


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header as a number; None when absent; -1 when it is not a number."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else -1
    return None


async def refuse(scope: Scope, send: Send, status: int, code: str, reason: str) -> None:
    """Answer with a short error and `Connection: close`, so the server reads no more of it."""
    REQUESTS_REFUSED.labels(code).inc()
    if scope["path"].startswith("/api/"):
        body = json.dumps({"error": code, "reason": reason}).encode()
        content_type = b"application/json"
    else:
        body = f"{reason}\n".encode()
        content_type = b"text/plain; charset=utf-8"
    await send_response(
        send, status, body, content_type=content_type, headers=[(b"connection", b"close")]
    )


class BodyLimit:
    """ASGI middleware: a request body over its path's limit never reaches Django."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        too_large = f"the request body is limited to {limit} bytes here"
        declared = declared_length(scope)
        if declared == -1:
            await refuse(scope, send, 400, "bad_request", "Content-Length is not a number")
            return
        if declared is not None and declared > limit:
            await refuse(scope, send, 413, "too_large", too_large)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(float(settings.CREASE_BODY_TIMEOUT)):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client went away before its body was complete
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        await refuse(scope, send, 413, "too_large", too_large)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            reason = f"the request body did not arrive within {settings.CREASE_BODY_TIMEOUT} s"
            await refuse(scope, send, 408, "body_timeout", reason)
            return
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        given = False

        async def replay() -> Message:
            nonlocal given
            if not given:
                given = True
                return whole
            return await receive()  # afterwards: the disconnect Django listens for

        await self.app(scope, replay, send)
