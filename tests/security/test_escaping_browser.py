"""No injected script runs in chromium on any page, for text rendered on the server and for text
that arrives live over the sockets (a scored ball's commentary, a chat message)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from websockets.sync.client import connect

from tests.security import xss_data
from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

LIVE_COMMENTARY = f"{xss_data.IMG} live edge"
LIVE_CHAT = f"{xss_data.SCRIPT}{xss_data.IMG} live hello"
READY = {
    "/matches/": "body[data-live='true']",
    "/chat/": ".chat-panel[data-ready='true']",
}


def _ready_selector(url: str) -> str | None:
    if url.startswith("/matches/") and url != "/matches/":
        return "body[data-live='true']"
    if url.startswith("/chat/"):
        return ".chat-panel[data-ready='true']"
    return READY.get(url)


def _no_script_ran(page) -> None:
    assert page.evaluate("window.__xss") is None, page.url


def test_no_injected_script_runs_on_any_page_and_the_text_shows_literally(start_server):
    server = start_server("uvicorn")
    out = manage("shell", "-c", "import json; from tests.security.xss_data import seed; "
                 "print(json.dumps(seed()))", env=server.env)  # fmt: skip
    evil = json.loads(out.strip().splitlines()[-1])
    session = create_session(server.env, "boss", staff=True)
    fan_session = create_session(server.env, "fan")
    with chromium() as browser:
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in xss_data.pages(evil["match"]):
            page.goto(server.http_url + url)
            selector = _ready_selector(url)
            if selector:
                page.wait_for_selector(selector)
            _no_script_ran(page)
            text = page.inner_text("body")
            assert "<img src=x onerror" in text or "<script>" in text or url == "/", url

        # Text that arrives live is rendered as text too.
        page.goto(server.http_url + f"/matches/{evil['match']}/")
        page.wait_for_selector("body[data-live='true']")
        page.wait_for_selector(".chat-panel[data-ready='true']")
        _score_live(server, evil)
        _chat_live(server, evil["match"], fan_session)
        page.wait_for_function(
            "t => document.body.innerText.includes(t[0]) && document.body.innerText.includes(t[1])",
            arg=[LIVE_COMMENTARY, LIVE_CHAT],
        )
        _no_script_ran(page)
        assert dialogs == []


def _score_live(server, evil) -> None:
    body = json.dumps({"expect_seq": evil["seq"], "command": {"kind": "delivery", "runs": 1},
                       "commentary": LIVE_COMMENTARY}).encode()  # fmt: skip
    request = urllib.request.Request(
        f"{server.http_url}/api/matches/{evil['match']}/events", data=body, method="POST",
        headers={"Authorization": f"Bearer {evil['token']}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request) as response:
        assert response.status == 201


def _chat_live(server, match_id: int, session: str) -> None:
    with connect(
        f"{server.ws_url}/ws/chat/match-{match_id}/", origin=server.origin,
        additional_headers={"Cookie": f"sessionid={session}"},
    ) as ws:  # fmt: skip
        ws.send(json.dumps({"type": "chat.message", "message": LIVE_CHAT}))
        while True:
            frame = json.loads(ws.recv(10))
            if frame["type"] == "chat.message":
                assert frame["message"] == LIVE_CHAT
                return
