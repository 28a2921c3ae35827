"""Pages of the scores app: the match list, the fan match page and the scorer console.

Views are thin: a selector gives the data, the template renders it as text (autoescaped), and the
page's ES module keeps it live over the match's WebSocket.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_GET, require_http_methods

from cricket.events import DELIVERY_WICKETS, RETIREMENT_REASONS
from scores import selectors, services
from scores.forms import MatchCreateForm, preset_rules

LIVE_STATUSES = ("live", "innings_break")
STATUS_LABELS = {
    "scheduled": "Scheduled",
    "live": "Live",
    "innings_break": "Innings break",
    "finished": "Finished",
}


def _match_or_404(match_id: int) -> Any:
    try:
        return selectors.match_get(match_id=match_id)
    except ObjectDoesNotExist:
        raise Http404("no such match") from None


def _chat_available() -> bool:
    """The chat panel ships with the chat app; the match page works without it."""
    try:
        get_template("chat/_panel.html")
    except TemplateDoesNotExist:
        return False
    return finders.find("chat/chat.js") is not None


def board(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the scoreboard's headline shows, picked out of the engine's snapshot: the innings in
    progress (or the last one), the two batters at the crease and the bowler's figures."""
    scoreboard = snapshot["scoreboard"]
    current = scoreboard["current"]
    innings = scoreboard["innings"]
    now = innings[current["innings"] - 1] if current.get("innings") else None
    batters: list[dict[str, Any]] = []
    bowler = None
    if now is not None and not now["closed"]:
        rows = {row["name"]: row for row in now["batting"]}
        for name in (current["striker"], current["non_striker"]):
            if name:
                batters.append(rows.get(name) or {"name": name, "runs": 0, "balls": 0})
        if current["bowler"]:
            bowler = next((b for b in now["bowling"] if b["name"] == current["bowler"]), None)
            bowler = bowler or {"name": current["bowler"], "overs": "0", "maidens": 0, "runs": 0,
                                "wickets": 0, "economy": None}  # fmt: skip
    return {
        "innings": now,
        "batters": batters,
        "bowler": bowler,
        "this_over": [_ball(label) for label in current["this_over"]],
        "last_over": [_ball(label) for label in current["last_over"]],
        "cards": list(reversed(innings)),
        "commentary": [
            {**c, "kind": _ball(c["label"])["kind"] if c.get("label") else "event"}
            for c in snapshot["commentary"]
        ],
    }


def _ball(label: str) -> dict[str, str]:
    """A ball of the over as the engine labels it ("4", "1lb", "2wd", "W"), with a CSS class
    (the same rule as ballKind in scores/static/scores/scoreboard.js)."""
    if label == "W" or " W" in label:
        kind = "wicket"
    elif label in ("4", "6"):
        kind = "four" if label == "4" else "six"
    elif any(x in label for x in ("wd", "nb", "b", "p")):
        kind = "extra"
    elif label == "0":
        kind = "dot"
    else:
        kind = "runs"
    return {"label": label, "kind": kind}


def match_list(request: HttpRequest) -> HttpResponse:
    """Every match, live ones first; the page keeps summaries and watcher counts live."""
    matches = selectors.match_list()
    matches = [
        {**m, "status_label": STATUS_LABELS.get(m["status"], m["status"])}
        for m in sorted(matches, key=lambda m: m["status"] not in LIVE_STATUSES)
    ]
    return render(request, "scores/match_list.html", {"matches": matches})


def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    """The fan page: the full scoreboard rendered on the server, then kept live by the socket."""
    match = _match_or_404(match_id)
    snapshot = selectors.match_snapshot(match_id=match.pk)
    context = {
        "match": match,
        "snapshot": snapshot,
        "board": board(snapshot),
        "status_label": STATUS_LABELS.get(snapshot["match"]["status"], snapshot["match"]["status"]),
        "chat_room": f"match-{match.pk}",
        "chat_available": _chat_available(),
    }
    return render(request, "scores/match_detail.html", context)


@login_required
def match_score(request: HttpRequest, match_id: int) -> HttpResponse:
    """The scorer console: only for users with scorer rights on this match (403 otherwise)."""
    match = _match_or_404(match_id)
    if not selectors.scorer_can_score(user=request.user, match=match):
        return render(request, "scores/forbidden.html", {"match": match}, status=403)
    snapshot = selectors.match_snapshot(match_id=match.pk)
    return render(
        request,
        "scores/match_score.html",
        {
            "match": match,
            "snapshot": snapshot,
            "board": board(snapshot),
            "rules": (match.setup or {}).get("rules", {}),
            "squads": _squads(match.setup or {}),
            "wicket_kinds": DELIVERY_WICKETS,
            "retirement_reasons": RETIREMENT_REASONS,
        },
    )


def _squads(setup: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Each team's named players and substitutes, for the console's substitution form."""
    squads = {}
    for side in ("home", "away"):
        team = setup.get(side) or {}
        if team.get("name"):
            squads[team["name"]] = {
                "players": list(team.get("players") or []),
                "substitutes": list(team.get("substitutes") or []),
            }
    return squads


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


@login_required
@require_http_methods(["GET", "POST"])
def match_new(request: HttpRequest) -> HttpResponse:
    """Set up a match in the browser; its creator becomes its scorer and goes to the console."""
    form = MatchCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            match = services.match_create(setup=data["setup"], title=data["title"] or None)
            services.scorer_grant(user=request.user, match=match)
        return redirect("match_score", match_id=match.pk)
    return render(
        request,
        "scores/match_new.html",
        {"form": form, "presets": preset_rules()},
        status=400 if request.method == "POST" else 200,
    )
