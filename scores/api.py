"""The HTTP publish API for scoring apps and feeds (docs/api.md).

`POST /api/matches/<id>/events` with `Authorization: Bearer <token>` and a JSON scorer command
goes through the same service as the scorer console: stored, then broadcast, then 201.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from scores import selectors, services
from scores.models import Match

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
STATUS = {
    "invalid_command": 400,
    "illegal_event": 400,
    "not_found": 404,
    "stale_seq": 409,
    "storage_failed": 503,
}


def _error(status: int, code: str, reason: str, **extra: Any) -> JsonResponse:
    response = JsonResponse({"error": code, "reason": reason, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="crease"'
    return response


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _authorize(raw: str, match_id: int) -> tuple[Any, int | None]:
    """(user or None, None if allowed else an HTTP status) for a token and a match."""
    user = services.scorer_token_use(raw=raw)
    if user is None:
        return None, 401
    match = Match.objects.filter(pk=match_id).first()
    if match is None:
        return user, 404
    if not selectors.scorer_can_score(user=user, match=match):
        return user, 403
    return user, None


class _Refused(Exception):
    """An HTTP error decided inside the database hop, carried out of it."""

    def __init__(self, response: JsonResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _authorized_apply(
    raw: str, match_id: int, content: dict[str, Any] | None, problem: JsonResponse | None
) -> services.Applied:
    """Check the token, then (if the body was valid) store the command: one thread hop, so one
    database connection. Auth errors come before body errors, as a client would expect."""
    try:
        user, refused = _authorize(raw, match_id)
    except DatabaseError:  # the database is away: the same answer as a failed write (503)
        logger.exception("checking a token for match %s failed", match_id)
        raise services.CommandError("storage_failed", services.STORAGE_FAILED) from None
    if refused == 401:
        raise _Refused(_error(401, "unauthorized", "the token is wrong or revoked"))
    if refused == 404:
        raise _Refused(_error(404, "not_found", f"no match {match_id}"))
    if refused == 403:
        raise _Refused(_error(403, "forbidden", "this token's user is not a scorer of this match"))
    if problem is not None:
        raise _Refused(problem)
    assert content is not None
    return services.command_apply(
        match_id=match_id,
        user=user,
        command=content["command"],
        expect_seq=content.get("expect_seq"),
        commentary=content.get("commentary"),
    )


def _body(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    """The decoded command body, or the 4xx response a bad one gets (sent once authorized)."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        return _error(415, "unsupported_media_type", "send Content-Type: application/json")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", f"the body is limited to {MAX_BODY_BYTES} bytes")
    try:
        content = json.loads(body)
    except (ValueError, RecursionError):
        return _error(400, "invalid_json", "the body is not valid JSON")
    if not isinstance(content, dict):
        return _error(400, "invalid_command", "send a JSON object with a 'command'")
    unknown = sorted(set(content) - {"type", "id", "command", "expect_seq", "commentary"})
    if unknown:
        return _error(400, "invalid_command", f"unknown key(s): {', '.join(unknown)}")
    expect_seq = content.get("expect_seq")
    if expect_seq is not None and (
        not isinstance(expect_seq, int) or isinstance(expect_seq, bool) or expect_seq < 0
    ):
        return _error(400, "invalid_command", "'expect_seq' must be a whole number or absent")
    if "command" not in content:
        return _error(400, "invalid_command", "the body needs a 'command'")
    return content


@csrf_exempt
async def match_events(request: HttpRequest, match_id: int) -> JsonResponse:
    """Append one scorer command to a match's log; 201 {"seq": N} once stored and sent."""
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "POST a JSON scorer command")
        response["Allow"] = "POST"
        return response
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return _error(413, "too_large", f"the body is limited to {MAX_BODY_BYTES} bytes")
    raw = _bearer(request)
    if raw is None:
        return _error(401, "unauthorized", "send Authorization: Bearer <your scorer token>")
    parsed = _body(request)
    content, problem = (None, parsed) if isinstance(parsed, JsonResponse) else (parsed, None)
    try:
        applied = await services.command_publish(
            match_id, lambda: _authorized_apply(raw, match_id, content, problem)
        )
    except _Refused as refused:
        return refused.response
    except services.CommandError as exc:
        extra = {"seq": exc.seq} if exc.seq is not None else {}
        return _error(STATUS.get(exc.code, 400), exc.code, exc.reason, **extra)
    return JsonResponse(
        {"seq": applied.seq, "status": applied.status, "summary": applied.summary}, status=201
    )


async def match_state(request: HttpRequest, match_id: int) -> JsonResponse:
    """GET /api/matches/<id>: where scoring has got to (public, like the fan page)."""
    if request.method not in ("GET", "HEAD"):
        response = _error(405, "method_not_allowed", "GET only")
        response["Allow"] = "GET, HEAD"
        return response
    match = await database_sync_to_async(Match.objects.filter(pk=match_id).first)()
    if match is None:
        return _error(404, "not_found", f"no match {match_id}")
    return JsonResponse(selectors.match_item(match))
