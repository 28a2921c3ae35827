"""A peer that vanished without closing is found by the heartbeat and cleaned up."""

import asyncio
import base64
import json
import os

import pytest
from websockets.asyncio.client import connect

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow]


async def silent_peer(port, path):
    """Open a WebSocket by hand, then never read or answer a ping: a phone that lost signal."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    assert b"101" in status
    return writer


async def presence_count(ws, wanted, timeout):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "presence" and frame["count"] == wanted:
                return


async def test_a_silent_peer_is_dropped_and_presence_returns_to_the_truth(start_server):
    server = start_server(
        "uvicorn", extra_args=["--ws-ping-interval", "1", "--ws-ping-timeout", "1"]
    )
    async with connect(server.ws_url + "/ws/chat/lobby/", origin=server.origin) as watcher:
        zombie = await silent_peer(server.port, "/ws/chat/lobby/")
        await presence_count(watcher, 2, timeout=10)
        # No pong ever comes back: the server drops the peer and presence falls back to 1.
        await presence_count(watcher, 1, timeout=15)
        zombie.close()
