"""The new-match form: what a person can type wrong is refused with a clear reason, and a valid
form carries the engine's MatchSetup."""

from __future__ import annotations

import pytest

from cricket.conditions import PRESETS
from scores.forms import MAX_PLAYERS, NAME_MAX, MatchCreateForm


def data(**overrides):
    base = {
        "title": "",
        "format": "T20",
        "home": "Northfield",
        "away": "Southbury",
        "home_players": "Ann\nBea\nCat",
        "away_players": "Dan\nEd\nFay",
        "toss_winner": "",
        "toss_decision": "",
    }
    return {**base, **overrides}


def errors(form: MatchCreateForm) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def test_valid_form_builds_the_engine_setup_with_names_trimmed():
    form = MatchCreateForm(
        data(
            home="  North   field ",
            home_players="  Ann  Smith \n\n Bea\r\nCat  \n",
            toss_winner="away",
            toss_decision="field",
            overs="1",
        )
    )
    assert form.is_valid(), form.errors
    setup = form.cleaned_data["setup"]
    assert setup.home.name == "North field"
    assert setup.home.players == ("Ann Smith", "Bea", "Cat")
    assert setup.toss_winner == "Southbury"
    assert setup.toss_decision == "field"
    assert setup.rules.overs == 1
    assert setup.rules.max_overs_per_bowler == 4  # the T20 preset's, not overridden


@pytest.mark.parametrize(
    ("fmt", "overs", "balls"),
    [("ODI", 50, 6), ("Hundred", 20, 5), ("Test", None, 6)],
)
def test_the_first_release_format_names_still_choose_their_preset(fmt, overs, balls):
    form = MatchCreateForm(data(format=fmt))
    assert form.is_valid(), form.errors
    rules = form.cleaned_data["setup"].rules
    assert (rules.overs, rules.balls_per_over) == (overs, balls)


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_is_offered_and_gives_its_own_conditions(key):
    assert key in dict(MatchCreateForm().fields["format"].choices)
    form = MatchCreateForm(data(format=key))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["setup"].rules == PRESETS[key].rules


def test_the_hundred_and_the_one_day_cup_have_their_real_conditions():
    hundred = MatchCreateForm(data(format="hundred"))
    cup = MatchCreateForm(data(format="one_day_cup"))
    assert hundred.is_valid(), hundred.errors
    assert cup.is_valid(), cup.errors
    h, c = hundred.cleaned_data["setup"].rules, cup.cleaned_data["setup"].rules
    assert (h.balls_per_over, h.max_balls_per_bowler, h.max_consecutive_overs) == (5, 20, 2)
    assert h.no_ball_runs == 2
    assert (c.overs, c.no_ball_runs, c.free_hit_rule) == (50, 2, "front_foot")


def test_changed_conditions_go_on_top_of_the_preset():
    form = MatchCreateForm(
        data(
            format="t20",
            overs="16",
            no_ball_runs="2",
            free_hit="none",
            tie_break="fewer_wickets",
            impact_player="yes",
        )
    )
    assert form.is_valid(), form.errors
    rules = form.cleaned_data["setup"].rules
    assert (rules.overs, rules.no_ball_runs, rules.free_hit_rule) == (16, 2, "none")
    assert (rules.tie_break, rules.impact_player) == ("fewer_wickets", True)
    assert rules.max_overs_per_bowler == 4  # left blank: the preset's
    assert rules.preset == "t20"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"home": ""}, "required"),
        ({"home": "x" * (NAME_MAX + 1)}, f"at most {NAME_MAX}"),
        ({"away": "northfield"}, "different names"),
        ({"home_players": "Ann"}, "2 to 11 players"),
        ({"home_players": "\n".join(f"P{i}" for i in range(MAX_PLAYERS + 1))}, "(12 given)"),
        ({"away_players": "Dan\nEd\ndan"}, "dan is listed twice"),
        ({"away_players": "Dan\n" + "y" * (NAME_MAX + 1)}, "limited to"),
        ({"format": "Sixes"}, "valid choice"),
        ({"overs": "0"}, "greater than or equal to 1"),
        ({"balls_per_over": "six"}, "whole number"),
        ({"no_ball_runs": "3"}, "valid choice"),
        ({"free_hit": "sometimes"}, "valid choice"),
        ({"format": "test", "match_days": "31"}, "less than or equal to 30"),
        ({"toss_winner": "home"}, "or neither"),
        ({"toss_decision": "bat"}, "or neither"),
        ({"toss_winner": "visitors", "toss_decision": "bat"}, "valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_reason(changes, reason):
    form = MatchCreateForm(data(**changes))
    assert not form.is_valid()
    assert reason in errors(form)
    assert "setup" not in form.cleaned_data


def test_captain_and_keeper_are_marked_in_the_playing_xi():
    form = MatchCreateForm(
        data(
            home_players="Ann (c)\n†Bea\nCat",
            away_players="Dan (C) (wk)\nEd\nFay",
            competition="  County   League ",
            venue="The Parks, Oxford",
            start_date="2026-06-01",
        )
    )
    assert form.is_valid(), form.errors
    setup = form.cleaned_data["setup"]
    assert setup.home.players == ("Ann", "Bea", "Cat")
    assert setup.away.players == ("Dan", "Ed", "Fay")
    details = form.cleaned_data["details"]
    assert details.captains == {"Northfield": "Ann", "Southbury": "Dan"}
    assert details.keepers == {"Northfield": "Bea", "Southbury": "Dan"}
    assert details.competition == "County League"
    assert details.venue == "The Parks, Oxford"
    assert details.start_date == "2026-06-01"


@pytest.mark.parametrize(
    ("players", "reason"),
    [
        ("Ann (c)\nBea (c)\nCat", "mark one captain, not 2 (Ann, Bea)"),
        ("Ann (wk)\nBea †\nCat", "mark one wicket-keeper, not 2"),
        ("Ann (c)\nAnn\nCat", "Ann is listed twice"),
        ("(c)\nBea", "one per line (1 given)"),
    ],
)
def test_marks_that_do_not_make_sense_are_refused(players, reason):
    form = MatchCreateForm(data(home_players=players))
    assert not form.is_valid()
    assert reason in errors(form)


def test_a_bad_date_is_refused():
    form = MatchCreateForm(data(start_date="next tuesday"))
    assert not form.is_valid()
    assert "valid date" in errors(form)
