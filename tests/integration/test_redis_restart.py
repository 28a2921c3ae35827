"""Redis restarts under two server processes: the layer reconnects by itself."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from tests.support.redis_server import PrivateRedis
from tests.support.servers import create_session
from tests.support.ws import recv_type

pytestmark = [
    pytest.mark.server,
    pytest.mark.redis,
    pytest.mark.db,
    pytest.mark.slow,
    pytest.mark.timeout(180),
]


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


async def test_chat_crosses_processes_again_after_redis_restarts(
    start_server, databases, private_redis, layer_prefix
):
    db = databases.fresh()
    a = start_server(
        "uvicorn", database_url=db, redis_url=private_redis.url, layer_prefix=layer_prefix
    )
    b = start_server(
        "uvicorn", database_url=db, redis_url=private_redis.url, layer_prefix=layer_prefix
    )
    cookie = create_session(a.env, "gita")
    headers = {"Cookie": f"sessionid={cookie}"}
    async with (
        connect(
            a.ws_url + "/ws/chat/lobby/", origin=a.origin, additional_headers=headers
        ) as poster,
        connect(b.ws_url + "/ws/chat/lobby/", origin=b.origin) as reader,
    ):
        await poster.send(json.dumps({"type": "chat.message", "message": "before"}))
        assert (await recv_type(reader, "chat.message"))["message"] == "before"

        private_redis.stop()
        await asyncio.sleep(1)
        private_redis.start()

        # The layer reconnects and resubscribes by itself: keep posting until one arrives.
        async with asyncio.timeout(60):  # generous: reconnection is slower on a loaded machine
            while True:
                await poster.send(json.dumps({"type": "chat.message", "message": "after"}))
                try:
                    got = await recv_type(reader, "chat.message", timeout=1)
                except TimeoutError:
                    continue
                assert got["message"] == "after"
                break
        # Both connections survived the outage.
        await poster.send(json.dumps({"type": "chat.message", "message": "steady"}))
        async with asyncio.timeout(5):
            while (await recv_type(reader, "chat.message"))["message"] != "steady":
                pass
