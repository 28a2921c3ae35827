"""Encode-once group handlers: the guide's `chat_message` shape, rendered once per process.

A consumer declares how a group message looks to its clients with `@broadcast`:

    class ChatConsumer(GroupConsumer):
        @broadcast
        def chat_message(event):
            return {"room": event["room_id"], "username": event["username"], ...}

`group_send(group, {"type": "chat.message", ...})` then reaches the process hub once, which
renders and JSON-encodes it once and writes the same text to every local member.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from realtime.frames import encode
from realtime.types import Message

Render = Callable[[Message], Any]


class BroadcastHandler:
    """A group-message handler whose output is the same for every member of the group."""

    def __init__(self, render: Render) -> None:
        self.render = render
        functools.update_wrapper(self, render)  # type: ignore[arg-type]

    def frame(self, message: dict[str, Any]) -> str:
        """Render and encode the message once; the text is sent to every member as is."""
        return encode(self.render(message))

    def __get__(
        self, instance: Any, owner: type | None = None
    ) -> BroadcastHandler | Callable[[Message], Awaitable[None]]:
        if instance is None:
            return self

        async def handle(message: dict[str, Any]) -> None:
            # A message sent to one consumer directly: same rendering, one recipient.
            instance.outbox.push_broadcast(self.frame(message), message.get("seq"))

        return handle


def broadcast(render: Render) -> BroadcastHandler:
    """Mark `render(event) -> payload` as the group handler for its message type."""
    return BroadcastHandler(render)
