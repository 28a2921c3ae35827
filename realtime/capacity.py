"""A cap on the connections of one server process, refused clearly instead of running it dry.

Every connection holds a file descriptor; past the process's open-file limit the server can
accept nothing, not even /healthz. Over CREASE_MAX_CONNECTIONS (by default the open-file limit
less a reserve for the database, Redis and files) a new HTTP request gets 503 with Retry-After
and a new WebSocket is closed with 1013 (try again later); /healthz and /readyz are always
answered. The count is uvicorn's own set of connections (HTTP and WebSocket), registered by the
protocols of realtime.http, so the cap works under realtime.serve (make run, run-prod) only.
"""

from __future__ import annotations

import functools
import logging
import os
import resource
import time
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

from realtime import closecodes
from realtime.answers import refuse_websocket, send_response
from realtime.metrics import REFUSED, REQUESTS_REFUSED

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

ALWAYS_ANSWERED = frozenset({"/healthz", "/readyz"})
RETRY_AFTER_SECONDS = 5
LOG_EVERY_SECONDS = 10.0

_connections: set[Any] | None = None
_last_logged = 0.0


def track(connections: set[Any]) -> None:
    """Count this set (uvicorn's server_state.connections) from now on."""
    global _connections
    _connections = connections


def open_connections() -> int | None:
    """Open connections of this process, or None when not served by realtime.serve."""
    return None if _connections is None else len(_connections)


@functools.cache
def file_limit() -> int:
    """The process's open-file limit (read once: servers set it before they start)."""
    return int(resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def max_connections() -> int:
    """CREASE_MAX_CONNECTIONS, or the open-file limit less a reserve (a tenth, at least 64)."""
    configured = int(settings.CREASE_MAX_CONNECTIONS)
    if configured > 0:
        return configured
    limit = file_limit()
    return max(16, limit - max(64, limit // 10))


def over_capacity() -> bool:
    count = open_connections()
    return count is not None and count > max_connections()


def _log_refusal(kind: str) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning(
            "at capacity: %s open connections (CREASE_MAX_CONNECTIONS %s); refusing new %s",
            open_connections(),
            max_connections(),
            kind,
        )


def open_descriptors() -> int | None:
    """File descriptors this process holds (Linux), or None where that cannot be read."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


class DescriptorWatch:
    """Logs a warning when open file descriptors pass 80% of the limit, and once they recover."""

    SHORT = 0.8
    RECOVERED = 0.7

    def __init__(self) -> None:
        self.short = False

    def check(self) -> None:
        count = open_descriptors()
        if count is None:
            return
        limit = file_limit()
        if not self.short and count >= self.SHORT * limit:
            self.short = True
            logger.warning(
                "file descriptors running short: %d of %d open (%d connections); raise the "
                "open-file limit or CREASE_MAX_CONNECTIONS lower",
                count,
                limit,
                open_connections() or 0,
            )
        elif self.short and count < self.RECOVERED * limit:
            self.short = False
            logger.info("file descriptors recovered: %d of %d open", count, limit)


class Capacity:
    """ASGI middleware: over the connection cap, refuse new requests and WebSockets clearly."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket") or not over_capacity():
            await self.app(scope, receive, send)
            return
        if kind == "http":
            if scope["path"] in ALWAYS_ANSWERED:
                await self.app(scope, receive, send)
                return
            _log_refusal("requests")
            REQUESTS_REFUSED.labels("at_capacity").inc()
            body = b"This server is at capacity; retry in a few seconds.\n"
            headers = [
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                (b"connection", b"close"),
            ]
            await send_response(send, 503, body, headers=headers)
            return
        _log_refusal("WebSockets")
        REFUSED.labels("at_capacity").inc()
        await refuse_websocket(
            receive, send, closecodes.TRY_AGAIN_LATER, "server at capacity: retry after a backoff"
        )
