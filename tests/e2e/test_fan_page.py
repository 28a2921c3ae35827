"""The fan match page in real Chromium at a phone (360x740) and a desktop (1366x900) size:
nothing wider than the screen, the score bar and tabs work, the charts, partnerships and over
summaries move when a ball is scored (no reload), and the finished IPL final reads right from
the first ball to the result (figures from tests/data/cricsheet/INDEX.md)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from cricket import cricsheet
from tests.e2e.test_scores import T20, WAIT_MS, apply, first_events, open_page, tap
from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
CARDS_FIT = """() => [...document.querySelectorAll('details.card')]
  .filter((c) => c.offsetParent)
  .every((c) =>
    c.getBoundingClientRect().right <= c.parentElement.getBoundingClientRect().right + 1)"""
"""Every shown scorecard is no wider than its column (its tables scroll in their own box)."""


def events_before_over_end(over: int) -> int:
    """How many engine events come before the last ball of `over` in the first innings."""
    lines = cricsheet.load_match(T20).commentary
    return next(
        i
        for i, line in enumerate(lines)
        if line.summary and line.summary.startswith(f"End of over {over}:")
    )


MARKED = (
    *("--captain", "Gujarat Titans=HH Pandya", "--keeper", "Gujarat Titans=WP Saha"),
    *("--captain", "Chennai Super Kings=MS Dhoni", "--keeper", "Chennai Super Kings=MS Dhoni"),
)


def imported(env: dict[str, str], upto: int) -> int:
    """The IPL final with its first `upto` events scored, both sides' captain and keeper set."""
    match_id = int(
        manage("import_cricsheet", str(T20), "--scorer", "sam", *MARKED, env=env).split()[-1]
    )
    apply(env, match_id, *first_events(env, match_id, upto))
    return match_id


def card_names(page, innings: int, table: str):
    """The name cells of one innings' batting or bowling card (drawn by scoreboard.js)."""
    return page.locator(
        f"details.card[data-innings='{innings}'] table.{table} tbody td:first-child"
    )


def test_live_page_fits_and_moves_with_each_ball(start_server):
    server = start_server("uvicorn")
    upto = events_before_over_end(3)  # one ball left in GT's third over
    match_id = imported(server.env, upto)
    session = create_session(server.env, "sam")
    with chromium() as browser:
        phone = open_page(browser, server, f"/matches/{match_id}/", viewport=PHONE)
        desk = open_page(browser, server, f"/matches/{match_id}/", viewport=DESKTOP)
        for fan in (phone, desk):
            assert fan.evaluate(NO_OVERFLOW)
            expect(fan.locator("#score-bar .side.batting")).to_contain_text("Gujarat Titans")
            # The first innings' status is its score, already on the side's line: not twice.
            expect(fan.locator("#score-bar [data-bar=status]")).to_be_hidden()
            expect(fan.locator(".commentary-list li.over-summary")).to_have_count(2)
        # Phone: one panel at a time; the tabs switch it. Desktop: every panel, no tabs.
        expect(phone.locator("#tab-commentary")).to_be_hidden()
        phone.click("[role=tab][data-tab=commentary]")
        expect(phone.locator("#tab-commentary")).to_be_visible()
        expect(phone.locator("#tab-live")).to_be_hidden()
        assert phone.evaluate(NO_OVERFLOW)
        phone.click("[role=tab][data-tab=scorecard]")
        expect(phone.locator("details.card").first).to_be_visible()
        assert phone.evaluate(CARDS_FIT)
        phone.click("[role=tab][data-tab=live]")
        expect(phone.locator("svg[data-chart=worm] polyline.series")).to_have_count(1)
        expect(desk.locator(".tabs")).to_be_hidden()
        for panel in ("live", "scorecard", "commentary", "chat"):
            expect(desk.locator(f"#tab-{panel}")).to_be_visible()
        # The score bar stays at the top when the fan scrolls down the page.
        phone.mouse.wheel(0, 2500)
        phone.wait_for_timeout(300)
        assert (
            phone.evaluate("() => document.getElementById('score-bar').getBoundingClientRect().top")
            <= 1
        )
        bars_before = phone.locator("svg[data-chart=manhattan] rect.bar").count()
        balls_before = phone.get_attribute("svg[data-chart=worm]", "data-balls")
        partnership_before = phone.locator("#partnerships li").last.inner_text()

        console = open_page(browser, server, f"/matches/{match_id}/score/", session)
        tap(console, "[data-runs='1']")
        for fan in (phone, desk):
            expect(fan.locator(".commentary-list li.over-summary")).to_have_count(
                3, timeout=WAIT_MS
            )
            expect(fan.locator(".commentary-list li.over-summary").first).to_contain_text(
                "End of over 3:"
            )
            assert fan.evaluate(NO_OVERFLOW)
        assert phone.get_attribute("svg[data-chart=worm]", "data-balls") == str(
            int(balls_before) + 1
        )
        assert phone.locator("#partnerships li").last.inner_text() != partnership_before
        assert phone.locator("svg[data-chart=manhattan] rect.bar").count() >= bars_before
        # The live card, redrawn for the ball, marks GT's keeper (batting) and no CSK bowler.
        batting = card_names(desk, 1, "batting")
        expect(batting.filter(has_text=re.compile(r"^WP Saha †( \*)?$"))).to_have_count(1)
        expect(batting.filter(has_text="Shubman Gill")).to_have_text(
            re.compile(r"^Shubman Gill( \*)?$")
        )
        expect(
            card_names(desk, 1, "bowling").filter(has_text=re.compile(r"\(c\)|†"))
        ).to_have_count(0)
        assert not phone.errors
        assert not desk.errors


def test_the_finished_final_reads_right_from_the_first_ball_to_the_result(start_server):
    server = start_server("uvicorn")
    total = len(cricsheet.load_match(T20).events)
    match_id = imported(server.env, total)
    with chromium() as browser:
        for viewport in (PHONE, DESKTOP):
            fan = open_page(browser, server, f"/matches/{match_id}/", viewport=viewport)
            assert fan.evaluate(NO_OVERFLOW)
            bar = fan.locator("#score-bar")
            expect(bar.locator(".side")).to_have_text(
                ["Gujarat Titans214/4(20)", "Chennai Super Kings171/5(15)"], use_inner_text=False
            )
            # One result, once, in the score bar; no live-only facts on a finished match.
            expect(bar.locator("[data-bar=status]")).to_have_text(
                "Chennai Super Kings won by 5 wickets (D/L)"
            )
            # (the commentary's own line for the result event is the ball-by-ball record)
            shown = fan.locator(
                "#match-page > :not(.panels) :text('won by 5 wickets'):visible,"
                " #tab-live :text('won by 5 wickets'):visible"
            )
            expect(shown).to_have_count(1)
            expect(bar.locator("[data-bar=over]")).to_be_hidden()
            expect(fan.locator("svg[data-chart=worm] polyline.series")).to_have_count(2)
            expect(fan.locator("svg[data-chart=manhattan] rect.bar")).to_have_count(35)
            if viewport is PHONE:
                fan.click("[role=tab][data-tab=scorecard]")
            expect(fan.locator("details.card")).to_have_count(2)
            # Captain (c) and keeper † on both cards, Cricinfo style; each side its own.
            expect(card_names(fan, 2, "batting").filter(has_text="MS Dhoni")).to_have_text(
                "MS Dhoni (c) †"
            )
            expect(card_names(fan, 2, "bowling").filter(has_text="HH Pandya")).to_have_text(
                "HH Pandya (c)"
            )
            expect(card_names(fan, 1, "batting").filter(has_text="HH Pandya")).to_have_text(
                "HH Pandya (c)"
            )
            expect(card_names(fan, 1, "batting").filter(has_text="WP Saha")).to_have_text(
                "WP Saha †"
            )
            # ... and the fielding side's keeper in a dismissal: "st †MS Dhoni b RA Jadeja".
            gill = fan.locator("details.card[data-innings='1'] table.batting tbody tr").filter(
                has_text="Shubman Gill"
            )
            expect(gill.locator("td.dismissal")).to_have_text("st †MS Dhoni b RA Jadeja")
            if viewport is PHONE:
                fan.click("[role=tab][data-tab=commentary]")
            # Scroll back through the whole match to its first ball.
            more = fan.locator("#commentary-more")
            for _ in range(10):
                if more.is_hidden():
                    break
                load_earlier_balls(fan)
            expect(more).to_be_hidden(timeout=WAIT_MS)
            expect(fan.locator(".commentary-list li.over-summary")).to_have_count(35)
            last = fan.locator(".commentary-list li").last
            expect(last).to_contain_text("to bat")
            assert fan.evaluate(NO_OVERFLOW)
            assert not fan.errors


# True once the commentary holds more than `shown` items or has no earlier balls to load.
EARLIER_BALLS_LOADED = """([shown]) =>
  document.querySelectorAll(".commentary-list li").length > shown
  || document.getElementById("commentary-more").hidden"""


def load_earlier_balls(fan: Page) -> None:
    """Bring "Load earlier balls" into view, as a fan scrolling down does, and wait for the next
    page. Scrolling to it loads the page by itself (an IntersectionObserver); a tap is the
    fallback when it did not. Each page is waited for before the next: a tap racing the
    observer's own load could land on the button the last page has just hidden."""
    more = fan.locator("#commentary-more")
    shown = fan.locator(".commentary-list li").count()
    more.scroll_into_view_if_needed()
    try:
        fan.wait_for_function(EARLIER_BALLS_LOADED, arg=[shown], timeout=3000)
    except PlaywrightTimeoutError:
        more.click()
        fan.wait_for_function(EARLIER_BALLS_LOADED, arg=[shown], timeout=WAIT_MS)


def events_into_the_chase(balls: int) -> tuple[int, int, int]:
    """How many engine events bring Chennai's chase to `balls` legal balls with the next ball
    due, and its runs and wickets then."""
    from cricket import Match

    setup, events = cricsheet.load(T20)
    engine = Match(setup)
    for n, event in enumerate(events, 1):
        engine.apply(event)
        live = engine.state.live
        due = live and not live.vacancy and live.bowler is not None
        if due and live.number == 2 and live.legal_balls == balls:
            return n, live.runs, live.wickets
    raise AssertionError(f"the chase never stood at {balls} balls with a ball due")


def test_a_par_table_entered_in_the_console_shows_on_the_fan_page_and_the_console(start_server):
    server = start_server("uvicorn")
    upto, runs, wickets = events_into_the_chase(11)  # one ball before the end of the 2nd over
    match_id = imported(server.env, upto)
    session = create_session(server.env, "sam")
    par = {o: [min(170, 11 * o + 4 * w) for w in range(10)] for o in range(1, 16)}
    sheet = "Overs,0,1,2,3,4,5,6,7,8,9\n" + "\n".join(
        ",".join(map(str, [o, *row])) for o, row in par.items()
    )
    with chromium() as browser:
        fan = open_page(browser, server, f"/matches/{match_id}/", viewport=PHONE)
        line = fan.locator("#score-bar [data-bar=par]")
        expect(line).to_be_hidden()
        console = open_page(browser, server, f"/matches/{match_id}/score/", session)
        console.wait_for_selector("#console[data-ready='true']", timeout=WAIT_MS)
        console.click("#tool-revised summary")
        console.fill("#revised-form [name=runs]", "171")
        console.fill("#revised-form [name=overs]", "15")
        console.fill("#revised-form [name=par]", sheet)
        console.click("#revised-form button[type=submit]")
        ahead = runs - par[1][wickets]  # 11 balls: the first over's row
        expect(line).to_have_text(
            f"Par (DLS) {par[1][wickets]}: Chennai Super Kings {ahead} ahead", timeout=WAIT_MS
        )
        assert fan.evaluate(NO_OVERFLOW)
        tap(console, "[data-runs='1']")  # the 12th ball: the second over's row
        ahead = runs + 1 - par[2][wickets]
        expect(line).to_have_text(
            f"Par (DLS) {par[2][wickets]}: Chennai Super Kings {ahead} ahead", timeout=WAIT_MS
        )
        expect(line).to_have_count(1)
        # The scorer sees the same par on the console's board (its fans' page shows it once,
        # in the score bar).
        expect(console.locator("#scoreboard [data-field=par]")).to_have_text(
            f"Par (DLS) {par[2][wickets]}: Chennai Super Kings {ahead} ahead", timeout=WAIT_MS
        )
        expect(fan.locator("#scoreboard [data-field=par]")).to_have_count(0)
        assert not fan.errors
        assert not console.errors
