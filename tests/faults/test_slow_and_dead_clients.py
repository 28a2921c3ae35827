"""Slow and dead clients: a fan that stops reading is closed with 4008 after a bounded buffer,
with server memory flat; a fan that vanished is dropped by the heartbeat and presence recovers."""

from __future__ import annotations

import asyncio
import hashlib
import re
import urllib.request

import pytest

from tests.faults.scoring import assert_every_seq_once_in_order, demo_match, publish
from tests.support.fans import Fan, all_reach, fans_between, stalled_fan

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow, pytest.mark.timeout(120)]

OUTBOX = 8
STALLED = 4
# Commentary makes every update frame bigger, so buffers fill after a few dozen balls. A line of
# its own each ball: a delta update sends a line the fans already hold as a short copy.
LINE = "Full toss, hammered through the covers; the fielder gives up the chase. "


def line(seq: int) -> str:
    """Up to the 500 characters a line may have, none of it copied from another ball's."""
    noise = "".join(hashlib.sha256(f"{seq}.{i}".encode()).hexdigest() for i in range(7))
    return f"{LINE[:30]} {noise}"


def metric(server, name: str) -> float:
    with urllib.request.urlopen(server.http_url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    found = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.MULTILINE).group(1))


async def test_a_fan_that_stops_reading_is_closed_with_4008_and_memory_stays_flat(
    start_server,
):
    server = start_server("uvicorn", env={"CREASE_FAN_OUTBOX_FRAMES": str(OUTBOX)})
    match = demo_match(server.env)
    events = iter(match.events)
    log = {"seq": 0, "scored": 0, "last": None}

    async def post(command: dict, text: str | None) -> None:
        status, body = await asyncio.to_thread(
            publish, server.http_url, match.match_id, match.token, log["seq"], command, text
        )
        assert status == 201, body
        log["seq"] += 1

    async def score(n: int, *, correct: bool = False) -> int:
        """Score n balls; with `correct`, the scorer then undoes the last and scores it again
        (the undo goes to every fan as a whole snapshot: delta updates alone are ~1 KB)."""
        for _ in range(n):
            log["last"] = next(events)
            log["scored"] += 1
            await post(log["last"], line(log["seq"]))
        if correct:
            await post({"kind": "undo"}, None)
            await post(log["last"], line(log["seq"]))
        return log["seq"]

    fans = fans_between([server.ws_url], match.path, 5)
    stalled = [
        await stalled_fan(server.port, match.path, rcvbuf=4096, mss=536) for _ in range(STALLED)
    ]
    try:
        await all_reach(fans, 0, timeout=20)
        seq = await score(20)  # warm up: engine cache, first frames, allocator
        await all_reach(fans, seq, timeout=10)
        before = rss_kib(server.process.pid)

        # Balls keep coming; the stalled fans' buffers fill and the server gives up on them.
        async with asyncio.timeout(60):
            while metric(server, "crease_slow_client_closes_total") < STALLED:
                assert log["scored"] < 150, "the stalled fans were never closed"
                seq = await score(5, correct=True)
        closed_at = seq
        for fan in stalled:  # read what was buffered: it ends with the close frame
            frames, code = await fan.read_until_close(timeout=10)
            assert code == 4008
            assert frames < closed_at  # they really fell behind
        seq = await score(min(100, len(match.events) - log["scored"]))
        await all_reach(fans, seq, timeout=20)
        after = rss_kib(server.process.pid)
    finally:
        for fan in stalled:
            fan.close()
        for fan in fans:
            await fan.stop()

    # Fans that read carried on, untouched.
    assert_every_seq_once_in_order(fans, 0, seq)
    assert all(fan.connections == 1 and fan.close_codes == [1000] for fan in fans)
    # A generous bound: the buffers of the slow fans were bounded and let go.
    assert after - before < 30 * 1024, (before, after)


async def test_a_match_fan_that_vanished_is_dropped_by_the_heartbeat_and_presence_recovers(
    start_server,
):
    server = start_server(
        "uvicorn", extra_args=["--ws-ping-interval", "1", "--ws-ping-timeout", "1"]
    )
    match = demo_match(server.env)
    gauge = 'crease_open_connections{kind="match"}'
    watcher = Fan([server.ws_url], match.path, name="watcher").start()
    try:
        await watcher.wait_until(lambda f: (f.presence or {}).get("count") == 1, timeout=15)
        zombie = await stalled_fan(server.port, match.path)  # a phone that lost signal
        await watcher.wait_until(lambda f: f.presence["count"] == 2, timeout=15)
        assert metric(server, gauge) == 2
        # No pong ever comes back: the server drops the peer and the count returns to the truth.
        await watcher.wait_until(lambda f: f.presence["count"] == 1, timeout=15)
        assert metric(server, gauge) == 1
        assert watcher.connections == 1  # the live fan answered every ping and stayed
        zombie.close()
    finally:
        await watcher.stop()
