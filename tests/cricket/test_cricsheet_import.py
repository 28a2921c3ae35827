"""Hand-made Cricsheet files for import cases the sample has no real file of."""

from __future__ import annotations

from typing import Any

from cricket import cricsheet
from cricket.cli import scorecard
from cricket.scoreboard import snapshot

HOME = [f"H{i}" for i in range(1, 12)]
AWAY = [f"A{i}" for i in range(1, 12)]


def ball(bowler: str, batter: str, non_striker: str, **extras: int) -> dict[str, Any]:
    total = sum(extras.values())
    d: dict[str, Any] = {
        "batter": batter,
        "bowler": bowler,
        "non_striker": non_striker,
        "runs": {"batter": 0, "extras": total, "total": total},
    }
    if extras:
        d["extras"] = extras
    return d


def match(overs: list[list[dict[str, Any]]], **innings: Any) -> dict[str, Any]:
    return {
        "meta": {"data_version": "1.1.0"},
        "info": {
            "balls_per_over": 6,
            "dates": ["2024-05-01"],
            "match_type": "T20",
            "overs": 20,
            "teams": ["Home", "Away"],
            "players": {"Home": HOME, "Away": AWAY},
            "outcome": {"result": "no result"},
        },
        "innings": [
            {"team": "Home", "overs": [{"over": i, "deliveries": o} for i, o in enumerate(overs)]}
            | innings
        ],
    }


def test_a_wide_after_the_last_legal_ball_of_a_short_over_stays_in_that_over() -> None:
    first = [ball("A11", "H1", "H2") for _ in range(5)] + [ball("A11", "H1", "H2", wides=1)]
    second = [ball("A10", "H2", "H1") for _ in range(6)]
    m = cricsheet.load_match(match([first, second]))
    inn = m.state.innings[0]
    assert (inn.overs_display, inn.runs, inn.legal_balls) == ("2", 1, 11)
    card = {b["name"]: b for b in scorecard(m)["innings"][0]["bowling"]}
    assert (card["A11"]["overs"], card["A11"]["runs"], card["A10"]["overs"]) == ("1", 1, "1")
    assert [n["text"] for n in snapshot(m)["notes"]] == ["over 1 had 5 legal balls instead of 6"]


def test_a_long_over_ending_in_a_wide_is_one_over_of_seven_balls() -> None:
    first = [ball("A11", "H1", "H2") for _ in range(7)] + [ball("A11", "H1", "H2", wides=1)]
    second = [ball("A10", "H2", "H1") for _ in range(6)]
    m = cricsheet.load_match(match([first, second], miscounted_overs={"0": {"balls": 7}}))
    inn = m.state.innings[0]
    assert (inn.overs_display, inn.legal_balls) == ("2", 13)
    assert [n["text"] for n in snapshot(m)["notes"]] == ["over 1 had 7 legal balls instead of 6"]


def test_a_bowler_allowed_two_overs_in_a_row_is_imported_with_a_note() -> None:
    overs = [
        [ball("A11", "H1" if i % 2 else "H2", "H2" if i % 2 else "H1") for _ in range(6)]
        for i in range(2)
    ]
    m = cricsheet.load_match(match(overs))
    notes = snapshot(m)["notes"]
    assert [(n["code"], n["over"], n["reason"]) for n in notes] == [
        ("consecutive_overs", 2, cricsheet.IMPORT_OVERRIDE)
    ]
