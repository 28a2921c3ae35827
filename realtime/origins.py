"""The WebSocket origin check: the handshake's Origin must be the site's own origin, exactly.

Channels' AllowedHostsOriginValidator compares only the host name: `http://127.0.0.1:1`,
`https://...` and `http://127.0.0.1:8000.evil.example` (read as host 127.0.0.1) all passed, so a
page served from another port or scheme could open a scorer's console with the scorer's cookie.
Here, as Django's CSRF check does for forms, the Origin's scheme, host and port must equal the
request's own (the Host header, itself checked against ALLOWED_HOSTS, and ws/wss as http/https,
behind a TLS proxy by SECURE_PROXY_SSL_HEADER), or one of CSRF_TRUSTED_ORIGINS
(`https://*.example.com` for any subdomain). Anything else, a missing or `null` Origin included,
is refused at the handshake (HTTP 403).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from realtime.metrics import REFUSED

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]
Origin = tuple[str, str, int]
"""(scheme, host, port), lower case, the port filled in from the scheme when left out."""

DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(text: str) -> Origin | None:
    """An Origin header's (scheme, host, port), or None for anything that is not one."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:  # a port that is not a number: `http://127.0.0.1:8000.evil.example`
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _header(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope.get("headers", []) if key == name]


def _secure(scope: Scope) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        meta_name, expected = proxy_header
        name = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode()
        given = _header(scope, name)
        return bool(given) and given[0].split(",")[0].strip() == expected
    return False


def own_origin(scope: Scope) -> Origin | None:
    """The origin this request was made to: its scheme and Host (which must be allowed)."""
    hosts = _header(scope, b"host")
    if hosts:
        host = hosts[0]
    elif scope.get("server"):
        host = "{}:{}".format(*scope["server"])
    else:
        return None
    domain, port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if _secure(scope) else "http"
    try:
        number = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, domain.strip("[]").lower(), number


def _trusted(origin: Origin) -> bool:
    scheme, host, port = origin
    for pattern in settings.CSRF_TRUSTED_ORIGINS:
        wildcard = "://*." in pattern
        trusted = parse_origin(pattern.replace("://*.", "://", 1))
        if trusted is None or (trusted[0], trusted[2]) != (scheme, port):
            continue
        if host == trusted[1] and not wildcard:
            return True
        if wildcard and host.endswith("." + trusted[1]):
            return True
    return False


def origin_allowed(scope: Scope) -> bool:
    """True when the handshake carries exactly one Origin and it is the site's own or trusted."""
    given = _header(scope, b"origin")
    if len(given) != 1:
        return False
    origin = parse_origin(given[0])
    if origin is None:
        return False
    return origin == own_origin(scope) or _trusted(origin)


class SameOriginValidator:
    """ASGI middleware refusing a WebSocket handshake from any origin but the site's own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket" or origin_allowed(scope):
            await self.app(scope, receive, send)
            return
        REFUSED.labels("foreign_origin").inc()
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close"})  # before accept: HTTP 403 on the wire
