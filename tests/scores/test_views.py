"""The scores pages: match list, fan match page and scorer console, rendered on the server."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model

from cricket.setup import MatchSetup
from scores import selectors
from scores.services import matches
from tests.scores.helpers import make_match, record, score

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
    return matches.match_create(setup=setup, title=f"{EVIL} v Away")


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
    matches.scorer_grant(user=scorer, match=match)
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
    record(match_id=match.id, user=None, command={"kind": "start_innings"}, expect_seq=0)
    record(
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


# The new-match form (/matches/new/).

NEW = {
    "title": "",
    "format": "T20",
    "overs": "1",
    "home": "Northfield",
    "away": "Southbury",
    "home_players": "Ann\nBea\nCat",
    "away_players": "Dan\nEd\nFay",
    "toss_winner": "home",
    "toss_decision": "bat",
}


def nothing_created():
    from chat.models import Room
    from scores.models import Match, Player, Scorer, Team

    return (
        not Match.objects.exists()
        and not Team.objects.exists()
        and not Player.objects.exists()
        and not Scorer.objects.exists()
        and not Room.objects.filter(slug__startswith="match-").exists()
    )


def test_match_list_offers_scoring_a_match_to_signed_in_users_and_sign_up_to_visitors(client):
    visitor = client.get("/matches/").content.decode()
    assert 'href="/matches/new/"' not in visitor
    assert 'href="/accounts/signup/?next=/matches/new/"' in visitor
    client.force_login(user("cara"))
    assert 'href="/matches/new/">Score a match</a>' in client.get("/matches/").content.decode()


def test_new_match_form_asks_anonymous_visitors_to_log_in(client):
    page = client.get("/matches/new/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=/matches/new/"
    assert client.post("/matches/new/", NEW).status_code == 302
    assert nothing_created()


def test_new_match_is_created_and_its_creator_scores_it(client):
    from scores.models import Match

    creator = user("cara")
    client.force_login(creator)
    form = client.get("/matches/new/")
    assert form.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    page = client.post("/matches/new/", {**NEW, "title": f"  Final {EVIL} "})
    match = Match.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/matches/{match.id}/score/"
    assert match.title == f"Final {EVIL}"
    assert match.status == "scheduled"
    assert match.setup["home"]["players"] == ["Ann", "Bea", "Cat"]
    assert match.setup["rules"]["overs"] == 1
    assert match.setup["toss_winner"] == "Northfield"
    assert match.setup["toss_decision"] == "bat"
    assert (
        f'data-chat-room="match-{match.id}"' in client.get(f"/matches/{match.id}/").content.decode()
    )
    console = client.get(page["Location"])
    assert console.status_code == 200
    html = console.content.decode()
    assert 'data-awaiting="innings_start"' in html
    assert EVIL not in html
    # The next match gets the default title and shares the teams by name.
    client.post("/matches/new/", {**NEW, "toss_winner": "", "toss_decision": ""})
    assert Match.objects.order_by("-id").first().title == "Northfield v Southbury"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"home": ""}, "This field is required."),
        ({"away": "Northfield"}, "The two teams need different names."),
        ({"home_players": "Ann"}, "list 2 to 11 players"),
        ({"away_players": "Dan\nEd\nDan"}, "Dan is listed twice"),
        ({"away_players": "\n".join(f"P{i}" for i in range(12))}, "(12 given)"),
        ({"home_players": "Ann\n" + "z" * 81}, "limited to 80 characters"),
        ({"format": "Sixes"}, "Select a valid choice."),
        ({"balls_per_over": "0"}, "greater than or equal to 1"),
        ({"toss_decision": ""}, "or neither"),
    ],
)
def test_bad_new_match_is_refused_with_the_reason_and_creates_nothing(client, changes, reason):
    client.force_login(user("cara"))
    page = client.post("/matches/new/", {**NEW, **changes})
    assert page.status_code == 400
    html = page.content.decode()
    assert reason in html
    assert 'class="errorlist' in html
    assert nothing_created()


def test_bad_new_match_shows_the_typed_text_escaped(client):
    client.force_login(user("cara"))
    page = client.post("/matches/new/", {**NEW, "home_players": EVIL, "home": EVIL})
    html = page.content.decode()
    assert page.status_code == 400
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert nothing_created()


def test_new_match_without_a_csrf_token_is_refused(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user("cara"))
    page = strict.post("/matches/new/", NEW)
    assert page.status_code == 403
    assert nothing_created()


def test_scorer_reads_a_past_ball_with_who_was_batting_to_edit_it(client):
    match = make_match()
    scorer = user("sam")
    matches.scorer_grant(user=scorer, match=match)
    score(match, 8)
    client.force_login(scorer)
    found = client.get(f"/matches/{match.id}/score/events/5").json()
    assert found["at"] == 5
    assert found["seq"] == 8
    assert found["event"]["kind"] == "delivery"
    assert found["over"] == "0.1"
    assert (found["striker"], found["non_striker"], found["bowler"]) == (
        "WP Saha",
        "Shubman Gill",
        "DL Chahar",
    )
    assert "MS Dhoni" in found["fielders"]
    assert client.get(f"/matches/{match.id}/score/events/99").status_code == 404
    client.force_login(user("fan"))
    assert client.get(f"/matches/{match.id}/score/events/5").status_code == 403


def test_the_match_page_shows_the_playing_conditions_stored_with_the_match(client):
    from cricket.conditions import PRESETS
    from cricket.setup import MatchSetup
    from scores.services.matches import match_create

    setup = MatchSetup.preset(
        "one_day_cup", home="North", away="South", home_players=["A", "B"], away_players=["C", "D"]
    )
    match = match_create(setup=setup)
    html = client.get(f"/matches/{match.pk}/").content.decode()
    assert "Playing conditions: One-Day Cup" in html
    assert "No-ball: 2 runs" in html
    assert "Free hit after a front-foot no-ball" in html
    assert match.format == PRESETS["one_day_cup"].short


def test_new_match_keeps_its_context_and_the_fan_snapshot_carries_it(client):
    from scores import selectors
    from scores.models import Match

    client.force_login(user("cara"))
    page = client.post(
        "/matches/new/",
        {
            **NEW,
            "home_players": "Ann (c)\nBea (wk)\nCat",
            "away_players": "Dan\nEd *\nFay †",
            "competition": "Village Cup",
            "stage": "Final",
            "venue": "The Green",
            "start_date": "2026-07-04",
        },
    )
    assert page.status_code == 302
    match = Match.objects.get()
    info = selectors.match_snapshot(match_id=match.id)["match"]
    assert info["competition"] == "Village Cup"
    assert info["stage"] == "Final"
    assert info["venue"] == "The Green"
    assert info["start_date"] == "2026-07-04"
    assert info["toss"] == "Northfield won the toss and chose to bat"
    assert info["captains"] == {"Northfield": "Ann", "Southbury": "Ed"}
    assert info["keepers"] == {"Northfield": "Bea", "Southbury": "Fay"}
    assert info["player_of_match"] is None


def test_score_this_match_shows_on_the_match_page_only_for_its_scorers(client):
    match = make_match()
    scorer = user("sam")
    matches.scorer_grant(user=scorer, match=match)
    console = f'href="/matches/{match.id}/score/"'
    assert console not in client.get(f"/matches/{match.id}/").content.decode()
    client.force_login(user("fan"))
    assert console not in client.get(f"/matches/{match.id}/").content.decode()
    client.force_login(scorer)
    page = client.get(f"/matches/{match.id}/").content.decode()
    assert console in page
    assert "Score this match" in page


def test_my_matches_lists_the_matches_a_user_may_score_and_is_in_the_nav(client):
    mine, other = make_match(), make_match()
    scorer = user("sam")
    matches.scorer_grant(user=scorer, match=mine)
    assert "My matches" not in client.get("/matches/").content.decode()
    login = client.get("/matches/mine/")
    assert login.status_code == 302
    assert "/login" in login["Location"] or "login" in login["Location"]
    client.force_login(scorer)
    assert 'href="/matches/mine/"' in client.get("/matches/").content.decode()
    page = client.get("/matches/mine/").content.decode()
    assert f'href="/matches/{mine.id}/score/"' in page
    assert f'data-match-id="{other.id}"' not in page
    client.force_login(user("fan"))
    assert "No matches to score yet" in client.get("/matches/mine/").content.decode()


def test_the_fan_page_header_lists_the_context_each_fact_once(client):
    client.force_login(user("cara"))
    client.post(
        "/matches/new/",
        {**NEW, "competition": "Village Cup", "venue": "The Green", "start_date": "2026-07-04"},
    )
    from scores.models import Match

    page = client.get(f"/matches/{Match.objects.get().id}/").content.decode()
    facts = {
        "competition": "Village Cup",
        "venue": "The Green",
        "start_date": "4 Jul 2026",
        "toss": "Northfield won the toss and chose to bat",
    }
    for key, text in facts.items():
        assert page.count(f'data-context="{key}">{text}</span>') == 1, key


def test_scorecards_mark_each_sides_captain_and_keeper_on_the_fan_page_and_the_console(client):
    from cricket.cricsheet_info import MatchDetails
    from tests.scores.helpers import T20, real_match

    setup, evs = real_match()
    details = MatchDetails(
        captains={"Gujarat Titans": "HH Pandya", "Chennai Super Kings": "MS Dhoni"},
        keepers={"Gujarat Titans": "WP Saha", "Chennai Super Kings": "MS Dhoni"},
    )
    match = matches.match_create(
        setup=setup, source=f"cricsheet:{T20.stem}", replay_events=list(evs), details=details
    )
    score(match, len(evs))
    client.force_login(user("sam"))
    matches.scorer_grant(user=get_user_model().objects.get(username="sam"), match=match)
    for path in (f"/matches/{match.id}/", f"/matches/{match.id}/score/"):
        html = client.get(path).content.decode()
        batting = re.findall(r'<tr class="[^"]*"><td>([^<]*)</td><td class="dismissal">', html)
        bowling = re.findall(r'<tr><td>([^<]*)</td><td class="num">\d+(?:\.\d)?</td>', html)
        assert {"WP Saha †", "HH Pandya (c)", "MS Dhoni (c) †", "Shubman Gill"} <= set(batting)
        assert "HH Pandya (c)" in bowling, path  # the captain bowled in the chase
        assert "Rashid Khan" in bowling
        # Only the batting side's captain is marked on its card: no one else's name is.
        assert not [n for n in batting + bowling if n.endswith(("(c)", "†"))
                    and n not in ("WP Saha †", "HH Pandya (c)", "MS Dhoni (c) †")]  # fmt: skip
        # The fielding side's keeper is marked in a dismissal too, Cricinfo style.
        dismissals = re.findall(r'<td class="dismissal">([^<]*)</td>', html)
        assert "st †MS Dhoni b RA Jadeja" in dismissals, path
        assert "c †MS Dhoni b DL Chahar" in dismissals
        assert "c DA Miller b MM Sharma" in dismissals  # not the keeper: no mark
        assert not [d for d in dismissals if "†WP Saha" in d]  # Saha kept for the other side


def test_a_dismissal_marks_the_fielding_sides_keeper_in_each_shape_and_no_one_else():
    info = {"keepers": {"Chennai": "K"}}

    def marked(text: str, team: str = "Chennai") -> str:
        return selectors.dismissal_marked(info=info, team=team, dismissal=text)

    assert marked("c K b B") == "c †K b B"
    assert marked("st K b B") == "st †K b B"
    assert marked("run out (A/K)") == "run out (A/†K)"
    assert marked("run out (K)") == "run out (†K)"
    assert marked("c & b K") == "c & b K"  # the keeper bowling: no keeper's catch
    assert marked("c Kane b B") == "c Kane b B"  # a name that only starts like the keeper's
    assert marked("c sub (K) b B") == "c sub (K) b B"
    assert marked("c K b B", team="Gujarat") == "c K b B"
    assert selectors.dismissal_marked(info={}, team="Chennai", dismissal="c K b B") == "c K b B"


def test_a_marked_player_name_is_escaped_text_and_a_page_without_match_info_gets_the_name():
    from django.template import Context, Template

    tag = Template("{% load scores %}{% player_name info team name %}")
    info = {"captains": {"North": f"{EVIL} Smith"}, "keepers": {}}
    shown = tag.render(Context({"info": info, "team": "North", "name": f"{EVIL} Smith"}))
    assert shown == "&lt;script&gt;alert(1)&lt;/script&gt; Smith (c)"
    assert tag.render(Context({"team": "North", "name": "Ann"})) == "Ann"


def test_a_revised_chase_with_a_par_table_shows_the_par_in_the_snapshot_and_the_score_bar(
    client,
):
    from cricket import Match as Engine
    from cricket import codec
    from scores import selectors
    from tests.scores.helpers import match_with, real_match

    # The IPL final: Chennai's chase (171 in 15 overs, DLS) two overs in.
    setup, evs = real_match()
    engine = Engine(setup)
    scored = 0
    while not (live := engine.state.live) or live.number != 2 or live.legal_balls != 12:
        engine.apply(codec.event_from_dict(evs[scored]))
        scored += 1
    runs, wickets = live.runs, live.wickets
    match = match_with(scored=scored)
    table = [[6 * o, [min(170, 11 * o + 4 * w) for w in range(10)]] for o in range(1, 16)]
    command = {"kind": "revised_target", "runs": 171, "overs": 15, "par": table}
    record(match_id=match.id, command=command, expect_seq=scored)

    par = selectors.match_snapshot(match_id=match.id)["scoreboard"]["current"]["par"]
    score = 22 + 4 * wickets
    ahead = runs - score
    assert par == {
        "score": score,
        "balls": 12,
        "wickets": wickets,
        "ahead_by": ahead,
        "method": "DLS",
        "text": f"Par (DLS) {score}: Chennai Super Kings {ahead} ahead",
    }
    page = client.get(f"/matches/{match.id}/").content.decode()
    assert page.count(f'data-bar="par">{par["text"]}</p>') == 1
