"""The base of every Crease consumer: bounded JSON input, uniform errors, hub-backed groups."""

from __future__ import annotations

import logging
from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.sessions import InstanceSessionWrapper
from django.conf import settings

from realtime import closecodes
from realtime.context import current_id, new_id
from realtime.errors import Refused
from realtime.frames import decode, encode, error_frame
from realtime.hub import get_hub
from realtime.metrics import ERRORS, MESSAGES_IN, MESSAGES_OUT, OPEN_CONNECTIONS
from realtime.outbox import Outbox
from realtime.types import Receive, Scope, Send

logger = logging.getLogger(__name__)


def frame_send(send: Any) -> Any:
    """The server's own `send` beneath Channels' session wrappers, for the outbox's frames.

    InstanceSessionWrapper.send acts only on `http.response.start`; on every other message it
    reads the lazy session object twice and passes the message on. Skipping it for WebSocket
    frames changes nothing and cut fan-out CPU per delivery by about 30% (bench/RESULTS.md).
    """
    while isinstance(getattr(send, "__self__", None), InstanceSessionWrapper):
        send = send.__self__.real_send
    return send


_LABELS: dict[type, str] = {}


def _class_label(cls: type) -> str:
    label = _LABELS.get(cls)
    if label is None:
        label = _LABELS[cls] = cls.__name__.removesuffix("Consumer").lower()
    return label


class GroupConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """A JSON WebSocket consumer whose groups are served by the process hub.

    Differences from Channels' AsyncJsonWebsocketConsumer, and why:
    - no layer channel per connection: `join(group)` registers with the process hub, which holds
      one subscription per group (see realtime.hub); `self.channel_layer.group_send` works as usual;
    - no `aclose_old_connections()` thread hop per event: handlers reach the database only through
      `database_sync_to_async`, which closes stale connections itself;
    - text frames over the size limit, binary frames, invalid JSON and non-objects get an error
      frame (or close 1009) instead of an exception that drops the connection.
    """

    presence_name: str | None = None
    presence_counted = True
    """False for connections that follow groups without being part of the audience."""
    ignored_types: frozenset[str] = frozenset()
    """Group message types the hub does not send this connection (realtime.hub.Member)."""
    metrics_kind = ""
    """The endpoint's name in metrics (crease_open_connections{kind=...}); default: class name."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = None
        self.base_send = send
        self.outbox = Outbox(frame_send(send), limit=settings.CREASE_FAN_OUTBOX_FRAMES)
        # A tuple: a fan is in one group or two, and an idle fan's set was 216 B of ~20 KiB.
        self.joined: tuple[str, ...] = ()
        user = scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            self.presence_name = user.get_username()
        self.connection_id = new_id()
        current_id.set(self.connection_id)  # this task's log lines carry the connection id
        gauge = OPEN_CONNECTIONS.labels(self.metrics_label)
        gauge.inc()
        try:
            while True:  # one source: no extra task per connection, as await_many_dispatch makes
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            gauge.dec()
            await self.leave_all()

    @property
    def metrics_label(self) -> str:
        """`metrics_kind`, else the class's name without "Consumer" (named once per class, not
        held by every connection)."""
        return self.metrics_kind or _class_label(type(self))

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # Groups

    async def join(self, group: str) -> None:
        """Receive the group's broadcasts from now on (returns once subscribed)."""
        if group not in self.joined:
            self.joined += (group,)
        await get_hub().join(group, self)

    async def leave(self, group: str) -> None:
        self.joined = tuple(joined for joined in self.joined if joined != group)
        await get_hub().leave(group, self)

    async def leave_all(self) -> None:
        for group in list(self.joined):
            await self.leave(group)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        self.outbox.closed = True
        await self.leave_all()
        await self.disconnect(message.get("code"))
        raise StopConsumer()

    # Input

    @property
    def max_message_bytes(self) -> int:
        return int(settings.CREASE_MAX_MESSAGE_BYTES)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        MESSAGES_IN.labels(self.metrics_label).inc()
        if text_data is None:
            await self.send_error("binary_not_accepted", "send JSON text frames, not binary")
            return
        if len(text_data) > self.max_message_bytes or (
            len(text_data) * 4 > self.max_message_bytes
            and len(text_data.encode()) > self.max_message_bytes
        ):
            await self.send_error(
                "message_too_big", f"frames are limited to {self.max_message_bytes} bytes"
            )
            await self.close(code=closecodes.MESSAGE_TOO_BIG)
            return
        await self.receive_text(text_data)

    async def receive_text(self, text_data: str) -> None:
        """Decode one JSON object with a string `type` and hand it to receive_json."""
        try:
            content = decode(text_data)
        except ValueError:
            await self.send_error("invalid_json", "the frame is not valid JSON")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error("invalid_message", "send a JSON object with a string 'type'")
            return
        try:
            await self.receive_json(content)
        except Refused as refused:  # a service said no: the client is told why, nothing stored
            await self.send_error(refused.code, refused.reason, **refused.extra)
        except Exception:
            logger.exception("handler failed on a %r message", content.get("type"))
            await self.send_error("internal_error", "the server could not handle that message")

    # Output: every text frame goes through the outbox, so replies and broadcasts stay in order.

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        if text_data is not None:
            MESSAGES_OUT.labels("direct").inc()
            self.outbox.send_direct(text_data)
        elif bytes_data is not None:
            await self.base_send({"type": "websocket.send", "bytes": bytes_data})
        if close:
            await self.close(close)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return encode(content)

    async def send_error(self, code: str, reason: str, **extra: Any) -> None:
        """Send the uniform error frame; the connection stays open."""
        ERRORS.labels(code).inc()
        await self.send_json(error_frame(code, reason, **extra))

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        message: dict[str, Any] = {"type": "websocket.close"}
        if code is not None and code is not True:
            message["code"] = code
        if reason:
            message["reason"] = reason
        self.outbox.closed = True
        await self.base_send(message)
