"""A worker that dies stops being counted in presence within seconds, not half a minute."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import pytest
from websockets.asyncio.client import connect

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.db, pytest.mark.slow]

ROOM = "/ws/chat/lobby/"
DEAD_WORKER_FORGOTTEN_WITHIN = 10.0
"""Seconds after a SIGKILL by which its fans must no longer be counted (was 30 s)."""


async def _count_becomes(ws, wanted: int, timeout: float) -> float:
    """Seconds until a presence frame says `wanted` watchers (fails after `timeout`)."""
    started = time.monotonic()
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "presence" and frame["count"] == wanted:
                return time.monotonic() - started


async def test_a_killed_workers_fans_leave_the_count_within_seconds(
    start_server, databases, redis_url, layer_prefix
):
    db = databases.fresh()
    doomed = start_server(
        "uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix
    )
    alive = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    async with contextlib.AsyncExitStack() as stack:
        on_doomed = [
            await stack.enter_async_context(connect(doomed.ws_url + ROOM, origin=doomed.origin))
            for _ in range(3)
        ]
        watcher = await stack.enter_async_context(connect(alive.ws_url + ROOM, origin=alive.origin))
        await stack.enter_async_context(connect(alive.ws_url + ROOM, origin=alive.origin))
        assert on_doomed
        await _count_becomes(watcher, 5, timeout=15)
        doomed.kill()  # SIGKILL: no goodbye, its reports simply stop
        took = await _count_becomes(watcher, 2, timeout=DEAD_WORKER_FORGOTTEN_WITHIN)
    assert took < DEAD_WORKER_FORGOTTEN_WITHIN
