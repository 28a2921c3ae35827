"""Writes of matches: creating one (teams, players, its chat room), scorer rights, repairs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from chat.services import room_ensure
from cricket import codec, scoreboard
from cricket.conditions import format_name
from cricket.setup import MatchSetup
from realtime.groups import match_room
from scores import selectors
from scores.messages import match_status
from scores.models import Match, Player, Scorer, Team


def team_ensure(*, name: str, short_name: str | None = None) -> Team:
    team, _ = Team.objects.get_or_create(name=name, defaults={"short_name": short_name or ""})
    return team


def match_create(
    *,
    setup: MatchSetup,
    title: str | None = None,
    source: str = "",
    replay_events: list[dict[str, Any]] | None = None,
) -> Match:
    """Create a match (teams, players, its chat room) ready to be scored from seq 0."""
    with transaction.atomic():
        home = team_ensure(name=setup.home.name, short_name=setup.home.short_name)
        away = team_ensure(name=setup.away.name, short_name=setup.away.short_name)
        for team, side in ((home, setup.home), (away, setup.away)):
            for name in (*side.players, *side.substitutes):
                Player.objects.get_or_create(team=team, name=name)
        match = Match.objects.create(
            title=title or f"{setup.home.name} v {setup.away.name}",
            home=home,
            away=away,
            format=format_name(setup.rules),
            setup=codec.setup_to_dict(setup),
            source=source,
            replay_events=replay_events,
            summary="not started",
        )
        room_ensure(slug=match_room(match.id), title=match.title)
    return match


def scorer_grant(*, user: User, match: Match) -> Scorer:
    scorer, _ = Scorer.objects.get_or_create(user=user, match=match)
    return scorer


def scorer_revoke(*, user: User, match: Match) -> None:
    Scorer.objects.filter(user=user, match=match).delete()


def match_status_refresh(*, match: Match) -> Match:
    """Recompute a match's cached status and summary from its log (admin repair action)."""
    book = selectors.scorebook_get(match=match)
    match.status = match_status(scoreboard.snapshot(book.engine))
    match.summary = scoreboard.summary(book.engine)[:300]
    match.save(update_fields=["status", "summary", "updated"])
    return match
