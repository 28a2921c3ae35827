"""WebSocket routes of the chat app."""

from django.urls import re_path

from chat.consumers import ChatConsumer

websocket_urlpatterns = [
    # Any path segment is routed so that a bad room name gets a clear rejection, not a 404.
    re_path(r"^ws/chat/(?P<room>[^/]*)/$", ChatConsumer.as_asgi()),
]
