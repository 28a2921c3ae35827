from django.apps import AppConfig


class RealtimeConfig(AppConfig):  # type: ignore[misc]
    name = "realtime"
    verbose_name = "Realtime plumbing"
