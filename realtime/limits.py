"""Per-IP limits on WebSocket connections: how many open at once and how many new per minute.

Over a limit, the connection is accepted only to be closed at once with 4029 (RATE_LIMITED), so
that a browser client can tell a limit from a network failure and back off.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque

from django.conf import settings

from realtime import closecodes
from realtime.metrics import REFUSED
from realtime.types import ASGIApp, Receive, Scope, Send


def client_ip(scope: Scope) -> str:
    """The peer address, or the proxy's X-Forwarded-For first hop when the proxy is trusted."""
    if settings.CREASE_TRUST_X_FORWARDED_FOR:
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                return str(value.decode("latin-1").split(",")[0].strip())
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class ConnectionLimits:
    """ASGI middleware counting WebSocket connections per client IP in this process."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.open: defaultdict[str, int] = defaultdict(int)
        self.recent: defaultdict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        ip = client_ip(scope)
        reason = self._over_limit(ip)
        if reason:
            REFUSED.labels(reason).inc()
            await self._refuse(receive, send, reason)
            return
        self.open[ip] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open[ip] -= 1
            if self.open[ip] <= 0:
                del self.open[ip]

    def _over_limit(self, ip: str) -> str:
        max_open = settings.CREASE_WS_MAX_OPEN_PER_IP
        if max_open and self.open.get(ip, 0) >= max_open:
            return "too_many_open"
        per_minute = settings.CREASE_WS_NEW_PER_IP_PER_MINUTE
        if per_minute:
            now = time.monotonic()
            window = self.recent[ip]
            while window and window[0] < now - 60:
                window.popleft()
            if len(window) >= per_minute:
                return "too_many_new"
            window.append(now)
        return ""

    @staticmethod
    async def _refuse(receive: Receive, send: Send, reason: str) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await send(
            {
                "type": "websocket.close",
                "code": closecodes.RATE_LIMITED,
                "reason": f"rate limited ({reason.replace('_', ' ')}): retry after a backoff",
            }
        )
