"""A revised target's par table (RevisedTarget.par): validated strictly, looked up by balls
bowled and wickets lost, shown in the snapshot, deciding a chase called off early, and carried
by the codec; revisions without one work as before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cricket import Match
from cricket.codec import event_from_dict, event_to_dict
from cricket.commentary import describe
from cricket.errors import IllegalEvent
from cricket.events import Delivery, NewBatter, NewBowler, RevisedTarget, StartInnings
from cricket.scoreboard import snapshot
from tests.cricket.helpers import out, play_innings, started

# A 4-over match revised to 3 overs (18 balls) and a target of 20: par at each over's end.
TABLE = (
    (6, (5, 6, 7, 8, 9, 10, 11, 12, 13, 14)),
    (12, (10, 11, 12, 13, 14, 15, 16, 17, 18, 19)),
    (18, (19,) * 10),
)
REVISED = RevisedTarget(runs=20, overs=3, method="DLS", par=TABLE)


def chase(**rules: Any) -> Match:
    """Home 24/0 in 4 overs; Away's openers in for the chase."""
    m = started(overs=4, max_overs_per_bowler=2, **rules)
    play_innings(m, ["A11", "A10"])
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    return m


def ball(m: Match, delivery: Delivery, new_batter: str | None = None) -> None:
    """Bowl one ball (naming the next over's bowler first if one is due)."""
    live = m.state.live
    assert live is not None
    if live.bowler is None:
        m.apply(NewBowler("H10" if live.last_over_bowler == "H11" else "H11"))
    m.apply(delivery)
    if new_batter is not None:
        m.apply(NewBatter(new_batter))


def par(m: Match) -> dict[str, Any] | None:
    return snapshot(m)["current"]["par"]


ROW = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ([], "a par table is a list of rows"),
        ("6,5,6", "a par table is a list of rows"),
        ([[6]], "row 1 must be \\[balls"),
        ([[6, ROW, 1]], "row 1 must be \\[balls"),
        ([[6, ROW[:9]]], "row 1 must give 10 par scores"),
        ([[6, [*ROW, 11]]], "row 1 must give 10 par scores"),
        ([[12, ROW], [6, ROW]], "row 2: balls must be in ascending order \\(6 after 12\\)"),
        ([[6, ROW], [6, ROW]], "row 2: balls must be in ascending order"),
        ([[19, ROW]], "row 1: ball 19 is beyond the revised innings \\(18 balls\\)"),
        ([[-1, ROW]], "row 1: balls cannot be negative"),
        ([[6, [*ROW[:9], -1]]], "row 1: a par score cannot be negative"),
        ([[6, [*ROW[:9], 1.5]]], "row 1: a par score must be a whole number"),
        ([[6, [*ROW[:9], 20]]], "row 1: a par score must be below the target of 20"),
        ([[6, ROW], [12, [0, *ROW[1:]]]], "row 2: a par score cannot fall"),
    ],
)
def test_a_bad_par_table_is_refused_with_the_reason_and_changes_nothing(
    table: Any, reason: str
) -> None:
    m = chase()
    before = snapshot(m)
    with pytest.raises(IllegalEvent, match=reason):
        m.apply(RevisedTarget(runs=20, overs=3, par=table))
    assert snapshot(m) == before
    assert m.state.innings[1].par_table is None


def test_a_par_table_needs_its_target_and_the_chasing_innings() -> None:
    m = chase()
    with pytest.raises(IllegalEvent, match="comes with the revised target"):
        m.apply(RevisedTarget(overs=3, par=TABLE))
    first = started(overs=4, max_overs_per_bowler=2)
    with pytest.raises(IllegalEvent, match="second innings"):
        first.apply(RevisedTarget(runs=20, overs=3, par=TABLE))


def test_the_par_is_the_last_row_reached_for_the_wickets_lost() -> None:
    m = chase()
    m.apply(REVISED)
    assert par(m) is None  # before the table's first row
    for _ in range(5):
        ball(m, Delivery(runs=1))
    assert par(m) is None
    ball(m, Delivery(runs=1))  # 6/0 after 6 balls: par 5
    assert par(m) == {
        "score": 5,
        "balls": 6,
        "wickets": 0,
        "ahead_by": 1,
        "method": "DLS",
        "text": "Par (DLS) 5: Away 1 ahead",
    }
    ball(m, out(), new_batter="A3")  # 6/1 after 7 balls: still the 6-ball row, 1 wicket
    assert (par(m)["score"], par(m)["balls"], par(m)["ahead_by"]) == (6, 6, 0)
    assert par(m)["text"] == "Par (DLS) 6: Away level with par"
    ball(m, out(), new_batter="A4")  # 6/2 after 8 balls
    assert (par(m)["score"], par(m)["ahead_by"]) == (7, -1)
    assert par(m)["text"] == "Par (DLS) 7: Away 1 behind"
    for _ in range(4):
        ball(m, Delivery(runs=2))  # 14/2 after 12 balls: the 12-ball row
    assert (par(m)["score"], par(m)["balls"], par(m)["wickets"], par(m)["ahead_by"]) == (
        12,
        12,
        2,
        2,
    )


def test_a_revision_between_the_innings_brings_its_par_table_into_the_chase() -> None:
    m = started(overs=4, max_overs_per_bowler=2)
    play_innings(m, ["A11", "A10"])
    m.apply(RevisedTarget(runs=20, overs=3, method="", par=TABLE))
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    assert m.state.innings[1].par_limit == 18
    for _ in range(6):
        ball(m, Delivery(runs=0))
    assert par(m)["text"] == "Par 5: Away 5 behind"
    assert par(m)["method"] is None


def test_a_new_target_without_a_table_drops_the_old_one() -> None:
    m = chase()
    m.apply(REVISED)
    for _ in range(6):
        ball(m, Delivery(runs=1))
    assert par(m) is not None
    m.apply(RevisedTarget(runs=22, overs=3))
    assert par(m) is None
    assert snapshot(m)["current"]["target"] == 22


@pytest.mark.parametrize(
    ("after", "result"),
    [
        ([Delivery(runs=1), Delivery(runs=1)], "Away won by 2 runs (DLS)"),  # 8/1, par 6
        ([Delivery(), Delivery()], "match tied (DLS)"),  # 6/1, par 6
        ([out(), Delivery()], "Home won by 1 run (DLS)"),  # 6/2, par 7
    ],
)
def test_a_chase_called_off_early_is_decided_by_the_par_table(
    after: list[Delivery], result: str
) -> None:
    m = chase(tie_break="none")
    m.apply(REVISED)
    for _ in range(6):
        ball(m, Delivery(runs=1))
    ball(m, out(), new_batter="A3")
    for delivery in after:
        ball(m, delivery, new_batter="A4" if delivery.wickets else None)
    m.apply(RevisedTarget(overs=1, balls=3, method="DLS"))  # rain: play called off at 1.3
    assert m.state.innings[1].close_reason == "overs"
    assert snapshot(m)["result"] == result
    assert snapshot(m)["current"]["par"] is None


def test_a_chase_called_off_with_a_new_target_and_no_table_keeps_the_target_less_one() -> None:
    m = chase(tie_break="none")
    m.apply(REVISED)
    for _ in range(9):
        ball(m, Delivery(runs=1))
    m.apply(RevisedTarget(runs=12, overs=1, balls=3, method="DLS"))  # the par entered as before
    assert snapshot(m)["result"] == "Home won by 2 runs (DLS)"


def test_a_chase_that_bowls_all_its_revised_overs_is_compared_with_the_target() -> None:
    m = chase()
    m.apply(RevisedTarget(runs=20, overs=3, par=((6, (5,) * 10), (18, (10,) * 10))))
    play_innings(m, ["H11", "H10"])  # 18/0 in 3 overs: par 10 by the table, but all played
    assert snapshot(m)["result"] == "Home won by 1 run (DLS)"


def test_the_codec_carries_a_par_table_both_ways() -> None:
    d = event_to_dict(REVISED)
    assert d == {
        "kind": "revised_target",
        "runs": 20,
        "overs": 3,
        "method": "DLS",
        "par": [[balls, list(pars)] for balls, pars in TABLE],
    }
    assert event_from_dict(json.loads(json.dumps(d))) == REVISED
    assert describe(REVISED) == "revised (DLS): target 20, 3 overs, with a par table"


def test_a_revision_without_a_par_table_is_stored_and_read_as_before() -> None:
    old = {"kind": "revised_target", "runs": 20, "overs": 3, "method": "DLS"}
    event = event_from_dict(old)
    assert event == RevisedTarget(runs=20, overs=3)
    assert event.par is None
    assert event_to_dict(event) == old


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ("x", "revised_target.par must be a list"),
        ([[6]], "revised_target.par\\[0\\] must be a list of 2 items"),
        ([[6, [1.5]]], "revised_target.par\\[0\\]\\[1\\]\\[0\\] must be a whole number"),
        ([[6, 5]], "revised_target.par\\[0\\]\\[1\\] must be a list"),
    ],
)
def test_the_codec_refuses_a_par_table_of_the_wrong_shape(table: Any, reason: str) -> None:
    with pytest.raises(IllegalEvent, match=reason):
        event_from_dict({"kind": "revised_target", "runs": 20, "par": table})
