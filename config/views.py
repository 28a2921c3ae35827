"""Site-wide endpoints: the home page, liveness, readiness and metrics."""

from __future__ import annotations

import asyncio
import hmac
import os
import sys

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

import realtime.metrics  # noqa: F401 - registers the realtime metrics

HOME_IN_PLAY = 6
HOME_RESULTS = 4


def home(request: HttpRequest) -> HttpResponse:
    """For fans: the matches in play as live cards, recent results, and (signed in) a way to
    score a match."""
    from scores.selectors import match_lists

    lists = match_lists(in_play=HOME_IN_PLAY, results=HOME_RESULTS)
    return render(request, "home.html", {"lists": lists})


def practice(request: HttpRequest) -> HttpResponse:
    """The guide's PING/PONG socket with a button, for developers (not linked for visitors)."""
    return render(request, "practice.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """Process is up and serving HTTP (no dependency checks: see /readyz)."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _redis_ok() -> None:
    """Every Redis server of the layer answers (each holds a share of the groups)."""
    import redis.asyncio as redis

    for url in settings.REDIS_URL.replace(",", " ").split():  # as settings.REDIS_URLS
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            await client.ping()
        finally:
            await client.aclose()


async def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers and, when configured, Redis answers (else 503)."""
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(sync_to_async(_database_ok)(), 2)
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.REDIS_URL:
        try:
            await asyncio.wait_for(_redis_ok(), 2)
            checks["redis"] = "ok"
        except Exception as exc:  # any failure means not ready
            checks["redis"] = f"error: {type(exc).__name__}"
    else:
        checks["redis"] = "not configured (in-process channel layer)"
    ready = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics; behind a bearer token when METRICS_TOKEN is set. In production
    (DEBUG off) a token is required unless METRICS_PUBLIC says /metrics is kept apart."""
    token = settings.METRICS_TOKEN
    if not token and not settings.METRICS_PUBLIC:
        body = {
            "error": "forbidden",
            "reason": "set METRICS_TOKEN (or METRICS_PUBLIC=1 where /metrics is not reachable "
            "from outside) to serve metrics",
        }
        return JsonResponse(body, status=403)
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            body = {"error": "unauthorized", "reason": "bearer token required"}
            return JsonResponse(body, status=401)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = DEFAULT_REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an error outside any view that means the database is away gets 503 + Retry-After
    (the client should retry); anything else is Django's plain 500 page."""
    from django.views.defaults import server_error as django_server_error

    from config.middleware import DATABASE_UNAVAILABLE, database_unavailable_response

    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return django_server_error(request)
