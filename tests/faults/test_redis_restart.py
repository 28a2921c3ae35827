"""Redis restarts mid-match: scoring goes on, and fans catch up from the event log."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.faults.scoring import assert_every_seq_once_in_order, db_state, demo_match, publish
from tests.support.fans import all_reach, fans_between
from tests.support.redis_server import PrivateRedis

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.db,
    pytest.mark.slow,
    pytest.mark.timeout(120),
]

FANS = 10


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


async def test_fans_miss_nothing_when_redis_restarts_mid_match(
    start_server, databases, private_redis
):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=private_redis.url)
    b = start_server("uvicorn", database_url=db, redis_url=private_redis.url)
    match = demo_match(a.env)
    events = iter(enumerate(match.events))

    async def score() -> tuple[int, dict]:
        seq, event = next(events)
        return await asyncio.to_thread(publish, a.http_url, match.match_id, match.token, seq, event)

    fans = fans_between([b.ws_url], match.path, FANS)  # scored through A, watched on B
    try:
        await all_reach(fans, 0, timeout=20)
        for _ in range(10):
            assert (await score())[0] == 201
        await all_reach(fans, 10, timeout=20)

        private_redis.stop()
        # The log is the truth: with Redis down a ball is still stored (201), promptly; only
        # its live broadcast is lost.
        for _ in range(5):
            started = time.monotonic()
            status, body = await score()
            assert (status, body["seq"]) == (201, _ + 11)
            assert time.monotonic() - started < 5
        assert db_state(a.env, match.match_id)["seq"] == 15
        assert all(fan.live and fan.connections == 1 for fan in fans)  # nobody was dropped
        assert all(fan.last == 10 for fan in fans)

        private_redis.start()
        # Balls keep coming: the first one B hears after resubscribing shows each fan a gap,
        # and the fan resumes from the log with ?since=.
        seq = 15
        async with asyncio.timeout(40):
            while not all(fan.last == seq for fan in fans):
                seq = (await score())[1]["seq"]
                await asyncio.sleep(0.3)
        for _ in range(5):  # and live again afterwards
            seq = (await score())[1]["seq"]
        await all_reach(fans, seq, timeout=10)
        state = db_state(a.env, match.match_id)
    finally:
        for fan in fans:
            await fan.stop()

    assert state["log"] == list(range(1, seq + 1))
    assert_every_seq_once_in_order(fans, 0, seq)
    for fan in fans:
        assert fan.gaps >= 1, fan.describe()  # caught up from the log, not by luck
        assert fan.snapshots == 1
        assert fan.board == state["snapshot"]["scoreboard"]


async def test_balls_scored_while_redis_is_down_with_none_after_still_reach_every_fan(
    start_server, databases, private_redis
):
    # The last balls before a lull (rain, an innings break) are lost live and no later ball
    # reveals the gap: the heartbeat's pong carries the match's seq, and fans catch up from it.
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=private_redis.url)
    b = start_server("uvicorn", database_url=db, redis_url=private_redis.url)
    match = demo_match(a.env)

    async def score(seq: int) -> None:
        status, body = await asyncio.to_thread(
            publish, a.http_url, match.match_id, match.token, seq, match.events[seq]
        )
        assert (status, body["seq"]) == (201, seq + 1)

    fans = fans_between([b.ws_url], match.path, FANS, ping_every=1)
    try:
        await all_reach(fans, 0, timeout=20)
        for seq in range(5):
            await score(seq)
        await all_reach(fans, 5, timeout=10)
        private_redis.stop()
        for seq in range(5, 7):
            await score(seq)
        private_redis.start()
        await all_reach(fans, 7, timeout=15)
        state = db_state(a.env, match.match_id)
    finally:
        for fan in fans:
            await fan.stop()

    assert_every_seq_once_in_order(fans, 0, 7)
    for fan in fans:
        assert fan.snapshots == 1
        assert fan.board == state["snapshot"]["scoreboard"]
