"""The HTTP publish API for scoring apps and feeds (docs/api.md).

`POST /api/matches/<id>/events` with `Authorization: Bearer <token>` and a JSON scorer command
goes through the same service as the scorer console: stored, then broadcast, then 201.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from realtime.db import in_db_thread
from realtime.errors import Refused
from realtime.frames import decode
from scores import selectors
from scores.commands import MAX_ID_CHARS, CommandRefused, envelope_decode
from scores.services.scoring import ByToken, command_submit, scorer_authorize

MAX_BODY_BYTES = 16 * 1024
STATUS = {
    "invalid_json": 400,
    "invalid_command": 400,
    "illegal_event": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "stale_seq": 409,
    "id_reused": 422,
    "slow_down": 429,
    "too_large": 413,
    "unsupported_media_type": 415,
    "storage_failed": 503,
}
"""The HTTP status of each refusal code."""


def _error(refused: Refused) -> JsonResponse:
    body: dict[str, Any] = {"error": refused.code, "reason": refused.reason}
    if isinstance(refused, CommandRefused):
        body.update(refused.details())
    response = JsonResponse(body, status=STATUS.get(refused.code, 400))
    if response.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="crease"'
    if isinstance(refused, CommandRefused) and refused.retry_after is not None:
        response["Retry-After"] = str(max(1, math.ceil(refused.retry_after)))
    return response


def _not_allowed(allow: str, reason: str) -> JsonResponse:
    response = _error(Refused("method_not_allowed", reason))
    response["Allow"] = allow
    return response


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Refused("unauthorized", "send Authorization: Bearer <your scorer token>")
    return value.strip()


def _too_large() -> Refused:
    return Refused("too_large", f"the body is limited to {MAX_BODY_BYTES} bytes")


def _content(request: HttpRequest) -> dict[str, Any]:
    """The JSON object posted, or a Refused for a body that is not one."""
    if request.content_type != "application/json":
        raise Refused("unsupported_media_type", "send Content-Type: application/json")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        content = decode(body)
    except ValueError:
        raise Refused("invalid_json", "the body is not valid JSON") from None
    if not isinstance(content, dict):
        raise Refused("invalid_command", "send a JSON object with a 'command'")
    return content


def _with_key(request: HttpRequest, content: dict[str, Any]) -> dict[str, Any]:
    """The body with the Idempotency-Key header as its command id (the body's own `id` must
    then be absent or the same)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return content
    key = key.strip()
    if not key or len(key) > MAX_ID_CHARS:
        raise CommandRefused(
            "invalid_command", f"Idempotency-Key must be 1 to {MAX_ID_CHARS} characters"
        )
    if "id" in content and str(content["id"]) != key:
        raise CommandRefused("invalid_command", "the body's 'id' differs from Idempotency-Key")
    return {**content, "id": key}


@csrf_exempt
async def match_events(request: HttpRequest, match_id: int) -> JsonResponse:
    """Append one scorer command to a match's log; 201 {"seq": N} once stored and sent."""
    if request.method != "POST":
        return _not_allowed("POST", "POST a JSON scorer command")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    try:
        if declared > MAX_BODY_BYTES:
            raise _too_large()
        by = ByToken(_bearer(request))
        try:
            command = envelope_decode(
                _with_key(request, _content(request)), expect_seq_required=False
            )
        except Refused:
            # Rights first: a client without them learns nothing from its body's faults.
            await scorer_authorize(match_id=match_id, by=by)
            raise
        applied = await command_submit(match_id=match_id, command=command, by=by)
    except Refused as refused:
        return _error(refused)
    response = JsonResponse(
        {"seq": applied.seq, "status": applied.status, "summary": applied.summary}, status=201
    )
    if applied.duplicate:
        response["Idempotent-Replayed"] = "true"  # the original answer; nothing was stored
    return response


async def match_state(request: HttpRequest, match_id: int) -> JsonResponse:
    """GET /api/matches/<id>: where scoring has got to (public, like the fan page)."""
    if request.method not in ("GET", "HEAD"):
        return _not_allowed("GET, HEAD", "GET only")
    item = await in_db_thread(selectors.match_item_get)(match_id=match_id)
    if item is None:
        return _error(Refused("not_found", f"no match {match_id}"))
    return JsonResponse(item)
