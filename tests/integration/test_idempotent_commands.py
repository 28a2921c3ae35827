"""Idempotent scorer commands over real sockets and real server processes (issue 12): a retry
of a stored command gets its original answer and stores nothing, whichever connection, process
or transport it comes by; an id reused for another command is refused; an over-fast scorer is
told to slow down; an overridable refusal can be recorded with the umpires' reason."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.faults.scoring import demo_match

pytestmark = [pytest.mark.server, pytest.mark.db]


def post(base: str, match_id: int, token: str, body: dict, key: str | None = None):
    """POST a command; (status, JSON body, headers)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        f"{base}/api/matches/{match_id}/events",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), _headers(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), _headers(exc.headers)


def _headers(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def stored_seq(base: str, match_id: int) -> int:
    with urllib.request.urlopen(f"{base}/api/matches/{match_id}", timeout=10) as response:
        return int(json.loads(response.read())["seq"])


async def reply_to(ws, command_id: str, timeout: float = 15) -> dict:
    """The ack or error for one command (fan frames in between are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] in ("ack", "error") and frame.get("id") == command_id:
                return frame


async def next_scored(ws, timeout: float = 15) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] in ("snapshot", "update"):
                return frame


def scorer(server: Any, demo: Any):
    cookie = {"Cookie": f"sessionid={demo.session}"}
    return connect(
        f"{server.ws_url}{demo.path}score/", origin=server.origin, additional_headers=cookie
    )


async def send(ws, command_id: str, expect_seq: int, command: dict, **extra: Any) -> None:
    envelope = {"type": "command", "id": command_id, "expect_seq": expect_seq, "command": command}
    await ws.send(json.dumps({**envelope, **extra}))


async def test_a_ball_resent_after_the_socket_dropped_is_stored_once(start_server):
    server = start_server("uvicorn")
    demo = demo_match(server.env)
    events = demo.events
    async with connect(server.ws_url + demo.path, origin=server.origin) as fan:
        assert (await next_scored(fan))["seq"] == 0
        async with scorer(server, demo) as ws:
            await send(ws, "ball-1", 0, events[0])
            # Dropped before the ack is read: the client cannot know whether it was stored.
        async with scorer(server, demo) as ws:
            await send(ws, "ball-1", 0, events[0])
            first = await reply_to(ws, "ball-1")
            assert (first["type"], first["seq"]) == ("ack", 1)
            # And once more, now certainly a retry of a stored command.
            await send(ws, "ball-1", 0, events[0])
            again = await reply_to(ws, "ball-1")
            assert again == {"type": "ack", "id": "ball-1", "seq": 1, "duplicate": True}
            await send(ws, "ball-2", 1, events[1])
            assert (await reply_to(ws, "ball-2"))["seq"] == 2
        assert stored_seq(server.http_url, demo.match_id) == 2
        # The fan saw seq 1 once: the retries were never broadcast.
        assert [(await next_scored(fan))["seq"] for _ in range(2)] == [1, 2]


async def test_a_retry_over_http_gets_the_original_201_even_after_later_balls(start_server):
    server = start_server("uvicorn")
    demo = demo_match(server.env)
    base, mid, token, events = server.http_url, demo.match_id, demo.token, demo.events
    first = await asyncio.to_thread(
        post, base, mid, token, {"expect_seq": 0, "command": events[0]}, "k-0"
    )
    assert first[0] == 201
    assert first[1]["seq"] == 1
    assert "idempotent-replayed" not in first[2]
    later = await asyncio.to_thread(
        post, base, mid, token, {"expect_seq": 1, "command": events[1]}, "k-1"
    )
    assert later[0] == 201
    # Its ack was lost; resent with the expect_seq it had: the original answer, not 409.
    retry = await asyncio.to_thread(
        post, base, mid, token, {"expect_seq": 0, "command": events[0]}, "k-0"
    )
    assert (retry[0], retry[1]) == (201, first[1])
    assert retry[2].get("idempotent-replayed") == "true"
    assert stored_seq(base, mid) == 2
    # The same key for another command: refused, nothing stored.
    reused = await asyncio.to_thread(
        post, base, mid, token, {"expect_seq": 2, "command": events[2]}, "k-0"
    )
    assert (reused[0], reused[1]["error"], reused[1]["seq"]) == (422, "id_reused", 1)
    assert stored_seq(base, mid) == 2
    # A body id that contradicts the header is a bad request.
    both = await asyncio.to_thread(
        post, base, mid, token, {"id": "other", "expect_seq": 2, "command": events[2]}, "k-2"
    )
    assert (both[0], both[1]["error"]) == (400, "invalid_command")
    # The socket's and the API's ids are one namespace: the socket retry of k-1 is a duplicate.
    async with scorer(server, demo) as ws:
        await send(ws, "k-1", 1, events[1])
        assert await reply_to(ws, "k-1") == {
            "type": "ack",
            "id": "k-1",
            "seq": 2,
            "duplicate": True,
        }
        await send(ws, "k-0", 2, events[2])
        refused = await reply_to(ws, "k-0")
        assert (refused["code"], refused["seq"]) == ("id_reused", 1)
    assert stored_seq(base, mid) == 2


@pytest.mark.redis
async def test_a_command_sent_to_process_a_and_retried_to_process_b_is_stored_once(
    start_server, databases, redis_url, layer_prefix
):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    demo = demo_match(a.env)
    events = demo.events
    async with connect(b.ws_url + demo.path, origin=b.origin) as fan:
        assert (await next_scored(fan))["seq"] == 0
        async with scorer(a, demo) as ws:
            await send(ws, "x-1", 0, events[0])
            assert (await reply_to(ws, "x-1"))["seq"] == 1
        async with scorer(b, demo) as ws:
            await send(ws, "x-1", 0, events[0])
            assert await reply_to(ws, "x-1") == {
                "type": "ack",
                "id": "x-1",
                "seq": 1,
                "duplicate": True,
            }
            await send(ws, "x-2", 1, events[1])
            assert (await reply_to(ws, "x-2"))["seq"] == 2
        assert [(await next_scored(fan))["seq"] for _ in range(2)] == [1, 2]
    assert stored_seq(a.http_url, demo.match_id) == 2

    # Identical retries racing on both processes at once: stored once, every answer the same.
    body = {"expect_seq": 2, "command": events[2]}
    racers = [
        asyncio.to_thread(post, server.http_url, demo.match_id, demo.token, body, "race")
        for server in (a, b) * 6
    ]
    answers = await asyncio.gather(*racers)
    assert {(status, reply["seq"]) for status, reply, _ in answers} == {(201, 3)}
    assert sum(h.get("idempotent-replayed") != "true" for _, _, h in answers) == 1
    assert stored_seq(a.http_url, demo.match_id) == 3


async def test_an_over_fast_scorer_is_told_to_slow_down_and_nothing_refused_is_stored(
    start_server,
):
    server = start_server("uvicorn", env={"CREASE_SCORER_RATE": "5", "CREASE_SCORER_BURST": "10"})
    demo = demo_match(server.env)
    events = demo.events
    async with scorer(server, demo) as ws:
        for seq in range(30):  # as fast as the socket takes them, not waiting for acks
            await send(ws, f"f{seq}", seq, events[seq])
        replies = [await reply_to(ws, f"f{seq}") for seq in range(30)]
        acked = [r["seq"] for r in replies if r["type"] == "ack"]
        slowed = [r for r in replies if r.get("code") == "slow_down"]
        assert acked[:10] == list(range(1, 11))
        assert slowed, replies
        assert all(0 < r["retry_after"] <= 1 / 5 + 0.01 for r in slowed)
        assert all("nothing was stored" in r["reason"] for r in slowed)
        stored = stored_seq(server.http_url, demo.match_id)
        assert stored == len(acked)
        # Waiting as told, the first refused command goes through in its place.
        first_refused = int(next(r for r in replies if r["type"] == "error")["id"][1:])
        assert first_refused == stored
        await asyncio.sleep(slowed[0]["retry_after"])
        await send(ws, "again", stored, events[stored])
        assert (await reply_to(ws, "again"))["seq"] == stored + 1


async def test_an_overridable_refusal_is_recorded_with_the_umpires_reason_and_noted(
    start_server,
):
    server = start_server("uvicorn")
    demo = demo_match(server.env)
    events = demo.events
    async with scorer(server, demo) as ws:
        for seq in range(10):  # the first over, by DL Chahar
            await send(ws, f"o{seq}", seq, events[seq])
            assert (await reply_to(ws, f"o{seq}"))["type"] == "ack"
        again = {"kind": "new_bowler", "bowler": "DL Chahar", "mid_over": False}
        await send(ws, "twice", 10, again)
        refused = await reply_to(ws, "twice")
        assert (refused["code"], refused["overridable"], refused["seq"]) == (
            "illegal_event", True, 10,
        )  # fmt: skip
        assert "DL Chahar" in refused["reason"]
        assert "override" in refused["reason"]
        # A refusal no umpire can allow says so.
        await send(ws, "nobody", 10, {"kind": "new_bowler", "bowler": "WP Saha", "mid_over": False})
        assert (await reply_to(ws, "nobody"))["overridable"] is False
        await send(ws, "twice", 10, again, override="umpires allowed a second over")
        assert (await reply_to(ws, "twice"))["seq"] == 11
    async with connect(server.ws_url + demo.path, origin=server.origin) as fan:
        snapshot = await next_scored(fan)
    text = json.dumps(snapshot)
    assert "umpires allowed a second over" in text
