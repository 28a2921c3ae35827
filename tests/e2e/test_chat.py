"""Chat in a real browser: a new fan signs up, chats with another fan in a match room, and a
moderator deletes a message, which disappears on every page.

The match page is the scores app's; this test uses the chat app's own room page
(/chat/<slug>/), which renders the same `chat/_panel.html` include and `chat/chat.js`.
"""

import pytest

from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

READY = ".chat-panel[data-ready='true']"


def messages(page):
    return page.locator(".chat-message .chat-text").all_text_contents()


def test_two_fans_chat_in_a_match_room_and_a_moderator_deletes_a_message(start_server):
    server = start_server("uvicorn")
    manage(
        "shell",
        "-c",
        "from chat.services import room_ensure\n"
        "room_ensure(slug='match-1', title='Eagles v Hawks')",
        env=server.env,
    )
    create_session(server.env, "bob")  # password pw-bob-Secret9
    mod_session = create_session(server.env, "umpire", staff=True)
    room_url = server.http_url + "/chat/match-1/"
    with chromium() as browser:
        # A new fan reads anonymously, follows the prompt to sign up and comes back to the room.
        alice = browser.new_context().new_page()
        alice.goto(room_url)
        alice.wait_for_selector(READY)
        alice.click("[data-chat-login] >> text=sign up")
        alice.fill("input[name=username]", "alice")
        alice.fill("input[name=email]", "alice@example.com")
        alice.fill("input[name=password1]", "square-cut-1987")
        alice.fill("input[name=password2]", "square-cut-1987")
        alice.click("form button[type=submit]")
        alice.wait_for_url(room_url)
        alice.wait_for_selector(READY)

        # Another fan logs in through the log-in page.
        bob = browser.new_context().new_page()
        bob.goto(server.http_url + "/accounts/login/?next=/chat/match-1/")
        bob.fill("input[name=username]", "bob")
        bob.fill("input[name=password]", "pw-bob-Secret9")
        bob.click("form button[type=submit]")
        bob.wait_for_url(room_url)
        bob.wait_for_selector(READY)

        moderator_context = browser.new_context()
        moderator_context.add_cookies(
            [{"name": "sessionid", "value": mod_session, "url": server.http_url}]
        )
        umpire = moderator_context.new_page()
        umpire.goto(room_url)
        umpire.wait_for_selector(READY)

        # Presence names the logged-in fans.
        bob.wait_for_selector("[data-chat-presence]:has-text('alice')")

        alice.fill("[data-chat-composer] input", "Howzat!")
        alice.press("[data-chat-composer] input", "Enter")
        for page in (alice, bob, umpire):
            page.wait_for_selector(".chat-message:has-text('Howzat!')")

        script = "<script>window.pwned = 1</script><b>bold</b>"
        bob.fill("[data-chat-composer] input", script)
        bob.click("[data-chat-composer] button[type=submit]")
        alice.wait_for_selector(".chat-message .chat-text:has-text('window.pwned')")
        assert messages(alice) == ["Howzat!", script]
        assert alice.evaluate("window.pwned") is None
        assert alice.locator(".chat-message b").count() == 0

        # Fans get no moderator controls; the moderator deletes alice's message.
        assert alice.locator(".chat-delete").count() == 0
        umpire.click(".chat-message:has-text('Howzat!') .chat-delete")
        for page in (alice, bob, umpire):
            page.wait_for_selector(".chat-message:has-text('Howzat!')", state="detached")
            assert messages(page) == [script]

        # A reload shows the stored history without the deleted message.
        bob.reload()
        bob.wait_for_selector(READY)
        assert messages(bob) == [script]
