"""A deploy mid-match: SIGTERM drains fans with 1012 to the other server; nobody loses a ball."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from tests.faults.scoring import (
    assert_every_seq_once_in_order,
    db_state,
    demo_match,
    finished,
    replay,
)
from tests.support.fans import all_reach, fans_between

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.db,
    pytest.mark.slow,
    pytest.mark.timeout(120),
]

FANS = 30
UNTIL = 150


async def test_sigterm_mid_match_moves_every_fan_to_the_other_server_without_losing_a_ball(
    start_server, databases, redis_url
):
    db = databases.fresh()
    old = start_server("serve", database_url=db, redis_url=redis_url)  # being deployed away
    new = start_server("serve", database_url=db, redis_url=redis_url)  # already running
    match = demo_match(new.env)
    # Every fan starts on the old server; the "load balancer" sends reconnects elsewhere.
    fans = fans_between([old.ws_url, new.ws_url], match.path, FANS, first=0)
    try:
        await all_reach(fans, 0, timeout=20)
        assert {fan.servers[0] for fan in fans} == {old.ws_url}
        scoring = replay(new.env, new.http_url, match.match_id, match.token, until=UNTIL, speed=60)
        await all_reach(fans, 30, timeout=30)
        assert scoring.poll() is None, "the replay ended before the deploy"
        started = time.monotonic()
        old.process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(old.process.wait, 15)
        took = time.monotonic() - started

        assert f"replayed: {UNTIL} of" in await finished(scoring, timeout=60)
        await all_reach(fans, UNTIL, timeout=30)
        state = db_state(new.env, match.match_id)
    finally:
        for fan in fans:
            await fan.stop()

    assert took < 10
    assert old.process.returncode in (0, -signal.SIGTERM)
    assert f"drained {FANS} WebSocket connections with 1012" in old.log()
    assert state["log"] == list(range(1, UNTIL + 1))
    assert_every_seq_once_in_order(fans, 0, UNTIL)
    for fan in fans:
        assert fan.close_codes[0] == 1012, fan.describe()
        assert fan.servers[1:] == [new.ws_url] * (len(fan.servers) - 1)
        assert fan.snapshots == 1  # resumed from the log, never a fresh snapshot
        assert fan.board == state["snapshot"]["scoreboard"]
