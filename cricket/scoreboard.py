"""JSON-safe views of a match for the fan page, the scorer console and match lists.

Per-innings card dicts are cached by innings version, so a snapshot after each ball only
rebuilds the innings in progress. Treat returned dicts as read-only.
"""

from __future__ import annotations

from typing import Any, Literal

from cricket.apply import side_bowler_refusal
from cricket.commentary import ball_kind
from cricket.errors import OVERRIDABLE
from cricket.match import Match
from cricket.result import next_innings, outcome
from cricket.state import Innings, MatchState, overs_text

NO_REFUSAL: tuple[None, None] = (None, None)


def _balls(labels: list[str]) -> list[dict[str, str]]:
    return [{"label": label, "kind": ball_kind(label)} for label in labels]


def _rate(runs: int, balls: int, bpo: int) -> float | None:
    return round(runs * bpo / balls, 2) if balls else None


def _innings_dict(state: MatchState, inn: Innings) -> dict[str, Any]:
    bpo = state.setup.rules.balls_per_over
    batting = []
    for c in inn.batters.values():
        batting.append(
            {
                "name": c.name,
                "runs": c.runs,
                "balls": c.balls,
                "fours": c.fours,
                "sixes": c.sixes,
                "dots": c.dots,
                "strike_rate": round(100 * c.runs / c.balls, 2) if c.balls else None,
                "status": c.status,
                "dismissal": c.dismissal
                or ("not out" if c.status in ("batting", "not out") else c.status),
                "on_strike": c.name == inn.striker,
            }
        )
    bowling = []
    for b in inn.bowlers.values():
        if (
            not b.balls
            and not b.runs
            and not b.wides
            and not b.noballs
            and b.name == inn.bowler
            and not inn.over_deliveries
        ):
            continue  # named for the next over but yet to bowl
        bowling.append(
            {
                "name": b.name,
                "overs": overs_text(b.balls // bpo, b.balls % bpo),
                "balls": b.balls,
                "maidens": b.maidens,
                "runs": b.runs,
                "wickets": b.wickets,
                "economy": _rate(b.runs, b.balls, bpo),
                "wides": b.wides,
                "noballs": b.noballs,
                "dots": b.dots,
            }
        )
    return {
        "number": inn.number,
        "batting_team": inn.batting,
        "bowling_team": inn.bowling,
        "runs": inn.runs,
        "wickets": inn.wickets,
        "overs": inn.overs_display,
        "legal_balls": inn.legal_balls,
        "overs_limit": inn.overs_limit,
        "overs_limit_text": inn.overs_limit_display,
        "extras": dict(inn.extras, total=sum(inn.extras.values())),
        "batting": batting,
        "yet_to_bat": [p for p in state.active[inn.batting] if p not in inn.batters],
        "bowling": bowling,
        "fall_of_wickets": [dict(f) for f in inn.fow],
        # Completed overs as [runs, wickets, bowler]: the worm, Manhattan and run-rate charts
        # (the over in progress is the innings' runs less their sum).
        "over_log": [list(o) for o in inn.over_log],
        "partnerships": [
            {
                "wicket": p.wicket,
                "batters": list(p.batters),
                "runs": p.runs,
                "balls": p.balls,
                "contributions": dict(p.contributions),
                "unbroken": p.open,
            }
            for p in inn.partnerships
        ],
        "declared": inn.declared,
        "forfeited": inn.forfeited,
        "super_over": inn.super_over,
        "follow_on": inn.follow_on,
        "closed": inn.closed,
        "close_reason": inn.close_reason or None,
        "target": state.target(inn),
        "revised": inn.revised_target is not None,
        "score": score_text(inn),
        "notes": [dict(n) for n in inn.notes],
    }


def score_text(inn: Innings) -> str:
    """E.g. "England 435/8d (87.1)"; super overs get a trailing " [super over]"."""
    text = (
        f"{inn.batting} {inn.runs}/{inn.wickets}{'d' if inn.declared else ''} ({inn.overs_display})"
    )
    return text + (" [super over]" if inn.super_over else "")


Awaiting = Literal["match_over", "innings_start", "new_batter", "new_bowler", "delivery"]
"""What the scorer must enter next (the console offers the matching pad)."""


def awaiting(state: MatchState) -> Awaiting:
    """What the scorer must enter next."""
    if state.finished or state.override is not None:
        return "match_over"
    inn = state.live
    if inn is None:
        return "innings_start"
    if inn.vacancy:
        return "new_batter"
    if inn.bowler is None:
        return "new_bowler"
    return "delivery"


def _equation(state: MatchState, inn: Innings) -> tuple[str | None, float | None]:
    target = state.target(inn)
    if target is None or inn.closed:
        return None, None
    need = target - inn.runs
    bpo = state.setup.rules.balls_per_over
    if inn.overs_limit is None:
        return f"{inn.batting} need {need} run{'s' * (need != 1)} to win", None
    left = (inn.overs_limit - inn.overs) * bpo + inn.overs_limit_balls - inn.balls
    rrr = round(need * bpo / left, 2) if left > 0 else None
    return (
        f"{inn.batting} need {need} run{'s' * (need != 1)} from {left} ball{'s' * (left != 1)}",
        rrr,
    )


def _projection(state: MatchState, inn: Innings) -> list[list[float | int]] | None:
    """First innings of a limited-overs match: [rate, projected total] at the current run rate
    and at one and two runs an over more (Cricinfo's "projected score")."""
    if inn.number != 1 or inn.overs_limit is None or inn.super_over or inn.closed:
        return None
    bpo = state.setup.rules.balls_per_over
    left = (inn.overs_limit - inn.overs) * bpo + inn.overs_limit_balls - inn.balls
    if not inn.legal_balls or left <= 0:
        return None
    rate = inn.runs * bpo / inn.legal_balls
    return [[round(r, 2), inn.runs + round(r * left / bpo)] for r in (rate, rate + 1, rate + 2)]


def _chase(state: MatchState, inn: Innings) -> dict[str, int | None] | None:
    """In a chase: runs still needed and, in a limited innings, legal balls left."""
    target = state.target(inn)
    if target is None or inn.closed:
        return None
    left = None
    if inn.overs_limit is not None:
        bpo = state.setup.rules.balls_per_over
        left = (inn.overs_limit - inn.overs) * bpo + inn.overs_limit_balls - inn.balls
    return {"runs": max(0, target - inn.runs), "balls": left}


def _par(inn: Innings) -> dict[str, Any] | None:
    """In a chase with a par table: the par score for the balls bowled and wickets lost, and
    how far the chasing side is ahead of it (negative: behind)."""
    found = inn.par_now() if not inn.closed else None
    if found is None:
        return None
    balls, score = found
    ahead = inn.runs - score
    if ahead > 0:
        standing = f"{ahead} ahead"
    elif ahead < 0:
        standing = f"{-ahead} behind"
    else:
        standing = "level with par"
    label = f"Par ({inn.method})" if inn.method else "Par"
    return {
        "score": score,
        "balls": balls,
        "wickets": inn.wickets,
        "ahead_by": ahead,
        "method": inn.method or None,
        "text": f"{label} {score}: {inn.batting} {standing}",
    }


def _lead(state: MatchState, inn: Innings) -> str | None:
    if state.setup.rules.innings_per_side < 2 or inn.super_over:
        return None
    mine = state.team_total(inn.batting)
    theirs = state.team_total(inn.bowling)
    if not [i for i in state.regular() if i.batting == inn.bowling]:
        return None
    if mine == theirs:
        return "scores level"
    if mine > theirs:
        return f"{inn.batting} lead by {mine - theirs} run{'s' * (mine - theirs != 1)}"
    return f"{inn.batting} trail by {theirs - mine} run{'s' * (theirs - mine != 1)}"


_CacheKey = tuple[int, int | None, tuple[str, ...]]


def _cache(match: Match) -> dict[int, tuple[_CacheKey, dict[str, Any]]]:
    cache: dict[int, tuple[_CacheKey, dict[str, Any]]] | None = getattr(
        match, "_snapshot_cache", None
    )
    if cache is None or getattr(match, "_snapshot_state", None) is not match.state:
        cache = {}
        match._snapshot_cache = cache  # type: ignore[attr-defined]
        match._snapshot_state = match.state  # type: ignore[attr-defined]
    return cache


def snapshot(match: Match) -> dict[str, Any]:
    """Everything the fan page and scorer console show, as a JSON-safe dict."""
    state = match.state
    cache = _cache(match)
    innings = []
    for inn in state.innings:
        # Only the target and the batting side's players (yet_to_bat: a substitute may join
        # after the innings) depend on anything outside the innings itself.
        key = (inn.version, state.target(inn), tuple(state.active[inn.batting]))
        hit = cache.get(inn.number)
        if hit is None or hit[0] != key:
            hit = (key, _innings_dict(state, inn))
            cache[inn.number] = hit
        innings.append(hit[1])
    res = outcome(state)
    last = state.innings[-1] if state.innings else None
    live = state.live
    bpo = state.setup.rules.balls_per_over
    current: dict[str, Any] = {
        "innings": last.number if last else None,
        "striker": live.striker if live else None,
        "non_striker": live.non_striker if live else None,
        "bowler": live.bowler if live else None,
        "this_over": _balls(live.this_over) if live else [],
        "last_over": _balls(live.last_over) if live else [],
        "partnership": None,
        "run_rate": _rate(last.runs, last.legal_balls, bpo) if last else None,
        "required_rate": None,
        "target": state.target(last) if last else None,
        "equation": None,
        "lead": _lead(state, last) if last else None,
        "free_hit": bool(live and live.free_hit),
        "projected": _projection(state, live) if live else None,
        "needed": _chase(state, live) if live else None,
        "par": _par(live) if live else None,
    }
    if live is not None:
        p = live.partnership()
        if p is not None:
            current["partnership"] = {"runs": p.runs, "balls": p.balls, "batters": list(p.batters)}
        current["equation"], current["required_rate"] = _equation(state, live)
    wait = awaiting(state)
    eligible: list[dict[str, Any]] = []
    if live is not None:
        mid_over = live.over_deliveries > 0
        for player in state.active[live.bowling]:
            code, reason = side_bowler_refusal(state, live, player, mid_over=mid_over) or NO_REFUSAL
            eligible.append(
                {
                    "name": player,
                    "eligible": code is None,
                    "reason": reason,
                    "code": code,
                    "overridable": code in OVERRIDABLE,
                }
            )
    options = [
        {"batting": o.batting, "super_over": o.super_over, "follow_on": o.follow_on}
        for o in next_innings(state)
    ]
    follow_on_available = any(o["follow_on"] for o in options)
    if res is not None:
        status = res.text
    elif wait == "innings_start":
        status = "innings break" if state.innings else "match not started"
    else:
        status = (
            current["equation"]
            or current["lead"]
            or (f"{last.batting} {last.runs}/{last.wickets}" if last else "")
        )
    return {
        "teams": [t.name for t in state.setup.teams],
        "innings": innings,
        "current": current,
        "awaiting": wait,
        "bowlers": eligible,
        "batters_available": state.available(live) if live is not None and live.vacancy else [],
        "next_innings": options,
        "follow_on_available": follow_on_available,
        "status": status,
        "result": res.text if res else None,
        "winner": res.winner if res else None,
        "notes": state.notes(),
        "events": match.event_count,
    }


def summary(match: Match) -> str:
    """One line for a match list, e.g. "Eng 241/10 (50) · NZ 241/8 (50) · match tied"."""
    state = match.state
    parts = []
    for inn in state.innings:
        short = state.setup.team(inn.batting).short
        text = (
            f"{short} {inn.runs}/{inn.wickets}{'d' if inn.declared else ''} ({inn.overs_display})"
        )
        parts.append(text + (" [SO]" if inn.super_over else ""))
    res = outcome(state)
    if res is not None:
        parts.append(res.text)
    elif not parts:
        parts.append("not started")
    else:
        live = state.live
        if live is not None:
            eq, _ = _equation(state, live)
            if eq:
                parts.append(eq)
    return " · ".join(parts)
