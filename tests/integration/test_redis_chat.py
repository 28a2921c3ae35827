"""Two uvicorn processes sharing a real Redis and one database: chat crosses processes."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from tests.support.servers import create_session, manage
from tests.support.ws import recv_type

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.db]


async def no_message_of(ws, kind, wait=1.0):
    try:
        async with asyncio.timeout(wait):
            while True:
                frame = json.loads(await ws.recv())
                assert frame.get("type") != kind, frame
    except TimeoutError:
        return


def ensure_rooms(server, *slugs):
    code = "from chat.services import room_ensure\n" + "".join(
        f"room_ensure(slug={slug!r}, title={slug!r})\n" for slug in slugs
    )
    manage("shell", "-c", code, env=server.env)


@pytest.fixture
def two_processes(start_server, databases, redis_url, layer_prefix):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    ensure_rooms(a, "match-1", "match-2")
    return a, b


def logged_in(server, username, *, staff=False):
    return {"Cookie": f"sessionid={create_session(server.env, username, staff=staff)}"}


async def test_message_and_deletion_posted_on_one_process_reach_members_on_another(two_processes):
    a, b = two_processes
    room = "/ws/chat/match-1/"
    async with (
        connect(
            a.ws_url + room, origin=a.origin, additional_headers=logged_in(a, "erin")
        ) as poster,
        connect(b.ws_url + room, origin=b.origin) as on_b,
        connect(b.ws_url + room, origin=b.origin) as leaver,
        connect(
            b.ws_url + room, origin=b.origin, additional_headers=logged_in(a, "mod", staff=True)
        ) as moderator,
    ):
        for ws in (poster, on_b, leaver, moderator):
            await recv_type(ws, "chat.history")
        await poster.send(json.dumps({"type": "chat.message", "message": "from A"}))
        got = await recv_type(on_b, "chat.message")
        assert set(got) == {"type", "id", "room", "username", "message", "ts"}
        assert (got["room"], got["username"], got["message"]) == ("match-1", "erin", "from A")
        assert await recv_type(leaver, "chat.message") == got
        assert await recv_type(poster, "chat.message") == got
        await leaver.close()
        # A moderator on process B deletes it; the poster on process A sees it go.
        await recv_type(moderator, "chat.message")
        await moderator.send(json.dumps({"type": "chat.delete", "id": got["id"]}))
        deleted = {"type": "chat.deleted", "id": got["id"], "room": "match-1"}
        assert await recv_type(poster, "chat.deleted") == deleted
        assert await recv_type(on_b, "chat.deleted") == deleted
        # History on either process no longer has it.
        async with connect(a.ws_url + room, origin=a.origin) as late:
            assert (await recv_type(late, "chat.history"))["messages"] == []


async def test_the_rate_limit_holds_across_processes(two_processes):
    a, b = two_processes
    headers = logged_in(a, "gus")
    room = "/ws/chat/match-1/"
    async with (
        connect(a.ws_url + room, origin=a.origin, additional_headers=headers) as on_a,
        connect(b.ws_url + room, origin=b.origin, additional_headers=headers) as on_b,
    ):
        await recv_type(on_a, "chat.history")
        await recv_type(on_b, "chat.history")
        for n in range(5):
            ws = on_a if n % 2 == 0 else on_b
            await ws.send(json.dumps({"type": "chat.message", "message": f"ball {n}"}))
            for member in (on_a, on_b):
                assert (await recv_type(member, "chat.message"))["message"] == f"ball {n}"
        await on_b.send(json.dumps({"type": "chat.message", "message": "sixth"}))
        assert (await recv_type(on_b, "error"))["code"] == "rate_limited"
    async with connect(a.ws_url + room, origin=a.origin) as reader:
        history = await recv_type(reader, "chat.history")
        assert [m["message"] for m in history["messages"]] == [f"ball {n}" for n in range(5)]


async def test_rooms_do_not_leak_across_processes(two_processes):
    a, b = two_processes
    async with (
        connect(
            a.ws_url + "/ws/chat/match-1/", origin=a.origin, additional_headers=logged_in(a, "fred")
        ) as poster,
        connect(b.ws_url + "/ws/chat/match-2/", origin=b.origin) as other_room,
        connect(b.ws_url + "/ws/chat/match-1/", origin=b.origin) as same_room,
    ):
        await recv_type(same_room, "chat.history")
        await poster.send(json.dumps({"type": "chat.message", "message": "only room one"}))
        assert (await recv_type(same_room, "chat.message"))["message"] == "only room one"
        await no_message_of(other_room, "chat.message")


async def test_presence_counts_members_on_both_processes(two_processes):
    a, b = two_processes
    async with (
        connect(
            a.ws_url + "/ws/chat/lobby/", origin=a.origin, additional_headers=logged_in(a, "hal")
        ) as first,
        connect(b.ws_url + "/ws/chat/lobby/", origin=b.origin),
        connect(b.ws_url + "/ws/chat/lobby/", origin=b.origin),
    ):
        async with asyncio.timeout(10):
            while (presence := await recv_type(first, "presence"))["count"] != 3:
                pass
        assert presence["users"] == ["hal"]
        assert presence["anonymous"] == 2
