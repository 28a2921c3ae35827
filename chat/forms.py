"""Forms of the chat app: sign-up for fans who want to post."""

from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):  # type: ignore[type-arg]
    """Username and password twice; Django's password validators apply."""

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        fields = ("username",)
