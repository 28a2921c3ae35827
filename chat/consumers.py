"""The guide's group chat grown up: rooms from the database, history, limits and moderation.

The shape is the guide's: the consumer stores a message, then `group_send`s
`{"type": "chat.message", ...}` to the room's group, and every member's `chat_message` handler
turns it into the frame clients receive. The rules live in chat.services and chat.selectors.
"""

from __future__ import annotations

import logging
from typing import Any

from chat import selectors, services
from chat.models import Room
from chat.services import ChatRefused
from realtime import closecodes
from realtime.broadcast import broadcast
from realtime.consumers import GroupConsumer
from realtime.db import in_db_thread
from realtime.frames import encode
from realtime.groups import InvalidGroupName, chat_group
from realtime.hub import current_hub, get_hub
from realtime.values import is_whole_number
from realtime.wire import text_frame

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = services.MAX_MESSAGE_CHARS

room_get = in_db_thread(selectors.room_get)
history_page = in_db_thread(selectors.history_page)


@in_db_thread
def _post(room: Room, author: Any, body: object, client_id: object) -> dict[str, Any]:
    message = services.message_post(room=room, author=author, body=body, client_id=client_id)
    return selectors.message_payload(message)


@in_db_thread
def _delete(room: Room, message_id: object, moderator: Any) -> int:
    return services.message_delete(room=room, message_id=message_id, moderator=moderator).pk


@in_db_thread
def _mute(username: object, minutes: object, moderator: Any) -> str | None:
    mute = services.user_mute(username=username, minutes=minutes, moderator=moderator)
    return selectors.iso(mute.until) if mute else None


class ChatConsumer(GroupConsumer):
    """One chat room at ws/chat/<room>/; anyone may read, logged-in users post, staff moderate."""

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["room"]
        # Accept, explain, then close: browsers cannot read a reason from a refused handshake.
        try:
            self.group = chat_group(slug)
        except InvalidGroupName as exc:
            await self.accept()
            await self.send_error("invalid_room", f"invalid room name: {exc}")
            await self.close(code=closecodes.NOT_FOUND)
            return
        hub = get_hub()
        room = hub.memo(self.group, "room") or await room_get(slug=slug)
        if room is None:
            await self.accept()
            await self.send_error("not_found", f"no chat room {slug!r}")
            await self.close(code=closecodes.NOT_FOUND)
            return
        self.room = room
        await self.accept()
        # Join first, then read the history: a message stored meanwhile is held back and sent
        # after the history (clients drop an id they already show), so nothing is missed.
        self.outbox.hold()
        try:
            await self.join(self.group)
            # The first page changes only by messages to the room, which this process hears:
            # kept in the hub per group version, a connect storm reads it once per message.
            version = hub.version(self.group)

            async def load_first() -> tuple[str, bytes]:
                frame = encode(await self.history_frame(before=None))
                return (frame, text_frame(frame.encode()))

            first: tuple[str, bytes] = await hub.remembered(self.group, "history", load_first)
            hub.remember(self.group, "room", version, room)
            self.outbox.send_shared(*first)  # the same bytes for every fan (realtime.wire)
        finally:
            self.outbox.release(None)

    async def history_frame(self, *, before: int | None) -> dict[str, Any]:
        messages, has_more = await history_page(room=self.room, before=before)
        return {
            "type": "chat.history",
            "before": before,
            "messages": messages,
            "has_more": has_more,
        }

    async def send_history(self, *, before: int | None) -> None:
        await self.send_json(await self.history_frame(before=before))

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        """One client frame; a refusal (ChatRefused) becomes an error frame in GroupConsumer."""
        kind = content["type"]
        user = self.scope.get("user")
        if kind == "chat.message":
            await self.post(user, content.get("message"), content.get("id"))
        elif kind == "chat.history":
            before = content.get("before")
            if not is_whole_number(before):
                raise ChatRefused("invalid_message", "'before' must be a message id")
            await self.send_history(before=before)
        elif kind == "chat.delete":
            message_id = await _delete(self.room, content.get("id"), user)
            await self.channel_layer.group_send(
                self.group, {"type": "chat.deleted", "id": message_id, "room": self.room.slug}
            )
        elif kind == "chat.mute":
            until = await _mute(content.get("username"), content.get("minutes"), user)
            await self.send_json(
                {"type": "chat.muted", "username": content["username"], "until": until}
            )
        else:
            await self.send_error(
                "unknown_type",
                "send chat.message, chat.history, or (staff) chat.delete or chat.mute",
            )

    async def post(self, user: Any, body: object, client_id: object) -> None:
        """Store (or find, for a retried id), tell the room, then tell the poster what happened."""
        payload = await _post(self.room, user, body, client_id)
        if (hub := current_hub()) is not None:
            hub.forget(self.group)  # the first history page changed
        # Stored and committed: now tell the room, with the stored id and time. A retry with
        # the same client id tells it again (clients drop an id they already show).
        try:
            await self.channel_layer.group_send(self.group, {"type": "chat.message", **payload})
        except Exception:
            logger.warning("chat message %s stored but not broadcast", payload["id"], exc_info=True)
            await self.send_json({"type": "chat.message", **payload})  # the poster sees it
            await self.send_error(
                "not_broadcast",
                "your message is saved but the room could not be told just now; send it again "
                "(with the same id) to retry",
                id=client_id,
                message_id=payload["id"],
            )
            return
        await self.send_json({"type": "chat.ack", "id": client_id, "message_id": payload["id"]})

    @broadcast
    def chat_message(event: dict[str, Any]) -> dict[str, Any]:
        """Called when someone has messaged the room: what every member's client receives."""
        return {
            "type": "chat.message",
            "id": event["id"],
            "room": event["room"],
            "username": event["username"],
            "message": event["message"],
            "ts": event["ts"],
        }

    @broadcast
    def chat_deleted(event: dict[str, Any]) -> dict[str, Any]:
        """A moderator deleted a message: every client removes it."""
        return {"type": "chat.deleted", "id": event["id"], "room": event["room"]}
