"""Two uvicorn processes sharing a real Redis: a chat message posted on A reaches members on B."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from tests.support.servers import create_session

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.db]


async def recv_json(ws, kind, timeout=5):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == kind:
                return frame


async def no_message_of(ws, kind, wait=1.0):
    try:
        async with asyncio.timeout(wait):
            while True:
                frame = json.loads(await ws.recv())
                assert frame.get("type") != kind, frame
    except TimeoutError:
        return


async def test_message_posted_on_one_process_reaches_members_on_another(
    start_server, databases, redis_url, layer_prefix
):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    cookie = create_session(a.env, "erin")
    headers = {"Cookie": f"sessionid={cookie}"}
    async with (
        connect(
            a.ws_url + "/ws/chat/final/", origin=a.origin, additional_headers=headers
        ) as poster,
        connect(b.ws_url + "/ws/chat/final/", origin=b.origin) as on_b,
        connect(b.ws_url + "/ws/chat/final/", origin=b.origin) as leaver,
    ):
        await poster.send(json.dumps({"type": "chat.message", "message": "from A"}))
        got = await recv_json(on_b, "chat.message")
        assert got == {
            "type": "chat.message",
            "room": "final",
            "username": "erin",
            "message": "from A",
        }
        assert (await recv_json(leaver, "chat.message"))["message"] == "from A"
        await leaver.close()
        await poster.send(json.dumps({"type": "chat.message", "message": "second"}))
        assert (await recv_json(on_b, "chat.message"))["message"] == "second"
        assert (await recv_json(poster, "chat.message"))["message"] == "from A"
        assert (await recv_json(poster, "chat.message"))["message"] == "second"


async def test_rooms_do_not_leak_across_processes(start_server, databases, redis_url, layer_prefix):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    cookie = create_session(a.env, "fred")
    headers = {"Cookie": f"sessionid={cookie}"}
    async with (
        connect(a.ws_url + "/ws/chat/one/", origin=a.origin, additional_headers=headers) as poster,
        connect(b.ws_url + "/ws/chat/two/", origin=b.origin) as other_room,
        connect(b.ws_url + "/ws/chat/one/", origin=b.origin) as same_room,
    ):
        await poster.send(json.dumps({"type": "chat.message", "message": "only room one"}))
        assert (await recv_json(same_room, "chat.message"))["message"] == "only room one"
        await no_message_of(other_room, "chat.message")


async def test_presence_counts_members_on_both_processes(
    start_server, databases, redis_url, layer_prefix
):
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=redis_url, layer_prefix=layer_prefix)
    async with (
        connect(a.ws_url + "/ws/chat/crowd/", origin=a.origin) as first,
        connect(b.ws_url + "/ws/chat/crowd/", origin=b.origin),
        connect(b.ws_url + "/ws/chat/crowd/", origin=b.origin),
    ):
        async with asyncio.timeout(10):
            while (await recv_json(first, "presence"))["count"] != 3:
                pass
