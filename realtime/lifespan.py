"""ASGI lifespan for the whole app: startup is instant; shutdown drains the process hub."""

from __future__ import annotations

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
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await drain_connections()
                await send({"type": "lifespan.shutdown.complete"})
                return
