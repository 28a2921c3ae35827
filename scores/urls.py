"""HTTP routes of the scores app."""

from django.urls import path

from scores import api, views

urlpatterns = [
    path("matches/", views.match_list, name="match_list"),
    path("matches/new/", views.match_new, name="match_new"),
    path("matches/mine/", views.my_matches, name="my_matches"),
    path("matches/<int:match_id>/", views.match_detail, name="match_detail"),
    path("matches/<int:match_id>/score/", views.match_score, name="match_score"),
    path(
        "matches/<int:match_id>/score/events/<int:at>",
        views.match_score_event,
        name="match_score_event",
    ),
    path("matches/engine/cricket.json", views.engine_bundle, name="engine_bundle"),
    path("matches/engine/engine-worker.js", views.engine_worker, name="engine_worker"),
    path("matches/sw.js", views.service_worker, name="service_worker"),
    path("matches/<int:match_id>/score/log", views.match_score_log, name="match_score_log"),
    path(
        "api/matches/<int:match_id>/commentary",
        views.match_commentary,
        name="match_commentary",
    ),
    # The HTTP publish API (scores/api.py, docs/api.md).
    path("api/matches/<int:match_id>", api.match_state, name="api_match"),
    path("api/matches/<int:match_id>/events", api.match_events, name="api_match_events"),
]
