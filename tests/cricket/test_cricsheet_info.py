"""A Cricsheet file's context for fans: competition, venue, dates, player of the match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cricket import cricsheet_info
from cricket.cricsheet import CricsheetError
from cricket.setup import MatchSetup

FINAL = Path(__file__).resolve().parents[1] / "data" / "cricsheet" / "1370353.json"


def info(**changes):
    data = json.loads(FINAL.read_text())
    data["info"].update(changes)
    return data


def test_the_ipl_final_reads_as_fans_expect():
    found = cricsheet_info.details(FINAL)
    assert found.competition == "Indian Premier League 2023"
    assert found.stage == "Final"
    assert found.venue == "Narendra Modi Stadium, Ahmedabad"
    assert found.start_date == "2023-05-29"
    assert found.end_date is None
    assert found.player_of_match == "DP Conway"
    assert found.umpires == "Nitin Menon, RJ Tucker"
    assert found.captains == {}
    assert found.keepers == {}


def test_a_match_of_several_days_has_its_first_and_last_day_and_the_city_is_added():
    found = cricsheet_info.details(
        info(
            dates=["2023-06-18", "2023-06-16", "2023-06-17"],
            venue="Edgbaston",
            city="Birmingham",
            event={"name": "The Ashes", "match_number": 1},
            season="2023",
        )
    )
    assert (found.start_date, found.end_date) == ("2023-06-16", "2023-06-18")
    assert found.venue == "Edgbaston, Birmingham"
    assert found.competition == "The Ashes 2023"
    assert found.stage == "Match 1"


def test_captains_and_keepers_are_read_when_a_file_names_them_from_the_xi():
    found = cricsheet_info.details(
        info(
            captains={"Chennai Super Kings": "MS Dhoni", "Gujarat Titans": "Nobody"},
            wicket_keepers={"Gujarat Titans": "WP Saha"},
        )
    )
    assert found.captains == {"Chennai Super Kings": "MS Dhoni"}
    assert found.keepers == {"Gujarat Titans": "WP Saha"}


def test_missing_context_is_blank_and_a_bad_date_is_refused():
    data = info()
    for key in ("event", "venue", "city", "dates", "player_of_match", "officials", "season"):
        data["info"].pop(key, None)
    found = cricsheet_info.details(data)
    assert found == cricsheet_info.MatchDetails()
    with pytest.raises(CricsheetError, match="not a date"):
        cricsheet_info.details(info(dates=["29 May 2023"]))


def test_the_toss_reads_as_one_sentence_with_the_short_name():
    setup = MatchSetup.preset(
        "T20",
        home="Chennai Super Kings",
        away="Gujarat Titans",
        home_players=["A", "B"],
        away_players=["C", "D"],
        toss_winner="Chennai Super Kings",
        toss_decision="field",
    )
    assert setup.toss_text() == "Chennai Super Kings won the toss and chose to field"
    assert (
        MatchSetup.preset(
            "T20", home="X", away="Y", home_players=["A", "B"], away_players=["C", "D"]
        ).toss_text()
        is None
    )
