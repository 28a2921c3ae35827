"""Helpers for WebsocketCommunicator tests on the full config.asgi.application."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.testing import WebsocketCommunicator

from config.asgi import application

ORIGIN_HEADER = (b"origin", b"http://localhost")
HOST_HEADER = (b"host", b"localhost")
"""A page of http://localhost connecting to ws://localhost/...: its own origin."""


def communicator(
    path: str, *, headers: list[tuple[bytes, bytes]] | None = None
) -> WebsocketCommunicator:
    """A communicator through origin checks and auth, as a browser on localhost would connect."""
    return WebsocketCommunicator(
        application, path, headers=[HOST_HEADER, ORIGIN_HEADER, *(headers or [])]
    )


async def receive_json(comm: WebsocketCommunicator, timeout: float = 2) -> Any:
    return json.loads(await comm.receive_from(timeout))


async def receive_until(comm: WebsocketCommunicator, kind: str, timeout: float = 3) -> Any:
    """Receive frames until one of the given `type` arrives (skipping e.g. presence frames)."""
    while True:
        frame = await receive_json(comm, timeout)
        if frame.get("type") == kind:
            return frame


async def recv_type(ws: Any, kind: str, timeout: float = 5) -> Any:
    """With the real `websockets` client: receive frames until one of the given `type`."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == kind:
                return frame
