"""The scorer console in a real browser: a match set up with the new-match form and scored to its
result by tapping the console's buttons only, with a fan page open beside it; then the console's
less common tools (bowler changes, retirements, substitutes, penalty runs, edits and inserts).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium
from tests.support.servers import create_session

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

WAIT_MS = 20_000
SCORE = '[data-field="score"]'
READY = "#console[data-ready='true']"


def logged_in_page(browser, server, session: str):
    ctx = browser.new_context()
    ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def new_match(console, server, *, title: str = "", preset: str = "t20", **fields: str) -> int:
    """Fill in the new-match form (a preset, T20 by default; one over a side unless `overs` is
    given; three players each) and submit it."""
    console.goto(server.http_url + "/matches/")
    console.click("text=Score a match")
    console.wait_for_url("**/matches/new/")
    values = {
        "title": title,
        "home": "Northfield",
        "away": "Southbury",
        "home_players": "Ann\nBea\nCat",
        "away_players": "Dan\nEd\nFay",
        "overs": "1",
        **fields,
    }
    console.select_option("select[name=format]", preset)
    console.click("details.overrides summary")
    for name, value in values.items():
        console.fill(f"[name={name}]", value)
    console.select_option("select[name=toss_winner]", "home")
    console.select_option("select[name=toss_decision]", "bat")
    console.click("form.setup-form button[type=submit]")
    console.wait_for_url("**/score/")
    console.wait_for_selector("body[data-live='true']", timeout=WAIT_MS)
    return int(console.url.rstrip("/").split("/")[-2])


def tap(console, selector: str) -> None:
    """Tap once the console is ready for the next command (the last one was acknowledged)."""
    console.wait_for_selector(READY, timeout=WAIT_MS)
    console.click(selector)


def choose(console, panel: str, name: str) -> None:
    tap(console, f"{panel} button.choice:text-is('{name}')")


def ball(console, runs: int, extra: str | None = None) -> None:
    console.wait_for_selector(READY, timeout=WAIT_MS)
    if extra:
        console.click(f"[data-extra='{extra}']")
    console.click(f"[data-runs='{runs}']")


def wicket(console, kind: str, fielder: str | None = None) -> None:
    tap(console, "#wicket-open")
    console.select_option("#wicket-form select[name=kind]", kind)
    if fielder:
        console.select_option("#wicket-form select[name=fielder]", fielder)
    console.click("#wicket-form button[type=submit]")


def test_a_whole_match_is_set_up_and_scored_from_the_console_with_a_fan_watching(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = logged_in_page(browser, server, session)
        match_id = new_match(console, server, title="Village <b>final</b>")
        expect(console.locator("h1")).to_have_text("Village <b>final</b>")
        expect(console.locator("#awaiting")).to_have_text("Match not started: who bats first?")

        fan = browser.new_context().new_page()
        fan.on("pageerror", lambda exc: console.errors.append(f"fan: {exc}"))
        fan.goto(f"{server.http_url}/matches/{match_id}/")
        fan.wait_for_selector("body[data-live='true']", timeout=WAIT_MS)

        # First innings: the toss winner bats; openers, bowler, then one over.
        choose(console, "#innings-choices", "Northfield to bat")
        choose(console, "#batter-choices", "Ann")
        choose(console, "#batter-choices", "Bea")
        expect(console.locator("#bowler-choices li")).to_have_count(3)
        choose(console, "#bowler-choices", "Dan")
        expect(console.locator("#awaiting")).to_have_text("Next ball: Dan to Ann")
        ball(console, 4)
        ball(console, 0, extra="wide")
        ball(console, 1)
        wicket(console, "bowled")  # Bea, on strike after the single
        expect(console.locator("#awaiting")).to_contain_text("who comes in?")
        expect(console.locator("#batter-choices button")).to_have_text(["Cat"])
        choose(console, "#batter-choices", "Cat")
        ball(console, 6)
        ball(console, 0)
        ball(console, 2)  # the over, and so the innings (one over), ends
        expect(fan.locator(f"#scoreboard {SCORE}")).to_have_text(
            "Northfield 14/1 (1)", timeout=WAIT_MS
        )
        expect(console.locator("#awaiting")).to_contain_text("Innings break")

        # The chase: 15 to win in 6 balls.
        choose(console, "#innings-choices", "Southbury to bat")
        choose(console, "#batter-choices", "Dan")
        choose(console, "#batter-choices", "Ed")
        choose(console, "#bowler-choices", "Ann")
        ball(console, 6)
        wicket(console, "caught", fielder="Cat")
        choose(console, "#batter-choices", "Fay")
        expect(fan.locator('[data-field="status"]').first).to_have_text(
            "Southbury need 9 runs from 4 balls", timeout=WAIT_MS
        )
        ball(console, 6)
        ball(console, 3, extra="legbye")

        result = "Southbury won by 1 wicket"
        expect(console.locator("#awaiting")).to_have_text(f"Match over: {result}")
        expect(console.locator('[data-field="result"]').first).to_have_text(result)
        expect(fan.locator('#scoreboard [data-field="result"]')).to_have_text(
            result, timeout=WAIT_MS
        )
        expect(fan.locator('[data-field="match_status"]')).to_have_text("Finished")
        expect(fan.locator(f"#scoreboard {SCORE}")).to_have_text("Southbury 15/1 (0.4)")
        newest = fan.locator("#commentary li").first
        expect(newest).to_contain_text("Ann to Fay, 3 leg byes")
        # The scoring tools are gone once the match is over; only the result stays editable.
        expect(console.locator("#tool-bowler")).to_be_hidden()
        expect(console.locator("#panel-delivery")).to_be_hidden()
        assert console.errors == []


def open_tool(console, tool: str) -> None:
    console.wait_for_selector(READY, timeout=WAIT_MS)
    console.click(f"{tool} summary")


def edit(console, text: str) -> None:
    """Tap a ball in the console's commentary and wait until it is loaded into the pad."""
    tap(console, f"#commentary li.editable:has-text('{text}')")
    console.wait_for_selector("#console[data-edit-loaded='true']", timeout=WAIT_MS)


def test_console_changes_bowlers_retires_substitutes_awards_penalties_and_edits(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = logged_in_page(browser, server, session)
        new_match(
            console,
            server,
            overs="2",
            home_players="Ann\nBea\nCat\nDee",
            away_players="Dan\nEd\nFay\nGus",
        )
        # Tools whose event the engine would refuse are not offered.
        for tool in ("#tool-bowler", "#tool-retire", "#tool-innings", "#undo"):
            expect(console.locator(tool)).to_be_hidden()
        choose(console, "#innings-choices", "Northfield to bat")
        choose(console, "#batter-choices", "Ann")
        choose(console, "#batter-choices", "Bea")
        choose(console, "#bowler-choices", "Dan")

        # Another bowler before the over's first ball, then a mid-over replacement.
        open_tool(console, "#tool-bowler")
        choose(console, "#bowler-change-choices", "Ed")
        expect(console.locator("#awaiting")).to_have_text("Next ball: Ed to Ann")
        ball(console, 1)
        open_tool(console, "#tool-bowler")
        expect(console.locator("#bowler-change-hint")).to_contain_text("Ed cannot finish")
        expect(console.locator("#bowler-change-choices li.not-eligible")).to_contain_text(
            "Ed is already bowling this over"
        )
        choose(console, "#bowler-change-choices", "Fay")
        expect(console.locator("#awaiting")).to_have_text("Next ball: Fay to Bea")

        # Bea retires hurt; Cat comes in.
        open_tool(console, "#tool-retire")
        console.select_option("#retire-form select[name=player]", "Bea")
        console.select_option("#retire-form select[name=reason]", "hurt")
        console.click("#retire-form button[type=submit]")
        expect(console.locator("#batter-choices button")).to_have_text(
            ["Bea (resumes, retired hurt)", "Cat", "Dee"]
        )
        choose(console, "#batter-choices", "Cat")

        # Five penalty runs to the batting side, and a fielding substitute.
        open_tool(console, "#tool-penalty")
        console.select_option("#penalty-form select[name=team]", "Northfield")
        console.fill("#penalty-form input[name=runs]", "5")
        console.click("#penalty-form button[type=submit]")
        expect(console.locator(SCORE).first).to_have_text("Northfield 6/0 (0.1)")
        open_tool(console, "#tool-substitute")
        console.select_option("#substitute-form select[name=team]", "Southbury")
        console.fill("#substitute-form input[name=player_out]", "Gus")
        console.fill("#substitute-form input[name=player_in]", "Hal <i>")
        console.fill("#substitute-form input[name=reason]", "cramp")
        console.click("#substitute-form button[type=submit]")
        expect(console.locator("#commentary li").first).to_contain_text(
            "Hal <i> on for Gus (Southbury)"
        )

        # A four, then Cat caught; Bea resumes her innings.
        ball(console, 4)
        wicket(console, "caught", fielder="Dan")
        choose(console, "#batter-choices", "Bea (resumes, retired hurt)")
        expect(console.locator("#awaiting")).to_have_text("Next ball: Fay to Bea")

        # Editing the wicket: the form shows it as scored; the fielder is corrected.
        edit(console, "OUT (caught)")
        form = console.locator("#wicket-form")
        expect(form).to_be_visible()
        expect(form.locator("select[name=kind]")).to_have_value("caught")
        expect(form.locator("select[name=player_out]")).to_have_value("Cat")
        expect(form.locator("select[name=fielder]")).to_have_value("Dan")
        form.locator("select[name=fielder]").select_option("Ed")
        form.locator("button[type=submit]").click()
        cards = console.locator('#scoreboard [data-field="cards"]')
        expect(cards).to_contain_text("c Ed b Fay", timeout=WAIT_MS)

        # Editing a four marks the 4; cancelling leaves the ball alone.
        edit(console, "Fay to Cat, FOUR")
        expect(console.locator("[data-runs='4']")).to_have_class("run boundary was")
        console.click("#edit-cancel")
        expect(console.locator("#editing")).to_be_hidden()

        # A missed ball is inserted before the first one.
        edit(console, "Ed to Ann, 1 run")
        console.click("#edit-insert")
        expect(console.locator("#awaiting")).to_contain_text("Inserting a missed ball before 0.1")
        ball(console, 2)
        expect(console.locator(SCORE).first).to_have_text("Northfield 12/1 (0.4)")
        first_over = console.locator("#commentary li:has-text('Ed to Ann')")
        expect(first_over.locator(".description")).to_have_text(
            ["Ed to Ann, 1 run", "Ed to Ann, 2 runs"]
        )
        expect(first_over.locator(".over")).to_have_text(["0.2", "0.1"])
        fan = browser.new_context().new_page()
        fan.goto(console.url.replace("/score/", "/"))
        expect(fan.locator(f"#scoreboard {SCORE}")).to_have_text("Northfield 12/1 (0.4)")
        expect(fan.locator("#commentary")).to_contain_text("Hal <i> on for Gus (Southbury)")
        assert console.errors == []
