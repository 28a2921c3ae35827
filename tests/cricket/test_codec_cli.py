"""Wire format, CLI and the standard-library-only promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cricket import IllegalEvent, MatchSetup, cricsheet
from cricket.codec import event_from_dict, event_to_dict, setup_from_dict, setup_to_dict
from cricket.events import Delivery, NewBatter, Result, Wicket

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "cricsheet"


def test_every_event_of_a_real_match_survives_the_wire_format() -> None:
    setup, events = cricsheet.load(DATA / "1144530.json")
    for e in [*events, Result("win", "England", runs=3, method="DLS")]:
        assert event_from_dict(json.loads(json.dumps(event_to_dict(e)))) == e
    assert setup_from_dict(json.loads(json.dumps(setup_to_dict(setup)))) == setup


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"kind": "googly"}, "unknown event kind"),
        ({"runs": 1}, "unknown event kind"),
        ([], "JSON object"),
        ({"kind": "new_batter"}, "missing field 'player'"),
        ({"kind": "delivery", "runs": -1}, "negative"),
        ({"kind": "delivery", "runs": True}, "whole number"),
        ({"kind": "delivery", "runs": "4"}, "whole number"),
        ({"kind": "delivery", "runs": 1.5}, "whole number"),
        ({"kind": "delivery", "spin": 3}, "unknown field"),
        ({"kind": "delivery", "wickets": [{"player_out": "X"}]}, "missing field 'kind'"),
        ({"kind": "delivery", "wickets": "bowled"}, "list"),
        ({"kind": "new_bowler", "bowler": "X", "mid_over": 1}, "true or false"),
    ],
)
def test_malformed_event_dicts_are_refused_with_a_reason(data: object, reason: str) -> None:
    with pytest.raises(IllegalEvent, match=reason):
        event_from_dict(data)  # type: ignore[arg-type]


def test_malformed_setups_are_refused() -> None:
    good = setup_to_dict(
        MatchSetup.preset(
            "ODI", home="A", away="B", home_players=["a", "b"], away_players=["c", "d"]
        )
    )
    for bad, reason in [
        ({**good, "rules": {**good["rules"], "overs": 0}}, "overs"),
        ({**good, "rules": {**good["rules"], "tie_break": "coin"}}, "tie-break"),
        ({**good, "away": {**good["away"], "name": "A"}}, "different names"),
        ({**good, "home": {**good["home"], "players": "ab"}}, "list"),
        ({**good, "toss_winner": "C"}, "toss winner"),
    ]:
        with pytest.raises(IllegalEvent, match=reason):
            setup_from_dict(bad)


def test_events_are_frozen() -> None:
    d = Delivery(runs=1, wickets=(Wicket("bowled"),))
    with pytest.raises(AttributeError):
        d.runs = 2  # type: ignore[misc]
    assert NewBatter("X") == NewBatter("X")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cricket", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cli_prints_a_scorecard() -> None:
    r = _cli("scorecard", str(DATA / "1322356.json"))
    assert r.returncode == 0
    assert r.stdout.splitlines() == [
        "England 435/8d (87.1)",
        "New Zealand 209/10 (53.2)",
        "New Zealand 483/10 (162.3)",
        "England 256/10 (74.2)",
        "New Zealand won by 1 run",
    ]
    j = json.loads(_cli("scorecard", "--json", str(DATA / "1144530.json")).stdout)
    assert j["file"] == str(DATA / "1144530.json")
    assert j["innings"][2] == {
        "team": "England",
        "runs": 15,
        "wickets": 0,
        "overs": "1",
        "declared": False,
        "super_over": True,
        "batting": [
            {"name": "BA Stokes", "runs": 8, "balls": 3, "how_out": "not out"},
            {"name": "JC Buttler", "runs": 7, "balls": 3, "how_out": "not out"},
        ],
        "bowling": [{"name": "TA Boult", "overs": "1", "maidens": 0, "runs": 15, "wickets": 0}],
    }
    assert "England won on boundary count" in j["result"]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "287862.json",
            ["India 141/9 (20)", "Pakistan 141/7 (20)", "match tied; India won the bowl-out"],
        ),
        (
            "1384429.json",
            [
                "Sri Lanka 279/10 (49.3)",
                "Bangladesh 282/7 (41.1)",
                "Bangladesh won by 3 wickets",
            ],
        ),
        (
            "1216517.json",
            [
                "Mumbai Indians 176/6 (20)",
                "Kings XI Punjab 176/6 (20)",
                "Kings XI Punjab 5/2 (1) [super over]",
                "Mumbai Indians 5/1 (1) [super over]",
                "Mumbai Indians 11/1 (1) [super over]",
                "Kings XI Punjab 15/0 (0.4) [super over]",
                "match tied; Kings XI Punjab won after 2 super overs",
            ],
        ),
    ],
)
def test_the_cli_scores_a_bowl_out_a_timed_out_and_two_super_overs(
    name: str, lines: list[str]
) -> None:
    r = _cli("scorecard", str(DATA / name))
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.splitlines() == lines


def test_the_cli_rejects_bad_input_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = _cli("scorecard", str(bad))
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1
    bad.write_text(json.dumps({"meta": {"data_version": "1.1.0"}}))
    r = _cli("scorecard", str(bad))
    assert r.returncode != 0
    assert "not a Cricsheet match" in r.stderr
    data = json.loads((DATA / "1173070.json").read_text())
    data["innings"][0]["overs"][3]["deliveries"][2]["runs"]["batter"] = -2
    bad.write_text(json.dumps(data))
    r = _cli("scorecard", str(bad))
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 1
    assert "innings 1, over 3, ball 3" in r.stderr


def test_the_engine_imports_only_the_standard_library() -> None:
    code = (
        "import importlib, pkgutil, sys, cricket;"
        "[importlib.import_module('cricket.' + m.name)"
        " for m in pkgutil.iter_modules(cricket.__path__) if m.name != '__main__'];"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'channels', 'asyncio', 'random', 'datetime', 'secrets')];"
        "print(bad)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout


def test_the_cli_scores_many_files_in_one_process_one_json_line_each(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    files = [str(DATA / "1173070.json"), str(bad), str(DATA / "1388394.json")]
    r = _cli("scorecard", *files, "--json")
    assert r.returncode == 1  # one file could not be scored
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [line["file"] for line in lines] == files
    assert sorted(lines[0]) == ["file", "innings", "result"]
    assert lines[0]["result"] == "Australia won by 85 runs"
    assert sorted(lines[1]) == ["error", "file"]
    assert "is not JSON" in lines[1]["error"]
    assert lines[2]["result"] == "no result"
    innings = lines[0]["innings"][1]
    assert sorted(innings) == [
        "batting",
        "bowling",
        "declared",
        "overs",
        "runs",
        "super_over",
        "team",
        "wickets",
    ]
    assert sorted(innings["batting"][0]) == ["balls", "how_out", "name", "runs"]
    assert sorted(innings["bowling"][0]) == ["maidens", "name", "overs", "runs", "wickets"]
    ok = _cli("scorecard", str(DATA / "1173070.json"), str(DATA / "1388394.json"), "--json")
    assert (ok.returncode, len(ok.stdout.splitlines())) == (0, 2)
