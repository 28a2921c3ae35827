"""Forms of the chat app: sign-up for fans who want to post, and the throttled log-in forms
(the site's and the admin's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError

from chat.logins import LoginThrottled, login_attempt_begin, login_attempt_succeeded
from realtime.limits import request_client_ip


class SignupForm(UserCreationForm):  # type: ignore[type-arg]
    """Username, email address (for password resets; one account per address) and password
    twice; Django's password validators apply."""

    email = forms.EmailField(
        max_length=254,
        help_text="For resetting your password; never shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email address exists already: log in, or reset its password.",
                code="email_taken",
            )
        return email


class ThrottledLoginMixin:
    """Count the attempt before the password is checked; refuse it over the limits (chat.logins)."""

    request: Any
    cleaned_data: dict[str, Any]
    retry_after: int | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # type: ignore[misc, no-any-return]
        try:
            attempt = login_attempt_begin(
                username=username, address=request_client_ip(self.request)
            )
        except LoginThrottled as throttled:
            self.retry_after = throttled.retry_after
            raise ValidationError(throttled.reason, code="throttled") from None
        cleaned = super().clean()  # type: ignore[misc]
        login_attempt_succeeded(attempt=attempt)  # reached only when the password was right
        return cleaned  # type: ignore[no-any-return]


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The fans' log-in form."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's log-in form (staff only), throttled alike."""
