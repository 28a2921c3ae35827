"""What may follow a completed innings, and the result of a finished match."""

from __future__ import annotations

from dataclasses import dataclass

from cricket.events import ResultKind
from cricket.state import Innings, MatchState

SUPER_OVER_BREAKS = ("super_over", "super_overs", "super_over_boundary_count")
FEWER_WICKETS = "Lost fewer wickets"  # Cricsheet's name for the method


@dataclass(frozen=True)
class NextInnings:
    """One legal choice for the next innings."""

    batting: str
    super_over: bool = False
    follow_on: bool = False


@dataclass(frozen=True)
class Outcome:
    """A match result; ``text`` is the scorebook line, e.g. "England won by 5 wickets"."""

    outcome: ResultKind
    text: str
    winner: str | None = None
    method: str | None = None
    by: tuple[tuple[str, int], ...] = ()


def _tied_regular(state: MatchState) -> bool:
    base = regular_outcome(state)
    return base is not None and base.outcome == "tie"


def next_innings(state: MatchState) -> list[NextInnings]:
    """The innings that may start now; empty when the match is over."""
    if state.finished or state.abandoned or state.override is not None or state.live:
        return []
    setup = state.setup
    rules = setup.rules
    regular = state.regular()
    n = len(regular)
    per_side = rules.innings_per_side
    if n == 0:
        if setup.toss_winner and setup.toss_decision:
            first = (
                setup.toss_winner
                if setup.toss_decision == "bat"
                else setup.other(setup.toss_winner)
            )
            return [NextInnings(first)]
        return [NextInnings(setup.home.name), NextInnings(setup.away.name)]
    first, second = regular[0].batting, regular[0].bowling
    if n < per_side * 2:
        if per_side == 1:
            return [NextInnings(second)]
        if n == 1:
            return [NextInnings(second)]
        if n == 2:
            options = [NextInnings(first)]
            lead = state.team_total(first) - state.team_total(second)
            margin = rules.follow_on_margin
            if margin is not None and lead >= margin:
                options.append(NextInnings(second, follow_on=True))
            return options
        # n == 3: no fourth innings after an innings defeat.
        third = regular[2]
        batted_twice = third.batting
        other = setup.other(batted_twice)
        if state.team_total(batted_twice) < state.team_total(other) and third.close_reason in (
            "all out",
            "declared",
            "forfeited",
        ):
            return []
        if third.close_reason in ("ended", "abandoned"):
            return []
        return [NextInnings(other)]
    # All regular innings done: tie-breaks.
    if rules.tie_break not in SUPER_OVER_BREAKS or not _tied_regular(state):
        return []
    supers = state.super_overs()
    if len(supers) % 2 == 1:
        return [NextInnings(supers[-1].bowling, super_over=True)]
    if supers:
        a, b = supers[-2], supers[-1]
        if a.runs != b.runs or rules.tie_break != "super_overs":
            return []
        return [NextInnings(b.batting, super_over=True)]
    return [NextInnings(regular[-1].batting, super_over=True)]


def _by_wickets(inn: Innings) -> int:
    return inn.max_wickets - inn.wickets


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _method(text: str, method: str | None) -> str:
    return f"{text} ({method})" if method else text


def regular_outcome(state: MatchState) -> Outcome | None:
    """Result of the regular innings (ignoring super overs), or None if not decided by them."""
    regular = state.regular()
    per_side = state.setup.rules.innings_per_side
    if not regular:
        return None
    last = regular[-1]
    if not last.closed:
        return None
    if per_side == 2 and len(regular) == 3 and not next_innings_possible(state):
        third = regular[2]
        team = third.batting
        other = state.setup.other(team)
        diff = state.team_total(other) - state.team_total(team)
        if diff > 0 and third.close_reason in ("all out", "declared", "forfeited"):
            return Outcome(
                "win",
                f"{other} won by an innings and {_plural(diff, 'run')}",
                other,
                None,
                (("innings", 1), ("runs", diff)),
            )
    if len(regular) < per_side * 2:
        return None
    chaser = last.batting
    other = last.bowling
    target = state.target(last)
    assert target is not None
    scored = state.team_total(chaser) if per_side == 2 else last.runs
    need = target - 1 if per_side == 1 else target - 1 + state.team_total(chaser, upto=last.number)
    par = _par_at_stoppage(last) if per_side == 1 else None
    if par is not None:
        need = par
    method = (last.method or None) if last.revised else None
    if last.close_reason == "target":
        return Outcome(
            "win",
            _method(f"{chaser} won by {_plural(_by_wickets(last), 'wicket')}", method),
            chaser,
            method,
            (("wickets", _by_wickets(last)),),
        )
    complete = last.close_reason in ("all out", "overs")
    if not complete:
        if per_side == 2:
            return Outcome("draw", "match drawn")
        return Outcome("no result", "no result")
    if scored > need:
        # Only penalty runs after the innings can put the chaser ahead without reaching the target.
        return _won_by_runs(chaser, scored - need, method)
    if scored == need:
        return Outcome("tie", _method("match tied", method), None, method)
    return _won_by_runs(other, need - scored, method)


def _par_at_stoppage(inn: Innings) -> int | None:
    """The par table's score when play was called off before the revised overs it came with
    were bowled (DLS: the side ahead of par wins); None when there is no such par."""
    if inn.close_reason != "overs" or inn.legal_balls >= inn.par_limit:
        return None
    found = inn.par_now()
    return found[1] if found is not None else None


def _won_by_runs(team: str, margin: int, method: str | None) -> Outcome:
    text = _method(f"{team} won by {_plural(margin, 'run')}", method)
    return Outcome("win", text, team, method, (("runs", margin),))


def next_innings_possible(state: MatchState) -> bool:
    """Whether a fourth innings is (still) due after three."""
    regular = state.regular()
    third = regular[2]
    team = third.batting
    other = state.setup.other(team)
    if state.team_total(team) < state.team_total(other) and third.close_reason in (
        "all out",
        "declared",
        "forfeited",
    ):
        return False
    return third.close_reason not in ("ended", "abandoned")


def _boundary_count(state: MatchState) -> str:
    counts = {t.name: 0 for t in state.setup.teams}
    for inn in state.innings:
        counts[inn.batting] += inn.boundaries
    a, b = state.setup.home.name, state.setup.away.name
    if counts[a] == counts[b]:
        return ""
    win, lose = (a, b) if counts[a] > counts[b] else (b, a)
    return f"{win} won on boundary count ({counts[win]} v {counts[lose]})"


def outcome(state: MatchState) -> Outcome | None:
    """The match result, or None while the match is in progress."""
    if state.override is not None:
        o = state.override
        return Outcome(o.outcome, o.text, o.winner, o.method)
    if not state.finished:
        return None
    multi = state.setup.rules.innings_per_side == 2
    base = regular_outcome(state)
    if base is None:
        return Outcome("draw", "match drawn") if multi else Outcome("no result", "no result")
    if base.outcome != "tie":
        return base
    if state.bowl_out is not None:
        win = state.bowl_out[0]
        return Outcome("tie", f"match tied; {win} won the bowl-out", win, "bowl-out")
    rules = state.setup.rules
    supers = state.super_overs()
    complete_pairs = [supers[i : i + 2] for i in range(0, len(supers) - 1, 2)]
    if complete_pairs and all(i.closed for i in complete_pairs[-1]):
        a, b = complete_pairs[-1]
        if a.runs != b.runs:
            win = a.batting if a.runs > b.runs else b.batting
            how = (
                "the super over"
                if len(complete_pairs) == 1
                else f"after {len(complete_pairs)} super overs"
            )
            return Outcome("tie", f"match tied; {win} won {how}", win)
        if rules.tie_break == "super_over_boundary_count":
            bc = _boundary_count(state)
            if bc:
                win = bc.split(" won on ")[0]
                return Outcome("tie", f"match tied; super over tied; {bc}", win)
        return Outcome("tie", "match tied; super over tied")
    if rules.tie_break == "boundary_count":
        bc = _boundary_count(state)
        if bc:
            return Outcome("tie", f"match tied; {bc}", bc.split(" won on ")[0])
    if rules.tie_break == "fewer_wickets" and len(state.regular()) == 2:
        one, two = state.regular()
        if one.wickets != two.wickets:
            side = one.batting if one.wickets < two.wickets else two.batting
            return Outcome("win", f"{side} won (lost fewer wickets)", side, FEWER_WICKETS)
    return Outcome("tie", base.text, None, base.method)
