"""The home page and the match list for fans: matches in play as cards (live first) with both
sides' scores, recent results apart, and nothing meant for developers or staff shown to visitors."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from scores.models import Match
from scores.templatetags.scores import summary_lines
from tests.scores.helpers import make_match, score

pytestmark = [pytest.mark.django_db, pytest.mark.db]


def cards(html: str, list_id: str) -> list[str]:
    """The match ids of the cards in the <ul id=list_id>, in order."""
    found = re.search(rf'<ul class="match-cards" id="{list_id}"[^>]*>(.*?)</ul>', html, re.S)
    assert found, f"no #{list_id}"
    return re.findall(r'<li class="match-card" data-match-id="(\d+)"', found.group(1))


def test_summary_lines_split_scores_from_the_equation_or_result():
    assert summary_lines("GT 214/4 (20) · CSK 171/5 (15) · CSK won by 5 wickets (D/L)") == [
        {"kind": "score", "text": "GT 214/4 (20)"},
        {"kind": "score", "text": "CSK 171/5 (15)"},
        {"kind": "note", "text": "CSK won by 5 wickets (D/L)"},
    ]
    assert summary_lines("Eng 400/6d (120.3) · Aus 12/0 (4.1) [SO]")[1]["kind"] == "score"
    assert summary_lines("") == [{"kind": "note", "text": "not started"}]


def test_live_matches_come_first_and_results_are_listed_apart(client):
    scheduled = make_match("Scheduled")
    live = make_match("Live")
    score(live, 8)
    finished = make_match("Done")
    Match.objects.filter(pk=finished.pk).update(
        status="finished", summary="GT 214/4 (20) · CSK 171/5 (15) · CSK won by 5 wickets"
    )
    for url in ("/", "/matches/"):
        html = client.get(url).content.decode()
        assert cards(html, "match-list") == [str(live.id), str(scheduled.id)], url
        assert cards(html, "match-results") == [str(finished.id)], url
        assert '<span class="line score">CSK 171/5 (15)</span>' in html
        assert '<span class="line note">CSK won by 5 wickets</span>' in html


def test_a_card_shows_the_context_of_its_match(client):
    match = make_match()
    Match.objects.filter(pk=match.pk).update(
        competition="Indian Premier League 2023", stage="Final", venue="Ahmedabad"
    )
    html = client.get("/matches/").content.decode()
    assert "Final, Indian Premier League 2023" in html
    assert "Ahmedabad" in html


def test_visitors_see_no_admin_link_and_no_practice_socket(client):
    html = client.get("/").content.decode()
    assert "/admin/" not in html
    assert "practice" not in html.lower()
    assert 'href="/accounts/signup/?next=/matches/new/"' in html
    # The practice page stays reachable by its URL, for developers.
    practice = client.get("/practice/").content.decode()
    assert 'id="practice-ping"' in practice
    assert "practice/practice.js" in practice


def test_signed_in_users_are_offered_to_score_a_match_and_staff_the_admin(client):
    users = get_user_model().objects
    client.force_login(users.create_user("cara", password="x"))
    html = client.get("/").content.decode()
    assert 'href="/matches/new/">Score a match</a>' in html
    assert "/admin/" not in html
    client.force_login(users.create_user("stan", password="x", is_staff=True))
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_the_home_page_shows_a_few_cards_and_links_to_all(client):
    for n in range(8):
        make_match(f"M{n}")
    html = client.get("/").content.decode()
    assert len(cards(html, "match-list")) == 6
    assert 'data-limit="6"' in html
    assert 'href="/matches/"' in html
