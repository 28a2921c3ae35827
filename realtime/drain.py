"""Graceful shutdown: tell every fan to reconnect elsewhere (SERVICE_RESTART), in batches.

Batches spread the reconnect storm over the other servers (clients add jitter too); each batch
waits a bounded time for the close handshakes, so shutdown ends in bounded time.
"""

from __future__ import annotations

import asyncio
import logging

from realtime import closecodes
from realtime.hub import current_hub

logger = logging.getLogger(__name__)

DRAIN_BATCH = 500
DRAIN_PAUSE = 0.05
DRAIN_BATCH_WAIT = 1.0


async def drain_connections() -> int:
    """Close local group members with 1012 a batch at a time, then stop the hub; returns count."""
    hub = current_hub()
    if hub is None:
        return 0
    members = list(hub.all_members())
    for start in range(0, len(members), DRAIN_BATCH):
        batch = members[start : start + DRAIN_BATCH]
        closing = [
            asyncio.ensure_future(
                m.outbox.close(closecodes.SERVICE_RESTART, "server restarting: reconnect")
            )
            for m in batch
        ]
        await asyncio.wait(closing, timeout=DRAIN_BATCH_WAIT)
        await asyncio.sleep(DRAIN_PAUSE)
    await hub.close()
    if members:  # the lifespan shutdown runs after realtime.serve's drain: nothing left then
        logger.warning("drained %d WebSocket connections with 1012", len(members))
    return len(members)
