"""The fans' pages around the match page in real Chromium, on a phone (360x740) and a desktop
(1366x900): nothing wider than the screen on the home page, the match list, sign-up, log-in and
the new-match form; and a match card's score changes live when a ball is scored."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

T20 = Path(__file__).resolve().parents[1] / "data" / "cricsheet" / "1370353.json"
WAIT_MS = 20_000
SIZES = [{"width": 360, "height": 740}, {"width": 1366, "height": 900}]
LONG = "Cheltenham and Gloucester Trophy of the Extraordinarily Long Competition Names 2026"


def shell(env: dict[str, str], code: str) -> str:
    return manage("shell", "-c", code, env=env).strip().splitlines()[-1]


def replay_events(env: dict[str, str], match_id: int) -> list[dict]:
    code = (
        "from scores.models import Match; import json\n"
        f"print(json.dumps(Match.objects.get(pk={match_id}).replay_events))"
    )
    return json.loads(shell(env, code))


def post_event(server, token: str, match_id: int, command: dict) -> int:
    """Score one command through the HTTP publish API (broadcast to every fan, as live)."""
    request = urllib.request.Request(
        f"{server.http_url}/api/matches/{match_id}/events",
        data=json.dumps({"command": command}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return int(json.loads(answer.read())["seq"])


def site_with_matches(server) -> tuple[int, str, list[dict]]:
    """The IPL final in play (openers and bowler in, three balls bowled) with a long context,
    a finished match and a scheduled one; returns the live match, a scorer token and its
    events."""
    env = server.env
    live = int(
        manage(
            "import_cricsheet", str(T20), "--scorer", "sam", "--captain",
            "Chennai Super Kings=MS Dhoni", "--keeper", "Gujarat Titans=WP Saha", env=env,
        ).split()[-1]
    )  # fmt: skip
    token = manage("scorer_token", "sam", "--name", "e2e", env=env).strip().splitlines()[-1]
    events = replay_events(env, live)
    for command in events[:7]:
        post_event(server, token, live, command)
    done = int(manage("import_cricsheet", str(T20), "--title", LONG, env=env).split()[-1])
    shell(
        env,
        "from scores.models import Match\n"
        f"Match.objects.filter(pk={done}).update(status='finished', competition={LONG!r},"
        " venue='Narendra Modi Stadium, Motera, Ahmedabad, Gujarat, India',"
        " summary='GT 214/4 (20) · CSK 171/5 (15) · Chennai Super Kings won by 5 wickets "
        "(DLS method)')\nprint('ok')",
    )
    manage("import_cricsheet", str(T20), "--title", "Later today", env=env)
    return live, token, events


def overflow(page) -> dict:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )


def test_no_fan_page_is_wider_than_the_screen_on_a_phone_or_a_desktop(start_server):
    server = start_server("uvicorn")
    site_with_matches(server)
    session = create_session(server.env, "sam")
    pages = [
        ("/", "body[data-live='true']", None),
        ("/matches/", "body[data-live='true']", None),
        ("/accounts/signup/", "form.account-form", None),
        ("/accounts/login/", "form.account-form", None),
        ("/accounts/password/reset/", "form.account-form", None),
        ("/matches/new/", "form.setup-form", session),
        ("/", "body[data-live='true']", session),
    ]
    with chromium() as browser:
        for size in SIZES:
            for path, ready, cookie in pages:
                context = browser.new_context(viewport=size)
                if cookie:
                    context.add_cookies(
                        [{"name": "sessionid", "value": cookie, "url": server.http_url}]
                    )
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                page.goto(server.http_url + path)
                page.wait_for_selector(ready, timeout=WAIT_MS)
                width = overflow(page)
                assert width["scroll"] <= width["inner"], (path, size, width)
                assert errors == [], (path, errors)
                context.close()


def test_a_cards_score_changes_live_when_a_ball_is_scored(start_server):
    server = start_server("uvicorn")
    live, token, events = site_with_matches(server)
    with chromium() as browser:
        for path, size in (("/", SIZES[0]), ("/matches/", SIZES[1])):
            page = browser.new_context(viewport=size).new_page()
            page.goto(server.http_url + path)
            page.wait_for_selector("body[data-live='true']", timeout=WAIT_MS)
            live_card = page.locator(f"#match-list li.match-card[data-match-id='{live}']")
            expect(live_card).to_have_attribute("data-status", "live")
            # Live first, results apart.
            expect(page.locator("#match-list li.match-card").first).to_have_attribute(
                "data-match-id", str(live)
            )
            expect(page.locator("#match-results li.match-card")).to_have_count(1)
            score = live_card.locator(".line.score").first
            before = score.text_content()
            assert (before or "").startswith("Gujarat Titans "), before
            page.evaluate("() => { window.__cardsBefore = document.querySelectorAll('li').length }")
            seq = post_event(server, token, live, events[int(path == "/matches/") + 7])
            assert seq > 0
            expect(score).not_to_have_text(before, timeout=WAIT_MS)
            # The page was not reloaded: the marker set before the ball is still there.
            assert page.evaluate("() => window.__cardsBefore !== undefined")
            page.context.close()
