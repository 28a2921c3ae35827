"""Matches for scores tests: a real T20 from Cricsheet, set up and ready to score."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from cricket import codec, cricsheet
from cricket.setup import MatchSetup
from scores import services
from scores.models import Match

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
    return services.match_create(
        setup=setup, title=title, source="cricsheet:1370353", replay_events=list(evs)
    )


def score(match: Match, n: int, *, user: Any = None) -> int:
    """Score the match's next n real events through the service; returns the last seq."""
    match.refresh_from_db()
    seq = match.seq
    for event in events(n, seq):
        seq = services.command_apply(
            match_id=match.id, user=user, command=event, expect_seq=seq
        ).seq
    return seq
