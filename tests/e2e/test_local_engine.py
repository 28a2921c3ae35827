"""The console's engine in the browser (issue 12): Pyodide running the server's own `cricket`
package over the stored log gives exactly the server's snapshot, before and after commands
are really recorded. (The offline reload through the service worker is covered in
test_scores_console_outbox.py.)"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.faults.scoring import demo_match, publish
from tests.support.browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

FIRST = 60  # log entries recorded before the console opens
QUEUED = 8  # commands previewed in the browser, then recorded for real
OPEN_ENGINE = """async ([matchId, seq, queued]) => {
  const { openLocalEngine } = await import("/static/scores/local-engine.js");
  const engine = await openLocalEngine(matchId);
  return await engine.preview(seq, queued);
}"""


def server_snapshot(server, match_id: int, session: str) -> dict:
    """The server's snapshot as the console page embeds it (the fans' `snapshot` message)."""
    request = urllib.request.Request(
        f"{server.http_url}/matches/{match_id}/score/",
        headers={"Cookie": f"sessionid={session}"},
    )
    html = urllib.request.urlopen(request, timeout=30).read().decode()
    start = html.index('<script id="snapshot-data" type="application/json">')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    return json.loads(html[start:end])


def console_page(browser, server, session: str, **options):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, **options)
    ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return ctx, page


def test_the_browser_engine_gives_the_servers_snapshot_before_and_after_recording(start_server):
    server = start_server("uvicorn")
    demo = demo_match(server.env)
    for seq, event in enumerate(demo.events[:FIRST]):
        status, body = publish(server.http_url, demo.match_id, demo.token, seq, event)
        assert status == 201, body
    queued = [{"command": e} for e in demo.events[FIRST : FIRST + QUEUED]]
    queued[2]["commentary"] = "a queued line of commentary"
    with chromium() as browser:
        _, page = console_page(browser, server, demo.session)
        page.goto(f"{server.http_url}/matches/{demo.match_id}/score/")
        now = page.evaluate(OPEN_ENGINE, [demo.match_id, FIRST, []])
        assert now["refused"] is None
        assert now["snapshot"] == server_snapshot(server, demo.match_id, demo.session)

        ahead = page.evaluate(OPEN_ENGINE, [demo.match_id, FIRST, queued])
        assert ahead["refused"] is None
        for seq, item in enumerate(queued, start=FIRST):
            status, body = publish(
                server.http_url, demo.match_id, demo.token, seq, item["command"],
                item.get("commentary"),
            )  # fmt: skip
            assert status == 201, body
        assert ahead["snapshot"] == server_snapshot(server, demo.match_id, demo.session)

        # A command the engine refuses is named, with the state before it.
        refused = page.evaluate(
            OPEN_ENGINE,
            [demo.match_id, FIRST + QUEUED, [{"kind": "new_batter", "player": "Nobody"}]],
        )
        assert refused["refused"]["index"] == 0
        assert refused["refused"]["code"] == "illegal_event"
        assert refused["refused"]["reason"]
        assert refused["snapshot"]["seq"] == FIRST + QUEUED
        assert page.errors == []
