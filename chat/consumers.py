"""The guide's group chat done right: join on connect, group_send on receive, leave after."""

from __future__ import annotations

from typing import Any

from realtime import closecodes
from realtime.broadcast import broadcast
from realtime.consumers import GroupConsumer
from realtime.groups import InvalidGroupName, chat_group

MAX_MESSAGE_CHARS = 500


class ChatConsumer(GroupConsumer):
    """One chat room at ws/chat/<room>/; anyone may read, logged-in users may post."""

    async def connect(self) -> None:
        room = self.scope["url_route"]["kwargs"]["room"]
        try:
            self.group = chat_group(room)
        except InvalidGroupName as exc:
            # Accept, explain, then close: browsers cannot read a reason from a refused handshake.
            await self.accept()
            await self.send_error("invalid_room", f"invalid room name: {exc}")
            await self.close(code=closecodes.NOT_FOUND)
            return
        self.room = room
        await self.accept()
        # The guide's snippet never joins the group, so nobody receives anything: join first.
        await self.join(self.group)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if content.get("type") != "chat.message":
            await self.send_error("unknown_type", 'send {"type": "chat.message", "message": ...}')
            return
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.send_error("login_required", "log in to post; anonymous fans may only read")
            return
        message = content.get("message")
        if not isinstance(message, str) or not message.strip():
            await self.send_error("empty_message", "a message needs some text")
            return
        if len(message) > MAX_MESSAGE_CHARS:
            await self.send_error(
                "message_too_long", f"messages are limited to {MAX_MESSAGE_CHARS} characters"
            )
            return
        await self.channel_layer.group_send(
            self.group,
            {
                "type": "chat.message",
                "room_id": self.room,
                "username": user.get_username(),
                "message": message,
            },
        )

    @broadcast
    def chat_message(event: dict[str, Any]) -> dict[str, Any]:
        """Called when someone has messaged the room: what every member's client receives."""
        return {
            "type": "chat.message",
            "room": event["room_id"],
            "username": event["username"],
            "message": event["message"],
        }
