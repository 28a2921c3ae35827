"""Site-wide pages: the home page and the liveness probe."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Say what Crease is and link to what exists."""
    return render(request, "home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """Process is up and serving HTTP (no dependency checks: see /readyz)."""
    return JsonResponse({"status": "ok"})
