"""Every WebSocket route of the app, gathered from the apps that own them."""

from django.urls import path, re_path

from chat.routing import websocket_urlpatterns as chat_routes
from practice.consumers import PracticeConsumer
from practice.raw import websocket_application
from realtime.types import Receive, Send
from scores.routing import websocket_urlpatterns as score_routes

websocket_urlpatterns = [
    # The guide's dependency-free ASGI app at the WebSocket root: ws://localhost:8000/
    path("", websocket_application),
    # The guide's PracticeConsumer at its exact URL: ws://localhost:8000/practice
    path("practice", PracticeConsumer.as_asgi()),
    *chat_routes,
    *score_routes,
    # Anything else: refused at the handshake, not an exception in the server's log.
    re_path(r"", lambda scope, receive, send: no_such_endpoint(receive, send)),
]


async def no_such_endpoint(receive: Receive, send: Send) -> None:
    """Refuse the handshake of a path that is no endpoint (HTTP 403 on the wire; 4004 to ASGI)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": 4004})
