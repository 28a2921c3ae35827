"""Live scores over real sockets: resume after a disconnect (uvicorn), and two processes
sharing a real Redis (a ball scored through A reaches a fan on B, every one, in order)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.support.feed import fold
from tests.support.servers import manage

pytestmark = [pytest.mark.server, pytest.mark.db]

DEMO = Path(__file__).resolve().parents[2] / "tests" / "data" / "cricsheet" / "1370353.json"


def demo_match(env: dict[str, str]) -> tuple[int, str, list[dict]]:
    """Import the real match into a server's database; returns (id, a scorer token, events)."""
    match_id = int(manage("import_cricsheet", str(DEMO), "--scorer", "feed", env=env).strip())
    token = manage("scorer_token", "feed", env=env).strip()
    from cricket import codec, cricsheet

    _, events = cricsheet.load(DEMO)
    return match_id, token, [codec.event_to_dict(e) for e in events]


def publish(base: str, match_id: int, token: str, seq: int, event: dict) -> int:
    request = urllib.request.Request(
        f"{base}/api/matches/{match_id}/events",
        data=json.dumps({"expect_seq": seq, "command": event}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return int(json.loads(response.read())["seq"])


async def next_scored(ws, timeout: float = 10) -> dict:
    """The next snapshot or update frame (presence frames skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] in ("snapshot", "update"):
                return frame


async def test_fan_who_disconnects_resumes_with_every_missed_ball_in_order(start_server):
    server = start_server("uvicorn")
    match_id, token, events = demo_match(server.env)
    url = f"{server.ws_url}/ws/matches/{match_id}/"
    for seq in range(4):
        await asyncio.to_thread(publish, server.http_url, match_id, token, seq, events[seq])
    async with connect(url, origin=server.origin) as ws:
        first = await next_scored(ws)
        assert (first["type"], first["seq"]) == ("snapshot", 4)
        await asyncio.to_thread(publish, server.http_url, match_id, token, 4, events[4])
        state = fold(fold(None, first), await next_scored(ws))
        assert state["seq"] == 5
    last_seen = 5
    for seq in range(5, 15):  # scored while the fan is away
        await asyncio.to_thread(publish, server.http_url, match_id, token, seq, events[seq])
    async with connect(f"{url}?since={last_seen}", origin=server.origin) as ws:
        missed = [await next_scored(ws) for _ in range(10)]
        assert [f["seq"] for f in missed] == list(range(6, 16))
        assert all(f["type"] == "update" for f in missed)
        for frame in missed:  # every missed ball folds onto what the fan held
            state = fold(state, frame)
        assert state["scoreboard"]["events"] == 15
        await asyncio.to_thread(publish, server.http_url, match_id, token, 15, events[15])
        live = await next_scored(ws)
        assert (live["type"], live["seq"]) == ("update", 16)


@pytest.mark.redis
async def test_fan_on_process_b_sees_every_ball_scored_through_process_a_in_order(
    start_server, databases, redis_url, layer_prefix
):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    match_id, token, _ = demo_match(a.env)
    async with connect(f"{b.ws_url}/ws/matches/{match_id}/", origin=b.origin) as fan:
        state = fold(None, await next_scored(fan))
        assert state["seq"] == 0
        # Seven overs as fast as A answers, by the replay command through A's HTTP API.
        replay = asyncio.create_task(
            asyncio.to_thread(
                manage, "replay_match", str(match_id), "--speed", "0", "--url", a.http_url,
                "--token", token, "--progress", "none", "--until", "60", env=a.env,
            )
        )  # fmt: skip
        seen = [await next_scored(fan, timeout=30) for _ in range(60)]
        assert [f["seq"] for f in seen] == list(range(1, 61))
        for frame in seen:
            state = fold(state, frame)
        assert state["scoreboard"]["events"] == 60
        assert "replayed: 60 of" in await replay


def current_seq(base: str, match_id: int) -> int:
    with urllib.request.urlopen(f"{base}/api/matches/{match_id}", timeout=10) as response:
        return int(json.loads(response.read())["seq"])


async def resuming_fan(url: str, origin: str, since: int, upto: int) -> list[int]:
    """Connect with ?since= and read until seq `upto` (or a quiet second); the seqs received."""
    seqs: list[int] = []
    async with connect(f"{url}?since={since}", origin=origin) as ws:
        with contextlib.suppress(TimeoutError):
            while not seqs or seqs[-1] < upto:
                seqs.append((await next_scored(ws, timeout=1))["seq"])
    return seqs


@pytest.mark.redis
@pytest.mark.slow
async def test_fans_resuming_on_b_while_a_scores_never_get_a_seq_twice(
    start_server, databases, redis_url, layer_prefix
):
    """Issue 15.7: A commits an entry before it broadcasts it, so B's resume can read it from
    the log and then get its broadcast too. Fans resume over and over while a whole T20 is
    scored as fast as A answers; each must see every seq once, in order."""
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    match_id, token, events = demo_match(a.env)
    url = f"{b.ws_url}/ws/matches/{match_id}/"
    replay = asyncio.create_task(
        asyncio.to_thread(
            manage, "replay_match", str(match_id), "--speed", "0", "--url", a.http_url,
            "--token", token, "--progress", "none", env=a.env,
        )
    )  # fmt: skip
    resumes = duplicates = 0

    async def keep_resuming() -> None:
        nonlocal resumes, duplicates
        while not replay.done():
            since = await asyncio.to_thread(current_seq, b.http_url, match_id)
            seqs = await resuming_fan(url, b.origin, since, since + 3)
            resumes += 1
            duplicates += len(seqs) - len(set(seqs))
            assert seqs == sorted(set(seqs)), f"resumed from {since}: got {seqs}"
            if seqs:
                assert seqs[0] == since + 1, f"resumed from {since}: got {seqs}"

    await asyncio.gather(*(keep_resuming() for _ in range(6)))
    assert "replayed:" in await replay
    assert resumes >= 30
    assert duplicates == 0

    # `?since=0` after the whole match: one snapshot, not every frame of the match again.
    async with connect(f"{url}?since=0", origin=b.origin) as ws:
        first = await next_scored(ws)
        assert (first["type"], first["seq"]) == ("snapshot", len(events))
        received = len(json.dumps(first))
        with contextlib.suppress(TimeoutError):
            received += len(await next_scored(ws, timeout=1))
    assert received < 32 * 1024
