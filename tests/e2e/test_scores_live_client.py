"""realtime/static/realtime/live.js in chromium, against a scripted stand-in for the server's
socket: resume by seq, duplicates dropped, gaps refetched, close codes, heartbeat, status."""

from __future__ import annotations

import pytest

from tests.support.browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]

# A WebSocket stand-in the test drives by hand: records URLs, sent frames and lets the test
# deliver frames or close with a code. Installed before live.js creates any socket.
FAKE = """() => {
window.sockets = [];
class FakeSocket {
  static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
  constructor(url) {
    this.url = url; this.readyState = 0; this.sent = []; window.sockets.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code) { this.readyState = 3; this.closedWith = code; }
  open() { this.readyState = 1; this.onopen && this.onopen({}); }
  deliver(message) { this.onmessage && this.onmessage({ data: JSON.stringify(message) }); }
  drop(code) { this.readyState = 3; this.onclose && this.onclose({ code, reason: "" }); }
}
window.WebSocket = FakeSocket;
}"""

START = """async (options) => {
  const { LiveSocket } = await import("/static/realtime/live.js");
  window.got = []; window.statuses = []; window.reported = [];
  window.addEventListener("error", (event) => {
    window.reported.push(String(event.message || event.error));
  });
  const status = document.createElement("output");
  status.id = "probe"; document.body.append(status);
  window.live = new LiveSocket("/ws/matches/7/", {
    ...options,
    statusElement: status,
    onStatus: (s, detail) => window.statuses.push(s),
    onMessage: (m) => {
      switch (m.type) {
        case "snapshot": case "update": case "presence":
          window.got.push(`${m.type}:${m.seq ?? m.count}`);
          break;
        default: throw new Error(`unknown message type ${m.type}`);
      }
    },
  }).start();
}"""


@pytest.fixture
def page(start_server):
    server = start_server("uvicorn")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(server.http_url + "/")
        page.evaluate(FAKE)
        yield page


def sockets(page):
    return page.evaluate("() => window.sockets.map((s) => s.url.replace(/^ws:\\/\\/[^/]+/, ''))")


def test_client_resumes_drops_duplicates_and_refetches_after_a_gap(page):
    page.evaluate(START, {"since": 5, "baseDelay": 50})
    assert sockets(page) == ["/ws/matches/7/?since=5"]
    page.evaluate("() => window.sockets[0].open()")
    assert page.get_attribute("#probe", "data-status") == "live"
    page.evaluate(
        """() => { const s = window.sockets[0];
        s.deliver({type: "update", seq: 6}); s.deliver({type: "update", seq: 6});
        s.deliver({type: "update", seq: 5}); s.deliver({type: "presence", count: 3});
        s.deliver({type: "pong"}); s.deliver({type: "update", seq: 9}); }"""
    )
    # 6 once, the duplicates dropped, then a gap (9 after 6): a new socket resumes from 6.
    page.wait_for_function("() => window.sockets.length === 2")
    assert page.evaluate("() => window.got") == ["update:6", "presence:3"]
    assert sockets(page)[1] == "/ws/matches/7/?since=6"
    assert page.evaluate("() => window.sockets[0].closedWith") == 4000
    page.evaluate(
        """() => { const s = window.sockets[1]; s.open();
        s.deliver({type: "update", seq: 7}); s.deliver({type: "update", seq: 8});
        s.deliver({type: "update", seq: 9}); s.deliver({type: "snapshot", seq: 3}); }"""
    )
    assert page.evaluate("() => window.got")[2:] == [
        "update:7",
        "update:8",
        "update:9",
        "snapshot:3",
    ]
    assert page.evaluate("() => window.live.lastSeq") == 3


def test_client_reconnects_by_close_code_and_reports_unknown_types(page):
    page.evaluate(START, {"baseDelay": 50})
    assert sockets(page) == ["/ws/matches/7/"]
    page.evaluate(
        "() => { window.sockets[0].open(); window.sockets[0].deliver({type: 'snapshot', seq: 2}); }"
    )
    # An unknown type throws in the page's switch: reported, and the link stays up.
    page.evaluate("() => window.sockets[0].deliver({type: 'mystery'})")
    assert "unknown message type mystery" in " ".join(page.evaluate("() => window.reported"))
    assert page.get_attribute("#probe", "data-status") == "live"
    # 1012 (server restarting): reconnect at once with jitter, resuming from seq 2.
    page.evaluate("() => window.sockets[0].drop(1012)")
    assert page.get_attribute("#probe", "data-status") == "reconnecting"
    page.wait_for_function("() => window.sockets.length === 2", timeout=3000)
    assert sockets(page)[1] == "/ws/matches/7/?since=2"
    # A failed attempt (1006) backs off and tries again.
    page.evaluate("() => window.sockets[1].drop(1006)")
    page.wait_for_function("() => window.sockets.length === 3", timeout=3000)
    # 4004 (no such match): offline, and no retry.
    page.evaluate("() => { window.sockets[2].open(); window.sockets[2].drop(4004); }")
    assert page.get_attribute("#probe", "data-status") == "offline"
    page.wait_for_timeout(500)
    assert len(sockets(page)) == 3
    assert page.evaluate("() => window.statuses") == [
        # one "reconnecting" per attempt: at once after 1012, then with backoff after 1006
        "connecting", "live", "reconnecting", "reconnecting", "live", "offline"
    ]  # fmt: skip


def test_client_pings_and_treats_a_silent_link_as_dead(page):
    page.evaluate(START, {"pingEvery": 200, "deadAfter": 1500, "baseDelay": 50})
    page.evaluate("() => window.sockets[0].open()")
    page.wait_for_function("() => window.sockets[0].sent.length >= 1", timeout=5000)
    assert page.evaluate("() => window.sockets[0].sent[0]") == {"type": "ping"}
    # No frame at all for deadAfter: the client gives up on this link and opens another.
    page.wait_for_function("() => window.sockets.length === 2", timeout=5000)
    assert page.evaluate("() => window.sockets[0].closedWith") == 4000
