"""Small builders for hand-made matches."""

from __future__ import annotations

from typing import Any

from cricket import Match, MatchSetup
from cricket.apply import bowler_problem
from cricket.events import Delivery, NewBatter, NewBowler, StartInnings, Wicket
from cricket.scoreboard import snapshot

HOME = [f"H{i}" for i in range(1, 12)]
AWAY = [f"A{i}" for i in range(1, 12)]


def setup(fmt: str = "T20", **overrides: Any) -> MatchSetup:
    return MatchSetup.preset(
        fmt, home="Home", away="Away", home_players=HOME, away_players=AWAY, **overrides
    )


def started(fmt: str = "T20", batting: str = "Home", **overrides: Any) -> Match:
    """A match with the first innings started, openers in and a bowler named."""
    m = Match(setup(fmt, **overrides))
    bat, bowl = (HOME, AWAY) if batting == "Home" else (AWAY, HOME)
    m.apply(StartInnings(batting))
    m.apply(NewBatter(bat[0]))
    m.apply(NewBatter(bat[1]))
    m.apply(NewBowler(bowl[10]))
    return m


def bowl_over(m: Match, *runs: int) -> None:
    for r in runs:
        m.apply(Delivery(runs=r))


def out(kind: str = "bowled", **kw: Any) -> Delivery:
    return Delivery(wickets=(Wicket(kind, **kw),))


def play_innings(m: Match, bowlers: list[str], per_ball: int = 1, balls: int | None = None) -> None:
    """Keep bowling ``per_ball``-run balls, rotating bowlers, until the innings closes."""
    n = 0
    while m.state.live is not None and (balls is None or n < balls):
        live = m.state.live
        if live.bowler is None:
            ok = [b for b in bowlers if not bowler_problem(m.state, live, b)]
            m.apply(NewBowler(ok[0]))
        m.apply(Delivery(runs=per_ball))
        n += 1


def snap(m: Match) -> dict[str, Any]:
    return snapshot(m)
