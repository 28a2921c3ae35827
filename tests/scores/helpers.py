"""Matches for scores tests: a real T20 from Cricsheet, set up and ready to score."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from cricket import codec, cricsheet
from cricket.setup import MatchSetup
from scores.commands import ScoreCommand, envelope_decode
from scores.models import Match
from scores.services import matches, scoring
from scores.services.matches import match_create

DATA = Path(__file__).resolve().parents[1] / "data" / "cricsheet"
T20 = DATA / "1370353.json"


@cache
def real_match() -> tuple[MatchSetup, tuple[dict[str, Any], ...]]:
    """Gujarat Titans v Chennai Super Kings, IPL final 2023: setup and event dicts."""
    setup, events = cricsheet.load(T20)
    return setup, tuple(codec.event_to_dict(e) for e in events)


def events(n: int, start: int = 0) -> list[dict[str, Any]]:
    return list(real_match()[1][start : start + n])


def make_match(title: str | None = None) -> Match:
    setup, evs = real_match()
    return match_create(
        setup=setup, title=title, source="cricsheet:1370353", replay_events=list(evs)
    )


def match_with(scored: int = 0, scorer: str | None = None) -> Match:
    """A new real match with its first `scored` events scored and (optionally) a user of that
    name given scorer rights."""
    match = make_match()
    if scored:
        score(match, scored)
    if scorer:
        user, _ = User.objects.get_or_create(username=scorer)
        matches.scorer_grant(user=user, match=match)
    match.refresh_from_db()
    return match


def scorekeeper() -> User:
    """A superuser, who may score every match (the scorer of tests that do not test rights)."""
    user, _ = User.objects.get_or_create(
        username="scorekeeper", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def envelope(command: Any, expect_seq: int | None, commentary: str | None = None) -> ScoreCommand:
    """A decoded command envelope, as the socket and the API decode theirs."""
    content: dict[str, Any] = {"command": command, "expect_seq": expect_seq}
    if commentary is not None:
        content["commentary"] = commentary
    return envelope_decode(content, expect_seq_required=False)


def _by(user: User | None) -> scoring.ByUser:
    return scoring.ByUser(user or scorekeeper())


def record(
    *,
    match_id: int,
    command: Any,
    expect_seq: int | None,
    commentary: str | None = None,
    user: User | None = None,
) -> scoring.Applied:
    """Store one command through the scoring service's sync core (no broadcast)."""
    decoded = envelope(command, expect_seq, commentary)
    return scoring.command_record(match_id=match_id, command=decoded, by=_by(user))


async def submit(
    *, match_id: int, user: User | None = None, **envelope_keys: Any
) -> scoring.Applied:
    """Store and broadcast one command through the scoring service (keys as for `record`)."""
    from asgiref.sync import sync_to_async

    by = await sync_to_async(_by)(user)
    return await scoring.command_submit(match_id=match_id, command=envelope(**envelope_keys), by=by)


def score(match: Match, n: int, *, user: User | None = None) -> int:
    """Score the match's next n real events through the service; returns the last seq."""
    match.refresh_from_db()
    seq = match.seq
    for event in events(n, seq):
        seq = record(match_id=match.id, user=user, command=event, expect_seq=seq).seq
    return seq
