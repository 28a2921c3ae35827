"""Per-IP limits on WebSocket connections: how many open at once and how many new per minute.

Over a limit, the connection is accepted only to be closed at once with 4029 (RATE_LIMITED), so
that a browser client can tell a limit from a network failure and back off.

The client address is the one the nearest trusted proxy saw: with `CREASE_TRUSTED_PROXIES = N`,
the N-th address from the right of X-Forwarded-For (each proxy appends the peer it saw, and
anything to the left of that was written by the client, who can write anything there).
"""

from __future__ import annotations

import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from realtime import closecodes
from realtime.answers import refuse_websocket
from realtime.metrics import REFUSED, TRACKED_IPS
from realtime.types import ASGIApp, Receive, Scope, Send

WINDOW_SECONDS = 60.0
"""The window of the new-connections limit."""


def forwarded_client(peer: str, forwarded_for: Iterable[str], trusted_proxies: int) -> str:
    """The address the outermost of `trusted_proxies` proxies saw, from X-Forwarded-For values.

    Every trusted proxy appends the address it received the request from, so the last
    `trusted_proxies` hops are written by proxies and the hop just left of the proxies' own
    entries is the client as the outermost trusted proxy saw it. A shorter list than that means
    the request skipped a proxy: the leftmost hop is the best the chain knows.
    """
    if trusted_proxies <= 0:
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    if not hops:
        return peer
    return hops[-trusted_proxies] if len(hops) >= trusted_proxies else hops[0]


def client_ip(scope: Scope) -> str:
    """The client's address for per-IP limits: the peer, or what the trusted proxies saw."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    forwarded = [
        value.decode("latin-1")
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
    ]
    return forwarded_client(peer, forwarded, settings.CREASE_TRUSTED_PROXIES)


def request_client_ip(request: Any) -> str:
    """The same address for a Django HTTP request (REMOTE_ADDR is the ASGI peer)."""
    meta = request.META
    forwarded = [meta["HTTP_X_FORWARDED_FOR"]] if meta.get("HTTP_X_FORWARDED_FOR") else []
    peer = str(meta.get("REMOTE_ADDR") or "unknown")
    return forwarded_client(peer, forwarded, settings.CREASE_TRUSTED_PROXIES)


class RecentConnections:
    """Start times of new connections per IP in the last minute, bounded in size.

    Entries are kept in order of their last admitted connection, so expired ones are found at
    the front and removed as time goes on; over `max_ips` addresses the least recently admitted
    is dropped, so a flood of distinct addresses cannot grow server memory without limit.
    """

    def __init__(self) -> None:
        self._windows: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def clear(self) -> None:
        self._windows.clear()
        TRACKED_IPS.set(0)

    def admit(self, ip: str, per_minute: int, max_ips: int, now: float) -> bool:
        """Record a new connection from `ip` unless it already made `per_minute` in the window."""
        horizon = now - WINDOW_SECONDS
        self._expire(horizon)
        window = self._windows.get(ip)
        if window is None:
            window = self._windows[ip] = deque()
        while window and window[0] <= horizon:
            window.popleft()
        admitted = len(window) < per_minute
        if admitted:
            window.append(now)
            self._windows.move_to_end(ip)  # ordered by last admission: oldest first
        while len(self._windows) > max(1, max_ips):
            self._windows.popitem(last=False)
        TRACKED_IPS.set(len(self._windows))
        return admitted

    def _expire(self, horizon: float) -> None:
        while self._windows:
            ip, window = next(iter(self._windows.items()))
            if window and window[-1] > horizon:
                return
            del self._windows[ip]


class ConnectionLimits:
    """ASGI middleware counting WebSocket connections per client IP in this process."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.open: defaultdict[str, int] = defaultdict(int)
        self.recent = RecentConnections()

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
        if per_minute and not self.recent.admit(
            ip, per_minute, settings.CREASE_WS_TRACKED_IPS, time.monotonic()
        ):
            return "too_many_new"
        return ""

    @staticmethod
    async def _refuse(receive: Receive, send: Send, reason: str) -> None:
        await refuse_websocket(
            receive,
            send,
            closecodes.RATE_LIMITED,
            f"rate limited ({reason.replace('_', ' ')}): retry after a backoff",
        )
