"""Counts bounded by the Laws and by what JavaScript holds (issue 15), and setup and event
dicts stored before the playing conditions grew still decoding to the same match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cricket import IllegalEvent, Match, MatchSetup, cricsheet
from cricket.codec import (
    MAX_SAFE_INTEGER,
    event_from_dict,
    event_to_dict,
    setup_from_dict,
    setup_to_dict,
)
from cricket.conditions import Rules
from cricket.events import (
    BowlOut,
    Delivery,
    MiscountedOver,
    NewBowler,
    PenaltyRuns,
    Result,
    RevisedTarget,
)
from cricket.scoreboard import snapshot
from tests.cricket.helpers import started

DATA = Path(__file__).resolve().parents[1] / "data" / "cricsheet"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (Delivery(runs=10**29), "runs cannot be more than 24"),
        (Delivery(byes=25), "byes cannot be more than 24"),
        (Delivery(wides=100_000), "wides cannot be more than 25"),
        (Delivery(noballs=10**6), "no-ball runs cannot be more than 25"),
        (Delivery(penalty=1000), "penalty runs cannot be more than 100"),
        (Delivery(penalty=3), "5 at a time"),
        (PenaltyRuns("Home", 1000), "cannot be more than 100"),
        (PenaltyRuns("Home", 7), "5 at a time"),
        (RevisedTarget(runs=10**20), "cannot be more than 10000"),
        (MiscountedOver(10**9), "cannot be more than 24"),
        (Result("win", "Home", runs=2**60), "cannot be more than 10000"),
        (Result("win", "Home", wickets=11), "cannot be more than 10"),
    ],
)
def test_absurd_counts_are_refused_with_a_reason(event: object, reason: str) -> None:
    m = started()
    before = snapshot(m)
    with pytest.raises(IllegalEvent, match=reason):
        m.apply(event)  # type: ignore[arg-type]
    assert snapshot(m) == before


def test_bowl_out_hits_are_bounded() -> None:
    m = started()
    with pytest.raises(IllegalEvent, match="cannot be more than 100"):
        m.apply(BowlOut("Home", 10**6, 0))


def test_the_most_a_real_ball_gives_is_accepted() -> None:
    m = started()
    m.apply(Delivery(runs=8, boundary=False))  # four run and four overthrows
    m.apply(Delivery(wides=5))
    m.apply(Delivery(noballs=1, runs=6, penalty=5))
    assert snapshot(m)["innings"][0]["runs"] == 25


def test_over_rate_penalties_need_the_condition_that_allows_them() -> None:
    with pytest.raises(IllegalEvent, match="5 at a time"):
        started().apply(PenaltyRuns("Home", 12))
    m = started("vitality_blast")  # 6 runs an over behind the rate
    m.apply(PenaltyRuns("Home", 12))
    m.apply(Delivery(penalty=11))  # 5 + 6
    assert snapshot(m)["innings"][0]["extras"]["penalty"] == 23


def test_the_wire_format_refuses_integers_javascript_cannot_hold() -> None:
    with pytest.raises(IllegalEvent, match="too large"):
        event_from_dict({"kind": "delivery", "runs": MAX_SAFE_INTEGER + 1})
    assert event_from_dict({"kind": "delivery", "runs": 4}) == Delivery(runs=4)


def _setup_dict(**rules: object) -> dict[str, object]:
    d = setup_to_dict(
        MatchSetup.preset(
            "t20", home="A", away="B", home_players=["a", "b"], away_players=["c", "d"]
        )
    )
    d["rules"] = {**d["rules"], **rules}  # type: ignore[dict-item]
    return d


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        ({"overs": 10**30}, "rules.overs is too large"),
        ({"overs": 501}, "overs per innings must be a whole number from 1 to 500"),
        ({"balls_per_over": 13}, "balls per over"),
        ({"max_balls_per_bowler": 0}, "max balls per bowler"),
        ({"no_ball_runs": 5}, "no-ball penalty"),
        ({"follow_on": 10**6}, "follow-on margin"),
        ({"super_over_wickets": 11}, "super over wickets"),
        ({"max_consecutive_overs": 0}, "consecutive overs"),
        ({"impact_player": "yes"}, "impact_player"),
        ({"preset": "backyard"}, "preset must be one of"),
        ({"free_hit_front_foot_only": 1}, "true or false"),
    ],
)
def test_setups_with_impossible_conditions_are_refused(rules: dict, reason: str) -> None:
    with pytest.raises(IllegalEvent, match=reason):
        setup_from_dict(_setup_dict(**rules))


# Exactly what setup_to_dict wrote before the playing conditions grew (release before issue 11).
OLD_RULES = {
    "overs": 20,
    "balls_per_over": 6,
    "innings_per_side": 1,
    "max_overs_per_bowler": 4,
    "no_ball_runs": 1,
    "wide_runs": 1,
    "free_hit": True,
    "follow_on": None,
    "tie_break": "super_overs",
    "super_over_overs": 1,
    "super_over_wickets": 2,
    "new_batter_on_strike_after_catch": True,
    "consecutive_overs_allowed": False,
}


def test_a_setup_stored_before_the_new_conditions_decodes_with_the_old_behaviour() -> None:
    stored = _setup_dict()
    stored["rules"] = dict(OLD_RULES)
    rules = setup_from_dict(stored).rules
    assert rules == Rules(**OLD_RULES)  # every new field at its default
    assert (rules.free_hit_rule, rules.consecutive_limit, rules.change_ends_every) == (
        "every",
        1,
        1,
    )
    assert rules.impact_player is None  # replacements unchecked, as they were
    assert rules.law_17_8 is False  # a bowler replaced mid-over may bowl the next, as before
    old_test = {**OLD_RULES, "overs": None, "innings_per_side": 2, "follow_on": 200}
    stored["rules"] = old_test
    assert setup_from_dict(stored).rules.follow_on_margin == 200


def test_event_dicts_keep_their_old_keys_while_the_new_fields_are_at_their_defaults() -> None:
    assert sorted(event_to_dict(Delivery(runs=1))) == sorted(
        [
            "kind",
            "runs",
            "boundary",
            "wides",
            "noballs",
            "byes",
            "legbyes",
            "penalty",
            "wickets",
            "striker",
            "non_striker",
            "bowler",
        ]
    )
    assert event_to_dict(NewBowler("X")) == {"kind": "new_bowler", "bowler": "X", "mid_over": False}
    assert event_to_dict(MiscountedOver(7)) == {"kind": "miscounted_over", "balls": 7}
    assert event_to_dict(RevisedTarget(runs=100, overs=20)) == {
        "kind": "revised_target",
        "runs": 100,
        "overs": 20,
        "method": "DLS",
    }
    d = event_to_dict(Delivery(noballs=1, front_foot=False, override="umpires"))
    assert (d["front_foot"], d["override"]) == (False, "umpires")
    assert event_from_dict(json.loads(json.dumps(d))) == Delivery(
        noballs=1, front_foot=False, override="umpires"
    )


def test_a_stored_match_replays_to_the_same_scorecard() -> None:
    """A real match's setup and events, written as the old codec wrote them, decode to the
    same snapshot as the match imported now (same totals, cards and result)."""
    setup, events = cricsheet.load(DATA / "1339596.json")
    now = Match.from_events(setup, events)
    stored_setup = setup_to_dict(setup)
    stored_setup["rules"] = {k: v for k, v in stored_setup["rules"].items() if k in OLD_RULES}
    old = setup_from_dict(json.loads(json.dumps(stored_setup)))
    stored_events = [json.loads(json.dumps(event_to_dict(e))) for e in events]
    replayed = Match.from_events(old, [event_from_dict(e) for e in stored_events])
    a, b = snapshot(now), snapshot(replayed)
    assert a["innings"] == b["innings"]
    assert a["result"] == b["result"] == "South Africa won by 5 wickets"
