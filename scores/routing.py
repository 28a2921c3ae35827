"""WebSocket routes of the scores app."""

websocket_urlpatterns: list = []
