"""A worker dies (SIGKILL) mid-match: its fans resume on the other worker and lose nothing."""

from __future__ import annotations

import pytest

from tests.faults.scoring import (
    assert_every_seq_once_in_order,
    db_state,
    demo_match,
    differences,
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

FANS = 40
UNTIL = 200  # log entries replayed: most of the first innings


async def test_fans_of_a_killed_worker_resume_on_the_other_with_every_ball_once_in_order(
    start_server, databases, redis_url
):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url)
    match = demo_match(b.env)
    # Both servers behind one "load balancer": half the fans land on each.
    fans = fans_between([a.ws_url, b.ws_url], match.path, FANS)
    try:
        await all_reach(fans, 0, timeout=20)
        on_a = [fan for fan in fans if fan.servers[0] == a.ws_url]
        assert len(on_a) == FANS // 2
        # A real replay scores through B's HTTP API while A's fans watch through Redis.
        scoring = replay(b.env, b.http_url, match.match_id, match.token, until=UNTIL, speed=60)
        await all_reach(on_a, 40, timeout=30)
        assert scoring.poll() is None, "the replay ended before the worker was killed"
        a.kill()
        killed_at = max(fan.last or 0 for fan in on_a)
        assert killed_at < UNTIL

        assert f"replayed: {UNTIL} of" in await finished(scoring, timeout=60)
        await all_reach(fans, UNTIL, timeout=30)
        state = db_state(b.env, match.match_id)
    finally:
        for fan in fans:
            await fan.stop()

    assert state["seq"] == UNTIL
    assert state["log"] == list(range(1, UNTIL + 1))
    assert_every_seq_once_in_order(fans, 0, UNTIL)
    for fan in on_a:  # dropped without a close frame, then resumed on B
        assert fan.close_codes[0] == 1006, fan.describe()
        assert fan.servers[-1] == b.ws_url
        assert fan.snapshots == 1  # resumed from the log, never a fresh snapshot
    for fan in fans:
        assert differences(fan.board, state["snapshot"]["scoreboard"]) == []
        assert fan.summary == state["snapshot"]["summary"]
        shown = state["snapshot"]["commentary"]  # the newest 50
        assert fan.commentary[: len(shown)] == shown
