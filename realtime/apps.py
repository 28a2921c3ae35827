from django.apps import AppConfig


class RealtimeConfig(AppConfig):  # type: ignore[misc]
    name = "realtime"
    verbose_name = "Realtime plumbing"

    def ready(self) -> None:
        from realtime import clientnoise

        clientnoise.install()
