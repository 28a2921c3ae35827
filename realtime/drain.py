"""Graceful shutdown: tell every fan to reconnect elsewhere (SERVICE_RESTART), in batches."""

from __future__ import annotations

import asyncio

from realtime import closecodes
from realtime.hub import current_hub

DRAIN_BATCH = 500
DRAIN_PAUSE = 0.05


async def drain_connections() -> None:
    """Close local group members with 1012 a batch at a time, then stop the hub."""
    hub = current_hub()
    if hub is None:
        return
    members = list(hub.all_members())
    for start in range(0, len(members), DRAIN_BATCH):
        batch = members[start : start + DRAIN_BATCH]
        await asyncio.gather(
            *(
                m.outbox.close(closecodes.SERVICE_RESTART, "server restarting: reconnect")
                for m in batch
            )
        )
        await asyncio.sleep(DRAIN_PAUSE)
    await hub.close()
