"""Playing conditions as data: the Rules of a match, the presets a new match starts from, and
their plain-English description for the match page.

A preset is a named, labelled Rules value; a match stores its Rules (``cricket.codec``), so a
preset changed later never changes a match already made with it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cricket.errors import IllegalEvent
from cricket.values import is_whole_number

TIE_BREAKS = (
    "none",
    "super_over",
    "super_overs",
    "boundary_count",
    "super_over_boundary_count",
    "fewer_wickets",
)
TOSS_DECISIONS = ("bat", "field")
FREE_HIT_RULES = ("none", "every", "front_foot")

# Bounds on the playing conditions: the Laws set few limits, so these are far beyond any real
# match yet small enough that a typo or a hostile client cannot store an absurd match.
MAX_OVERS = 500
MAX_BALLS_PER_OVER = 12
MAX_FOLLOW_ON = 1000
MAX_MATCH_DAYS = 30
MAX_SUPER_OVERS_LENGTH = 10


@dataclass(frozen=True)
class Rules:
    """Playing conditions; ``overs=None`` means unlimited overs (a first-class match).

    Fields after ``consecutive_overs_allowed`` were added later: setup dicts stored before
    them decode with these defaults, which are the engine's behaviour before they existed.
    """

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
    # Free hits only after a front-foot no-ball (ICC 2007-2015, English domestic cricket).
    free_hit_front_foot_only: bool = False
    # The 2000 Code (Law 24.13, until October 2017): runs run off a no-ball that are not off
    # the bat are scored as no-balls, so ``noballs`` may exceed ``no_ball_runs``.
    no_ball_byes_are_no_balls: bool = False
    # How many overs in a row one bowler may bowl (The Hundred: a "10" of two sets of five).
    max_consecutive_overs: int = 1
    # The fielding side changes ends (and the batters with it) every so many overs.
    change_ends_every: int = 1
    max_balls_per_bowler: int | None = None
    # Scheduled days: with ``follow_on=None`` a two-innings match takes its follow-on margin
    # from Law 14.1.1 (200 for five days or more, 150 for three or four, 100, 75).
    match_days: int | None = None
    # Law 14.1.2: no play on the first day makes the match one day shorter for the follow-on.
    first_day_lost: bool = False
    # Impact players (IPL, Syed Mushtaq Ali Trophy): None leaves replacements unchecked, as
    # before this was modelled; False refuses an impact player, True allows one per side.
    impact_player: bool | None = None
    concussion_replacements: bool = True
    # Runs per over a side is behind the over rate (ECB domestic T20: 6); other penalty runs
    # are Law 41's five.
    over_rate_penalty: int | None = None
    # Law 17.8: a bowler who bowled part of an over (replaced, or finishing it) may not bowl
    # the next. False only for setups stored before it was enforced, which then replay as they
    # did (only the bowler who finished the over rests); every preset enforces it.
    law_17_8: bool = False
    # The preset these conditions came from (a key of cricket.conditions.PRESETS) or "".
    preset: str = ""

    @property
    def free_hit_rule(self) -> str:
        """ "none", "every" (no-ball) or "front_foot" (no-balls only)."""
        if not self.free_hit:
            return "none"
        return "front_foot" if self.free_hit_front_foot_only else "every"

    @property
    def consecutive_limit(self) -> int | None:
        """How many overs in a row a bowler may bowl; None for no limit."""
        return None if self.consecutive_overs_allowed else self.max_consecutive_overs

    @property
    def follow_on_margin(self) -> int | None:
        """The lead that lets a side enforce the follow-on, or None where there is none."""
        if self.innings_per_side != 2:
            return None
        if self.follow_on is not None:
            return self.follow_on
        if self.match_days is None:
            return None
        return law_14_margin(self.match_days - (1 if self.first_day_lost else 0))

    def penalty_allowed(self, runs: int) -> bool:
        """Whether ``runs`` penalty runs can be made of awards of 5 (Law 41) and over-rate
        penalties (playing conditions)."""
        unit = self.over_rate_penalty
        if unit is None:
            return runs % 5 == 0
        return any((runs - unit * k) % 5 == 0 for k in range(runs // unit + 1))


def law_14_margin(days: int) -> int:
    """Law 14.1.1: the follow-on margin for a match of ``days`` days."""
    if days >= 5:
        return 200
    if days >= 3:
        return 150
    return 100 if days == 2 else 75


@dataclass(frozen=True)
class Preset:
    """A named set of playing conditions offered when a match is made."""

    key: str
    label: str
    short: str  # the format's name in a match list ("T20", "The Hundred")
    rules: Rules
    summary: str


def _preset(key: str, label: str, short: str, summary: str, **values: Any) -> Preset:
    return Preset(key, label, short, Rules(**values, law_17_8=True, preset=key), summary)


_LIMITED = dict(free_hit=True, tie_break="super_overs", impact_player=False)
_FIRST_CLASS = dict(
    overs=None,
    innings_per_side=2,
    max_overs_per_bowler=None,
    free_hit=False,
    tie_break="none",
    impact_player=False,
)

# In the order a new-match form should offer them.
PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        _preset(
            "test",
            "Test match",
            "Test",
            "two innings each over five days; follow-on at 200 runs",
            **_FIRST_CLASS,
            match_days=5,
        ),
        _preset(
            "odi",
            "One-Day International",
            "ODI",
            "50 overs, 10 per bowler; free hit after every no-ball; super overs",
            **_LIMITED,
            overs=50,
            max_overs_per_bowler=10,
        ),
        _preset(
            "t20",
            "Twenty20 International",
            "T20",
            "20 overs, 4 per bowler; free hit after every no-ball; super overs",
            **_LIMITED,
            overs=20,
            max_overs_per_bowler=4,
        ),
        _preset(
            "hundred",
            "The Hundred",
            "The Hundred",
            "100 balls in sets of 5, ends change every 10; a bowler bowls 5 or 10 in a row, "
            "20 balls at most; 2-run no-balls with a free hit; Super Fives",
            **_LIMITED,
            overs=20,
            balls_per_over=5,
            max_overs_per_bowler=None,
            max_balls_per_bowler=20,
            max_consecutive_overs=2,
            change_ends_every=2,
            no_ball_runs=2,
        ),
        _preset(
            "county_championship",
            "County Championship",
            "County Championship",
            "two innings each over four days; 2-run no-balls; follow-on at 150 runs",
            **_FIRST_CLASS,
            match_days=4,
            no_ball_runs=2,
        ),
        _preset(
            "one_day_cup",
            "One-Day Cup",
            "One-Day Cup",
            "English domestic 50 overs, 10 per bowler; 2-run no-balls; "
            "free hit after a front-foot no-ball",
            **_LIMITED,
            overs=50,
            max_overs_per_bowler=10,
            no_ball_runs=2,
            free_hit_front_foot_only=True,
        ),
        _preset(
            "vitality_blast",
            "Vitality Blast",
            "Vitality Blast",
            "English domestic T20, 4 overs per bowler; 2-run no-balls; "
            "free hit after a front-foot no-ball; 6 runs per over behind the rate",
            **_LIMITED,
            overs=20,
            max_overs_per_bowler=4,
            no_ball_runs=2,
            free_hit_front_foot_only=True,
            over_rate_penalty=6,
        ),
        _preset(
            "custom",
            "Custom",
            "",
            "start from a 20-over match and set every condition yourself",
            impact_player=False,
        ),
    )
}
# The format names the engine accepted before presets had keys.
LEGACY_NAMES = {"T20": "t20", "ODI": "odi", "Hundred": "hundred", "Test": "test"}


def preset_key(name: str) -> str:
    """The preset key for ``name`` (a key or an old format name); IllegalEvent if unknown."""
    key = LEGACY_NAMES.get(name, name)
    if key not in PRESETS:
        raise IllegalEvent(f"unknown format {name!r}; choose one of {', '.join(PRESETS)}")
    return key


def preset_overrides(name: str) -> dict[str, Any]:
    """The preset's Rules as keyword arguments (every field)."""
    return dataclasses.asdict(PRESETS[preset_key(name)].rules)


def rules_for(name: str, **overrides: Any) -> Rules:
    """The preset's Rules with some fields changed; IllegalEvent names an unknown field."""
    base = PRESETS[preset_key(name)].rules
    names = {f.name for f in dataclasses.fields(Rules)}
    bad = sorted(set(overrides) - names)
    if bad:
        raise IllegalEvent(f"unknown rule(s): {', '.join(bad)}")
    rules = dataclasses.replace(base, **overrides)
    validate_rules(rules)
    return rules


def format_name(r: Rules) -> str:
    """A short name for the playing conditions in a list: the preset's ("T20", "One-Day Cup")
    while they are the preset's own, else what they are ("Test", "35 overs")."""
    preset = PRESETS.get(r.preset)
    if preset is not None and preset.short and preset.rules == r:
        return preset.short
    if r.overs is None:
        return "Test" if r.innings_per_side == 2 else "unlimited overs"
    if r.balls_per_over == 5 and r.overs == 20:
        return "The Hundred"
    return {20: "T20", 50: "ODI"}.get(r.overs, f"{r.overs} overs")


def _whole(value: object, what: str, low: int, high: int, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not is_whole_number(value) or not low <= value <= high:
        raise IllegalEvent(f"{what} must be a whole number from {low} to {high}")


def validate_rules(r: Rules) -> None:
    """Raise IllegalEvent if the conditions cannot describe a real match."""
    _whole(r.overs, "overs per innings", 1, MAX_OVERS, allow_none=True)
    _whole(r.balls_per_over, "balls per over", 1, MAX_BALLS_PER_OVER)
    _whole(r.innings_per_side, "innings per side", 1, 2)
    _whole(r.max_overs_per_bowler, "max overs per bowler", 1, MAX_OVERS, allow_none=True)
    _whole(
        r.max_balls_per_bowler,
        "max balls per bowler",
        1,
        MAX_OVERS * MAX_BALLS_PER_OVER,
        allow_none=True,
    )
    _whole(r.no_ball_runs, "no-ball penalty", 1, 2)
    _whole(r.wide_runs, "wide penalty", 1, 2)
    _whole(r.follow_on, "follow-on margin", 1, MAX_FOLLOW_ON, allow_none=True)
    _whole(r.match_days, "days of the match", 1, MAX_MATCH_DAYS, allow_none=True)
    _whole(r.super_over_overs, "super over length", 1, MAX_SUPER_OVERS_LENGTH)
    _whole(r.super_over_wickets, "super over wickets", 1, 10)
    _whole(r.max_consecutive_overs, "consecutive overs per bowler", 1, MAX_OVERS)
    _whole(r.change_ends_every, "overs from one end", 1, MAX_OVERS)
    _whole(r.over_rate_penalty, "over-rate penalty runs", 1, 30, allow_none=True)
    for name in (
        "free_hit",
        "new_batter_on_strike_after_catch",
        "consecutive_overs_allowed",
        "free_hit_front_foot_only",
        "no_ball_byes_are_no_balls",
        "first_day_lost",
        "concussion_replacements",
        "law_17_8",
    ):
        if not isinstance(getattr(r, name), bool):
            raise IllegalEvent(f"{name.replace('_', ' ')} must be true or false")
    if r.impact_player not in (None, True, False):
        raise IllegalEvent("impact player must be true, false or null")
    if r.tie_break not in TIE_BREAKS:
        raise IllegalEvent(f"tie-break must be one of {', '.join(TIE_BREAKS)}")
    if not isinstance(r.preset, str) or (r.preset and r.preset not in PRESETS):
        raise IllegalEvent(f"preset must be one of {', '.join(PRESETS)}")
    if r.first_day_lost and r.match_days is None:
        raise IllegalEvent("a lost first day needs the number of days of the match")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(r: Rules) -> list[str]:
    """The conditions in plain English, one line each, for the match page."""
    lines = []
    label = PRESETS[r.preset].label if r.preset in PRESETS else ""
    if label and PRESETS[r.preset].rules != r:
        label += " (changed)"
    if label:
        lines.append(f"Playing conditions: {label}")
    per_over = _plural(r.balls_per_over, "ball")
    if r.overs is None:
        lines.append(f"Unlimited overs of {per_over}")
    elif r.balls_per_over == 5:
        lines.append(f"{r.overs * 5} balls per innings, in sets of 5")
    else:
        lines.append(f"{_plural(r.overs, 'over')} of {per_over} per innings")
    lines.append("Two innings each" if r.innings_per_side == 2 else "One innings each")
    if r.innings_per_side == 2:
        days = f" ({_plural(r.match_days, 'day')})" if r.match_days else ""
        margin = r.follow_on_margin
        lines.append(f"Follow-on at a lead of {margin} runs{days}" if margin else "No follow-on")
        if r.first_day_lost:
            lines.append("No play on the first day (Law 14.1.2)")
    quota = []
    if r.max_overs_per_bowler is not None:
        quota.append(f"{_plural(r.max_overs_per_bowler, 'over')} per bowler")
    if r.max_balls_per_bowler is not None:
        quota.append(f"{_plural(r.max_balls_per_bowler, 'ball')} per bowler")
    limit = r.consecutive_limit
    if limit is None:
        quota.append("a bowler may bowl any number of overs in a row")
    elif limit > 1:
        quota.append(f"a bowler may bowl up to {limit} overs in a row")
    if quota:
        lines.append("; ".join(quota).capitalize())
    if r.change_ends_every > 1:
        lines.append(f"Ends change every {_plural(r.change_ends_every, 'over')}")
    nb = f"No-ball: {_plural(r.no_ball_runs, 'run')}"
    if r.no_ball_byes_are_no_balls:
        nb += ", with runs run off it scored as no-balls (2000 Code)"
    lines.append(nb)
    if r.wide_runs != 1:
        lines.append(f"Wide: {r.wide_runs} runs")
    lines.append(
        {
            "none": "No free hits",
            "every": "Free hit after every no-ball",
            "front_foot": "Free hit after a front-foot no-ball",
        }[r.free_hit_rule]
    )
    if r.innings_per_side == 1:
        lines.append(
            {
                "none": "A tie stands",
                "super_over": "A tie goes to a super over",
                "super_overs": "A tie goes to super overs until one is won",
                "boundary_count": "A tie is decided on boundaries",
                "super_over_boundary_count": "A tie goes to a super over, then boundaries",
                "fewer_wickets": "A tie goes to the side that lost fewer wickets",
            }[r.tie_break]
        )
        if r.tie_break in ("super_over", "super_overs", "super_over_boundary_count"):
            lines.append(
                f"Super over: {_plural(r.super_over_overs, 'over')}, "
                f"{_plural(r.super_over_wickets, 'wicket')}"
            )
    reps = [
        "concussion replacements" if r.concussion_replacements else "no concussion replacements"
    ]
    if r.impact_player:
        reps.append("one impact player a side")
    lines.append("Replacements: " + ", ".join(reps))
    if r.over_rate_penalty:
        lines.append(f"{r.over_rate_penalty} penalty runs per over behind the over rate")
    if not r.new_batter_on_strike_after_catch:
        lines.append("After a catch the batters stay where they crossed (before 2022)")
    return lines
