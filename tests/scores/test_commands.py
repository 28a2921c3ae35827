"""Management commands: importing a Cricsheet match, and scorer tokens."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from scores.models import Match, Scorer, ScorerToken
from scores.services import tokens
from tests.scores.helpers import T20

pytestmark = [pytest.mark.django_db, pytest.mark.db]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_import_creates_a_match_with_its_events_for_replay_and_reuse_finds_it():
    match_id = int(run("import_cricsheet", str(T20), "--scorer", "demo"))
    match = Match.objects.get(pk=match_id)
    assert match.title == "Gujarat Titans v Chennai Super Kings"
    assert match.source == "cricsheet:1370353"
    assert len(match.replay_events) == 268
    assert Scorer.objects.filter(match=match, user__username="demo").exists()
    assert int(run("import_cricsheet", str(T20), "--reuse")) == match_id
    assert int(run("import_cricsheet", str(T20))) != match_id


def test_import_of_a_bad_file_fails_with_a_reason(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"info": {}}')
    with pytest.raises(CommandError, match="innings"):
        run("import_cricsheet", str(bad))


def test_scorer_token_prints_a_working_token_once_and_replace_revokes_the_old_one():
    with pytest.raises(CommandError):
        run("scorer_token", "nobody")
    first = run("scorer_token", "feed", "--create-user", "--name", "demo")
    second = run("scorer_token", "feed", "--name", "demo", "--replace")
    assert tokens.scorer_token_use(raw=first) is None
    assert tokens.scorer_token_use(raw=second).username == "feed"
    assert not ScorerToken.objects.filter(digest=second).exists()


def test_replay_needs_a_token_and_events():
    with pytest.raises(CommandError, match="token"):
        run("replay_match", "1", "--token", "")
    match_id = run("import_cricsheet", str(T20))
    Match.objects.filter(pk=match_id).update(replay_events=None)
    with pytest.raises(CommandError, match="no events"):
        run("replay_match", match_id, "--token", "x")


def test_import_fills_the_match_context_from_the_file_and_the_options():
    from scores import selectors

    match_id = int(
        run(
            "import_cricsheet",
            str(T20),
            "--captain",
            "Chennai Super Kings=MS Dhoni",
            "--keeper",
            "Chennai Super Kings=MS Dhoni",
            "--captain",
            "Gujarat Titans=HH Pandya",
            "--keeper",
            "Gujarat Titans=WP Saha",
        )
    )
    match = Match.objects.get(pk=match_id)
    assert match.competition == "Indian Premier League 2023"
    assert match.stage == "Final"
    assert match.venue == "Narendra Modi Stadium, Ahmedabad"
    assert str(match.start_date) == "2023-05-29"
    assert match.player_of_match == "DP Conway"
    info = selectors.match_snapshot(match_id=match_id)["match"]
    assert info["competition"] == "Indian Premier League 2023"
    assert info["venue"] == "Narendra Modi Stadium, Ahmedabad"
    assert info["start_date"] == "2023-05-29"
    assert info["end_date"] is None
    assert info["toss"] == "Chennai Super Kings won the toss and chose to field"
    assert info["player_of_match"] == "DP Conway"
    assert info["captains"] == {"Chennai Super Kings": "MS Dhoni", "Gujarat Titans": "HH Pandya"}
    assert info["keepers"] == {"Chennai Super Kings": "MS Dhoni", "Gujarat Titans": "WP Saha"}


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        (["--captain", "Chennai Super Kings"], "TEAM=PLAYER"),
        (["--captain", "Chennai Super Kings=Nobody"], "not in their playing XI"),
        (["--keeper", "Mumbai Indians=RG Sharma"], "not a team in this match"),
    ],
)
def test_import_refuses_a_captain_or_keeper_it_cannot_place_and_creates_nothing(option, reason):
    with pytest.raises(CommandError, match=reason):
        run("import_cricsheet", str(T20), *option)
    assert not Match.objects.exists()
