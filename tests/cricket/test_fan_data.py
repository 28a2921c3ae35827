"""Fan-page data from the engine (over log, dots, over summaries, projections, chase),
checked on real matches against figures counted straight from the Cricsheet files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cricket import cricsheet
from cricket.scoreboard import snapshot
from tests.cricket.helpers import bowl_over, started

DATA = Path(__file__).resolve().parents[1] / "data" / "cricsheet"
T20S = ["1370353.json", "1173070.json", "335982.json", "1268191.json"]


def _cricsheet_overs(inn: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [
        (
            sum(d["runs"]["total"] for d in o["deliveries"]),
            sum(
                1
                for d in o["deliveries"]
                for w in d.get("wickets", [])
                if not w["kind"].startswith("retired")  # a retirement is not a wicket that fell
            ),
            o["deliveries"][-1]["bowler"],
        )
        for o in inn["overs"]
    ]


@pytest.mark.parametrize("name", T20S)
def test_over_log_matches_the_cricsheet_overs(name: str) -> None:
    data = json.loads((DATA / name).read_text())
    board = snapshot(cricsheet.load_match(DATA / name))
    for inn, theirs in zip(board["innings"], data["innings"], strict=True):
        expected = _cricsheet_overs(theirs)
        complete = [list(o) for o in expected]
        # The last over may be unfinished (a chase won mid-over): only completed overs are logged.
        assert inn["over_log"] == complete[: len(inn["over_log"])]
        assert len(inn["over_log"]) == inn["legal_balls"] // 6
        assert sum(o[0] for o in inn["over_log"]) <= inn["runs"]


@pytest.mark.parametrize("name", T20S)
def test_dots_match_the_cricsheet_balls(name: str) -> None:
    data = json.loads((DATA / name).read_text())
    board = snapshot(cricsheet.load_match(DATA / name))
    for inn, theirs in zip(board["innings"], data["innings"], strict=True):
        batter_dots: dict[str, int] = {}
        bowler_dots: dict[str, int] = {}
        for o in theirs["overs"]:
            for d in o["deliveries"]:
                extras = d.get("extras", {})
                if "wides" not in extras and d["runs"]["batter"] == 0:
                    batter_dots[d["batter"]] = batter_dots.get(d["batter"], 0) + 1
                legal = "wides" not in extras and "noballs" not in extras
                conceded = d["runs"]["batter"] + extras.get("wides", 0) + extras.get("noballs", 0)
                if legal and conceded == 0:
                    bowler_dots[d["bowler"]] = bowler_dots.get(d["bowler"], 0) + 1
        assert {b["name"]: b["dots"] for b in inn["batting"] if b["balls"]} == {
            b["name"]: batter_dots.get(b["name"], 0) for b in inn["batting"] if b["balls"]
        }
        assert {w["name"]: w["dots"] for w in inn["bowling"]} == {
            w["name"]: bowler_dots.get(w["name"], 0) for w in inn["bowling"]
        }


def test_the_final_over_summaries_read_like_cricinfo() -> None:
    m = cricsheet.load_match(DATA / "1370353.json")
    summaries = [line.summary for line in m.commentary if line.summary]
    assert len(summaries) == 20 + 15
    # GT's second over in the Cricsheet file: Deshpande's first, 4 runs, 8/0 after it.
    assert summaries[1] == (
        "End of over 2: 4 runs, Gujarat Titans 8/0, WP Saha 4 (7), Shubman Gill 4 (5),"
        " TU Deshpande 1-0-4-0"
    )
    assert summaries[19].startswith("End of over 20: ")
    assert "Gujarat Titans 214/4" in summaries[19]
    assert summaries[-1].startswith("End of over 15: ")
    assert "Chennai Super Kings 171/5" in summaries[-1]


def test_projected_score_in_the_first_innings_and_the_chase_equation() -> None:
    m = started("T20")
    bowl_over(m, 1, 1, 1, 1, 1, 1)  # 6 from the first over: 6.0 an over, 19 overs left
    cur = snapshot(m)["current"]
    assert cur["projected"] == [[6.0, 120], [7.0, 139], [8.0, 158]]
    assert cur["needed"] is None


def test_the_chase_needs_runs_from_balls() -> None:
    m = cricsheet.load_match(DATA / "1370353.json")
    board = snapshot(m)
    # Finished: no projection, no equation.
    assert board["current"]["projected"] is None
    assert board["current"]["needed"] is None
    assert board["result"] == "Chennai Super Kings won by 5 wickets (D/L)"
