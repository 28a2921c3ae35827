"""Cookies, session and user for WebSocket connections in one middleware that copies nothing.

Channels' stack (CookieMiddleware, SessionMiddleware, AuthMiddleware) copies the scope three
times per connection, wraps `send` in an InstanceSessionWrapper and resolves the user with a
hop to the database thread even when there is no session cookie. Most fans are anonymous
readers, so each paid that on every connect and kept the copies for as long as it stayed
(bench/NOTES.md). This middleware fills the same keys into the connection's own scope:

- scope["cookies"]: the parsed Cookie header (Django's parser, as Channels uses);
- scope["session"]: a lazy SessionStore for the session cookie, or None without one;
- scope["user"]: the session's user (one database hop), or AnonymousUser at once without a
  session cookie.

WebSocket consumers never answer with `http.response.start`, which is all InstanceSessionWrapper
saves a session on, so no session is saved here (as before).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.auth import get_user
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import parse_cookie

from realtime.types import Receive, Scope, Send

ANONYMOUS = AnonymousUser()
"""Shared by every anonymous connection: AnonymousUser holds no state of its own."""


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            return parse_cookie(value.decode("latin1"))
    return {}


class AuthMiddleware:
    """Fill scope["cookies"], scope["session"] and scope["user"], in place, then call inner."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        cookies = _cookies(scope)
        scope["cookies"] = cookies
        key = cookies.get(settings.SESSION_COOKIE_NAME)
        if not key:
            scope["session"] = None
            scope["user"] = ANONYMOUS  # no cookie: no session, nobody to look up
        else:
            scope["session"] = self.session_store(key)
            scope["user"] = await get_user(scope)
        return await self.inner(scope, receive, send)


def AuthMiddlewareStack(inner: Any) -> Any:
    """Channels' AuthMiddlewareStack, in one layer (kept under that name for config.asgi)."""
    return AuthMiddleware(inner)
