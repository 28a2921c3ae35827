"""Playing conditions as data: presets, The Hundred, no-ball values, free hits, follow-on
margins, tie-breaks, replacements and revised targets."""

from __future__ import annotations

import dataclasses

import pytest

from cricket import IllegalEvent, Match, MatchSetup, cricsheet
from cricket.conditions import PRESETS, Rules, describe, law_14_margin, rules_for
from cricket.events import (
    Declaration,
    Delivery,
    NewBatter,
    NewBowler,
    RevisedTarget,
    StartInnings,
    Substitute,
    Wicket,
)
from cricket.result import outcome
from cricket.scoreboard import snapshot
from cricket.setup import PRESETS as LEGACY_PRESETS
from tests.cricket.helpers import AWAY, HOME, play_innings, setup, started


def bowl(m: Match, *deliveries: Delivery) -> None:
    for d in deliveries:
        m.apply(d)


def dots(m: Match, n: int) -> None:
    bowl(m, *[Delivery() for _ in range(n)])


# --- presets --------------------------------------------------------------------------------


def test_every_preset_has_a_label_a_summary_and_valid_rules() -> None:
    assert list(PRESETS) == [
        "test",
        "odi",
        "t20",
        "hundred",
        "county_championship",
        "one_day_cup",
        "vitality_blast",
        "custom",
    ]
    for key, preset in PRESETS.items():
        assert preset.key == key == preset.rules.preset
        assert preset.label
        assert preset.summary
        m = Match(setup(key))  # builds and validates
        assert m.setup.rules == preset.rules
        assert describe(preset.rules)[0] == f"Playing conditions: {preset.label}"


def test_the_old_format_names_still_build_the_same_presets() -> None:
    for old, key in (("T20", "t20"), ("ODI", "odi"), ("Hundred", "hundred"), ("Test", "test")):
        assert setup(old).rules == setup(key).rules
        assert Rules(**LEGACY_PRESETS[old]) == PRESETS[key].rules
    # The Test preset still enforces the follow-on at 200, now from Law 14.1.1's five days.
    assert setup("Test").rules.follow_on_margin == 200


def test_an_unknown_preset_or_rule_is_refused_with_the_choices() -> None:
    with pytest.raises(IllegalEvent, match="choose one of test, odi"):
        setup("T10")
    with pytest.raises(IllegalEvent, match="unknown rule"):
        rules_for("t20", powerplay=6)
    with pytest.raises(IllegalEvent, match="no-ball penalty"):
        rules_for("t20", no_ball_runs=3)


def test_the_english_presets_have_two_run_no_balls_and_front_foot_free_hits() -> None:
    for key in ("one_day_cup", "vitality_blast"):
        r = PRESETS[key].rules
        assert (r.no_ball_runs, r.free_hit_rule) == (2, "front_foot")
    cc = PRESETS["county_championship"].rules
    assert (cc.no_ball_runs, cc.follow_on_margin, cc.free_hit_rule) == (2, 150, "none")
    lines = describe(PRESETS["hundred"].rules)
    assert "20 balls per bowler; a bowler may bowl up to 2 overs in a row" in lines
    assert "Ends change every 2 overs" in lines
    assert "No-ball: 2 runs" in lines


# --- The Hundred ----------------------------------------------------------------------------


def hundred() -> Match:
    return started("hundred")


def test_a_hundred_bowler_may_bowl_ten_in_a_row_but_not_fifteen() -> None:
    m = hundred()
    dots(m, 5)
    m.apply(NewBowler("A11"))  # the second five of a "10"
    dots(m, 5)
    with pytest.raises(IllegalEvent, match="has bowled 2 overs in a row") as refused:
        m.apply(NewBowler("A11"))
    assert refused.value.code == "consecutive_overs"
    assert refused.value.overridable


def test_in_the_hundred_the_ends_change_after_ten_balls_not_five() -> None:
    m = hundred()
    dots(m, 5)
    live = m.state.live
    assert live is not None
    assert live.striker == "H1"  # same end, same striker after the first five
    m.apply(NewBowler("A10"))
    dots(m, 5)
    assert live.striker == "H2"


def test_a_hundred_bowler_may_bowl_twenty_balls() -> None:
    m = hundred()
    for set_number in range(8):
        m.apply(NewBowler("A11" if set_number % 4 < 2 else "A10"))
        dots(m, 5)
    rows = {r["name"]: r for r in snapshot(m)["bowlers"]}
    assert rows["A11"]["eligible"] is False
    assert rows["A11"]["reason"] == "A11 has bowled the maximum 20 balls"
    assert rows["A11"]["code"] == "bowler_quota"
    assert rows["A11"]["overridable"] is True
    assert snapshot(m)["innings"][0]["bowling"][0]["overs"] == "4"


def test_a_hundred_no_ball_is_two_runs_and_gives_a_free_hit() -> None:
    m = hundred()
    with pytest.raises(IllegalEvent, match="no-ball is worth 2"):
        m.apply(Delivery(noballs=1))
    m.apply(Delivery(noballs=2, runs=4))
    inn = snapshot(m)["innings"][0]
    assert inn["runs"] == 6
    assert inn["bowling"][0]["runs"] == 6
    assert snapshot(m)["current"]["free_hit"] is True


# --- no-balls and free hits -----------------------------------------------------------------


def test_under_the_2000_code_runs_run_off_a_no_ball_are_no_balls_charged_to_the_bowler() -> None:
    m = started(no_ball_byes_are_no_balls=True)
    m.apply(Delivery(noballs=2))  # a no-ball and a bye run: the batters crossed
    live = m.state.live
    assert live is not None
    assert live.striker == "H2"
    inn = snapshot(m)["innings"][0]
    assert (inn["extras"]["noballs"], inn["bowling"][0]["runs"]) == (2, 2)
    with pytest.raises(IllegalEvent, match="no-ball is worth 1"):
        started().apply(Delivery(noballs=2))


def test_front_foot_free_hits_follow_only_front_foot_no_balls() -> None:
    m = started(free_hit_front_foot_only=True)
    m.apply(Delivery(noballs=1, front_foot=False))
    assert snapshot(m)["current"]["free_hit"] is False
    m.apply(Delivery(wickets=(Wicket("bowled"),)))  # no free hit: out
    m.apply(NewBatter("H3"))
    m.apply(Delivery(noballs=1))
    assert snapshot(m)["current"]["free_hit"] is True
    with pytest.raises(IllegalEvent, match="free hit"):
        m.apply(Delivery(wickets=(Wicket("bowled"),)))


def test_without_free_hits_a_batter_may_be_out_off_the_ball_after_a_no_ball() -> None:
    m = started(free_hit=False)
    m.apply(Delivery(noballs=1))
    m.apply(Delivery(wickets=(Wicket("bowled"),)))
    assert snapshot(m)["innings"][0]["wickets"] == 1


# --- follow-on, tie-breaks, super overs -----------------------------------------------------


@pytest.mark.parametrize(
    ("days", "margin"), [(5, 200), (6, 200), (4, 150), (3, 150), (2, 100), (1, 75)]
)
def test_the_follow_on_margin_follows_law_14_by_the_length_of_the_match(
    days: int, margin: int
) -> None:
    assert law_14_margin(days) == margin
    assert rules_for("test", match_days=days).follow_on_margin == margin


def test_a_lost_first_day_makes_the_match_a_day_shorter_for_the_follow_on() -> None:
    assert rules_for("test", first_day_lost=True).follow_on_margin == 150
    assert rules_for("test", follow_on=120).follow_on_margin == 120  # playing conditions
    with pytest.raises(IllegalEvent, match="lost first day"):
        rules_for("t20", first_day_lost=True)


def _lead_by(m: Match, lead: int) -> None:
    """Home declare on ``lead`` runs and Away declare on none: Home may enforce the follow-on?"""
    play_innings(m, ["A11", "A10"], per_ball=1, balls=lead)
    m.apply(Declaration())
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    m.apply(Declaration())


def test_a_four_day_match_offers_the_follow_on_at_150_but_not_149() -> None:
    m = started("test", match_days=4)
    _lead_by(m, 150)
    assert snapshot(m)["follow_on_available"] is True
    m = started("test", match_days=4)
    _lead_by(m, 149)
    assert snapshot(m)["follow_on_available"] is False


def _run_out_non_striker(m: Match) -> Delivery:
    live = m.state.live
    assert live is not None
    return Delivery(wickets=(Wicket("run out", player_out=live.non_striker),))


def _tied_on_runs(m: Match) -> None:
    """Home make 6 off the over losing two wickets; Away make 6 losing one."""
    m.apply(_run_out_non_striker(m))
    m.apply(NewBatter("H3"))
    m.apply(Delivery(runs=2))
    m.apply(_run_out_non_striker(m))
    m.apply(NewBatter("H4"))
    bowl(m, Delivery(runs=2), Delivery(runs=1), Delivery(runs=1))
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    m.apply(Delivery(wickets=(Wicket("bowled"),)))
    m.apply(NewBatter("A3"))
    bowl(m, *[Delivery(runs=r) for r in (1, 1, 2, 1, 1)])


def test_a_tie_can_go_to_the_side_that_lost_fewer_wickets() -> None:
    m = started(overs=1, max_overs_per_bowler=1, tie_break="fewer_wickets")
    _tied_on_runs(m)
    assert [i.runs for i in m.state.innings] == [6, 6]
    res = outcome(m.state)
    assert res is not None
    assert (res.outcome, res.winner, res.text) == ("win", "Away", "Away won (lost fewer wickets)")


def test_a_super_over_with_three_wickets_goes_on_after_the_second() -> None:
    m = Match(setup(overs=1, max_overs_per_bowler=1, tie_break="super_over", super_over_wickets=3))
    for batting in ("Home", "Away"):
        m.apply(StartInnings(batting))
        bat = HOME if batting == "Home" else AWAY
        m.apply(NewBatter(bat[0]))
        m.apply(NewBatter(bat[1]))
        m.apply(NewBowler((AWAY if batting == "Home" else HOME)[10]))
        dots(m, 6)
    m.apply(StartInnings(super_over=True))
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    for i in range(2):
        m.apply(Delivery(wickets=(Wicket("bowled"),)))
        m.apply(NewBatter(AWAY[i + 2]))
    assert m.state.live is not None  # two down, still batting
    m.apply(Delivery(wickets=(Wicket("bowled"),)))
    assert m.state.innings[-1].close_reason == "all out"


# --- replacements ---------------------------------------------------------------------------


def named(home: str, away: str, home_players: list[str], away_players: list[str]) -> Match:
    return Match(
        MatchSetup.preset(
            "t20",
            home=home,
            away=away,
            home_players=home_players,
            away_players=away_players,
            impact_player=None,
        )
    )


def test_a_replacement_whose_name_is_part_of_the_other_teams_name_is_accepted() -> None:
    # The old check tested "Aus" in "Australia", a substring of the other side's *name*.
    m = named("England", "Australia", ["Root", "Stokes"], ["Smith", "Cummins"])
    m.apply(Substitute("England", "Aus", "Stokes", replacement=True, reason="concussion"))
    assert m.state.active["England"] == ["Root", "Aus"]


def test_a_player_of_the_other_side_cannot_come_on_as_a_replacement() -> None:
    m = named("England", "Australia", ["Root", "Stokes"], ["Smith", "Cummins"])
    with pytest.raises(IllegalEvent, match="Smith plays for Australia"):
        m.apply(Substitute("England", "Smith", "Stokes", replacement=True, reason="concussion"))
    assert m.state.active["England"] == ["Root", "Stokes"]


def test_impact_players_only_where_the_conditions_allow_one_a_side() -> None:
    m = started("t20")
    with pytest.raises(IllegalEvent, match="no impact players"):
        m.apply(Substitute("Away", "A12", "A1", replacement=True, reason="impact player"))
    m = started("t20", impact_player=True)
    m.apply(Substitute("Away", "A12", "A1", replacement=True, reason="impact_player"))
    with pytest.raises(IllegalEvent, match="already brought on its impact player"):
        m.apply(Substitute("Away", "A13", "A2", replacement=True, reason="impact player"))
    m.apply(Substitute("Home", "H12", "H11", replacement=True, reason="impact player"))


def test_a_concussion_replacement_for_the_bowler_mid_over_finishes_the_over() -> None:
    m = started()
    m.apply(Delivery(runs=2))
    m.apply(Substitute("Away", "A12", "A11", replacement=True, reason="concussion_substitute"))
    assert snapshot(m)["awaiting"] == "new_bowler"
    with pytest.raises(IllegalEvent, match="name the bowler"):
        m.apply(Delivery())
    m.apply(NewBowler("A12", mid_over=True))
    dots(m, 5)
    rows = {b["name"]: b for b in snapshot(m)["innings"][0]["bowling"]}
    assert (rows["A11"]["balls"], rows["A11"]["runs"], rows["A12"]["balls"]) == (1, 2, 5)
    with pytest.raises(IllegalEvent, match="concussion"):
        started(concussion_replacements=False).apply(
            Substitute("Away", "A12", "A1", replacement=True, reason="concussion")
        )


# --- revised targets ------------------------------------------------------------------------


def _chase(m: Match) -> None:
    play_innings(m, ["A11", "A10"])  # 24 in 4 overs
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))


def test_a_revised_chase_can_end_part_way_through_an_over() -> None:
    m = started(overs=4, max_overs_per_bowler=2)
    _chase(m)
    m.apply(RevisedTarget(runs=30, overs=2, balls=3, method="DLS"))
    play_innings(m, ["H11", "H10"])
    inn = snapshot(m)["innings"][1]
    assert (inn["overs"], inn["runs"], inn["overs_limit_text"]) == ("2.3", 15, "2.3")
    assert snapshot(m)["result"] == "Home won by 14 runs (DLS)"


@pytest.mark.parametrize(
    ("par", "result"),
    [
        (10, "Away won by 2 runs (D/L)"),  # ahead of par when play was called off
        (12, "match tied (D/L)"),
        (14, "Home won by 2 runs (D/L)"),
    ],
)
def test_a_chase_called_off_is_decided_by_the_par_score(par: int, result: str) -> None:
    m = started(overs=4, max_overs_per_bowler=2, tie_break="none")
    _chase(m)
    play_innings(m, ["H11", "H10"], balls=12)  # 12 runs in 2 overs, then rain
    m.apply(RevisedTarget(runs=par + 1, overs=2, method="D/L"))
    assert m.state.innings[1].close_reason == "overs"
    assert snapshot(m)["result"] == result


def test_revising_only_the_overs_still_labels_the_result_with_the_method() -> None:
    m = started(overs=4, max_overs_per_bowler=2)
    _chase(m)
    m.apply(RevisedTarget(overs=3, method="D/L"))
    play_innings(m, ["H11", "H10"])
    assert snapshot(m)["result"] == "Home won by 6 runs (D/L)"


def test_a_revision_with_no_method_labels_nothing() -> None:
    m = started(overs=4, max_overs_per_bowler=2)
    _chase(m)
    m.apply(RevisedTarget(runs=20, overs=3, method=""))
    play_innings(m, ["H11", "H10"])
    assert snapshot(m)["result"] == "Home won by 1 run"


def test_a_part_over_limit_needs_whole_overs_and_fewer_balls_than_an_over() -> None:
    m = started(overs=4, max_overs_per_bowler=2)
    with pytest.raises(IllegalEvent, match="whole overs"):
        m.apply(RevisedTarget(runs=10, balls=3))
    with pytest.raises(IllegalEvent, match="fewer than 6"):
        m.apply(RevisedTarget(overs=2, balls=6))


def test_rules_are_frozen_data() -> None:
    r = PRESETS["t20"].rules
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.overs = 10  # type: ignore[misc]


def test_an_imported_chase_level_with_par_when_play_was_called_off_is_a_tie() -> None:
    m = started(overs=4, max_overs_per_bowler=2, tie_break="none")
    _chase(m)
    play_innings(m, ["H11", "H10"], balls=12)
    m.apply(RevisedTarget(runs=13, overs=2, method="D/L"))
    exported = cricsheet.dump(m.setup, list(m.events))
    assert exported["info"]["outcome"] == {"result": "tie", "method": "D/L"}
    assert exported["innings"][1]["target"] == {"runs": 13, "overs": 2}
    again = cricsheet.load_match(exported)
    assert snapshot(again)["result"] == "match tied (D/L)"
    assert again.state.innings[1].close_reason == "overs"
