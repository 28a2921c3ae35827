"""The practice page (for developers) in a real browser: its panel sends PING and shows PONG; the
guide's console snippets work from the home page."""

import pytest

from tests.support.browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]


def test_practice_panel_sends_ping_and_shows_pong(start_server):
    server = start_server("uvicorn")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(server.http_url + "/practice/")
        page.wait_for_selector("#practice-status[data-ready='true']")
        page.click("#practice-ping")
        page.wait_for_selector("#practice-log li:has-text('received PONG')")
        assert "Crease" in page.title()


def test_the_guides_console_snippets_work_unchanged(start_server):
    """From a page of the same origin, as the README says: the guide's snippets name localhost,
    so the page is http://localhost:<port>/ (a page of 127.0.0.1 is another origin, refused)."""
    server = start_server("uvicorn")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"http://localhost:{server.port}/")
        got = page.evaluate(
            """(port) => Promise.all([
                new Promise((resolve) => {
                    const ws = new WebSocket(`ws://localhost:${port}/practice`);
                    ws.onmessage = (data) => resolve(data.data);
                    ws.onopen = () => ws.send("PING");
                }),
                new Promise((resolve) => {
                    const ws = new WebSocket(`ws://localhost:${port}/`);
                    ws.onmessage = (data) => resolve(data.data);
                    ws.onopen = () => ws.send("ping");
                }),
            ])""",
            server.port,
        )
        assert got == ["PONG", "pong!"]
