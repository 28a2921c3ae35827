"""Pages of the chat app: the lobby, a room page, and sign-up / log-in / log-out for fans."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from chat import selectors
from chat.forms import SignupForm, ThrottledAuthenticationForm
from chat.resets import ResetThrottled, password_reset_request_begin
from realtime.limits import request_client_ip


def room(request: HttpRequest, slug: str = "lobby") -> HttpResponse:
    """A page holding one room's chat panel (the lobby at /chat/)."""
    found = selectors.room_get(slug=slug)
    if found is None:
        raise Http404("no such chat room")
    return render(request, "chat/room.html", {"room": found, "chat_room": found.slug})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account, log it in and go back to where the fan came from."""
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(_next_url(request))
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)})


class FanLoginView(LoginView):
    """Django's log-in view with the throttled form: over a limit, 429 with Retry-After."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.retry_after is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


class FanLogoutView(LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password-reset view, throttled (chat.resets). Over the per-email limit: the same
    "sent" page as ever but no email, so nobody learns whether the address has an account. Over
    the per-client limit: the form again with the reason, 429 with Retry-After (it says nothing
    about any address, only about this client)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            password_reset_request_begin(
                email=form.cleaned_data["email"], address=request_client_ip(self.request)
            )
        except ResetThrottled as throttled:
            if throttled.per == "email":
                return HttpResponseRedirect(self.get_success_url())
            form.add_error(None, throttled.reason)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(throttled.retry_after)
            return response
        return super().form_valid(form)
