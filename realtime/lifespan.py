"""ASGI lifespan for the whole app: startup is instant; shutdown drains the process hub."""

from __future__ import annotations

from realtime.answers import answer_lifespan
from realtime.drain import drain_connections
from realtime.types import ASGIApp, Receive, Scope, Send


class LifespanRouter:
    """Answer `lifespan` scopes here and pass every other scope to the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        await answer_lifespan(receive, send, on_shutdown=drain_connections)
