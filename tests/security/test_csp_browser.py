"""The strict Content-Security-Policy is sent on every page, and every page still works under it
in chromium: no violation reported, each page's live parts ready."""

from __future__ import annotations

import pytest

from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

WAIT_MS = 20_000


def test_every_page_works_under_the_policy_with_no_violation(start_server):
    server = start_server("uvicorn")
    code = (
        "from django.contrib.auth import get_user_model; from scores.services import matches\n"
        "from chat.services import room_ensure; from tests.scores.helpers import make_match\n"
        "room_ensure(slug='lobby', title='Lobby'); m = make_match()\n"
        "u = get_user_model().objects.get(username='boss')\n"
        "matches.scorer_grant(user=u, match=m)\n"
        "print(m.id)"
    )
    session = create_session(server.env, "boss", staff=True)
    manage(
        "shell", "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.filter(username='boss').update(is_superuser=True)",
        env=server.env,
    )  # fmt: skip
    match_id = int(manage("shell", "-c", code, env=server.env).strip().splitlines()[-1])
    pages = [
        ("/", "section.intro"),
        ("/practice/", "#practice-status[data-ready='true']"),
        ("/matches/", "main"),
        (f"/matches/{match_id}/", "body[data-live='true']"),
        (f"/matches/{match_id}/score/", "#console[data-ready='true']"),
        ("/chat/", "[data-chat-room][data-ready='true']"),
        ("/matches/new/", "form.setup-form"),
        ("/admin/", "#content"),
        ("/admin/chat/message/", "#changelist"),
    ]
    with chromium() as browser:
        ctx = browser.new_context()
        ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
        page = ctx.new_page()
        violations: list[str] = []
        page.on("console", lambda msg: violations.append(msg.text)
                if "Content Security Policy" in msg.text else None)  # fmt: skip
        page.on("pageerror", lambda exc: violations.append(str(exc)))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) => "
            "console.error('Content Security Policy violation: ' + e.violatedDirective))"
        )
        for path, ready in pages:
            response = page.goto(server.http_url + path)
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy, path
            assert "style-src 'self'" in policy, path
            assert "unsafe-inline" not in policy
            page.wait_for_selector(ready, timeout=WAIT_MS)
        # The practice panel still talks over its WebSocket (connect-src).
        page.goto(server.http_url + "/practice/")
        page.wait_for_selector("#practice-status[data-ready='true']")
        page.click("#practice-ping")
        page.wait_for_selector("#practice-log li:has-text('received PONG')")
        # Logged out: the log-in page and its form.
        anonymous = browser.new_page()
        anonymous.on("console", lambda msg: violations.append(msg.text)
                     if "Content Security Policy" in msg.text else None)  # fmt: skip
        anonymous.goto(server.http_url + "/accounts/login/")
        anonymous.wait_for_selector("form button[type=submit]")
        anonymous.goto(server.http_url + "/admin/login/")
        anonymous.wait_for_selector("#login-form")
    assert violations == []
