"""The Laws as code: check an event against the state, then mutate the state.

Every handler does all of its checks before its first mutation, so an IllegalEvent leaves the
state untouched.
"""

from __future__ import annotations

from typing import Any

from cricket import events as ev
from cricket.conditions import MAX_BALLS_PER_OVER, Rules
from cricket.errors import OVERRIDABLE, IllegalEvent
from cricket.result import next_innings, outcome
from cricket.state import (
    BatterCard,
    BowlerCard,
    CloseReason,
    Innings,
    MatchState,
    Official,
    Partnership,
)
from cricket.values import is_whole_number

NON_STRIKER_OUTS = frozenset({"run out", "obstructing the field", "handled the ball"})
NO_BALL_OUTS = frozenset(
    {"run out", "obstructing the field", "hit the ball twice", "handled the ball"}
)
WIDE_OUTS = frozenset(
    {"stumped", "run out", "hit wicket", "obstructing the field", "handled the ball"}
)

# Bounds on counts (issue 15). The Laws set no maximum, so these are far above anything a real
# ball gives (8 off the bat is about the most: four run and four overthrows) yet keep every
# total well inside what JavaScript's numbers hold exactly.
MAX_RUNS_PER_BALL = 24  # off the bat, byes, leg-byes, or run off a wide or no-ball
MAX_PENALTY = 100  # penalty runs on one ball or in one award
MAX_MARGIN = 10_000  # a target or a winning margin in runs
MAX_BOWL_OUT_HITS = 100
OVERRIDE_HINT = "; record it anyway with an override if the umpires allowed it"


def _count(value: object, what: str, high: int | None = None) -> int:
    if not is_whole_number(value):
        raise IllegalEvent(f"{what} must be a whole number")
    if value < 0:
        raise IllegalEvent(f"{what} cannot be negative")
    if high is not None and value > high:
        raise IllegalEvent(f"{what} cannot be more than {high}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise IllegalEvent(f"{what} must be text")
    return value


def _where(inn: Innings) -> str:
    return f"innings {inn.number}, over {inn.overs}.{inn.balls + 1}"


def _live(state: MatchState, what: str, override: object = None) -> Innings:
    """The innings an event belongs to. For an event that can carry an override (``override``
    not None) that may be the last innings when it has just ended on its overs or target: the
    refusal is overridable and, given the override, the caller reopens the innings with
    ``_reopen`` once its own checks pass (the umpires let play go on)."""
    if state.override is not None:
        raise IllegalEvent(f"the match is over; cannot record {what}")
    inn = state.live
    if inn is not None:
        return inn
    last = state.innings[-1] if state.innings else None
    if (
        override is not None
        and last is not None
        and last.close_reason in ("target", "overs")
        and not state.abandoned
        and state.bowl_out is None
    ):
        if _text(override, "override"):
            return last
        why = "the target was reached" if last.close_reason == "target" else "its overs are up"
        then = "the match is over" if state.finished else "start the next innings"
        raise IllegalEvent(
            f"the innings has ended ({why}); {then} before {what}{OVERRIDE_HINT}",
            code="innings_over",
        )
    if state.finished:
        raise IllegalEvent(f"the match is over; cannot record {what}")
    if state.innings:
        raise IllegalEvent(f"the innings has ended; start the next innings before {what}")
    raise IllegalEvent(f"no innings in progress; start an innings before {what}")


def _note(state: MatchState, inn: Innings, code: str, text: str, reason: str) -> None:
    """Record on the scorecard what was allowed against the conditions."""
    inn.notes.append(
        {
            "seq": state.applied + 1,
            "innings": inn.number,
            "over": inn.overs + 1,  # the over in progress or about to start, counting from 1
            "code": code,
            "text": text,
            "reason": reason,
        }
    )


def _reopen(state: MatchState, inn: Innings, what: str, reason: str) -> None:
    """Play went on after the innings should have ended: open it again for this event."""
    if not inn.closed:
        return
    why = "the target had been reached" if inn.close_reason == "target" else "its overs were up"
    inn.closed = False
    inn.close_reason = ""
    state.finished = False
    for name in (inn.striker, inn.non_striker):
        if name is not None:
            inn.batters[name].status = "batting"
    last = inn.partnerships[-1] if inn.partnerships else None
    if last is not None and not inn.vacancy and set(last.batters) == {inn.striker, inn.non_striker}:
        last.open = True
    _note(state, inn, "innings_over", f"{what} after the innings should have ended ({why})", reason)


def _touch(state: MatchState, inn: Innings | None = None) -> None:
    state.version += 1
    if inn is not None:
        inn.version += 1


def apply_event(state: MatchState, event: object) -> None:
    """Apply one event to ``state`` or raise IllegalEvent leaving it unchanged."""
    handler: Any = _HANDLERS.get(type(event))
    if handler is None:
        raise IllegalEvent(f"not a scorer event: {type(event).__name__}")
    handler(state, event)
    state.applied += 1


# --- innings flow ---------------------------------------------------------------------------


def _start_innings(state: MatchState, e: ev.StartInnings) -> None:
    if state.finished or state.override is not None:
        raise IllegalEvent("the match is over; no more innings")
    if state.live is not None:
        raise IllegalEvent(f"innings {state.live.number} is still in progress")
    options = next_innings(state)
    if e.batting is not None:
        state.setup.team(e.batting)
    chosen = [
        o
        for o in options
        if (e.batting is None or o.batting == e.batting)
        and o.super_over == e.super_over
        and o.follow_on == e.follow_on
    ]
    if not chosen:
        if e.super_over:
            raise IllegalEvent("a super over is not due now")
        if e.follow_on:
            raise IllegalEvent("the follow-on cannot be enforced now")
        wanted = ", ".join(o.batting + (" (super over)" if o.super_over else "") for o in options)
        who = f"{e.batting} cannot bat now" if e.batting else "that innings is not due"
        raise IllegalEvent(f"{who}; the next innings is {wanted or 'none'}")
    choice = chosen[0]
    rules = state.setup.rules
    batting = choice.batting
    bowling = state.setup.other(batting)
    revision = state.pending_revision
    if e.super_over:
        max_w = rules.super_over_wickets
        limit: int | None = rules.super_over_overs
    else:
        max_w = len(state.setup.team(batting).players) - 1
        limit = rules.overs
    inn = Innings(
        number=len(state.innings) + 1,
        batting=batting,
        bowling=bowling,
        super_over=e.super_over,
        follow_on=e.follow_on,
        max_wickets=max_w,
        overs_limit=limit,
        over_len=rules.balls_per_over,
    )
    if revision is not None and not e.super_over:
        runs, overs, balls, method, par = revision
        if overs is not None:
            inn.overs_limit, inn.overs_limit_balls = overs, balls
        if runs is not None:
            inn.revised_target = runs
        if par is not None:
            inn.par_table, inn.par_limit = par, _limit_balls(inn)
        inn.revised = True
        inn.method = method
        state.pending_revision = None
    # Absence (Law 25.6) is recorded for one innings: the player may bat in a later one.
    state.absent[batting] = set()
    pending = state.pending_penalty.pop(batting, 0) if not e.super_over else 0
    if pending:
        inn.runs += pending
        inn.extras["penalty"] += pending
        inn.penalty_pre += pending
    state.innings.append(inn)
    _touch(state, inn)


def _close(state: MatchState, inn: Innings, reason: CloseReason) -> None:
    """Close an innings; the match ends when no further innings is possible."""
    inn.closed = True
    inn.close_reason = reason
    for name in (inn.striker, inn.non_striker):
        if name is not None:
            inn.batters[name].status = "not out"
    p = inn.partnership()
    if p is not None:
        p.open = False
    inn.version += 1
    if reason != "abandoned" and not next_innings(state):
        state.finished = True


def _check_innings_over(state: MatchState, inn: Innings) -> None:
    target = state.target(inn)
    if target is not None and inn.runs >= target:
        _close(state, inn, "target")
    elif inn.wickets >= inn.max_wickets or (inn.vacancy and not state.available(inn)):
        _close(state, inn, "all out")
    elif inn.limit_reached:
        _close(state, inn, "overs")


def _declaration(state: MatchState, e: ev.Declaration) -> None:
    inn = _live(state, "a declaration")
    if state.setup.rules.overs is not None or inn.super_over:
        raise IllegalEvent("declarations are not allowed in limited-overs cricket")
    inn.declared = True
    _close(state, inn, "declared")
    _touch(state, inn)


def _forfeit(state: MatchState, e: ev.Forfeit) -> None:
    if state.live is not None:
        raise IllegalEvent("an innings in progress cannot be forfeited; declare instead")
    options = [o for o in next_innings(state) if not o.super_over]
    if not options or state.finished:
        raise IllegalEvent("no innings is due to be forfeited")
    _start_innings(state, ev.StartInnings(options[0].batting))
    inn = state.innings[-1]
    inn.forfeited = True
    inn.declared = True
    _close(state, inn, "forfeited")
    _touch(state, inn)


def _end_innings(state: MatchState, e: ev.EndInnings) -> None:
    inn = _live(state, "the end of an innings")
    _close(state, inn, "all out" if not state.available(inn) and inn.vacancy else "ended")
    _touch(state, inn)


def _abandon(state: MatchState, e: ev.Abandon) -> None:
    if state.finished or state.override is not None:
        raise IllegalEvent("the match is already over")
    inn = state.live
    if inn is not None:
        _close(state, inn, "abandoned")
    state.abandoned = True
    state.abandon_reason = e.reason
    state.finished = True
    _touch(state, inn)


def _bowl_out(state: MatchState, e: ev.BowlOut) -> None:
    if not isinstance(e.winner, str):
        raise IllegalEvent("a bowl-out needs a winner")
    state.setup.team(e.winner)
    for hits in (e.winner_hits, e.loser_hits):
        if hits is not None:
            _count(hits, "bowl-out hits", MAX_BOWL_OUT_HITS)
    if e.winner_hits is not None and e.loser_hits is not None and not e.winner_hits > e.loser_hits:
        raise IllegalEvent("the winner of a bowl-out hits the stumps more often")
    if state.override is not None or state.abandoned or state.bowl_out is not None:
        raise IllegalEvent("a bowl-out can only follow a tie")
    res = outcome(state)
    if res is None:
        raise IllegalEvent("the match is not over; a bowl-out decides a tie after the last innings")
    if res.outcome != "tie" or res.winner is not None:
        raise IllegalEvent(f"a bowl-out can only decide a tie, not: {res.text}")
    state.bowl_out = (e.winner, e.winner_hits, e.loser_hits)
    _touch(state)


def _result(state: MatchState, e: ev.Result) -> None:
    if e.outcome not in ("win", "tie", "draw", "no result"):
        raise IllegalEvent("result outcome must be win, tie, draw or no result")
    if e.outcome == "win":
        if e.winner is None:
            raise IllegalEvent("a win needs a winner")
        state.setup.team(e.winner)
    elif e.winner is not None:
        raise IllegalEvent(f"a {e.outcome} has no winner")
    if e.runs is not None:
        _count(e.runs, "winning margin in runs", MAX_MARGIN)
    if e.wickets is not None:
        _count(e.wickets, "winning margin in wickets", 10)
    for name in ("method", "text"):
        if getattr(e, name) is not None:
            _text(getattr(e, name), name)
    if e.runs is not None and e.wickets is not None:
        raise IllegalEvent("a side wins by runs or by wickets, not both")
    text = e.text
    if not text:
        if e.outcome == "win":
            if e.innings and e.runs is not None:
                text = f"{e.winner} won by an innings and {e.runs} run{'s' * (e.runs != 1)}"
            elif e.runs is not None:
                text = f"{e.winner} won by {e.runs} run{'s' * (e.runs != 1)}"
            elif e.wickets is not None:
                text = f"{e.winner} won by {e.wickets} wicket{'s' * (e.wickets != 1)}"
            else:
                text = f"{e.winner} won"
            if e.method:
                text += f" ({e.method})"
        else:
            text = {"tie": "match tied", "draw": "match drawn", "no result": "no result"}[e.outcome]
    inn = state.live
    if inn is not None:
        _close(state, inn, "ended")
    state.override = Official(e.outcome, text, e.winner, e.method)
    state.finished = True
    _touch(state, inn)


def _limit_balls(inn: Innings) -> int:
    """A limited innings' length in legal balls."""
    assert inn.overs_limit is not None
    return inn.overs_limit * inn.over_len + inn.overs_limit_balls


def _revision_par(
    e: ev.RevisedTarget, balls: int, bpo: int, *, unrevised: int
) -> tuple[ev.ParRow, ...] | None:
    """A revision's par table, checked against the innings it revises: `e.overs` and `balls`
    long when the overs are revised, else `unrevised` legal balls."""
    if e.par is None or e.runs is None:
        return None
    limit = e.overs * bpo + balls if e.overs is not None else unrevised
    return _par_table(e.par, target=e.runs, limit=limit)


def _par_table(par: object, *, target: int, limit: int) -> tuple[ev.ParRow, ...]:
    """A revision's par table checked (``limit``: the revised innings in legal balls) and made
    immutable; IllegalEvent names the first bad row."""
    shape = f"[balls, [par for 0 to {ev.PAR_WICKETS - 1} wickets lost]]"
    if not isinstance(par, (list, tuple)) or not par:
        raise IllegalEvent(f"a par table is a list of rows {shape}")
    rows: list[ev.ParRow] = []
    for n, row in enumerate(par, 1):
        where = f"par table row {n}"
        if not isinstance(row, (list, tuple)) or len(row) != 2:
            raise IllegalEvent(f"{where} must be {shape}")
        balls = _count(row[0], f"{where}: balls")
        if rows and balls <= rows[-1][0]:
            before = rows[-1][0]
            raise IllegalEvent(
                f"{where}: balls must be in ascending order ({balls} after {before})"
            )
        if balls > limit:
            raise IllegalEvent(
                f"{where}: ball {balls} is beyond the revised innings ({limit} balls)"
            )
        if not isinstance(row[1], (list, tuple)) or len(row[1]) != ev.PAR_WICKETS:
            raise IllegalEvent(
                f"{where} must give {ev.PAR_WICKETS} par scores, for 0 to 9 wickets lost"
            )
        pars = tuple(_count(p, f"{where}: a par score") for p in row[1])
        if any(p >= target for p in pars):
            raise IllegalEvent(f"{where}: a par score must be below the target of {target}")
        if rows and any(p < was for p, was in zip(pars, rows[-1][1], strict=True)):
            raise IllegalEvent(f"{where}: a par score cannot fall as more balls are bowled")
        rows.append((balls, pars))
    return tuple(rows)


def _revised_target(state: MatchState, e: ev.RevisedTarget) -> None:
    rules = state.setup.rules
    if state.finished or state.override is not None:
        raise IllegalEvent("the match is over")
    if rules.overs is None:
        raise IllegalEvent("revised targets apply to limited-overs matches only")
    if e.runs is None and e.overs is None:
        raise IllegalEvent("a revision needs overs, a target, or both")
    if e.runs is not None and (_count(e.runs, "revised target", MAX_MARGIN) < 1):
        raise IllegalEvent("a revised target must be at least 1 run")
    if e.overs is not None and not 0 <= _count(e.overs, "revised overs") <= rules.overs:
        raise IllegalEvent(f"revised overs must be between 1 and {rules.overs}")
    balls = 0
    if e.balls is not None:
        if e.overs is None:
            raise IllegalEvent("a part over needs the whole overs too")
        balls = _count(e.balls, "balls of a part over")
        if balls >= rules.balls_per_over:
            raise IllegalEvent(f"a part over has fewer than {rules.balls_per_over} balls")
    if e.overs is not None and e.overs == 0 and balls == 0:
        raise IllegalEvent(f"revised overs must be between 1 and {rules.overs}")
    method = _text(e.method, "method")
    if e.par is not None and e.runs is None:
        raise IllegalEvent("a par table comes with the revised target it belongs to")
    bpo = rules.balls_per_over
    inn = state.live
    if inn is None:
        if len(state.regular()) >= 2:
            raise IllegalEvent("both innings are over; nothing to revise")
        if e.runs is not None and not state.regular():
            raise IllegalEvent("a target can only be revised for the second innings")
        par = _revision_par(e, balls, bpo, unrevised=rules.overs * bpo)
        state.pending_revision = (e.runs, e.overs, balls, method, par)
        _touch(state)
        return
    if inn.super_over:
        raise IllegalEvent("super overs cannot be revised")
    if e.runs is not None and inn.number != 2:
        raise IllegalEvent("a target can only be revised for the second innings")
    if e.overs is not None and (e.overs, balls) < (inn.overs, inn.balls):
        raise IllegalEvent(f"{inn.overs_display} overs have already been bowled")
    par = _revision_par(e, balls, bpo, unrevised=_limit_balls(inn))
    if e.overs is not None:
        inn.overs_limit, inn.overs_limit_balls = e.overs, balls
    if e.runs is not None:
        # A new target comes with its own par table, or none: the old one was for the old target.
        inn.revised_target = e.runs
        inn.par_table = par
        inn.par_limit = _limit_balls(inn) if par is not None else 0
    inn.revised = True
    inn.method = method
    _touch(state, inn)
    if inn.limit_reached:
        # Play was called off here: the innings is complete and the score is compared with
        # the par score (the target less one), even if the side already has more.
        _close(state, inn, "overs")
    else:
        _check_innings_over(state, inn)


# --- players --------------------------------------------------------------------------------


def _start_partnership(inn: Innings) -> None:
    if inn.striker is not None and inn.non_striker is not None and inn.partnership() is None:
        inn.partnerships.append(
            Partnership(
                wicket=inn.wickets + 1,
                batters=[inn.striker, inn.non_striker],
                contributions={inn.striker: 0, inn.non_striker: 0},
            )
        )


def _new_batter(state: MatchState, e: ev.NewBatter) -> None:
    inn = _live(state, "a new batter", e.override)
    p = e.player
    if not isinstance(p, str):
        raise IllegalEvent("player must be a name")
    if p not in state.active[inn.batting]:
        raise IllegalEvent(f"{p} is not in the {inn.batting} side")
    if p in (inn.striker, inn.non_striker):
        raise IllegalEvent(f"{p} is already batting")
    if not inn.vacancy:
        raise IllegalEvent(f"both batters are in ({inn.striker} and {inn.non_striker})")
    card = inn.batters.get(p)
    if p in state.absent[inn.batting] and not inn.super_over:
        raise IllegalEvent(f"{p} is absent")
    if card is not None and card.status not in ("retired hurt", "retired not out"):
        raise IllegalEvent(f"{p} has already batted ({card.dismissal or card.status})")
    _reopen(state, inn, f"{p} came in", e.override)
    if card is None:
        inn.batters[p] = BatterCard(p)
    else:
        card.status, card.dismissal, card.how_out = "batting", "", ""
    if inn.striker is None:
        inn.striker = p
    else:
        inn.non_striker = p
    _start_partnership(inn)
    _touch(state, inn)


def _vacate(inn: Innings, player: str) -> None:
    if inn.striker == player:
        inn.striker = None
    elif inn.non_striker == player:
        inn.non_striker = None
    p = inn.partnership()
    if p is not None:
        p.open = False


def _retirement(state: MatchState, e: ev.Retirement) -> None:
    inn = _live(state, "a retirement")
    if e.reason not in ev.RETIREMENT_REASONS:
        raise IllegalEvent("retirement reason must be hurt, not out or out")
    if e.player not in (inn.striker, inn.non_striker):
        raise IllegalEvent(f"{e.player} is not batting")
    card = inn.batters[e.player]
    _vacate(inn, e.player)
    if e.reason == "out":
        card.status, card.dismissal = "out", "retired out"
        _fall(inn, e.player)
    else:
        card.status = "retired hurt" if e.reason == "hurt" else "retired not out"
        card.dismissal = card.status
    card.how_out = f"retired {e.reason}"
    _touch(state, inn)
    _check_innings_over(state, inn)


def _fall(inn: Innings, player: str) -> None:
    inn.wickets += 1
    inn.fow.append(
        {
            "wicket": inn.wickets,
            "runs": inn.runs,
            "player": player,
            "overs": inn.overs_display,
            "legal_balls": inn.legal_balls,
        }
    )


def _timed_out(state: MatchState, e: ev.TimedOut) -> None:
    inn = _live(state, "a timed out dismissal")
    if not inn.vacancy:
        raise IllegalEvent("nobody is due in; a batter can only be timed out when coming in")
    if e.player not in state.available(inn) or e.player in inn.batters:
        raise IllegalEvent(f"{e.player} is not a batter yet to come in")
    if inn.wickets >= inn.max_wickets:
        raise IllegalEvent("the innings is already all out")
    inn.batters[e.player] = BatterCard(
        e.player, status="out", dismissal="timed out", how_out="timed out"
    )
    _fall(inn, e.player)
    _touch(state, inn)
    _check_innings_over(state, inn)


def _absent(state: MatchState, e: ev.Absent) -> None:
    inn = _live(state, "an absent batter")
    card = inn.batters.get(e.player)
    # A batter who retired (hurt or not out) and cannot resume is also unable to bat again.
    retired = card is not None and card.status in ("retired hurt", "retired not out")
    if e.player not in state.active[inn.batting] or (card is not None and not retired):
        raise IllegalEvent(f"{e.player} is not a {inn.batting} batter yet to bat")
    if e.player in state.absent[inn.batting]:
        raise IllegalEvent(f"{e.player} is already absent")
    state.absent[inn.batting].add(e.player)
    if card is None:
        inn.batters[e.player] = BatterCard(
            e.player,
            status="absent",
            dismissal=f"absent {e.reason}".strip(),
            how_out=f"absent {e.reason}".strip(),
        )
    _touch(state, inn)
    if inn.vacancy:
        _check_innings_over(state, inn)


def _replacement_kind(reason: str) -> str:
    """Which kind of replacement a free-text reason names: "impact", "concussion" or ""."""
    words = reason.casefold().replace("_", " ")
    if "impact" in words:
        return "impact"
    if "concussion" in words:
        return "concussion"
    return ""


def _substitute(state: MatchState, e: ev.Substitute) -> None:
    if state.finished:
        raise IllegalEvent("the match is over")
    team = state.setup.team(e.team)
    reason = _text(e.reason, "reason")
    active = state.active[e.team]
    if e.player_out not in active:
        raise IllegalEvent(f"{e.player_out} is not playing for {e.team}")
    if e.player_in in active:
        raise IllegalEvent(f"{e.player_in} is already playing for {e.team}")
    inn = state.live
    drop_bowler = False
    if e.replacement:
        rules = state.setup.rules
        other = state.setup.other(e.team)
        theirs = state.team(other)
        if e.player_in not in team.substitutes and (
            e.player_in in state.active[other]
            or e.player_in in theirs.players
            or e.player_in in theirs.substitutes
        ):
            raise IllegalEvent(f"{e.player_in} plays for {other}")
        if inn is not None and e.player_out in (inn.striker, inn.non_striker):
            raise IllegalEvent(
                f"{e.player_out} is on the field of play in action; retire them first"
            )
        # A bowler replaced mid-over (concussion): another bowler finishes the over.
        drop_bowler = inn is not None and e.player_out == inn.bowler
        kind = _replacement_kind(reason)
        if kind == "impact" and rules.impact_player is not None:
            if not rules.impact_player:
                raise IllegalEvent("these playing conditions have no impact players")
            used = [
                s
                for s in state.substitutions
                if s["team"] == e.team
                and s["replacement"]
                and _replacement_kind(str(s["reason"])) == "impact"
            ]
            if used:
                raise IllegalEvent(f"{e.team} has already brought on its impact player")
        if kind == "concussion" and not rules.concussion_replacements:
            raise IllegalEvent("these playing conditions have no concussion replacements")
        active[active.index(e.player_out)] = e.player_in
    if drop_bowler and inn is not None:
        if inn.over_deliveries == 0:
            _unname_bowler(inn)
        inn.bowler = None
    state.substitutions.append(
        {
            "team": e.team,
            "in": e.player_in,
            "out": e.player_out,
            "replacement": e.replacement,
            "reason": reason,
        }
    )
    _touch(state, inn)


def _penalty(state: MatchState, e: ev.PenaltyRuns) -> None:
    state.setup.team(e.team)
    if _count(e.runs, "penalty runs", MAX_PENALTY) < 1:
        raise IllegalEvent("penalty runs must be at least 1")
    if not state.setup.rules.penalty_allowed(e.runs):
        raise IllegalEvent(_penalty_units(state))
    if state.override is not None or state.abandoned:
        raise IllegalEvent("the match is over")
    inn = state.live
    if inn is not None and inn.batting == e.team:
        inn.runs += e.runs
        inn.extras["penalty"] += e.runs
        inn.penalty_post += e.runs
        p = inn.partnership()
        if p is not None:
            p.runs += e.runs
        _touch(state, inn)
        _check_innings_over(state, inn)
        return
    mine = [i for i in state.innings if i.batting == e.team and not i.super_over]
    if mine and (inn is None or mine[-1] is not inn):
        last = mine[-1]
        last.runs += e.runs
        last.extras["penalty"] += e.runs
        last.penalty_post += e.runs
        _touch(state, last)
    else:
        state.pending_penalty[e.team] = state.pending_penalty.get(e.team, 0) + e.runs
        _touch(state)
    if inn is not None:
        _check_innings_over(state, inn)
    elif state.finished:
        # Penalty runs after the last ball may change the result (or even make it a tie).
        state.finished = False
        state.finished = not next_innings(state)


def _penalty_units(state: MatchState) -> str:
    unit = state.setup.rules.over_rate_penalty
    extra = f" and {unit} per over behind the over rate" if unit else ""
    return f"penalty runs are awarded 5 at a time (Law 41){extra}"


# --- bowling --------------------------------------------------------------------------------


def bowler_refusal(
    state: MatchState, inn: Innings, bowler: str, *, mid_over: bool = False
) -> tuple[str, str] | None:
    """(code, reason) why ``bowler`` may not bowl the next (or the rest of this) over, or None.

    Codes in ``cricket.errors.OVERRIDABLE`` are refusals the umpires may overrule."""
    if bowler not in state.active[inn.bowling]:
        return "not_in_side", f"{bowler} is not in the {inn.bowling} side"
    return side_bowler_refusal(state, inn, bowler, mid_over=mid_over)


def side_bowler_refusal(
    state: MatchState, inn: Innings, bowler: str, *, mid_over: bool = False
) -> tuple[str, str] | None:
    """``bowler_refusal`` for a player known to be in the fielding side (the scoreboard asks
    for each of them after every ball)."""
    rules = state.setup.rules
    if mid_over and bowler == inn.bowler:
        return "already_bowling", f"{bowler} is already bowling this over"
    if bowler in inn.last_over_bowlers:
        if len(inn.last_over_bowlers) > 1 and rules.law_17_8:
            return (
                "bowled_part_of_previous_over",
                f"{bowler} bowled part of the previous over (Law 17.8)",
            )
        if bowler != inn.last_over_bowler:
            return None  # replaced during the last over, which Law 17.8 is not enforcing
        limit = rules.consecutive_limit
        if limit is not None and inn.streak >= limit:
            if limit == 1:
                return "consecutive_overs", f"{bowler} bowled the previous over"
            return "consecutive_overs", f"{bowler} has bowled {inn.streak} overs in a row"
    if inn.super_over:
        return None
    card = inn.bowlers.get(bowler)
    if card is None:
        return None
    quota = rules.max_overs_per_bowler
    if quota is not None and card.overs_started >= quota:
        return "bowler_quota", f"{bowler} has bowled the maximum {quota} overs"
    most = rules.max_balls_per_bowler
    if most is not None and card.balls + max(inn.over_len - inn.balls, 1) > most:
        if card.balls >= most:
            return "bowler_quota", f"{bowler} has bowled the maximum {most} balls"
        return "bowler_quota", f"{bowler} has {most - card.balls} of {most} balls left"
    return None


def bowler_problem(state: MatchState, inn: Innings, bowler: str, *, mid_over: bool = False) -> str:
    """Why ``bowler`` may not bowl the next (or the rest of this) over; "" if they may."""
    refusal = bowler_refusal(state, inn, bowler, mid_over=mid_over)
    return refusal[1] if refusal else ""


def _unname_bowler(inn: Innings) -> None:
    """The bowler named for the next over will not bowl it: give the quota back."""
    if inn.bowler is None:
        return
    prev = inn.bowlers[inn.bowler]
    prev.overs_started -= 1
    if prev.overs_started == 0 and prev.balls == 0 and prev.runs == 0 and not prev.wides:
        del inn.bowlers[inn.bowler]


def _new_bowler(state: MatchState, e: ev.NewBowler) -> None:
    inn = _live(state, "a bowler change", e.override)
    if not isinstance(e.bowler, str):
        raise IllegalEvent("bowler must be a name")
    if not isinstance(e.mid_over, bool):
        raise IllegalEvent("mid_over must be true or false")
    override = _text(e.override, "override")
    started = inn.over_deliveries > 0
    if e.mid_over and not started:
        raise IllegalEvent("no over in progress; name the bowler of the next over instead")
    if not e.mid_over and started:
        raise IllegalEvent(f"{inn.bowler} is in the middle of an over; use a mid-over change")
    refusal = bowler_refusal(state, inn, e.bowler, mid_over=e.mid_over)
    if refusal is not None:
        code, reason = refusal
        if code not in OVERRIDABLE:
            raise IllegalEvent(reason, code=code)
        if not override:
            raise IllegalEvent(reason + OVERRIDE_HINT, code=code)
    _reopen(state, inn, f"{e.bowler} came on to bowl", override)
    if refusal is not None:
        _note(state, inn, refusal[0], refusal[1], override)
    if not e.mid_over:
        _unname_bowler(inn)
    card = inn.bowlers.get(e.bowler)
    if card is None:
        card = inn.bowlers[e.bowler] = BowlerCard(e.bowler)
    card.overs_started += 1
    inn.bowler = e.bowler
    inn.over_bowlers = inn.over_bowlers + 1 if e.mid_over else 1
    _touch(state, inn)


def _miscounted(state: MatchState, e: ev.MiscountedOver) -> None:
    inn = _live(state, "a miscounted over")
    balls = _count(e.balls, "balls in the over", 2 * MAX_BALLS_PER_OVER)
    reason = _text(e.reason, "reason")
    if balls < inn.balls or (balls == inn.balls and inn.over_deliveries == 0):
        raise IllegalEvent(f"{inn.balls} legal balls of this over have already been bowled")
    if balls == 0:
        raise IllegalEvent("an over has at least one legal ball")
    if balls == inn.balls and inn.bowler is None:
        raise IllegalEvent("name the bowler who finishes the over first")
    over = inn.overs + 1
    bpo = state.setup.rules.balls_per_over
    # One note per over: a later count replaces an earlier one.
    inn.notes[:] = [n for n in inn.notes if not (n["code"] == "over_length" and n["over"] == over)]
    inn.over_len = balls
    if balls != bpo:
        inn.notes.append(
            {
                "seq": state.applied + 1,
                "innings": inn.number,
                "over": over,
                "code": "over_length",
                "text": f"over {over} had {balls} legal balls instead of {bpo}",
                "reason": reason or "the umpire's count",
            }
        )
    if balls == inn.balls:
        # Called "over" after extras that followed the last legal ball of a short over.
        _end_over(state, inn)
    _touch(state, inn)
    _check_innings_over(state, inn)


# --- the delivery ---------------------------------------------------------------------------


def runs_run(d: ev.Delivery, rules: Rules, *, boundary: bool) -> int:
    """The runs the batters ran on a ball: an odd number changes ends (boundaries, the
    penalty of a wide or no-ball and penalty runs are not run)."""
    return (
        (0 if boundary else d.runs)
        + d.byes
        + d.legbyes
        + max(0, d.wides - rules.wide_runs)
        + max(0, d.noballs - rules.no_ball_runs)
    )


def _label(d: ev.Delivery) -> str:
    if d.wides:
        s = f"{d.wides}wd"
    elif d.noballs:
        extra = d.runs + d.byes + d.legbyes
        s = f"nb+{extra}" if extra else "nb"
    elif d.byes:
        s = f"{d.byes}b"
    elif d.legbyes:
        s = f"{d.legbyes}lb"
    else:
        s = str(d.runs)
    if d.wickets:
        s = "W" if s == "0" else f"{s} W"
    if d.penalty:
        s += f" +{d.penalty}p"
    return s


def _check_delivery(state: MatchState, inn: Innings, d: ev.Delivery) -> bool:
    """All the checks for a delivery; returns whether the named batters swap the strike."""
    rules = state.setup.rules
    counts = (d.runs, d.byes, d.legbyes, d.wides, d.noballs, d.penalty)
    # The common case in one test (every count a small whole number); the reasons below.
    if not all(type(c) is int and 0 <= c <= MAX_RUNS_PER_BALL for c in counts):
        for name in ("runs", "byes", "legbyes"):
            _count(getattr(d, name), name, MAX_RUNS_PER_BALL)
        _count(d.wides, "wides", rules.wide_runs + MAX_RUNS_PER_BALL)
        _count(d.noballs, "no-ball runs", rules.no_ball_runs + MAX_RUNS_PER_BALL)
        _count(d.penalty, "penalty runs", MAX_PENALTY)
    if d.penalty and not rules.penalty_allowed(d.penalty):
        raise IllegalEvent(_penalty_units(state))
    if d.front_foot is not True and d.front_foot is not False:
        raise IllegalEvent("front_foot must be true or false")
    if d.wides and d.noballs:
        raise IllegalEvent("a ball cannot be both a wide and a no-ball")
    if d.wides and d.wides < rules.wide_runs:
        raise IllegalEvent(f"a wide is worth at least {rules.wide_runs}")
    if d.wides and (d.runs or d.byes or d.legbyes):
        raise IllegalEvent("runs off a wide are all wides; none off the bat, no byes")
    if d.noballs and (
        d.noballs < rules.no_ball_runs
        if rules.no_ball_byes_are_no_balls
        else d.noballs != rules.no_ball_runs
    ):
        raise IllegalEvent(
            f"a no-ball is worth {rules.no_ball_runs} (record other runs as runs or byes)"
        )
    if d.byes and d.legbyes:
        raise IllegalEvent("a ball cannot give both byes and leg-byes")
    if d.runs and (d.byes or d.legbyes):
        raise IllegalEvent("runs off the bat and byes on the same ball")
    if d.boundary not in (None, True, False):
        raise IllegalEvent("boundary must be true, false or null")
    if d.boundary is True and d.runs not in (4, 6):
        raise IllegalEvent("a boundary off the bat is 4 or 6")
    if inn.striker is None or inn.non_striker is None:
        raise IllegalEvent(f"{_where(inn)}: a new batter must come in first")
    if inn.bowler is None:
        raise IllegalEvent(f"{_where(inn)}: name the bowler of the over first")
    swap = False
    if d.striker is not None and d.striker != inn.striker:
        if d.striker == inn.non_striker and d.non_striker in (None, inn.striker):
            swap = True  # the scorer corrects who is on strike
        else:
            raise IllegalEvent(f"{_where(inn)}: {d.striker} is not batting")
    if d.non_striker is not None and d.non_striker != (inn.striker if swap else inn.non_striker):
        raise IllegalEvent(f"{_where(inn)}: {d.non_striker} is not the non-striker")
    if d.bowler is not None and d.bowler != inn.bowler:
        raise IllegalEvent(f"{_where(inn)}: {inn.bowler} is bowling this over, not {d.bowler}")
    if not isinstance(d.wickets, tuple):
        raise IllegalEvent("wickets must be a list")
    striker = inn.non_striker if swap else inn.striker
    seen: set[str] = set()
    for w in d.wickets:
        if not isinstance(w, ev.Wicket):
            raise IllegalEvent("each wicket must be a wicket")
        if w.kind not in ev.DELIVERY_WICKETS:
            if w.kind in ("timed out", "retired out", "retired hurt", "retired not out"):
                raise IllegalEvent(f"'{w.kind}' is recorded between balls, not on a delivery")
            raise IllegalEvent(f"unknown dismissal {w.kind!r}")
        out = w.player_out or striker
        if out not in (inn.striker, inn.non_striker):
            raise IllegalEvent(
                f"{_where(inn)}: {out} is not at the crease, so cannot be out {w.kind}"
            )
        if out in seen:
            raise IllegalEvent(f"{out} cannot be out twice")
        seen.add(out)
        if out != striker and w.kind not in NON_STRIKER_OUTS:
            raise IllegalEvent(f"the non-striker cannot be out {w.kind}")
        if d.noballs and w.kind not in NO_BALL_OUTS:
            raise IllegalEvent(f"a batter cannot be out {w.kind} off a no-ball")
        if d.wides and w.kind not in WIDE_OUTS:
            raise IllegalEvent(f"a batter cannot be out {w.kind} off a wide")
        if inn.free_hit and d.legal and w.kind not in NO_BALL_OUTS:
            raise IllegalEvent(f"free hit: the striker cannot be out {w.kind}")
        if w.end not in (None, "striker", "non_striker"):
            raise IllegalEvent("run-out end must be 'striker' or 'non_striker'")
        if not isinstance(w.crossed, bool):
            raise IllegalEvent("crossed must be true or false")
    if inn.wickets + len(d.wickets) > inn.max_wickets:
        raise IllegalEvent(
            f"{_where(inn)}: that would be wicket {inn.wickets + len(d.wickets)}"
            f" of {inn.max_wickets}"
        )
    return swap


def _dismissal(state: MatchState, inn: Innings, w: ev.Wicket) -> str:
    bowler = inn.bowler or ""
    subs = {
        str(s["in"])
        for s in state.substitutions
        if s["team"] == inn.bowling and not s["replacement"]
    }

    def f(name: str) -> str:
        return f"sub ({name})" if name in subs else name

    fielders = "/".join(f(x) for x in w.fielders)
    k = w.kind
    if k == "bowled":
        return f"b {bowler}"
    if k == "caught":
        if w.fielders and w.fielders[0] == bowler:
            return f"c & b {bowler}"
        return f"c {f(w.fielders[0])} b {bowler}" if w.fielders else f"caught b {bowler}"
    if k == "caught and bowled":
        return f"c & b {bowler}"
    if k == "lbw":
        return f"lbw b {bowler}"
    if k == "stumped":
        return f"st {f(w.fielders[0])} b {bowler}" if w.fielders else f"stumped b {bowler}"
    if k == "hit wicket":
        return f"hit wicket b {bowler}"
    if k == "run out":
        return f"run out ({fielders})" if fielders else "run out"
    return k


def _delivery(state: MatchState, d: ev.Delivery) -> None:
    inn = _live(state, "a delivery", d.override)
    swap = _check_delivery(state, inn, d)
    rules = state.setup.rules
    # Checks done: from here on, mutate.
    if inn.closed:
        _reopen(state, inn, "a ball was bowled", d.override)
    if swap:
        inn.striker, inn.non_striker = inn.non_striker, inn.striker
    striker, non_striker = inn.striker, inn.non_striker
    assert striker is not None
    assert non_striker is not None
    assert inn.bowler is not None
    boundary = d.boundary if d.boundary is not None else d.runs in (4, 6)
    total = d.total
    inn.runs += total
    ex = inn.extras
    ex["wides"] += d.wides
    ex["noballs"] += d.noballs
    ex["byes"] += d.byes
    ex["legbyes"] += d.legbyes
    ex["penalty"] += d.penalty
    bc = inn.bowlers[inn.bowler]
    if inn.bowler not in inn.this_over_bowlers:
        inn.this_over_bowlers.append(inn.bowler)
    charged = d.runs + d.wides + d.noballs
    bc.runs += charged
    inn.over_conceded += charged
    bc.wides += 1 if d.wides else 0
    bc.noballs += 1 if d.noballs else 0
    card = inn.batters[striker]
    if not d.wides:
        card.balls += 1
        card.dots += 0 if d.runs else 1
    if d.legal and not charged:
        bc.dots += 1
    inn.over_total += total
    inn.over_wickets += len(d.wickets)
    card.runs += d.runs
    if boundary and d.runs == 4:
        card.fours += 1
    elif boundary and d.runs == 6:
        card.sixes += 1
    if boundary:
        inn.boundaries += 1
    p = inn.partnership()
    if p is not None:
        p.runs += total
        p.balls += 0 if d.wides else 1
        p.contributions[striker] = p.contributions.get(striker, 0) + d.runs
    inn.over_deliveries += 1
    if d.legal:
        inn.legal_balls += 1
        inn.balls += 1
        bc.balls += 1
    label = _label(d)
    inn.this_over.append(label)
    if rules.free_hit:
        earned = bool(d.noballs) and (d.front_foot or not rules.free_hit_front_foot_only)
        inn.free_hit = earned or (inn.free_hit and not d.legal)
    if runs_run(d, rules, boundary=boundary) % 2:
        inn.striker, inn.non_striker = inn.non_striker, inn.striker
    for w in d.wickets:
        out = w.player_out or striker
        if w.kind == "run out" or (
            w.kind in ("caught", "caught and bowled") and not rules.new_batter_on_strike_after_catch
        ):
            if w.crossed:
                inn.striker, inn.non_striker = inn.non_striker, inn.striker
        elif w.kind in ("caught", "caught and bowled"):
            # Law 18.11: the not-out batter goes to the non-striker's end.
            survivor = non_striker if out == striker else striker
            inn.striker, inn.non_striker = out, survivor
        ocard = inn.batters[out]
        ocard.status = "out"
        ocard.dismissal = _dismissal(state, inn, w)
        ocard.how_out = w.kind
        if w.kind in ev.BOWLER_WICKETS:
            bc.wickets += 1
        _vacate(inn, out)
        _fall(inn, out)
    if d.legal and inn.balls >= inn.over_len:
        _end_over(state, inn)
    _touch(state, inn)
    _check_innings_over(state, inn)


def _end_over(state: MatchState, inn: Innings) -> None:
    assert inn.bowler is not None
    bc = inn.bowlers[inn.bowler]
    rules = state.setup.rules
    bpo = rules.balls_per_over
    bowlers = tuple(inn.this_over_bowlers) or (inn.bowler,)
    if len(bowlers) == 1 and inn.last_over_bowlers == bowlers:
        inn.streak += 1
    else:
        inn.streak = 1
    inn.last_over_bowlers = bowlers
    inn.this_over_bowlers = []
    if inn.over_bowlers == 1:
        if inn.over_conceded == 0 and inn.over_len >= bpo:
            bc.maidens += 1
        # A miscounted over still counts as one over on the bowler's figures.
        bc.balls += bpo - inn.over_len
    inn.over_log.append((inn.over_total, inn.over_wickets, inn.bowler))
    inn.over_total = 0
    inn.over_wickets = 0
    inn.overs += 1
    inn.balls = 0
    inn.over_len = bpo
    inn.over_deliveries = 0
    inn.over_conceded = 0
    inn.over_bowlers = 0
    inn.last_over_bowler = inn.bowler
    inn.bowler = None
    inn.last_over = inn.this_over
    inn.this_over = []
    if inn.overs % rules.change_ends_every == 0:
        inn.striker, inn.non_striker = inn.non_striker, inn.striker


_HANDLERS = {
    ev.Delivery: _delivery,
    ev.StartInnings: _start_innings,
    ev.NewBatter: _new_batter,
    ev.NewBowler: _new_bowler,
    ev.MiscountedOver: _miscounted,
    ev.Retirement: _retirement,
    ev.TimedOut: _timed_out,
    ev.Absent: _absent,
    ev.Substitute: _substitute,
    ev.PenaltyRuns: _penalty,
    ev.Declaration: _declaration,
    ev.Forfeit: _forfeit,
    ev.RevisedTarget: _revised_target,
    ev.EndInnings: _end_innings,
    ev.Abandon: _abandon,
    ev.BowlOut: _bowl_out,
    ev.Result: _result,
}
