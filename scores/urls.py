"""HTTP routes of the scores app."""

from django.urls import path

from scores import views

urlpatterns = [
    path("matches/", views.match_list, name="match_list"),
    path("matches/<int:match_id>/", views.match_detail, name="match_detail"),
    path("matches/<int:match_id>/score/", views.match_score, name="match_score"),
]
