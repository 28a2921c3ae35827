"""Every WebSocket route of the app, gathered from the apps that own them."""

from django.urls import path

from chat.routing import websocket_urlpatterns as chat_routes
from practice.consumers import PracticeConsumer
from practice.raw import websocket_application
from scores.routing import websocket_urlpatterns as score_routes

websocket_urlpatterns = [
    # The guide's dependency-free ASGI app at the WebSocket root: ws://localhost:8000/
    path("", websocket_application),
    # The guide's PracticeConsumer at its exact URL: ws://localhost:8000/practice
    path("practice", PracticeConsumer.as_asgi()),
    *chat_routes,
    *score_routes,
]
