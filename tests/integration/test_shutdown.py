"""Deploys: on SIGTERM the server stops accepting, closes every fan with 1012 and exits in time."""

import asyncio
import json
import signal
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

pytestmark = [pytest.mark.server, pytest.mark.db]


async def test_sigterm_tells_every_fan_to_reconnect_with_1012_and_exits_in_bounded_time(
    start_server,
):
    server = start_server("serve")
    fans = [
        await connect(server.ws_url + "/ws/chat/lobby/", origin=server.origin) for _ in range(40)
    ]
    for fan in fans:  # every fan has joined (its first presence frame arrives after the join)
        async with asyncio.timeout(5):
            while json.loads(await fan.recv())["type"] != "presence":
                pass
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    codes = []
    for fan in fans:
        with pytest.raises(ConnectionClosed):
            async with asyncio.timeout(10):
                while True:
                    await fan.recv()
        codes.append(fan.close_code)
    assert codes == [1012] * len(fans)
    await asyncio.to_thread(server.process.wait, 15)
    # uvicorn re-raises the signal once its shutdown is complete, so SIGTERM is the exit status.
    assert server.process.returncode in (0, -signal.SIGTERM)
    assert "drained 40 WebSocket connections with 1012" in server.log()
    assert "Finished server process" in server.log()
    assert time.monotonic() - started < 15
    # Stopped accepting: a new connection is refused.
    with pytest.raises(OSError):
        async with connect(server.ws_url + "/practice", origin=server.origin, open_timeout=2):
            pass
