"""The live scoreboard in real browsers: two fans and a scorer on one match, against real uvicorn.

A ball scored in the console shows on both fan pages, undo reverts it on both, and after the
server restarts mid-match (a new process on the same port and database) every page reconnects
and shows the right score, including a ball stored while the server was down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

T20 = Path(__file__).resolve().parents[1] / "data" / "cricsheet" / "1370353.json"
WAIT_MS = 20_000
SCORE = '#scoreboard [data-field="score"]'


def match_ready_to_bowl(env: dict[str, str]) -> int:
    """Import the IPL final with scorer 'sam' and score up to its first ball (openers, bowler)."""
    match_id = int(manage("import_cricsheet", str(T20), "--scorer", "sam", env=env).split()[-1])
    apply(env, match_id, *first_events(env, match_id, 4))
    return match_id


def first_events(env: dict[str, str], match_id: int, n: int) -> list[dict]:
    code = (
        "from scores.models import Match; import json\n"
        f"print(json.dumps(Match.objects.get(pk={match_id}).replay_events[:{n}]))"
    )
    return json.loads(manage("shell", "-c", code, env=env).strip().splitlines()[-1])


def apply(env: dict[str, str], match_id: int, *commands: dict) -> None:
    """Store commands through the scoring service, as a scorer would (no broadcast: the
    server may be down; fans catch up from the log)."""
    code = (
        "import json\nfrom tests.scores.helpers import record\n"
        f"for c in json.loads({json.dumps(json.dumps(list(commands)))}):\n"
        f"    record(match_id={match_id}, user=None, command=c, expect_seq=None)\n"
    )
    manage("shell", "-c", code, env=env)


def open_page(browser, server, path: str, session: str | None = None, **context):
    ctx = browser.new_context(**context)
    if session:
        ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    page.goto(server.http_url + path)
    page.wait_for_selector("body[data-live='true']", timeout=WAIT_MS)
    return page


def tap(console, selector: str) -> None:
    """Tap a console button once the console is ready for the next command."""
    console.wait_for_selector("#console[data-ready='true']", timeout=WAIT_MS)
    console.click(selector)


def test_ball_scored_in_console_shows_on_both_fan_pages_and_undo_reverts_it(start_server):
    server = start_server("uvicorn")
    match_id = match_ready_to_bowl(server.env)
    session = create_session(server.env, "sam")
    with chromium() as browser:
        fans = [open_page(browser, server, f"/matches/{match_id}/") for _ in range(2)]
        console = open_page(browser, server, f"/matches/{match_id}/score/", session)
        for fan in fans:
            expect(fan.locator(SCORE)).to_have_text("Gujarat Titans 0/0 (0)")
            expect(fan.locator("#live-status")).to_have_attribute("data-status", "live")
            # Both fans are counted; the scorer is not an audience member.
            expect(fan.locator('[data-field="watching"]')).to_have_text("2", timeout=WAIT_MS)
        expect(console.locator("#awaiting")).to_contain_text("DL Chahar to WP Saha")

        console.fill("#commentary-text", "Driven <b>hard</b> through the covers")
        tap(console, "[data-runs='4']")
        expect(console.locator("#console-log li").first).to_contain_text("✓ #5")
        for fan in fans:
            expect(fan.locator(SCORE)).to_have_text("Gujarat Titans 4/0 (0.1)", timeout=WAIT_MS)
            expect(fan.locator('[data-field="this_over"] li')).to_have_text(["4"])
            newest = fan.locator("#commentary li").first
            expect(newest).to_contain_text("DL Chahar to WP Saha, FOUR")
            # The scorer's line is shown as text, never as markup.
            expect(newest.locator(".text")).to_have_text("Driven <b>hard</b> through the covers")
            expect(fan.locator('#scoreboard [data-field="batters"] tr').first).to_contain_text(
                "WP Saha *"
            )

        tap(console, "#undo")
        for fan in fans:
            expect(fan.locator(SCORE)).to_have_text("Gujarat Titans 0/0 (0)", timeout=WAIT_MS)
            expect(fan.locator('[data-field="this_over"] li')).to_have_count(0)
            expect(fan.locator("#commentary li").first).to_contain_text("DL Chahar to bowl")
            assert fan.get_attribute("body", "data-seq") == "6"

        # A refused command changes nothing: an illegal one gets the engine's reason, a stale
        # one (someone else scored first) the current seq.
        console.wait_for_selector("#console[data-ready='true']")
        console.evaluate(
            """() => window.creaseLive.send({type: "command", id: "bad", expect_seq: 6,
                command: {kind: "new_batter", player: "HH Pandya"}})"""
        )
        expect(console.locator("#console-log li").first).to_contain_text(
            "illegal_event: both batters are in"
        )
        console.evaluate(
            """() => window.creaseLive.send({type: "command", id: "old", expect_seq: 5,
                command: {kind: "delivery", runs: 1}})"""
        )
        expect(console.locator("#console-log li").first).to_contain_text("stale_seq")
        for fan in fans:
            expect(fan.locator(SCORE)).to_have_text("Gujarat Titans 0/0 (0)")
        for page in [*fans, console]:
            assert page.errors == []


def test_pages_reconnect_after_a_server_restart_and_show_the_right_score(start_server):
    old = start_server("uvicorn")
    match_id = match_ready_to_bowl(old.env)
    session = create_session(old.env, "sam")
    with chromium() as browser:
        fans = [open_page(browser, old, f"/matches/{match_id}/") for _ in range(2)]
        console = open_page(browser, old, f"/matches/{match_id}/score/", session)
        tap(console, "[data-runs='1']")
        for fan in fans:
            expect(fan.locator(SCORE)).to_have_text("Gujarat Titans 1/0 (0.1)", timeout=WAIT_MS)

        old.stop()  # SIGTERM: uvicorn closes every socket with 1012 (service restart)
        for page in [*fans, console]:
            expect(page.locator("#live-status")).not_to_have_attribute("data-status", "live")
        # A ball is stored while no server runs: the fans must catch up on it from the log.
        apply(old.env, match_id, {"kind": "delivery", "runs": 6, "boundary": True})

        new = start_server("uvicorn", port=old.port, database_url=old.env["DATABASE_URL"])
        for page in [*fans, console]:
            expect(page.locator("#live-status")).to_have_attribute(
                "data-status", "live", timeout=WAIT_MS
            )
            expect(page.locator(SCORE)).to_have_text("Gujarat Titans 7/0 (0.2)", timeout=WAIT_MS)

        # Scoring carries on over the new connections.
        tap(console, "[data-runs='2']")
        for fan in fans:
            expect(fan.locator(SCORE)).to_have_text("Gujarat Titans 9/0 (0.3)", timeout=WAIT_MS)
            expect(fan.locator('[data-field="this_over"] li')).to_have_text(["1", "6", "2"])
            assert fan.get_attribute("body", "data-seq") == "7"
        assert new.port == old.port
        for page in [*fans, console]:
            assert page.errors == []


def test_match_list_updates_summaries_and_watchers_in_place(start_server):
    server = start_server("uvicorn")
    match_id = match_ready_to_bowl(server.env)
    session = create_session(server.env, "sam")
    with chromium() as browser:
        listing = open_page(browser, server, "/matches/")
        row = listing.locator(f'li.match-card[data-match-id="{match_id}"]')
        expect(row.locator('[data-field="status"]')).to_have_text("Live")
        fan = open_page(browser, server, f"/matches/{match_id}/")
        expect(row.locator('[data-field="watching"]')).to_have_text("1", timeout=WAIT_MS)
        console = open_page(browser, server, f"/matches/{match_id}/score/", session)
        tap(console, "[data-runs='6']")
        expect(row.locator('[data-field="lines"]')).to_contain_text(
            "Gujarat Titans 6/0 (0.1)", timeout=WAIT_MS
        )
        fan.close()
        expect(row.locator('[data-field="watching"]')).to_have_text("0", timeout=WAIT_MS)
        assert listing.errors == []
