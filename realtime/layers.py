"""An in-process channel layer whose every operation is O(1) in the number of channels.

Channels' stock InMemoryChannelLayer scans every channel and group on each receive() and
group_send() to expire old messages, so fan-out to N consumers costs O(N^2). This layer keeps
the same semantics (capacity, message expiry, group expiry) but expires lazily: a message is
checked when it is received, a membership when its group is sent to.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer

from realtime.metrics import LAYER_DROPPED

logger = logging.getLogger(__name__)


class _Channel:
    """One channel's queue of (expires_at, message) and the receivers waiting on it."""

    __slots__ = ("capacity", "messages", "waiters")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.messages: deque[tuple[float, dict[str, Any]]] = deque()
        self.waiters: deque[asyncio.Future[None]] = deque()


class InMemoryChannelLayer(BaseChannelLayer):  # type: ignore[misc]
    """Process-local layer for one server process (tests, `make run`)."""

    extensions = ["groups", "flush"]

    def __init__(
        self,
        expiry: int = 60,
        group_expiry: int = 86400,
        capacity: int = 100,
        channel_capacity: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(expiry=expiry, capacity=capacity, channel_capacity=channel_capacity)
        # BaseChannelLayer keeps the raw dict, but get_capacity() wants the compiled patterns.
        self.channel_capacity = self.compile_capacities(channel_capacity or {})
        self.group_expiry = group_expiry
        self._channels: dict[str, _Channel] = {}
        self._groups: dict[str, dict[str, float]] = {}

    async def new_channel(self, prefix: str = "specific.") -> str:
        return f"{prefix}.inmemory!{uuid.uuid4().hex[:16]}"

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        self._put(channel, message)

    def _put(self, channel: str, message: dict[str, Any]) -> None:
        state = self._channels.get(channel)
        if state is None:
            state = self._channels[channel] = _Channel(self.get_capacity(channel))
        now = time.monotonic()
        # Drop expired messages at the head before judging capacity.
        while state.messages and state.messages[0][0] < now:
            state.messages.popleft()
        if len(state.messages) >= state.capacity:
            raise ChannelFull(channel)
        state.messages.append((now + self.expiry, deepcopy(message)))
        while state.waiters:
            waiter = state.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break

    async def receive(self, channel: str) -> dict[str, Any]:
        self.require_valid_channel_name(channel)
        state = self._channels.get(channel)
        if state is None:
            state = self._channels[channel] = _Channel(self.get_capacity(channel))
        while True:
            now = time.monotonic()
            while state.messages:
                expires_at, message = state.messages.popleft()
                if expires_at >= now:
                    if not state.messages and not state.waiters:
                        self._channels.pop(channel, None)
                    return message
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            state.waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                # Pass a wake-up we may have consumed on to the next receiver.
                if waiter.done() and not waiter.cancelled() and state.messages:
                    for other in state.waiters:
                        if not other.done():
                            other.set_result(None)
                            break
                raise
            finally:
                if waiter in state.waiters:
                    state.waiters.remove(waiter)

    async def flush(self) -> None:
        self._channels.clear()
        self._groups.clear()

    async def close(self) -> None:
        pass

    async def group_add(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        self._groups.setdefault(group, {})[channel] = time.monotonic()

    async def group_discard(self, group: str, channel: str) -> None:
        self.require_valid_channel_name(channel)
        self.require_valid_group_name(group)
        members = self._groups.get(group)
        if members is not None:
            members.pop(channel, None)
            if not members:
                del self._groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        members = self._groups.get(group)
        if not members:
            return
        joined_after = time.monotonic() - self.group_expiry
        for channel, joined_at in list(members.items()):
            if joined_at < joined_after:
                del members[channel]
                continue
            try:
                self._put(channel, message)
            except ChannelFull:
                # As the stock layer does, a full member misses this message; but say so.
                LAYER_DROPPED.inc()
                logger.warning(
                    "channel %s is full: a %r message to %s was dropped",
                    channel,
                    message.get("type"),
                    group,
                )
