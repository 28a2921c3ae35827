"""Hand-built matches for Laws and playing conditions the real data does not exercise."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from cricket import IllegalEvent, Match
from cricket.events import (
    Absent,
    BowlOut,
    Declaration,
    Delivery,
    EndInnings,
    NewBatter,
    NewBowler,
    PenaltyRuns,
    Result,
    Retirement,
    RevisedTarget,
    StartInnings,
    TimedOut,
    Wicket,
)
from cricket.scoreboard import snapshot, summary
from tests.cricket.helpers import AWAY, HOME, out, play_innings, setup, started


def assert_refused(m: Match, event: object, reason: str) -> None:
    before = copy.deepcopy(snapshot(m))
    seq = m.event_count
    with pytest.raises(IllegalEvent, match=reason or None):
        m.apply(event)  # type: ignore[arg-type]
    assert m.event_count == seq
    assert snapshot(m) == before


def test_new_batter_takes_strike_after_a_catch() -> None:
    m = started()
    m.apply(Delivery(runs=1))  # H2 now on strike, H1 at the other end
    m.apply(Delivery(wickets=(Wicket("caught", fielders=("A3",)),)))
    m.apply(NewBatter("H3"))
    live = m.state.live
    assert live is not None
    assert (live.striker, live.non_striker) == ("H3", "H1")
    assert snapshot(m)["innings"][0]["batting"][1]["dismissal"] == "c A3 b A11"


def test_batters_cross_on_odd_runs_and_change_ends_at_the_end_of_the_over() -> None:
    m = started()
    m.apply(Delivery(runs=1))
    m.apply(Delivery(runs=4))
    m.apply(Delivery(byes=3))
    live = m.state.live
    assert live is not None
    assert live.striker == "H1"
    for _ in range(3):
        m.apply(Delivery())
    assert live.striker == "H2"
    assert m.state.live is live
    assert snapshot(m)["awaiting"] == "new_bowler"


def test_run_out_with_batters_crossed_sends_the_new_batter_to_the_striker_end() -> None:
    m = started()
    m.apply(Delivery(wickets=(Wicket("run out", player_out="H1", fielders=("A2",), crossed=True),)))
    m.apply(NewBatter("H3"))
    live = m.state.live
    assert live is not None
    assert (live.striker, live.non_striker) == ("H2", "H3")


def test_a_ball_is_refused_after_the_innings_ended() -> None:
    m = started(overs=1, max_overs_per_bowler=1)
    for _ in range(6):
        m.apply(Delivery())
    assert_refused(m, Delivery(), "innings has ended")


def test_an_eleventh_wicket_is_refused() -> None:
    m = started()
    for i in range(10):
        live = m.state.live
        assert live is not None
        if live.bowler is None:
            m.apply(NewBowler(AWAY[10 - (i // 6) % 2]))
        m.apply(out("bowled"))
        if i < 9:
            m.apply(NewBatter(HOME[i + 2]))
    assert m.state.innings[0].close_reason == "all out"
    assert_refused(m, out("bowled"), "innings has ended")


def test_two_wickets_on_a_ball_beyond_the_last_wicket_are_refused() -> None:
    m = started(super_over_wickets=2)
    m.apply(out("bowled"))
    m.apply(NewBatter("H3"))
    assert m.state.live is not None
    m.state.live.max_wickets = 2  # as in a super over
    double = Delivery(
        wickets=(
            Wicket("run out", player_out="H2"),
            Wicket("obstructing the field", player_out="H3"),
        )
    )
    assert_refused(m, double, "wicket 3 of 2")


def test_a_bowler_cannot_bowl_consecutive_overs() -> None:
    m = started()
    for _ in range(6):
        m.apply(Delivery())
    assert_refused(m, NewBowler("A11"), "bowled the previous over")


def test_a_bowler_cannot_exceed_the_quota() -> None:
    m = started(overs=20, max_overs_per_bowler=1)
    for _ in range(6):
        m.apply(Delivery())
    m.apply(NewBowler("A10"))
    for _ in range(6):
        m.apply(Delivery())
    assert_refused(m, NewBowler("A11"), "maximum 1 overs")
    rows = {r["name"]: r for r in snapshot(m)["bowlers"]}
    assert rows["A11"]["eligible"] is False
    assert rows["A9"]["eligible"] is True


def test_a_run_out_of_a_player_not_at_the_crease_is_refused() -> None:
    m = started()
    assert_refused(m, Delivery(wickets=(Wicket("run out", player_out="H7"),)), "not at the crease")


def test_negative_runs_are_refused() -> None:
    m = started()
    assert_refused(m, Delivery(runs=-1), "cannot be negative")


def test_a_free_hit_protects_the_striker_from_being_bowled() -> None:
    m = started()
    m.apply(Delivery(noballs=1))
    assert snapshot(m)["current"]["free_hit"] is True
    assert_refused(m, out("bowled"), "free hit")
    m.apply(Delivery(wickets=(Wicket("run out", player_out="H2"),)))
    assert snapshot(m)["current"]["free_hit"] is False


def test_a_double_super_over_decides_a_tie() -> None:
    m = Match(setup(overs=1, max_overs_per_bowler=1, tie_break="super_overs"))
    for batting in ("Home", "Away", "Away", "Home", "Home", "Away"):
        so = len(m.state.innings) >= 2
        m.apply(StartInnings(batting, super_over=so))
        bat = HOME if batting == "Home" else AWAY
        m.apply(NewBatter(bat[0]))
        m.apply(NewBatter(bat[1]))
        m.apply(NewBowler((AWAY if batting == "Home" else HOME)[10]))
        last_super = len(m.state.innings) == 6
        for _ in range(6):
            if m.state.live is None:
                break
            m.apply(Delivery(runs=0 if last_super else 1))
    assert [i.runs for i in m.state.innings] == [6, 6, 6, 6, 6, 0]
    assert snapshot(m)["result"] == "match tied; Home won after 2 super overs"
    assert summary(m).endswith("match tied; Home won after 2 super overs")


def test_a_rain_revised_chase_can_be_won_on_runs_by_dls() -> None:
    m = started(overs=4, max_overs_per_bowler=2)
    play_innings(m, ["A11", "A10"])
    assert m.state.innings[0].runs == 24
    m.apply(RevisedTarget(runs=20, overs=3))
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    play_innings(m, ["H11", "H10"])
    snap = snapshot(m)
    assert snap["innings"][1]["overs"] == "3"
    assert snap["innings"][1]["runs"] == 18
    assert snap["result"] == "Home won by 1 run (DLS)"


def test_a_chase_shows_the_equation() -> None:
    m = started(overs=2, max_overs_per_bowler=1)
    play_innings(m, ["A11", "A10"], per_ball=2)
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    m.apply(Delivery(runs=2))
    assert snapshot(m)["current"]["equation"] == "Away need 23 runs from 11 balls"


def test_a_test_can_end_in_a_draw_with_lead_and_trail() -> None:
    m = started("Test")
    play_innings(m, ["A11", "A10"], per_ball=4, balls=30)
    m.apply(Declaration())
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    play_innings(m, ["H11", "H10"], per_ball=1, balls=12)
    assert snapshot(m)["current"]["lead"] == "Away trail by 108 runs"
    m.apply(Declaration())
    assert snapshot(m)["follow_on_available"] is False
    m.apply(StartInnings())
    m.apply(NewBatter("H3"))
    m.apply(NewBatter("H4"))
    play_innings(m, ["A11", "A10"], per_ball=1, balls=6)
    m.apply(Declaration())
    m.apply(StartInnings())
    m.apply(NewBatter("A3"))
    m.apply(NewBatter("A4"))
    play_innings(m, ["H11", "H10"], per_ball=1, balls=6)
    assert snapshot(m)["current"]["equation"] == "Away need 109 runs to win"
    m.apply(EndInnings("close of play on the last day"))
    assert snapshot(m)["result"] == "match drawn"
    assert snapshot(m)["innings"][0]["score"] == "Home 120/0d (5)"


def test_the_follow_on_can_be_enforced_and_an_innings_win_follows() -> None:
    m = started("Test")
    play_innings(m, ["A11", "A10"], per_ball=6, balls=40)
    m.apply(Declaration())
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    for i in range(10):
        m.apply(out("bowled"))
        if i < 9:
            m.apply(NewBatter(AWAY[i + 2]))
            if m.state.live and m.state.live.bowler is None:
                m.apply(NewBowler("H10" if i < 6 else "H11"))
    assert snapshot(m)["follow_on_available"] is True
    m.apply(StartInnings("Away", follow_on=True))
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    m.apply(Delivery(runs=4))
    m.apply(Result("win", "Home", runs=236, innings=True))
    assert snapshot(m)["result"] == "Home won by an innings and 236 runs"


def test_a_timed_out_dismissal_counts_as_a_wicket() -> None:
    m = started()
    m.apply(out("bowled"))
    m.apply(TimedOut("H3"))
    m.apply(NewBatter("H4"))
    inn = snapshot(m)["innings"][0]
    assert inn["wickets"] == 2
    assert [r["dismissal"] for r in inn["batting"]][:3] == ["b A11", "not out", "timed out"]
    assert inn["fall_of_wickets"][1]["player"] == "H3"


def test_a_side_with_a_batter_absent_hurt_is_all_out_at_nine_wickets() -> None:
    m = started()
    m.apply(Absent("H11"))
    for i in range(9):
        live = m.state.live
        assert live is not None
        if live.bowler is None:
            m.apply(NewBowler("A10" if live.last_over_bowler == "A11" else "A11"))
        m.apply(out("bowled"))
        if i < 8:
            m.apply(NewBatter(HOME[i + 2]))
    inn = m.state.innings[0]
    assert (inn.wickets, inn.closed, inn.close_reason) == (9, True, "all out")
    assert snapshot(m)["awaiting"] == "innings_start"
    rows = {r["name"]: r for r in snapshot(m)["innings"][0]["batting"]}
    assert rows["H11"]["dismissal"] == "absent hurt"


def test_an_absent_batter_may_bat_in_the_sides_next_innings() -> None:
    m = started("Test")
    m.apply(Absent("H11"))
    m.apply(Declaration())
    m.apply(StartInnings("Away"))
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H10"))
    m.apply(Declaration())
    m.apply(StartInnings("Home"))
    m.apply(NewBatter("H11"))
    assert m.state.innings[2].striker == "H11"


def test_a_retired_hurt_batter_who_cannot_resume_is_recorded_absent() -> None:
    m = started()
    m.apply(Retirement("H1", "hurt"))
    m.apply(Absent("H1"))
    m.apply(NewBatter("H3"))
    assert "H1" not in m.state.available(m.state.innings[0])
    assert snapshot(m)["innings"][0]["batting"][0]["status"] == "retired hurt"


def test_a_bowl_out_is_refused_unless_the_match_is_tied() -> None:
    m = started()
    assert_refused(m, BowlOut("Home", 3, 0), "not over")
    m.apply(Result("win", "Home", runs=5))
    assert_refused(m, BowlOut("Home"), "only follow a tie")


def test_a_retired_hurt_batter_is_not_out_and_may_resume() -> None:
    m = started()
    m.apply(Delivery(runs=2))
    m.apply(Retirement("H1", "hurt"))
    assert snapshot(m)["awaiting"] == "new_batter"
    m.apply(NewBatter("H3"))
    m.apply(out("bowled"))
    m.apply(NewBatter("H1"))
    inn = snapshot(m)["innings"][0]
    assert inn["wickets"] == 1
    assert inn["batting"][0]["runs"] == 2
    assert inn["batting"][0]["dismissal"] == "not out"


def test_penalty_runs_before_an_innings_count_for_the_side_that_bats_next() -> None:
    m = started(overs=1, max_overs_per_bowler=1)
    m.apply(PenaltyRuns("Away", 5))
    play_innings(m, ["A11"])
    m.apply(StartInnings())
    inn = snapshot(m)["innings"][1]
    assert inn["runs"] == 5
    assert inn["extras"]["penalty"] == 5


def test_a_bowl_out_is_not_scored_but_its_result_can_be_entered() -> None:
    m = started(overs=1, max_overs_per_bowler=1, tie_break="none")
    play_innings(m, ["A11"])
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    play_innings(m, ["H11"])
    assert snapshot(m)["result"] == "match tied"
    m.apply(Result("tie", text="match tied; Away won the bowl-out"))
    assert snapshot(m)["result"] == "match tied; Away won the bowl-out"


def test_undo_restores_the_previous_state() -> None:
    m = started()
    before = copy.deepcopy(snapshot(m))
    m.apply(Delivery(runs=4))
    m.undo()
    assert snapshot(m) == before
    assert m.event_count == 4


def test_an_edit_that_makes_a_later_event_illegal_is_refused() -> None:
    m = started()
    m.apply(Delivery(runs=1))
    m.apply(out("bowled", player_out="H2"))
    m.apply(NewBatter("H3"))
    before = copy.deepcopy(snapshot(m))
    with pytest.raises(IllegalEvent, match="event #7"):
        m.replace(6, Delivery())  # no wicket, so the new batter has nowhere to go
    assert snapshot(m) == before
    m.replace(6, out("bowled", player_out="H2"))
    m.insert(6, Delivery(runs=2))
    assert snapshot(m)["innings"][0]["runs"] == 3
    m.delete(6)
    assert snapshot(m)["innings"][0]["runs"] == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: Delivery(wides=1, runs=1),
        lambda: Delivery(wides=1, noballs=1),
        lambda: Delivery(runs=3, boundary=True),
        lambda: Delivery(striker="H9"),
        lambda: Delivery(bowler="A1"),
        lambda: Delivery(wickets=(Wicket("timed out"),)),
        lambda: Delivery(noballs=1, wickets=(Wicket("caught", fielders=("A1",)),)),
        lambda: NewBatter("H5"),
        lambda: NewBowler("H1", mid_over=True),
        lambda: Declaration(),
        lambda: StartInnings("Away"),
    ],
)
def test_each_illegal_event_kind_raises_and_changes_nothing(make: Callable[[], object]) -> None:
    assert_refused(started(), make(), "")
