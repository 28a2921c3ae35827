"""Logged-in sessions for consumer tests: a session cookie exactly as a browser would send it."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore


def _login(username: str, staff: bool) -> bytes:
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": staff}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def session_cookie(username: str, *, staff: bool = False) -> tuple[bytes, bytes]:
    """A `cookie` header logging in `username` (created if needed)."""
    return (b"cookie", await sync_to_async(_login)(username, staff))
