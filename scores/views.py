"""Pages of the scores app: the match list, the fan match page and the scorer console.

Thin: a selector gives the data, the template renders it as text (autoescaped), and the page's
ES module keeps it live over the match's WebSocket.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_GET, require_http_methods

from cricket.events import DELIVERY_WICKETS, RETIREMENT_REASONS
from realtime.groups import match_room
from scores import offline, selectors
from scores.forms import MatchCreateForm, presets
from scores.models import Match
from scores.services.matches import match_create, scorer_grant


def _match_or_404(match_id: int) -> Match:
    try:
        return selectors.match_get(match_id=match_id)
    except Match.DoesNotExist:
        raise Http404("no such match") from None


def _chat_available() -> bool:
    """The chat panel ships with the chat app; the match page works without it."""
    try:
        get_template("chat/_panel.html")
    except TemplateDoesNotExist:
        return False
    return finders.find("chat/chat.js") is not None


def match_list(request: HttpRequest) -> HttpResponse:
    """Matches in play (live first) and results, as cards the page keeps live."""
    return render(request, "scores/match_list.html", {"lists": selectors.match_lists()})


def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    """The fan page: the full scoreboard rendered on the server, then kept live by the socket."""
    match = _match_or_404(match_id)
    snapshot = selectors.match_snapshot(match_id=match.pk)
    context = {
        "match": match,
        "snapshot": snapshot,
        "board": selectors.scoreboard_headline(snapshot),
        "chat_room": match_room(match.pk),
        "conditions": selectors.playing_conditions(match=match),
        "facts": selectors.match_facts(snapshot["match"]),
        "chat_available": _chat_available(),
        "can_score": selectors.scorer_can_score(user=request.user, match=match),
    }
    return render(request, "scores/match_detail.html", context)


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    """The matches the signed-in user created or may score, each with its console."""
    assert isinstance(request.user, User)
    matches = selectors.matches_scored_by(user=request.user)
    return render(request, "scores/my_matches.html", {"matches": matches})


@login_required
def match_score(request: HttpRequest, match_id: int) -> HttpResponse:
    """The scorer console: only for users with scorer rights on this match (403 otherwise)."""
    match = _match_or_404(match_id)
    if not selectors.scorer_can_score(user=request.user, match=match):
        return render(request, "scores/forbidden.html", {"match": match}, status=403)
    snapshot = selectors.match_snapshot(match_id=match.pk)
    context = {
        "match": match,
        "snapshot": snapshot,
        "board": selectors.scoreboard_headline(snapshot),
        "rules": (match.setup or {}).get("rules", {}),
        "squads": selectors.squads(match=match),
        "wicket_kinds": DELIVERY_WICKETS,
        "retirement_reasons": RETIREMENT_REASONS,
    }
    return render(request, "scores/match_score.html", context)


@require_GET
def match_commentary(request: HttpRequest, match_id: int) -> JsonResponse:
    """A page of the match's ball-by-ball commentary, newest first: the entries before log
    entry `?before=<seq>` (the newest if absent), `?limit=` of them (at most 200)."""
    try:
        before = int(request.GET["before"]) if "before" in request.GET else None
        limit = int(request.GET.get("limit", selectors.COMMENTARY_PAGE))
    except ValueError:
        return JsonResponse(
            {"error": "bad_request", "reason": "before and limit must be whole numbers"}, status=400
        )
    if not 1 <= limit <= 200 or (before is not None and before < 0):
        return JsonResponse(
            {"error": "bad_request", "reason": "limit is 1 to 200; before is 0 or more"}, status=400
        )
    try:
        page = selectors.commentary_page(match_id=match_id, before=before, limit=limit)
    except Match.DoesNotExist:
        return JsonResponse({"error": "not_found", "reason": "no such match"}, status=404)
    return JsonResponse(page)


@login_required
@require_GET
def match_score_event(request: HttpRequest, match_id: int, at: int) -> JsonResponse:
    """A scorer's look at engine event `at` as it was scored (to pre-fill the console's edit
    form): the event, who was batting and bowling before it, and the fielding side."""
    match = _match_or_404(match_id)
    if not selectors.scorer_can_score(user=request.user, match=match):
        return JsonResponse({"error": "not_a_scorer", "reason": "no scorer rights"}, status=403)
    found = selectors.event_context(match=match, at=at)
    if found is None:
        return JsonResponse({"error": "not_found", "reason": f"no event #{at}"}, status=404)
    return JsonResponse(found)


@require_GET
def engine_bundle(request: HttpRequest) -> HttpResponse:
    """The cricket package's sources for the console's engine in the browser (scores/offline.py)."""
    version, body = offline.cricket_bundle()
    etag = f'"{version}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def engine_worker(request: HttpRequest) -> HttpResponse:
    """The engine's worker script, served inside the service worker's scope: a dedicated
    worker is controlled by the service worker whose scope covers the worker's own URL, so
    only from here are the worker and everything it fetches served offline."""
    response = HttpResponse(offline.engine_worker_source(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The console's service worker, served from /matches/ so that its scope covers every
    console page (/matches/<id>/score/)."""
    response = HttpResponse(offline.service_worker_source(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/matches/"
    return response


@login_required
@require_GET
def match_score_log(request: HttpRequest, match_id: int) -> JsonResponse:
    """The stored log for the console's engine in the browser (`?after=seq` for what is new)."""
    match = _match_or_404(match_id)
    if not selectors.scorer_can_score(user=request.user, match=match):
        return JsonResponse({"error": "not_a_scorer", "reason": "no scorer rights"}, status=403)
    after = request.GET.get("after", "0")
    if not after.isdigit() or len(after) > 9:
        return JsonResponse(
            {"error": "invalid_after", "reason": "'after' must be a whole number"}, status=400
        )
    response = JsonResponse(selectors.scorer_log(match=match, after=int(after)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def match_new(request: HttpRequest) -> HttpResponse:
    """Set up a match in the browser; its creator becomes its scorer and goes to the console."""
    form = MatchCreateForm(request.POST or None)
    assert isinstance(request.user, User)  # login_required
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            match = match_create(
                setup=data["setup"], title=data["title"] or None, details=data["details"]
            )
            scorer_grant(user=request.user, match=match)
        return redirect("match_score", match_id=match.pk)
    return render(
        request,
        "scores/match_new.html",
        {"form": form, "presets": presets()},
        status=400 if request.method == "POST" else 200,
    )
