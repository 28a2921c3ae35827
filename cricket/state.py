"""Mutable state derived from the event log: the match, its innings and their scorecards.

Only ``cricket.apply`` mutates these objects; everything else reads them. ``clone()`` copies
a state for checkpoints and undo far faster than ``copy.deepcopy``: each class copies its own
containers (a test checks that a clone equals a deep copy and shares nothing mutable).
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from cricket.events import ParRow, ResultKind
from cricket.setup import MatchSetup, Team

BatterStatus = Literal["batting", "not out", "out", "retired hurt", "retired not out", "absent"]
CloseReason = Literal[
    "", "all out", "overs", "target", "declared", "forfeited", "ended", "abandoned"
]
"""Why an innings closed ("" while it is open)."""


@dataclass(frozen=True)
class Official:
    """The result as the scorer entered it (a Result event), which overrides the computed one."""

    outcome: ResultKind
    text: str
    winner: str | None
    method: str | None


def overs_text(overs: int, balls: int) -> str:
    """Display form of an over count, e.g. "14.3" or "50"."""
    return f"{overs}.{balls}" if balls else str(overs)


@dataclass
class BatterCard:
    """One row of a batting card."""

    name: str
    runs: int = 0
    balls: int = 0
    fours: int = 0
    sixes: int = 0
    dots: int = 0  # balls faced (not wides) with no run off the bat
    status: BatterStatus = "batting"
    dismissal: str = ""
    # How the innings ended in Cricsheet's words ("caught", "retired hurt", ...), "" if it has not.
    how_out: str = ""

    def clone(self) -> BatterCard:
        return copy.copy(self)  # every field is immutable


@dataclass
class BowlerCard:
    """One row of a bowling card; ``overs_started`` counts part overs for the quota."""

    name: str
    overs: int = 0
    balls: int = 0
    overs_started: int = 0
    maidens: int = 0
    runs: int = 0
    wickets: int = 0
    wides: int = 0
    noballs: int = 0
    dots: int = 0  # legal balls that cost the bowler nothing (byes and leg byes count as dots)

    def clone(self) -> BowlerCard:
        return copy.copy(self)  # every field is immutable


@dataclass
class Partnership:
    """Runs and balls added while two batters were together."""

    wicket: int
    batters: list[str]
    runs: int = 0
    balls: int = 0
    contributions: dict[str, int] = field(default_factory=dict)
    open: bool = True

    def clone(self) -> Partnership:
        new = copy.copy(self)
        new.batters = list(self.batters)
        new.contributions = dict(self.contributions)
        return new


@dataclass
class Innings:
    """One innings; counts are integers, display strings are derived."""

    number: int
    batting: str
    bowling: str
    super_over: bool = False
    follow_on: bool = False
    max_wickets: int = 10
    overs_limit: int | None = None
    # Balls of a part over added to ``overs_limit`` (a revised limit of 25.3 overs).
    overs_limit_balls: int = 0
    revised_target: int | None = None
    revised: bool = False
    method: str | None = None
    # The par table that came with the revised target (RevisedTarget.par), and the innings'
    # length in legal balls when it came: a chase called off before then is decided by it.
    par_table: tuple[ParRow, ...] | None = None
    par_limit: int = 0
    runs: int = 0
    wickets: int = 0
    legal_balls: int = 0
    overs: int = 0
    balls: int = 0  # legal balls in the over in progress
    over_len: int = 6
    over_deliveries: int = 0
    over_conceded: int = 0
    over_bowlers: int = 0
    # The over in progress: every run scored in it (extras too) and the wickets that fell.
    over_total: int = 0
    over_wickets: int = 0
    # One tuple per completed over: (runs in it, wickets in it, the bowler), for the charts.
    over_log: list[tuple[int, int, str]] = field(default_factory=list)
    extras: dict[str, int] = field(
        default_factory=lambda: {"wides": 0, "noballs": 0, "byes": 0, "legbyes": 0, "penalty": 0}
    )
    penalty_pre: int = 0
    penalty_post: int = 0
    boundaries: int = 0
    batters: dict[str, BatterCard] = field(default_factory=dict)
    bowlers: dict[str, BowlerCard] = field(default_factory=dict)
    fow: list[dict[str, object]] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    striker: str | None = None
    non_striker: str | None = None
    bowler: str | None = None
    last_over_bowler: str | None = None
    # Everyone who bowled part of the over in progress / the last over (Law 17.8), and how many
    # overs in a row the sole bowler of the last over has bowled.
    this_over_bowlers: list[str] = field(default_factory=list)
    last_over_bowlers: tuple[str, ...] = ()
    streak: int = 0
    this_over: list[str] = field(default_factory=list)
    last_over: list[str] = field(default_factory=list)
    free_hit: bool = False
    closed: bool = False
    close_reason: CloseReason = ""
    declared: bool = False
    forfeited: bool = False
    # What the umpires allowed that the conditions forbid, and over-length miscounts: one dict
    # per note (seq, innings, over, code, text, reason).
    notes: list[dict[str, object]] = field(default_factory=list)
    version: int = 0

    def clone(self) -> Innings:
        new = copy.copy(self)
        new.extras = dict(self.extras)
        new.batters = {k: v.clone() for k, v in self.batters.items()}
        new.bowlers = {k: v.clone() for k, v in self.bowlers.items()}
        new.fow = [dict(f) for f in self.fow]
        new.partnerships = [p.clone() for p in self.partnerships]
        new.this_over = list(self.this_over)
        new.last_over = list(self.last_over)
        new.this_over_bowlers = list(self.this_over_bowlers)
        new.notes = [dict(n) for n in self.notes]
        new.over_log = list(self.over_log)  # tuples are immutable
        return new

    @property
    def limit_reached(self) -> bool:
        """Whether the innings has had all its overs (and part over) of a limited innings."""
        if self.overs_limit is None:
            return False
        return (self.overs, self.balls) >= (self.overs_limit, self.overs_limit_balls)

    def par_now(self) -> tuple[int, int] | None:
        """The par table's row for the balls bowled and wickets lost now: (its balls, the par
        score), or None without a table, before its first row, or past its last wicket."""
        table = self.par_table
        if table is None:
            return None
        i = bisect_right(table, self.legal_balls, key=lambda row: row[0]) - 1
        if i < 0 or self.wickets >= len(table[i][1]):
            return None
        return table[i][0], table[i][1][self.wickets]

    @property
    def overs_limit_display(self) -> str | None:
        if self.overs_limit is None:
            return None
        return overs_text(self.overs_limit, self.overs_limit_balls)

    @property
    def overs_display(self) -> str:
        return overs_text(self.overs, self.balls)

    @property
    def vacancy(self) -> bool:
        return self.striker is None or self.non_striker is None

    def partnership(self) -> Partnership | None:
        if self.partnerships and self.partnerships[-1].open:
            return self.partnerships[-1]
        return None


@dataclass
class MatchState:
    """The whole match as derived from the log so far."""

    setup: MatchSetup
    innings: list[Innings] = field(default_factory=list)
    active: dict[str, list[str]] = field(default_factory=dict)
    substitutions: list[dict[str, object]] = field(default_factory=list)
    pending_penalty: dict[str, int] = field(default_factory=dict)
    # Runs, overs, balls, method and par table of a revision entered before the innings it
    # applies to.
    pending_revision: tuple[int | None, int | None, int, str, tuple[ParRow, ...] | None] | None = (
        None
    )
    absent: dict[str, set[str]] = field(default_factory=dict)
    finished: bool = False
    abandoned: bool = False
    abandon_reason: str = ""
    override: Official | None = None
    bowl_out: tuple[str, int | None, int | None] | None = None  # winner, winner's hits, loser's
    # Events applied so far: the sequence number of the next one is ``applied + 1``.
    applied: int = 0
    version: int = 0

    @classmethod
    def initial(cls, setup: MatchSetup) -> MatchState:
        return cls(
            setup=setup,
            active={t.name: list(t.players) for t in setup.teams},
            absent={t.name: set() for t in setup.teams},
        )

    def clone(self) -> MatchState:
        """A copy sharing nothing mutable (the setup is immutable, so it is shared)."""
        new = copy.copy(self)
        new.innings = [i.clone() for i in self.innings]
        new.active = {k: list(v) for k, v in self.active.items()}
        new.substitutions = [dict(s) for s in self.substitutions]
        new.pending_penalty = dict(self.pending_penalty)
        new.absent = {k: set(v) for k, v in self.absent.items()}
        new.override = self.override  # frozen: shared
        return new

    @property
    def live(self) -> Innings | None:
        """The innings in progress, if any."""
        if self.innings and not self.innings[-1].closed:
            return self.innings[-1]
        return None

    def team(self, name: str) -> Team:
        return self.setup.team(name)

    def notes(self) -> list[dict[str, object]]:
        """Every note of every innings, in the order they were made (only the last innings
        can gain notes, so innings order is that order)."""
        return [n for inn in self.innings for n in inn.notes]

    def regular(self) -> list[Innings]:
        return [i for i in self.innings if not i.super_over]

    def super_overs(self) -> list[Innings]:
        return [i for i in self.innings if i.super_over]

    def team_total(self, team: str, *, upto: int | None = None) -> int:
        """Runs of ``team`` in regular innings (optionally only innings numbered below ``upto``)."""
        return sum(
            i.runs
            for i in self.innings
            if i.batting == team and not i.super_over and (upto is None or i.number < upto)
        )

    def target(self, inn: Innings) -> int | None:
        """Runs the side batting ``inn`` needs to win, or None if it is not a chase."""
        if inn.revised_target is not None:
            return inn.revised_target
        if inn.super_over:
            pair = self.super_overs()
            idx = pair.index(inn)
            if idx % 2 == 1:
                return pair[idx - 1].runs + 1
            return None
        regular = self.regular()
        per_side = self.setup.rules.innings_per_side
        if inn.number != per_side * 2 or len(regular) < per_side * 2:
            return None
        other = inn.bowling
        return self.team_total(other) - self.team_total(inn.batting, upto=inn.number) + 1

    def available(self, inn: Innings) -> list[str]:
        """Batters who could still come in (yet to bat, or retired hurt/not out)."""
        out: list[str] = []
        absent = self.absent.get(inn.batting, set())
        for p in self.active[inn.batting]:
            card = inn.batters.get(p)
            if p in (inn.striker, inn.non_striker) or (p in absent and not inn.super_over):
                continue
            if card is None or card.status in ("retired hurt", "retired not out"):
                out.append(p)
        return out
