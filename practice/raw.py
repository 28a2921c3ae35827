"""The guide's dependency-free ASGI WebSocket app: `ping` gets `pong!`.

No Channels, no Django: a plain ASGI callable. It is mounted at the WebSocket root of Crease's
app (ws://localhost:8000/) and also runs on its own:

    uvicorn practice.raw:websocket_application --port 8001

Fixed against the guide's loop: a binary frame or any other text gets a readable reply instead
of a KeyError that drops the connection; `lifespan` and plain HTTP are answered cleanly.
"""

from __future__ import annotations

import os

from realtime.answers import answer_lifespan, send_response
from realtime.types import Receive, Scope, Send

HELP = "send the text 'ping'"
# The same limit as the Django app's endpoints (CREASE_MAX_MESSAGE_BYTES), read without Django.
MAX_MESSAGE_BYTES = int(os.environ.get("CREASE_MAX_MESSAGE_BYTES") or 64 * 1024)


async def websocket_application(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer `ping` with `pong!` until the client goes away."""
    if scope["type"] == "lifespan":
        await answer_lifespan(receive, send)
        return
    if scope["type"] == "http":
        await _upgrade_required(send)
        return
    if scope["type"] != "websocket":
        return
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.disconnect":
            break
        elif event["type"] == "websocket.receive":
            text = event.get("text")
            data = event.get("bytes")
            size = len(text.encode()) if text is not None else len(data or b"")
            if size > MAX_MESSAGE_BYTES:
                await send(
                    {
                        "type": "websocket.send",
                        "text": f"error: frames are limited to {MAX_MESSAGE_BYTES} bytes",
                    }
                )
                await send({"type": "websocket.close", "code": 1009})
                break
            if text == "ping":
                reply = "pong!"
            elif text is None:
                reply = f"error: binary frames are not understood; {HELP}"
            else:
                reply = f"error: unknown message; {HELP}"
            await send({"type": "websocket.send", "text": reply})


async def _upgrade_required(send: Send) -> None:
    body = b"This endpoint speaks WebSocket only: connect with ws://\n"
    await send_response(send, 426, body, headers=[(b"upgrade", b"websocket")])
