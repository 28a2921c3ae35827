"""HTTP middleware: a request id for every request (echoed in X-Request-ID and every log line),
503 with Retry-After instead of a 500 when the database cannot be had, and the site's
Content-Security-Policy."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from realtime.context import current_id, new_id

logger = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class ResponseMiddleware:
    """A middleware that sets something up before the view and touches its response after it,
    for sync and async stacks alike: subclasses define `before` and `after`."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], object]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def before(self, request: HttpRequest) -> None:
        """Runs before the view."""

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return response

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self._acall(request)
        self.before(request)
        return self.after(request, self.get_response(request))  # type: ignore[arg-type]

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        self.before(request)
        return self.after(request, await self.get_response(request))  # type: ignore[misc]


class RequestIdMiddleware(ResponseMiddleware):
    """Take a well-formed X-Request-ID from the proxy or make one."""

    def before(self, request: HttpRequest) -> None:
        given = request.headers.get("X-Request-ID", "")
        current_id.set(given if _SAFE_ID.match(given) else new_id())

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response["X-Request-ID"] = current_id.get()
        return response


RETRY_AFTER_SECONDS = "2"
"""What a 503 tells clients to wait: the pool's queue or a database restart clears in seconds."""

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
"""Errors that mean the database cannot be reached now (the pool timed out, a restart), not a
bug: the client should retry, so they are answered 503 rather than 500."""


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a short text page for everything else."""
    reason = "the database is busy or unreachable; retry in a few seconds"
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "unavailable", "reason": reason}, status=503)
    else:
        response = HttpResponse(
            f"Service unavailable: {reason}.\n", status=503, content_type="text/plain"
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class ServiceUnavailableMiddleware(ResponseMiddleware):
    """Answer a view's database-unavailable error with 503 + Retry-After, never a 500; and give
    every other 503 (e.g. the API's `storage_failed`) a Retry-After too."""

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 503 and not response.has_header("Retry-After"):
            response["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("database unavailable for %s: %s", request.path, exception)
            return database_unavailable_response(request)
        return None


ENGINE_WORKER = "/engine-worker.js"
"""The console's engine worker compiles Pyodide's WebAssembly: its policy (a worker's own, from
its response) allows that and nothing more; pages keep the strict one."""


def content_security_policy(host: str, *, wasm: bool = False) -> str:
    """The site's policy: every script, style, image and font from the site itself, WebSockets
    to it, no plugins, no framing, forms posting only to it."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'" if wasm else "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' ws://{host} wss://{host}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware(ResponseMiddleware):
    """Send the strict Content-Security-Policy on every response (the JavaScript is same-origin
    ES modules and no template has an inline script, style or handler; keep it that way).

    In DEBUG, Django's own error pages (which inline their styles) are left without it."""

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if settings.DEBUG and response.status_code >= 400:
            return response
        if not response.has_header("Content-Security-Policy"):
            wasm = request.path.endswith(ENGINE_WORKER)
            response["Content-Security-Policy"] = content_security_policy(
                request.get_host(), wasm=wasm
            )
        return response
