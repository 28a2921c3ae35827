"""The guide's PracticeConsumer at ws://localhost:8000/practice, answering PING with PONG."""

from __future__ import annotations

from typing import Any

from realtime.consumers import GroupConsumer

ACCEPTED = 'send the text PING, or the JSON {"type": "ping"}'


class PracticeConsumer(GroupConsumer):
    """Text `PING` gets text `PONG`; JSON `{"type": "ping"}` gets `{"type": "pong"}`.

    The guide checks for PING inside a JSON consumer's receive path, where a raw `PING` is
    parsed as JSON and the socket dies with 1011; here the raw text is matched before decoding.
    """

    async def connect(self) -> None:
        await self.accept()

    async def receive_text(self, text_data: str) -> None:
        if text_data == "PING":
            await self.send(text_data="PONG")
            return
        await super().receive_text(text_data)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error("unknown_type", f"unknown message type; {ACCEPTED}")

    async def send_error(self, code: str, reason: str, **extra: Any) -> None:
        if "PING" not in reason:
            reason = f"{reason}; {ACCEPTED}"
        await super().send_error(code, reason, **extra)
