"""Channels' auth stack without a thread hop for connections that carry no session cookie.

Channels' AuthMiddleware resolves the user with `database_sync_to_async` on every connection,
even when there is no session cookie and the answer is AnonymousUser without any query. Most fans
are anonymous readers, so each of them paid a hop to the database thread just to connect.
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddleware as ChannelsAuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from realtime.types import Scope


class AuthMiddleware(ChannelsAuthMiddleware):  # type: ignore[misc]
    """Populate scope["user"] from the session; without a session cookie, anonymous at once."""

    async def resolve_scope(self, scope: Scope) -> None:
        if settings.SESSION_COOKIE_NAME not in scope.get("cookies", {}):
            scope["user"]._wrapped = AnonymousUser()  # no cookie: no session, nobody to look up
            return
        await super().resolve_scope(scope)


def AuthMiddlewareStack(inner: Any) -> Any:
    """Cookies, then the session, then the user: Channels' stack with the fast anonymous path."""
    return CookieMiddleware(SessionMiddleware(AuthMiddleware(inner)))
