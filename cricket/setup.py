"""Match setup: the two teams, their players and the playing conditions (rules)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from cricket.errors import IllegalEvent

TIE_BREAKS = ("none", "super_over", "super_overs", "boundary_count", "super_over_boundary_count")
TOSS_DECISIONS = ("bat", "field")


@dataclass(frozen=True)
class Team:
    """A side: its name, its playing XI in batting-order-agnostic order, and its substitutes."""

    name: str
    players: tuple[str, ...]
    substitutes: tuple[str, ...] = ()
    short_name: str | None = None

    @property
    def short(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class Rules:
    """Playing conditions; ``overs=None`` means unlimited overs (a first-class match)."""

    overs: int | None = 20
    balls_per_over: int = 6
    innings_per_side: int = 1
    max_overs_per_bowler: int | None = 4
    no_ball_runs: int = 1
    wide_runs: int = 1
    free_hit: bool = True
    follow_on: int | None = None
    tie_break: str = "none"
    super_over_overs: int = 1
    super_over_wickets: int = 2
    # Law 18.11 (2022): after a catch the new batter takes strike, crossed or not.
    new_batter_on_strike_after_catch: bool = True
    consecutive_overs_allowed: bool = False


PRESETS: dict[str, dict[str, Any]] = {
    "T20": dict(overs=20, max_overs_per_bowler=4, tie_break="super_overs"),
    "ODI": dict(overs=50, max_overs_per_bowler=10, tie_break="super_overs"),
    "Hundred": dict(overs=20, balls_per_over=5, max_overs_per_bowler=4, tie_break="super_overs"),
    "Test": dict(
        overs=None,
        innings_per_side=2,
        max_overs_per_bowler=None,
        free_hit=False,
        follow_on=200,
        tie_break="none",
    ),
}


@dataclass(frozen=True)
class MatchSetup:
    """Everything fixed before the first ball: teams, rules and (optionally) the toss."""

    home: Team
    away: Team
    rules: Rules = field(default_factory=Rules)
    toss_winner: str | None = None
    toss_decision: str | None = None

    def __post_init__(self) -> None:
        validate_setup(self)

    @property
    def teams(self) -> tuple[Team, Team]:
        return (self.home, self.away)

    def team(self, name: str) -> Team:
        for t in self.teams:
            if t.name == name:
                return t
        raise IllegalEvent(f"{name!r} is not a team in this match")

    def other(self, name: str) -> str:
        return self.away.name if name == self.home.name else self.home.name

    @classmethod
    def preset(
        cls,
        fmt: str,
        *,
        home: str,
        away: str,
        home_players: list[str],
        away_players: list[str],
        home_substitutes: list[str] | None = None,
        away_substitutes: list[str] | None = None,
        toss_winner: str | None = None,
        toss_decision: str | None = None,
        **overrides: Any,
    ) -> MatchSetup:
        """Build a setup from a preset ("T20", "ODI", "Hundred", "Test") and Rules overrides."""
        if fmt not in PRESETS:
            raise IllegalEvent(f"unknown format {fmt!r}; choose one of {', '.join(PRESETS)}")
        names = {f.name for f in dataclasses.fields(Rules)}
        bad = sorted(set(overrides) - names)
        if bad:
            raise IllegalEvent(f"unknown rule(s): {', '.join(bad)}")
        rules = Rules(**{**PRESETS[fmt], **overrides})
        return cls(
            home=Team(home, tuple(home_players), tuple(home_substitutes or ())),
            away=Team(away, tuple(away_players), tuple(away_substitutes or ())),
            rules=rules,
            toss_winner=toss_winner,
            toss_decision=toss_decision,
        )


def _positive(value: object, what: str, *, allow_none: bool = False, minimum: int = 1) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise IllegalEvent(f"{what} must be a whole number of at least {minimum}")


def validate_setup(setup: MatchSetup) -> None:
    """Raise IllegalEvent if the setup cannot describe a real match."""
    for team in setup.teams:
        if not isinstance(team.name, str) or not team.name.strip():
            raise IllegalEvent("each team needs a name")
        if len(team.players) < 2:
            raise IllegalEvent(f"{team.name} needs at least two players")
        everyone = list(team.players) + list(team.substitutes)
        if any(not isinstance(p, str) or not p.strip() for p in everyone):
            raise IllegalEvent(f"{team.name} has a blank player name")
        if len(set(everyone)) != len(everyone):
            raise IllegalEvent(f"{team.name} lists a player twice")
    if setup.home.name == setup.away.name:
        raise IllegalEvent("the two teams need different names")
    r = setup.rules
    _positive(r.overs, "overs per innings", allow_none=True)
    _positive(r.balls_per_over, "balls per over")
    _positive(r.innings_per_side, "innings per side")
    if r.innings_per_side > 2:
        raise IllegalEvent("at most two innings per side")
    _positive(r.max_overs_per_bowler, "max overs per bowler", allow_none=True)
    _positive(r.no_ball_runs, "no-ball penalty", minimum=0)
    _positive(r.wide_runs, "wide penalty", minimum=0)
    _positive(r.follow_on, "follow-on margin", allow_none=True)
    _positive(r.super_over_overs, "super over length")
    _positive(r.super_over_wickets, "super over wickets")
    if r.tie_break not in TIE_BREAKS:
        raise IllegalEvent(f"tie-break must be one of {', '.join(TIE_BREAKS)}")
    if setup.toss_winner is not None and setup.toss_winner not in (
        setup.home.name,
        setup.away.name,
    ):
        raise IllegalEvent(f"toss winner {setup.toss_winner!r} is not a team in this match")
    if setup.toss_decision is not None and setup.toss_decision not in TOSS_DECISIONS:
        raise IllegalEvent("toss decision must be 'bat' or 'field'")
