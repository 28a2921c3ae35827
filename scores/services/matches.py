"""Writes of matches: creating one (teams, players, its chat room), scorer rights, repairs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from chat.services import room_ensure
from cricket import codec, scoreboard
from cricket.conditions import format_name
from cricket.cricsheet_info import MatchDetails
from cricket.errors import IllegalEvent
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
    details: MatchDetails | None = None,
) -> Match:
    """Create a match (teams, players, its chat room) ready to be scored from seq 0, with its
    context for fans (`details`: competition, venue, dates, captains, ...)."""
    context = match_context_fields(setup=setup, details=details or MatchDetails())
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
            **context,
        )
        room_ensure(slug=match_room(match.id), title=match.title)
    return match


def match_context_fields(*, setup: MatchSetup, details: MatchDetails) -> dict[str, Any]:
    """The Match fields for `details`; IllegalEvent if a captain or keeper is not in the XI."""
    fields: dict[str, Any] = {
        "competition": details.competition,
        "stage": details.stage,
        "venue": details.venue,
        "start_date": _day(details.start_date),
        "end_date": _day(details.end_date),
        "player_of_match": details.player_of_match,
        "umpires": details.umpires,
    }
    for role, given in (("captain", details.captains), ("keeper", details.keepers)):
        unknown = set(given) - {setup.home.name, setup.away.name}
        if unknown:
            raise IllegalEvent(f"{role}: {sorted(unknown)[0]!r} is not a team in this match")
        for side, team in (("home", setup.home), ("away", setup.away)):
            name = given.get(team.name, "")
            if name and name not in team.players:
                raise IllegalEvent(f"{team.name}'s {role} {name!r} is not in their playing XI")
            fields[f"{side}_{role}"] = name
    return fields


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise IllegalEvent(f"{text!r} is not a date") from None


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
