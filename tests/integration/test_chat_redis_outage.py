"""A chat message posted while Redis is down: the poster is told the truth (saved, not yet
broadcast), and sending it again with the same id delivers it once, never stores it twice."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from tests.support.redis_server import PrivateRedis
from tests.support.servers import create_session, manage
from tests.support.ws import recv_type

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.db,
    pytest.mark.slow,
    pytest.mark.timeout(120),
]

ROOM = "/ws/chat/lobby/"


def _stored(server, text: str) -> int:
    code = f"from chat.models import Message; print(Message.objects.filter(body={text!r}).count())"
    return int(manage("shell", "-c", code, env=server.env).strip().splitlines()[-1])


async def test_a_message_saved_during_a_redis_outage_is_sent_once_on_retry(
    start_server, databases, tmp_path, layer_prefix
):
    redis = PrivateRedis(tmp_path).start()
    try:
        server = start_server(
            "uvicorn",
            database_url=databases.fresh(),
            redis_url=redis.url,
            layer_prefix=layer_prefix,
        )
        headers = {"Cookie": f"sessionid={create_session(server.env, 'hana')}"}
        async with connect(server.ws_url + ROOM, origin=server.origin,
                           additional_headers=headers) as poster:  # fmt: skip
            await recv_type(poster, "chat.history")
            post = {"type": "chat.message", "message": "Caught at slip!", "id": "c-1"}
            redis.stop()
            await poster.send(json.dumps(post))
            answer = await recv_type(poster, "error", timeout=30)
            assert answer["code"] == "not_broadcast"
            assert answer["id"] == "c-1"
            assert "saved" in answer["reason"]
            redis.start()
            # The layer resubscribes by itself; a reader who joins now sees it in the history.
            async with asyncio.timeout(60):
                while True:
                    try:
                        async with connect(server.ws_url + ROOM, origin=server.origin) as reader:
                            history = await recv_type(reader, "chat.history")
                            await poster.send(json.dumps(post))  # the poster retries, same id
                            reply = json.loads(await asyncio.wait_for(poster.recv(), 10))
                            while reply["type"] not in ("chat.ack", "error"):
                                reply = json.loads(await asyncio.wait_for(poster.recv(), 10))
                            if reply["type"] == "error":
                                await asyncio.sleep(0.5)  # not resubscribed yet
                                continue
                            assert reply == {"type": "chat.ack", "id": "c-1",
                                             "message_id": answer["message_id"]}  # fmt: skip
                            again = await recv_type(reader, "chat.message")
                            break
                    except OSError:
                        await asyncio.sleep(0.5)
        shown = [m["id"] for m in history["messages"] if m["message"] == "Caught at slip!"]
        assert shown == [answer["message_id"]]
        assert again["id"] == answer["message_id"]
        assert _stored(server, "Caught at slip!") == 1
    finally:
        redis.stop()
