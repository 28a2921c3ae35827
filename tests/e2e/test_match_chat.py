"""Chat on the real match page (/matches/<id>/): two fans talk in the match's room beside the
live scoreboard, and a staff moderator on the same page deletes a message, which disappears for
everyone. A message that looks like markup shows as text.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

WAIT_MS = 20_000
READY = ".chat-panel[data-ready='true']"
SCRIPT = "<script>window.pwned = 1</script><b>bold</b>"


def make_match(env: dict[str, str]) -> int:
    code = (
        "from cricket.setup import MatchSetup\nfrom scores.services import matches\n"
        "setup = MatchSetup.preset('T20', home='Eagles', away='Hawks',"
        " home_players=['A1', 'A2', 'A3'], away_players=['B1', 'B2', 'B3'])\n"
        "print(matches.match_create(setup=setup).id)\n"
    )
    return int(manage("shell", "-c", code, env=env).strip().splitlines()[-1])


def texts(page) -> list[str]:
    return page.locator(".chat-message .chat-text").all_text_contents()


def test_fans_chat_on_the_match_page_and_a_moderator_deletes_a_message(start_server):
    server = start_server("uvicorn")
    match_id = make_match(server.env)
    url = f"{server.http_url}/matches/{match_id}/"
    with chromium() as browser:
        pages = {}
        for name, staff in (("alice", False), ("bob", False), ("umpire", True)):
            ctx = browser.new_context()
            session = create_session(server.env, name, staff=staff)
            ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
            page = ctx.new_page()
            page.errors = []
            page.on("pageerror", lambda exc, errors=page.errors: errors.append(str(exc)))
            page.goto(url)
            page.wait_for_selector("body[data-live='true']", timeout=WAIT_MS)
            page.wait_for_selector(READY, timeout=WAIT_MS)
            pages[name] = page
        alice, bob, umpire = pages["alice"], pages["bob"], pages["umpire"]

        # The panel is the match's own room, beside the scoreboard.
        panel = alice.locator("#tab-chat .chat-panel")
        expect(panel).to_have_attribute("data-chat-room", f"match-{match_id}")
        expect(alice.locator("#scoreboard")).to_be_visible()
        expect(bob.locator("[data-chat-presence]")).to_contain_text("alice", timeout=WAIT_MS)

        alice.fill("[data-chat-composer] input", "Howzat!")
        alice.press("[data-chat-composer] input", "Enter")
        bob.fill("[data-chat-composer] input", SCRIPT)
        bob.click("[data-chat-composer] button[type=submit]")
        for page in (alice, bob, umpire):
            expect(page.locator(".chat-message .chat-text")).to_have_text(
                ["Howzat!", SCRIPT], timeout=WAIT_MS
            )
        assert alice.evaluate("window.pwned") is None
        assert alice.locator(".chat-message b").count() == 0

        # Only the moderator has Delete; the message goes from every page.
        assert alice.locator(".chat-delete").count() == 0
        umpire.click(".chat-message:has-text('Howzat!') .chat-delete")
        for page in (alice, bob, umpire):
            expect(page.locator(".chat-message:has-text('Howzat!')")).to_have_count(
                0, timeout=WAIT_MS
            )
            assert texts(page) == [SCRIPT]
        for page in (alice, bob, umpire):
            assert page.errors == []
