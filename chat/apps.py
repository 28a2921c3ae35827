from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"

    def ready(self) -> None:
        from django.contrib import admin

        from chat.forms import ThrottledAdminAuthenticationForm

        # The admin's log-in is throttled like the site's (chat.logins).
        admin.site.login_form = ThrottledAdminAuthenticationForm
