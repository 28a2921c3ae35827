"""ASGI type aliases, defined once for every module that speaks ASGI (no imports of Channels:
the dependency-free app of practice/raw.py uses them too)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
"""An ASGI connection scope."""
Message = dict[str, Any]
"""An ASGI event (received or sent), or a channel-layer message (`{"type": "chat.message"}`)."""
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
