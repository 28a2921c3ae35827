"""Scorer events: immutable records, one per thing that happened, in the order it happened.

An event's number (``at``) is its 1-based position in the match's events (``Match.events``);
the app's log numbers its entries separately (``seq``), undos and edits included.
Names left as ``None`` on a Delivery mean "whoever the state says"; given names are checked.

``override`` (on Delivery, NewBatter and NewBowler) records what the umpires allowed that the
playing conditions forbid: the engine refuses such an event with an ``IllegalEvent`` whose
``overridable`` is true, and accepts it again with ``override`` set to the reason, adding a
note to the scorecard. Fields added after the first release default to "as before", and the
codec leaves them out of an event's dict while they hold their default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from cricket.errors import IllegalEvent

WicketKind = Literal[
    "bowled",
    "caught",
    "caught and bowled",
    "lbw",
    "run out",
    "stumped",
    "hit wicket",
    "handled the ball",
    "obstructing the field",
    "hit the ball twice",
]
"""Dismissals that can happen on a delivery; "timed out" and "retired out" happen between balls."""
RetirementReason = Literal["hurt", "not out", "out"]
ResultKind = Literal["win", "tie", "draw", "no result"]

DELIVERY_WICKETS: tuple[WicketKind, ...] = get_args(WicketKind)
BOWLER_WICKETS = frozenset(
    {"bowled", "caught", "caught and bowled", "lbw", "stumped", "hit wicket"}
)
RETIREMENT_REASONS: tuple[RetirementReason, ...] = get_args(RetirementReason)
RESULT_KINDS: tuple[ResultKind, ...] = get_args(ResultKind)

PAR_WICKETS = 10
"""A par table row gives the par score for 0 to 9 wickets lost."""
ParRow = tuple[int, tuple[int, ...]]
"""One row of a par table: legal balls bowled, then the par score for 0 to 9 wickets lost."""


def as_wicket_kind(value: object) -> WicketKind:
    """`value` as a dismissal on a delivery, or IllegalEvent saying which there are."""
    for kind in DELIVERY_WICKETS:
        if value == kind:
            return kind
    raise IllegalEvent(f"unknown dismissal {value!r}; one of {', '.join(DELIVERY_WICKETS)}")


@dataclass(frozen=True)
class Wicket:
    """A dismissal on a delivery. For run outs ``crossed`` says the batters had crossed on the
    unfinished run (so the survivor ends at the other end); ``end`` ("striker" or "non_striker")
    optionally names the end where the wicket was broken and is checked against ``crossed``."""

    kind: WicketKind
    player_out: str | None = None
    fielders: tuple[str, ...] = ()
    crossed: bool = False
    end: str | None = None


@dataclass(frozen=True)
class Delivery:
    """One ball. ``runs`` are off the bat; ``wides``/``noballs`` include their penalty run(s)
    (``wides=5`` is a wide plus four); ``penalty`` is penalty runs awarded on this ball.
    ``boundary=None`` means runs of 4 or 6 were a boundary; ``False`` means they were run."""

    runs: int = 0
    boundary: bool | None = None
    wides: int = 0
    noballs: int = 0
    byes: int = 0
    legbyes: int = 0
    penalty: int = 0
    wickets: tuple[Wicket, ...] = ()
    striker: str | None = None
    non_striker: str | None = None
    bowler: str | None = None
    # Under front-foot-only free hits: False for a no-ball called for something else (height,
    # a fielder's position), which earns no free hit. Ignored on other balls and other rules.
    front_foot: bool = True
    override: str = ""

    @property
    def total(self) -> int:
        return self.runs + self.wides + self.noballs + self.byes + self.legbyes + self.penalty

    @property
    def legal(self) -> bool:
        return not self.wides and not self.noballs


@dataclass(frozen=True)
class StartInnings:
    """Start the next innings. ``batting=None`` picks the natural next side (toss, alternation)."""

    batting: str | None = None
    super_over: bool = False
    follow_on: bool = False


@dataclass(frozen=True)
class NewBatter:
    """A batter walks in to the vacant end (the striker's end first when both are vacant)."""

    player: str
    override: str = ""


@dataclass(frozen=True)
class NewBowler:
    """Name the bowler of the next over; ``mid_over=True`` replaces an injured bowler mid-over."""

    bowler: str
    mid_over: bool = False
    override: str = ""


@dataclass(frozen=True)
class MiscountedOver:
    """The umpire's over in progress has this many legal balls instead of the usual number.

    Entered when the over has exactly that many legal balls, it ends the over at once (the
    umpire called "over" after extras that followed the last legal ball of a short over).
    The scorecard notes every miscounted over, with ``reason`` if given."""

    balls: int
    reason: str = ""


@dataclass(frozen=True)
class Retirement:
    """A batter retires: "hurt" or "not out" (may resume later) or "out" (a wicket)."""

    player: str
    reason: RetirementReason = "hurt"


@dataclass(frozen=True)
class TimedOut:
    """The incoming batter is out timed out (Law 40)."""

    player: str


@dataclass(frozen=True)
class Absent:
    """A batter is absent (e.g. hurt) and will not bat; an innings can then be all out early."""

    player: str
    reason: str = "hurt"


@dataclass(frozen=True)
class Substitute:
    """A substitution. ``replacement=True`` (concussion, impact player) lets ``player_in`` bat and
    bowl in place of ``player_out``; otherwise it is a fielding substitute only."""

    team: str
    player_in: str
    player_out: str
    replacement: bool = False
    reason: str = ""


@dataclass(frozen=True)
class PenaltyRuns:
    """Penalty runs awarded to ``team`` (Law 41): added to its current innings if it is batting,
    else to its most recent innings, else to its next innings."""

    team: str
    runs: int = 5


@dataclass(frozen=True)
class Declaration:
    """The batting captain declares the current innings closed."""


@dataclass(frozen=True)
class Forfeit:
    """The side due to bat next forfeits that innings."""


@dataclass(frozen=True)
class RevisedTarget:
    """Rain rules: the scorer enters revised overs and/or target for the current or next innings.

    ``balls`` adds part of an over to ``overs`` (25.3 overs is ``overs=25, balls=3``). Entered
    during an innings with the overs already bowled, it ends the innings there: play was
    called off and the result compares the score with the par score (``runs - 1``).
    ``method`` labels the result, e.g. "(DLS)"; an empty method labels nothing.

    ``par`` (with ``runs`` only) is the par table that came with the target, as DLS par sheets
    give it: rows ``(balls, (par for 0 wickets lost, ..., par for 9))`` in ascending legal
    balls. The par now is the row with the most balls not beyond those bowled, for the wickets
    lost; a chase called off before its revised overs are done is decided by that par."""

    runs: int | None = None
    overs: int | None = None
    method: str = "DLS"
    balls: int | None = None
    par: tuple[ParRow, ...] | None = None


@dataclass(frozen=True)
class EndInnings:
    """Close the current innings now (all out with a batter unable to bat, time, bad light)."""

    reason: str = ""


@dataclass(frozen=True)
class Abandon:
    """Play is over for good: no result (limited overs) or a draw (multi-innings)."""

    reason: str = ""


@dataclass(frozen=True)
class BowlOut:
    """A tied match decided by a bowl-out (ICC playing conditions before super overs, 2007-08):
    ``winner`` won, hitting the stumps ``winner_hits`` times to the loser's ``loser_hits``."""

    winner: str
    winner_hits: int | None = None
    loser_hits: int | None = None


@dataclass(frozen=True)
class Result:
    """The official result as entered by the scorer, overriding the computed one.
    ``outcome`` is "win", "tie", "draw" or "no result"."""

    outcome: ResultKind
    winner: str | None = None
    runs: int | None = None
    wickets: int | None = None
    innings: bool = False
    method: str | None = None
    text: str | None = None


Event = (
    Delivery
    | StartInnings
    | NewBatter
    | NewBowler
    | MiscountedOver
    | Retirement
    | TimedOut
    | Absent
    | Substitute
    | PenaltyRuns
    | Declaration
    | Forfeit
    | RevisedTarget
    | EndInnings
    | Abandon
    | BowlOut
    | Result
)

KINDS: dict[str, type] = {
    "delivery": Delivery,
    "start_innings": StartInnings,
    "new_batter": NewBatter,
    "new_bowler": NewBowler,
    "miscounted_over": MiscountedOver,
    "retirement": Retirement,
    "timed_out": TimedOut,
    "absent": Absent,
    "substitute": Substitute,
    "penalty_runs": PenaltyRuns,
    "declaration": Declaration,
    "forfeit": Forfeit,
    "revised_target": RevisedTarget,
    "end_innings": EndInnings,
    "abandon": Abandon,
    "bowl_out": BowlOut,
    "result": Result,
}
KIND_OF: dict[type, str] = {cls: kind for kind, cls in KINDS.items()}


def kind_of(event: object) -> str:
    """The wire name of an event, e.g. "delivery"."""
    return KIND_OF[type(event)]
