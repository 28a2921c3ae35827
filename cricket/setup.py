"""Match setup: the two teams, their players and the playing conditions (rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cricket import conditions
from cricket.conditions import Rules
from cricket.errors import IllegalEvent

TOSS_DECISIONS = conditions.TOSS_DECISIONS
TIE_BREAKS = conditions.TIE_BREAKS

__all__ = ["PRESETS", "TIE_BREAKS", "TOSS_DECISIONS", "MatchSetup", "Rules", "Team"]


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


# The four formats the new-match form has offered since the start, as Rules keyword arguments
# (kept for callers that read them; cricket.conditions.PRESETS has every preset, with labels).
PRESETS: dict[str, dict[str, Any]] = {
    name: conditions.preset_overrides(key) for name, key in conditions.LEGACY_NAMES.items()
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

    def toss_text(self) -> str | None:
        """The toss as fans read it, e.g. "CSK won the toss and chose to field"; None if unknown."""
        if self.toss_winner is None or self.toss_decision is None:
            return None
        winner = self.team(self.toss_winner).short
        return f"{winner} won the toss and chose to {self.toss_decision}"

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
        """Build a setup from a preset (a key of ``cricket.conditions.PRESETS`` or one of the
        old names "T20", "ODI", "Hundred", "Test") with some Rules fields changed."""
        rules = conditions.rules_for(fmt, **overrides)
        return cls(
            home=Team(home, tuple(home_players), tuple(home_substitutes or ())),
            away=Team(away, tuple(away_players), tuple(away_substitutes or ())),
            rules=rules,
            toss_winner=toss_winner,
            toss_decision=toss_decision,
        )


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
    if not isinstance(setup.rules, Rules):
        raise IllegalEvent("a setup needs Rules")
    conditions.validate_rules(setup.rules)
    if setup.toss_winner is not None and setup.toss_winner not in (
        setup.home.name,
        setup.away.name,
    ):
        raise IllegalEvent(f"toss winner {setup.toss_winner!r} is not a team in this match")
    if setup.toss_decision is not None and setup.toss_decision not in TOSS_DECISIONS:
        raise IllegalEvent("toss decision must be 'bat' or 'field'")
