"""The scores pages: match list, fan match page and scorer console, rendered on the server."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model

from cricket.setup import MatchSetup
from scores import services
from tests.scores.helpers import make_match, score

pytestmark = [pytest.mark.django_db, pytest.mark.db]

EVIL = "<script>alert(1)</script>"


def evil_match():
    setup = MatchSetup.preset(
        "T20",
        home=EVIL,
        away="Away <b>XI</b>",
        home_players=[f"{EVIL} Smith", "P2", "P3"],
        away_players=["Q1", "Q2", "Q3"],
    )
    return services.match_create(setup=setup, title=f"{EVIL} v Away")


def user(name, **extra):
    return get_user_model().objects.create_user(name, password=f"pw-{name}-Secret9", **extra)


def test_match_list_shows_live_matches_first_with_their_summary(client):
    scheduled = make_match("Scheduled final")
    live = make_match("Live final")
    score(live, 30)
    page = client.get("/matches/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Live final") < html.index("Scheduled final")
    live.refresh_from_db()
    assert live.summary
    assert live.summary in html
    assert f'href="/matches/{scheduled.id}/"' in html
    assert "scores/list.js" in html


def test_match_page_renders_the_full_scoreboard_without_javascript(client):
    match = make_match()
    score(match, 60, user=None)
    page = client.get(f"/matches/{match.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-field="score">Gujarat Titans' in html
    assert "Fall of wickets" in html or "Yet to bat" in html
    assert 'class="bowling"' in html
    assert 'class="batting"' in html
    assert 'data-field="this_over"' in html
    # Commentary newest first, the snapshot embedded for the page's module, and the chat panel.
    seqs = [int(s) for s in re.findall(r'<li data-seq="(\d+)"', html)]
    assert seqs == sorted(seqs, reverse=True)
    assert seqs[0] == 60
    embedded = re.search(r'<script id="snapshot-data" type="application/json">(.*?)</script>', html)
    assert json.loads(embedded.group(1))["seq"] == 60
    assert f'data-chat-room="match-{match.id}"' in html
    assert "scores/match.js" in html


def test_unknown_match_pages_are_404(client):
    assert client.get("/matches/999999/").status_code == 404
    client.force_login(user("ann", is_superuser=True))
    assert client.get("/matches/999999/score/").status_code == 404


def test_scorer_console_asks_anonymous_visitors_to_log_in(client):
    match = make_match()
    page = client.get(f"/matches/{match.id}/score/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_scorer_console_is_forbidden_to_users_without_scorer_rights(client):
    match = make_match()
    client.force_login(user("fan"))
    page = client.get(f"/matches/{match.id}/score/")
    assert page.status_code == 403
    assert "cannot score" in page.content.decode()
    assert "scores/console.js" not in page.content.decode()


def test_scorer_console_renders_for_a_scorer_of_the_match(client):
    match = make_match()
    scorer = user("sam")
    services.scorer_grant(user=scorer, match=match)
    score(match, 3)  # start of innings, two openers in: the bowler is due
    client.force_login(scorer)
    page = client.get(f"/matches/{match.id}/score/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-awaiting="new_bowler"' in html
    assert 'data-runs="4"' in html
    assert 'id="wicket-open"' in html
    assert 'id="undo"' in html
    assert 'id="revised-form"' in html
    assert 'id="result-form"' in html
    assert "scores/console.js" in html


@pytest.mark.parametrize("path", ["/matches/", "/matches/{id}/", "/matches/{id}/score/"])
def test_team_and_player_names_render_as_text_not_html(client, path):
    match = evil_match()
    services.command_apply(
        match_id=match.id, user=None, command={"kind": "start_innings"}, expect_seq=0
    )
    services.command_apply(
        match_id=match.id,
        user=None,
        command={"kind": "new_batter", "player": f"{EVIL} Smith"},
        expect_seq=1,
    )
    admin = user("root", is_superuser=True)
    client.force_login(admin)
    html = client.get(path.format(id=match.id)).content.decode()
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>XI</b>" not in html


def test_home_page_links_to_the_match_list(client):
    assert 'href="/matches/"' in client.get("/").content.decode()
