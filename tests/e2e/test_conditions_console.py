"""Issue 11 in the browser: a One-Day Cup match (2-run no-balls) and a The Hundred match are set
up with the new-match form's presets and scored to their results from the console, including a
bowler the umpires allowed against the conditions, recorded with "record anyway" and a reason,
which the scorecard then notes. (Each innings is cut to one over or set with the form's override
so the test stays short; every other condition is the preset's.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_scores_console import READY, WAIT_MS, choose, new_match
from tests.e2e.test_scores_console import ball as tap_ball
from tests.e2e.test_scores_console_outbox import phone_page
from tests.support.browser import chromium
from tests.support.servers import create_session

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

SCORE = '[data-field="score"]'


def ball(console, runs: int, extra: str | None = None) -> None:
    """One ball; the same tap again within half a second is one ball by design (a double
    tap), so a scorer's next identical ball comes after a pause."""
    console.wait_for_timeout(550)
    tap_ball(console, runs, extra)


def start(console, batting: str, openers: tuple[str, str], bowler: str) -> None:
    choose(console, "#innings-choices", f"{batting} to bat")
    choose(console, "#batter-choices", openers[0])
    choose(console, "#batter-choices", openers[1])
    choose(console, "#bowler-choices", bowler)


def test_a_one_day_cup_match_with_a_2_run_no_ball_and_a_bowler_the_umpires_let_go_on(
    start_server,
):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        match_id = new_match(console, server, preset="one_day_cup", overs="2")
        start(console, "Northfield", ("Ann", "Bea"), "Dan")
        ball(console, 0, extra="noball")  # a One-Day Cup no-ball is worth 2
        expect(console.locator(SCORE).first).to_have_text("Northfield 2/0 (0)", timeout=WAIT_MS)
        for runs in (1, 2, 1, 2, 1, 2):
            ball(console, runs)

        # Dan may not bowl two overs in a row; the umpires let him: recorded anyway, with why.
        console.wait_for_selector(READY, timeout=WAIT_MS)
        dan = console.locator("#bowler-choices li.not-eligible button", has_text="Dan")
        expect(dan).to_be_visible(timeout=WAIT_MS)
        console.once("dialog", lambda d: d.accept("umpires allowed Dan to go on"))
        dan.click()
        expect(console.locator("#awaiting")).to_have_text("Next ball: Dan to Ann", timeout=WAIT_MS)
        for runs in (0, 0, 0, 0, 0, 4):
            ball(console, runs)
        expect(console.locator("#awaiting")).to_contain_text("Innings break", timeout=WAIT_MS)
        expect(console.locator(SCORE).first).to_have_text("Northfield 15/0 (2)", timeout=WAIT_MS)
        notes = console.locator('[data-field="notes"]')
        expect(notes.first).to_contain_text("umpires allowed Dan to go on", timeout=WAIT_MS)

        # The chase, to the result.
        start(console, "Southbury", ("Dan", "Ed"), "Ann")
        for runs in (6, 6, 4):
            ball(console, runs)
        result = "Southbury won by 2 wickets"  # three players a side: two wickets in hand
        expect(console.locator("#awaiting")).to_have_text(f"Match over: {result}", timeout=WAIT_MS)

        fan = browser.new_context().new_page()
        fan.goto(f"{server.http_url}/matches/{match_id}/")
        expect(fan.locator('[data-field="notes"]').first).to_contain_text(
            "umpires allowed Dan to go on", timeout=WAIT_MS
        )
        expect(fan.get_by_text(result).first).to_be_visible(timeout=WAIT_MS)
        assert console.errors == []


def test_a_hundred_match_where_one_bowler_bowls_a_ten(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        new_match(console, server, preset="hundred", overs="2")  # two sets of five a side
        start(console, "Northfield", ("Ann", "Bea"), "Dan")
        for runs in (1, 0, 2, 0, 1):
            ball(console, runs)
        # The Hundred: the same bowler may bowl the next set of five (a "10").
        choose(console, "#bowler-choices", "Dan")
        for runs in (4, 0, 0, 1, 0):
            ball(console, runs)
        expect(console.locator("#awaiting")).to_contain_text("Innings break", timeout=WAIT_MS)
        expect(console.locator(SCORE).first).to_contain_text("Northfield 9/0", timeout=WAIT_MS)

        start(console, "Southbury", ("Dan", "Ed"), "Ann")
        for runs in (6, 0, 0, 0, 0):
            ball(console, runs)
        choose(console, "#bowler-choices", "Bea")
        for runs in (0, 0, 1, 0, 0):
            ball(console, runs)
        console.wait_for_selector(READY, timeout=WAIT_MS)
        expect(console.locator("#awaiting")).to_have_text(
            "Match over: Northfield won by 2 runs", timeout=WAIT_MS
        )
        assert console.errors == []
