"""feed.js in chromium folds the update frames of a whole real T20 (the 2023 IPL final) into
exactly the server's snapshot after every ball, and after a resume; a frame that does not fit
makes the page's LiveSocket start again from a snapshot."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import pytest

from realtime import delta
from scores import selectors
from scores.messages import document
from tests.scores.helpers import make_match, real_match, record
from tests.support.browser import chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]

ROOT = Path(__file__).resolve().parents[2]
STATIC = {
    "/static/scores/": ROOT / "scores/static/scores",
    "/static/realtime/": ROOT / "realtime/static/realtime",
}
ORIGIN = "http://crease.test"

FOLD = """async ({ start, frames, expected }) => {
  const { fromSnapshot, applyUpdate, documentOf } = await import("/static/scores/feed.js");
  let state = fromSnapshot(start);
  const wrong = [];
  frames.forEach((frame, i) => {
    if (frame.type === "snapshot") state = fromSnapshot(frame);
    else applyUpdate(state, frame);
    const want = expected[i];
    const text = JSON.stringify(documentOf(state));
    if (text !== want.text || state.seq !== want.seq || state.summary !== want.summary) {
      wrong.push(want.seq);
    }
  });
  return wrong;
}"""

RESYNC = """async ({ start, frame }) => {
  window.sockets = [];
  class FakeSocket {
    static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
    constructor(url) { this.url = url; this.readyState = 0; window.sockets.push(this); }
    send() {}
    close() { this.readyState = 3; }
    open() { this.readyState = 1; this.onopen && this.onopen({}); }
    deliver(message) { this.onmessage && this.onmessage({ data: JSON.stringify(message) }); }
  }
  window.WebSocket = FakeSocket;
  const { LiveSocket } = await import("/static/realtime/live.js");
  const { fromSnapshot, applyUpdate } = await import("/static/scores/feed.js");
  let state = null;
  const live = new LiveSocket("/ws/matches/7/", {
    baseDelay: 10,
    onMessage: (m) => {
      if (m.type === "snapshot") state = fromSnapshot(m);
      else applyUpdate(state, m);
    },
  }).start();
  window.sockets[0].open();
  window.sockets[0].deliver(start);
  const seqBefore = state.seq;
  state.scoreboard.teams.reverse(); // a copy the server did not edit: the checksum differs
  window.sockets[0].deliver(frame);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const urls = window.sockets.map((s) => s.url);
  return { seqBefore, seqAfter: state.seq, resyncs: live.resyncs, urls };
}"""


def serve_static(route: Any) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?")[0]
    for prefix, folder in STATIC.items():
        if path.startswith(prefix):
            file = folder / path.removeprefix(prefix)
            if file.is_file():
                kind = mimetypes.guess_type(file.name)[0] or "text/javascript"
                route.fulfill(status=200, body=file.read_bytes(), content_type=kind)
                return
    if path == "/":
        route.fulfill(
            status=200, body="<!doctype html><title>feed</title>", content_type="text/html"
        )
        return
    route.fulfill(status=404, body="not found")


def server_snapshot(match_id: int) -> dict[str, Any]:
    return json.loads(json.dumps(selectors.match_snapshot(match_id=match_id)))


def expected_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What feed.js must hold for a snapshot: its document's canonical text, seq and summary."""
    return {
        "text": delta.canonical(document(snapshot)),
        "seq": snapshot["seq"],
        "summary": snapshot["summary"],
    }


def test_feed_js_folds_every_frame_of_a_whole_t20_into_each_server_snapshot():
    match = make_match()
    _, events = real_match()
    start = server_snapshot(match.id)
    snapshots, frames = [start], []
    commands: list[Any] = [*events[:40], {"kind": "undo"}, *events[39:]]
    seq = 0
    for command in commands:
        applied = record(match_id=match.id, command=command, expect_seq=seq)
        seq = applied.seq
        frames.append(json.loads(applied.frame))
        snapshots.append(server_snapshot(match.id))
    assert [f["type"] for f in frames].count("update") == len(commands) - 1  # all but the undo
    expected = [expected_of(s) for s in snapshots]
    resume_from = len(frames) - 25
    resumed = selectors.resume_frames(match_id=match.id, since=resume_from)
    assert resumed is not None

    with chromium() as browser:
        page = browser.new_page()
        page.route(f"{ORIGIN}/**", serve_static)
        page.goto(f"{ORIGIN}/")
        wrong = page.evaluate(FOLD, {"start": start, "frames": frames, "expected": expected[1:]})
        assert wrong == []
        # Resume: from the snapshot at `resume_from`, the stored frames the server resends.
        wrong = page.evaluate(
            FOLD,
            {
                "start": snapshots[resume_from],
                "frames": [json.loads(text) for _, text in resumed],
                "expected": expected[resume_from + 1 :],
            },
        )
        assert wrong == []
        # A frame that does not fit: the state stays as it was and the socket resyncs.
        seen = page.evaluate(RESYNC, {"start": snapshots[10], "frame": frames[10]})
    assert seen["seqBefore"] == seen["seqAfter"] == 10
    assert seen["resyncs"] == 1
    assert seen["urls"] == [f"{ORIGIN.replace('http', 'ws')}/ws/matches/7/"] * 2


@pytest.mark.server
def test_the_fan_page_and_the_console_fold_live_updates_without_a_resync(start_server):
    """The real pages from a real server: the embedded snapshot is the document the server
    edits, so balls arrive as updates that fit (no resync, the one connection kept)."""
    from tests.e2e.test_scores import SCORE, WAIT_MS, match_ready_to_bowl, open_page, tap
    from tests.support.servers import create_session

    server = start_server("uvicorn")
    match_id = match_ready_to_bowl(server.env)
    session = create_session(server.env, "sam")
    with chromium() as browser:
        fan = open_page(browser, server, f"/matches/{match_id}/")
        console = open_page(browser, server, f"/matches/{match_id}/score/", session)
        for runs in ("4", "1", "0"):
            tap(console, f"[data-runs='{runs}']")
            console.wait_for_selector("#console[data-ready='true']", timeout=WAIT_MS)
        fan.wait_for_function("() => document.body.dataset.seq === '7'", timeout=WAIT_MS)
        assert "5/0" in fan.locator(SCORE).first.inner_text()
        for page in (fan, console):
            live = page.evaluate(
                "() => ({ resyncs: creaseLive.resyncs, connections: creaseLive.connections })"
            )
            assert live == {"resyncs": 0, "connections": 1}
            assert page.errors == []
