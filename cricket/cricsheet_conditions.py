"""The playing conditions of a Cricsheet match, read from the file: its format, date and event
name, and what its deliveries show (no-ball values, free hits, super-over wickets...).

Cricsheet records what happened, not the conditions, so each rule here says which evidence
decides it; where the file is silent the rule of the match's era and competition applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from cricket.conditions import Rules, law_14_margin

# Law 18.11 (new batter takes strike after a catch) applies from this date (and in The Hundred).
CATCH_LAW_FROM = "2022-10-01"
# The 2017 Code: byes and leg-byes off a no-ball are no longer scored as no-balls.
CODE_2017_FROM = "2017-10-01"
# ICC free hits: after a front-foot no-ball from the 2007 World Twenty20, after every no-ball
# from July 2015.
FREE_HIT_FROM = "2007-09-01"
FREE_HIT_EVERY_FROM = "2015-07-05"
# English domestic competitions played with 2-run no-balls (and front-foot free hits).
ENGLISH_DOMESTIC = (
    "t20 blast",
    "vitality blast",
    "twenty20 cup",
    "friends life t20",
    "friends provident t20",
    "royal london one-day cup",
    "metro bank one day cup",
    "one-day cup",
    "clydesdale bank 40",
    "yorkshire bank 40",
    "county championship",
    "bob willis trophy",
    "the hundred",
)
DISMISSED_BY_BOWLER = frozenset(
    {"bowled", "caught", "caught and bowled", "lbw", "stumped", "hit wicket"}
)


def deliveries(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Every (innings index, innings, delivery) of the file, in order."""
    for idx, inn in enumerate(data.get("innings") or []):
        for over in inn.get("overs") or []:
            for d in over.get("deliveries") or []:
                yield idx, inn, d


def event_name(info: dict[str, Any]) -> str:
    event = info.get("event")
    name = event.get("name") if isinstance(event, dict) else event
    return str(name or "")


def english_domestic(info: dict[str, Any]) -> bool:
    name = event_name(info).casefold()
    if info.get("team_type") == "international":
        return False
    if name == "one-day cup" or name.startswith("one-day cup"):
        return True
    return any(key in name for key in ENGLISH_DOMESTIC if key != "one-day cup")


def is_hundred(info: dict[str, Any]) -> bool:
    return int(info.get("balls_per_over") or 6) == 5 and "hundred" in event_name(info).casefold()


def _no_ball_value(data: dict[str, Any], english: bool) -> int:
    """1 or 2: a no-ball worth exactly 1 anywhere means 1; English domestic cricket is 2; else
    2 only if no-balls worth exactly 2 recur with none worth 1."""
    values = [
        (d.get("extras") or {}).get("noballs")
        for _i, _inn, d in deliveries(data)
        if (d.get("extras") or {}).get("noballs")
    ]
    if 1 in values:
        return 1
    if english:
        return 2
    return 2 if values.count(2) >= 2 else 1


def _free_hit_dismissals(data: dict[str, Any]) -> bool:
    """Whether some striker was out bowled, caught, lbw, stumped or hit wicket off the first
    legal ball after a no-ball: then not every no-ball gave a free hit."""
    for inn in data.get("innings") or []:
        after_no_ball = False
        for over in inn.get("overs") or []:
            for d in over.get("deliveries") or []:
                extras = d.get("extras") or {}
                legal = not extras.get("wides") and not extras.get("noballs")
                if after_no_ball and legal:
                    for w in d.get("wickets") or []:
                        if w.get("kind") in DISMISSED_BY_BOWLER and w.get("player_out") == d.get(
                            "batter"
                        ):
                            return True
                if extras.get("noballs"):
                    after_no_ball = True
                elif legal:
                    after_no_ball = False
    return False


def _super_over_wickets(data: dict[str, Any]) -> int:
    """2, unless a super over in the file went on after its second wicket (the Big Bash did)."""
    needed = 2
    for inn in data.get("innings") or []:
        if not inn.get("super_over"):
            continue
        wickets, after = 0, False
        for over in inn.get("overs") or []:
            for d in over.get("deliveries") or []:
                if wickets >= 2:
                    after = True
                wickets += sum(
                    1
                    for w in d.get("wickets") or []
                    if w.get("kind") not in ("retired hurt", "retired not out")
                )
        needed = max(needed, wickets + (1 if after else 0))
    return min(needed, 10)


def _follow_on(data: dict[str, Any], days: int) -> bool:
    """Law 14.1.2: whether the follow-on enforced in the file needs the first day to have been
    lost (the lead was short of the match's margin but enough for a day less)."""
    regular = [i for i in data.get("innings") or [] if not i.get("super_over")]
    if len(regular) < 3 or regular[1].get("team") != regular[2].get("team"):
        return False
    lead = innings_runs(regular[0]) - innings_runs(regular[1])
    return law_14_margin(days - 1) <= lead < law_14_margin(days)


def innings_runs(inn: dict[str, Any]) -> int:
    pen = inn.get("penalty_runs") or {}
    return int(
        sum(d["runs"]["total"] for o in inn.get("overs", []) for d in o.get("deliveries", []))
        + int(pen.get("pre", 0))
        + int(pen.get("post", 0))
    )


def _penalties(data: dict[str, Any]) -> list[int]:
    out = [
        int((d.get("extras") or {}).get("penalty") or 0)
        for _i, _inn, d in deliveries(data)
        if (d.get("extras") or {}).get("penalty")
    ]
    for inn in data.get("innings") or []:
        pen = inn.get("penalty_runs") or {}
        out += [int(v) for v in (pen.get("pre"), pen.get("post")) if v]
    return out


def _tie_break(data: dict[str, Any]) -> str:
    info = data["info"]
    out = info.get("outcome") or {}
    if out.get("method") == "Lost fewer wickets":
        return "fewer_wickets"
    supers = [i for i in data.get("innings") or [] if i.get("super_over")]
    if not supers:
        return "none"
    tie_break = "super_overs" if len(supers) > 2 else "super_over"
    if out.get("eliminator") and len(supers) >= 2:
        a, b = (innings_runs(i) for i in supers[-2:])
        if a == b:
            tie_break = "super_over_boundary_count"
    return tie_break


def infer_rules(data: dict[str, Any]) -> Rules:
    """The playing conditions of a Cricsheet match (``data`` as parsed JSON)."""
    info = data["info"]
    match_type = str(info.get("match_type", ""))
    multi = match_type in ("Test", "MDM")
    date = str((info.get("dates") or [""])[0])
    english = english_domestic(info)
    hundred = is_hundred(info)
    overs = None if multi else info.get("overs")
    overs = overs if isinstance(overs, int) else None
    no_ball = _no_ball_value(data, english)
    no_ball_excess = any(
        int((d.get("extras") or {}).get("noballs") or 0) > no_ball
        for _i, _inn, d in deliveries(data)
    )
    if multi or date < FREE_HIT_FROM:
        free_hit, front_foot = False, False
    else:
        free_hit = True
        front_foot = english or date < FREE_HIT_EVERY_FROM or _free_hit_dismissals(data)
    days: int | None = None
    first_day_lost = False
    if multi:
        default = 5 if match_type == "Test" and info.get("gender") != "female" else 4
        days = max(default, len(info.get("dates") or []))
        first_day_lost = _follow_on(data, days)
    penalties = _penalties(data)
    over_rate = 6 if any(p % 5 for p in penalties) else None
    impact = any(
        "impact" in str(r.get("reason", ""))
        for _i, _inn, d in deliveries(data)
        for r in (d.get("replacements") or {}).get("match", [])
    )
    if hundred:
        quota: dict[str, Any] = dict(
            max_overs_per_bowler=None,
            max_balls_per_bowler=20,
            max_consecutive_overs=2,
            change_ends_every=2,
        )
    else:
        quota = dict(max_overs_per_bowler=None if multi or overs is None else math.ceil(overs / 5))
    return Rules(
        overs=overs,
        balls_per_over=int(info.get("balls_per_over", 6)),
        innings_per_side=2 if multi else 1,
        no_ball_runs=no_ball,
        no_ball_byes_are_no_balls=no_ball_excess,
        free_hit=free_hit,
        free_hit_front_foot_only=front_foot,
        follow_on=None,
        match_days=days,
        first_day_lost=first_day_lost,
        tie_break=_tie_break(data),
        super_over_wickets=_super_over_wickets(data),
        new_batter_on_strike_after_catch=hundred or date >= CATCH_LAW_FROM,
        impact_player=impact,
        over_rate_penalty=over_rate,
        law_17_8=True,
        **quota,
    )
