"""HTTP routes of the scores app."""

urlpatterns: list = []
