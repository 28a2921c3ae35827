"""One fuzz pass per WebSocket endpoint over real sockets: uvicorn and the `websockets` client.

The same hostile frames as the in-process fuzzers, through a real server's WebSocket stack (its
own frame size limit included): each gets an answer or a documented close, the connection (or a
new one) then serves a valid request, a bystander on the endpoint is unaffected, and nothing is
stored but acknowledged commands.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.fuzz import strategies as fz
from tests.fuzz.harness import DOCUMENTED_CLOSE_CODES, Endpoint, classify, decode, is_presence
from tests.fuzz.test_websockets import CHAT, LIMIT, RAW, is_ping, pong
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow]

SETUP = """
import json
from django.contrib.auth import get_user_model
from chat.services import room_ensure
from scores.services import matches
from tests.scores.helpers import make_match, score
match = make_match(); score(match, 5)
sam = get_user_model().objects.create(username="sam"); matches.scorer_grant(user=sam, match=match)
room_ensure(slug="lobby", title="Lobby")
print(json.dumps({"match": match.id}))
"""
COUNT = """
from chat.models import Message; from scores.models import LogEntry, Match
print("COUNTS", Message.objects.count(), LogEntry.objects.count(), Match.objects.get(pk={id}).seq)
"""
UVICORN_MAX = 1024 * 1024  # --ws-max-size of the test servers (tests/support/servers.py)


@pytest.fixture
def live(start_server) -> dict[str, Any]:
    server = start_server("uvicorn")
    ids = json.loads(manage("shell", "-c", SETUP, env=server.env).strip().splitlines()[-1])
    cookies = {
        "sam": f"sessionid={create_session(server.env, 'sam')}",
        "mod": f"sessionid={create_session(server.env, 'mod', staff=True)}",
    }
    return {"server": server, "match": ids["match"], "cookies": cookies}


def endpoints(live: dict[str, Any]) -> list[tuple[Endpoint, str | None]]:
    match = live["match"]
    ping = '{"type": "ping"}'
    return [
        (RAW, None),
        (Endpoint("/practice", ping, pong, is_ping), None),
        (CHAT, live["cookies"]["mod"]),
        (Endpoint(f"/ws/matches/{match}/", ping, pong, is_ping), None),
        (Endpoint("/ws/matches/", ping, pong, is_ping), None),
        (Endpoint(f"/ws/matches/{match}/score/", ping, pong, is_ping), live["cookies"]["sam"]),
    ]


class Socket:
    """A real client connection with the harness's sentinel-delimited exchanges."""

    def __init__(self, live: dict[str, Any], endpoint: Endpoint, cookie: str | None) -> None:
        self.server = live["server"]
        self.endpoint = endpoint
        self.cookie = cookie
        self.ws: Any = None

    async def open(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(
            self.server.ws_url + self.endpoint.path, origin=self.server.origin,
            additional_headers=headers, max_size=None, open_timeout=10,
        )  # fmt: skip
        initial, code = await self.exchange(None)
        assert code is None, (self.endpoint.path, initial)

    async def exchange(self, frame: str | bytes | None) -> tuple[list[Any], int | None]:
        """Send `frame` (if any) and a sentinel; the frames before the sentinel's reply."""
        sentinels = 1
        frames: list[Any] = []
        try:
            if frame is not None:
                await self.ws.send(frame)
                sentinels += self.endpoint.sentinels_in(frame)
            await self.ws.send(self.endpoint.sentinel)
            while True:
                text = await asyncio.wait_for(self.ws.recv(), 10)
                value = decode(text if isinstance(text, str) else None, self.endpoint.json)
                if is_presence(value):
                    continue
                if self.endpoint.is_sentinel_reply(value):
                    sentinels -= 1
                    if not sentinels:
                        return frames, None
                    continue
                frames.append(value)
        except ConnectionClosed as closed:
            return frames, closed.rcvd.code if closed.rcvd else 1006

    async def close(self) -> None:
        await self.ws.close()


def answers(endpoint: Endpoint, frame: str | bytes, frames: list[Any], code: int | None) -> int:
    """Check one hostile frame's answer; return how many commands it got acknowledged."""
    if code is not None:
        assert code in DOCUMENTED_CLOSE_CODES, (endpoint.path, code, frames)
        size = len(frame) if isinstance(frame, bytes) else len(frame.encode())
        assert code == 1009, (endpoint.path, code, frames)
        assert size > LIMIT
        return 0
    if not endpoint.json:
        assert frames or frame == "ping"
        return 0
    kind, content = classify(frame, LIMIT)
    pings = kind == "ok" and content["type"] == "ping"
    plain_ping = endpoint.path == "/practice" and frame == "PING"
    assert frames or pings, (endpoint.path, frame[:200])
    for value in frames:
        if plain_ping:
            assert value == "PONG"
            continue
        assert isinstance(value, dict), (endpoint.path, value)
        if value["type"] == "error":
            assert value["code"] not in ("internal_error", "storage_failed"), value
            assert value["reason"]
    return sum(1 for v in frames if isinstance(v, dict) and v["type"] == "ack")


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking real servers takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    frames=st.lists(
        st.one_of(
            fz.raw_frames(LIMIT),
            fz.json_values.map(
                lambda v: json.dumps({"type": "command", "expect_seq": 5, "command": v})
            ),
            st.just(json.dumps({"type": "chat.message", "message": "\u202e😀\u0301 hi"})),
        ),
        min_size=2,
        max_size=5,
    )
)
def test_every_endpoint_answers_hostile_frames_over_real_sockets(live, frames):
    frames = [*frames, "x" * (UVICORN_MAX + 10)]  # over the server's own limit too
    asyncio.run(_fuzz_all(live, frames))


async def _fuzz_all(live: dict[str, Any], frames: list[str | bytes]) -> None:
    before = counts(live)
    acked = 0
    posted = 0
    for endpoint, cookie in endpoints(live):
        bystander = Socket(live, endpoint, cookie)
        await bystander.open()
        socket = Socket(live, endpoint, cookie)
        await socket.open()
        for frame in frames:
            got, code = await socket.exchange(frame)
            acked += answers(endpoint, frame, got, code)
            posted += sum(1 for v in got if isinstance(v, dict) and v["type"] == "chat.message")
            if code is not None:
                socket = Socket(live, endpoint, cookie)
                await socket.open()
        left, code = await bystander.exchange(None)
        assert code is None
        assert all(v["type"] in ("update", "snapshot", "chat.message") for v in left), left
        await socket.close()
        await bystander.close()
    after = counts(live)
    assert after == (before[0] + posted, before[1] + acked, before[2] + acked)


def counts(live: dict[str, Any]) -> tuple[int, ...]:
    """(chat messages, log entries, the match's seq) in the server's database."""
    out = manage("shell", "-c", COUNT.format(id=live["match"]), env=live["server"].env)
    line = next(line for line in out.splitlines() if line.startswith("COUNTS "))
    return tuple(int(n) for n in line.split()[1:])
