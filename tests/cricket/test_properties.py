"""Property tests over random legal event sequences (bounded, fast)."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cricket import IllegalEvent, Match
from cricket.apply import bowler_problem
from cricket.events import Delivery, NewBatter, NewBowler, StartInnings, Wicket
from cricket.scoreboard import snapshot
from tests.cricket.helpers import setup

KINDS = ["bowled", "caught", "lbw", "run out", "stumped", "hit wicket"]


def _delivery(draw: st.DrawFn) -> Delivery:
    extra = draw(
        st.sampled_from(["none", "none", "none", "wide", "noball", "bye", "legbye", "penalty"])
    )
    runs = draw(st.integers(0, 6))
    kw: dict[str, object] = {}
    if extra == "wide":
        kw = {"wides": 1 + draw(st.integers(0, 4))}
    elif extra == "noball":
        kw = {"noballs": 1, "runs": runs}
    elif extra == "bye":
        kw = {"byes": draw(st.integers(1, 4))}
    elif extra == "legbye":
        kw = {"legbyes": draw(st.integers(1, 4))}
    elif extra == "penalty":
        kw = {"penalty": 5, "runs": runs}
    else:
        kw = {"runs": runs}
    if draw(st.integers(0, 9)) == 0:
        kind = draw(st.sampled_from(KINDS))
        fielders = ("A1",) if kind in ("caught", "stumped", "run out") else ()
        kw["wickets"] = (Wicket(kind, fielders=fielders, crossed=draw(st.booleans())),)
    return Delivery(**kw)  # type: ignore[arg-type]


@st.composite
def matches(draw: st.DrawFn) -> tuple[Match, list[tuple[dict[str, object], Match | None]]]:
    """Drive a match with random choices; some random deliveries are illegal and must be refused."""
    overs = draw(st.integers(1, 3))
    bpo = draw(st.sampled_from([5, 6]))
    m = Match(setup(overs=overs, balls_per_over=bpo, max_overs_per_bowler=2))
    steps = draw(st.integers(5, 90))
    for _ in range(steps):
        s = snapshot(m)
        wait = s["awaiting"]
        if wait == "match_over":
            break
        if wait == "innings_start":
            nxt = s["next_innings"][0]
            m.apply(StartInnings(nxt["batting"], super_over=nxt["super_over"]))
        elif wait == "new_batter":
            m.apply(NewBatter(draw(st.sampled_from(s["batters_available"]))))
        elif wait == "new_bowler":
            live = m.state.live
            assert live is not None
            ok = [b for b in m.state.active[live.bowling] if not bowler_problem(m.state, live, b)]
            m.apply(NewBowler(draw(st.sampled_from(ok))))
        else:
            d = _delivery(draw)
            before = copy.deepcopy(s)
            seq = m.event_count
            try:
                m.apply(d)
            except IllegalEvent:
                assert m.event_count == seq
                assert snapshot(m) == before
    return m, []


def _balanced(m: Match) -> None:
    snap = snapshot(m)
    bpo = m.setup.rules.balls_per_over
    for inn in snap["innings"]:
        ex = inn["extras"]
        assert sum(b["runs"] for b in inn["batting"]) + ex["total"] == inn["runs"]
        assert (
            sum(b["runs"] for b in inn["bowling"])
            == inn["runs"] - ex["byes"] - ex["legbyes"] - ex["penalty"]
        )
        limit = inn["overs_limit"]
        assert limit is None or inn["legal_balls"] <= limit * bpo
        assert inn["wickets"] <= 10


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matches())
def test_the_scorebook_balances_and_overs_never_exceed_the_limit(built: tuple[Match, list]) -> None:
    _balanced(built[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matches(), st.integers(1, 6))
def test_undo_restores_exactly_the_previous_state(built: tuple[Match, list], k: int) -> None:
    m = built[0]
    history = []
    replay = Match(m.setup)
    for e in m.events:
        history.append(copy.deepcopy(snapshot(replay)))
        replay.apply(e)
    for _ in range(min(k, m.event_count)):
        m.undo()
        assert snapshot(m) == history[m.event_count]
    _balanced(m)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matches())
def test_replaying_the_log_gives_the_same_state(built: tuple[Match, list]) -> None:
    m = built[0]
    assert snapshot(Match.from_events(m.setup, m.events)) == snapshot(m)
