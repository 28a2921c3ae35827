"""WebSocket routes of the scores app."""

from django.urls import re_path

from scores.consumers import MatchConsumer, MatchListConsumer, ScorerConsumer

websocket_urlpatterns = [
    re_path(r"^ws/matches/$", MatchListConsumer.as_asgi()),
    # Any id segment is routed so that a bad one gets a clear not_found, not a failed handshake.
    re_path(r"^ws/matches/(?P<match_id>[^/]+)/$", MatchConsumer.as_asgi()),
    re_path(r"^ws/matches/(?P<match_id>[^/]+)/score/$", ScorerConsumer.as_asgi()),
]
