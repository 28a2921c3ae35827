"""live.js catches up when a heartbeat pong names a seq that no update brings (a lost broadcast)."""

from __future__ import annotations

import pytest

from tests.e2e.test_scores_live_client import START, page, sockets  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]


def test_client_resumes_when_a_pong_names_a_seq_no_update_brings(page):  # noqa: F811
    page.evaluate(START, {"since": 5, "pingEvery": 200, "behindGrace": 400, "baseDelay": 50})
    page.evaluate("() => window.sockets[0].open()")
    # The heartbeat asks for the match's seq.
    page.wait_for_function("() => window.sockets[0].sent.length > 0")
    assert page.evaluate("() => window.sockets[0].sent[0]") == {"type": "ping", "seq": 5}
    # The pong says 6 and update 6 follows in time: nothing to do.
    page.evaluate(
        """() => { const s = window.sockets[0];
        s.deliver({type: "pong", seq: 6}); s.deliver({type: "update", seq: 6}); }"""
    )
    page.wait_for_timeout(800)
    assert len(sockets(page)) == 1
    # The pong says 8 and no update comes: after the grace, resume from 6.
    page.evaluate("() => window.sockets[0].deliver({type: 'pong', seq: 8})")
    page.wait_for_function("() => window.sockets.length === 2", timeout=3000)
    assert sockets(page)[1] == "/ws/matches/7/?since=6"
    assert page.evaluate("() => window.sockets[0].closedWith") == 4000
    assert page.evaluate("() => window.got") == ["update:6"]
