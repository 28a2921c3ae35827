"""HTTP middleware: a request id for every request, echoed in X-Request-ID and every log line."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse

from realtime.context import current_id, new_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Take a well-formed X-Request-ID from the proxy or make one."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], object]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def _begin(self, request: HttpRequest) -> str:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE_ID.match(given) else new_id()
        current_id.set(request_id)
        return request_id

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if iscoroutinefunction(self):
            return self._acall(request)
        request_id = self._begin(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id  # type: ignore[index]
        return response  # type: ignore[return-value]

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        request_id = self._begin(request)
        response = await self.get_response(request)  # type: ignore[misc]
        response["X-Request-ID"] = request_id
        return response  # type: ignore[no-any-return]
