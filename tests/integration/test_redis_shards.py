"""Groups sharded over two Redis servers (REDIS_URL lists both) and shared by two processes."""

from __future__ import annotations

import json
import urllib.request

import pytest
import redis
from channels_redis.utils import _consistent_hash
from websockets.asyncio.client import connect

from realtime.groups import chat_group
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


@pytest.fixture
def two_redis(tmp_path):
    first = PrivateRedis(tmp_path / "a")
    second = PrivateRedis(tmp_path / "b")
    for server in (first, second):
        server.workdir.mkdir()
        server.start()
    yield first, second
    for server in (first, second):
        server.stop()


def _channel(prefix: str, slug: str) -> str:
    """The Redis channel of a room's group, as channels_redis' pub/sub layer names it."""
    return f"{prefix}__group__{chat_group(slug)}"


def _rooms_on_each_shard(prefix: str) -> list[str]:
    """One room slug whose group hashes to each of the two servers (in REDIS_URL's order)."""
    found: dict[int, str] = {}
    for n in range(100):
        slug = f"shard-{n}"
        found.setdefault(_consistent_hash(_channel(prefix, slug), 2), slug)
        if len(found) == 2:
            return [found[0], found[1]]
    raise AssertionError("no room for one of the shards")


def _readyz(server) -> dict:
    with urllib.request.urlopen(server.http_url + "/readyz", timeout=5) as response:
        return json.loads(response.read())


async def test_groups_sharded_over_two_redis_servers_reach_fans_of_both_processes(
    start_server, databases, two_redis, layer_prefix
):
    first, second = two_redis
    url = f"{first.url},{second.url}"
    db = databases.fresh()
    a = start_server("uvicorn", database_url=db, redis_url=url, layer_prefix=layer_prefix)
    b = start_server("uvicorn", database_url=db, redis_url=url, layer_prefix=layer_prefix)
    rooms = _rooms_on_each_shard(layer_prefix)
    manage(
        "shell", "-c",
        "from chat.models import Room\n"
        + "".join(f"Room.objects.create(slug={slug!r}, title={slug!r})\n" for slug in rooms),
        env=a.env,
    )  # fmt: skip
    assert _readyz(a)["redis"] == "ok"  # every server of the layer answers
    headers = {"Cookie": f"sessionid={create_session(a.env, 'gita')}"}

    for shard, slug in enumerate(rooms):
        path = f"/ws/chat/{slug}/"
        async with (
            connect(a.ws_url + path, origin=a.origin, additional_headers=headers) as poster,
            connect(b.ws_url + path, origin=b.origin) as reader,
        ):
            await recv_type(reader, "chat.history")
            await recv_type(poster, "chat.history")
            await poster.send(json.dumps({"type": "chat.message", "message": f"on {shard}"}))
            # Posted through process A, heard through process B: across the room's shard.
            assert (await recv_type(reader, "chat.message"))["message"] == f"on {shard}"

            # The group's channel lives on its own shard only: one subscription per process.
            channel = _channel(layer_prefix, slug)
            subscribers = []
            for server in (first, second):
                client = redis.Redis.from_url(server.url)
                subscribers.append(int(dict(client.pubsub_numsub(channel))[channel.encode()]))
                client.close()
            expected = [2, 0] if shard == 0 else [0, 2]
            assert subscribers == expected, (slug, subscribers)

    assert "Traceback" not in a.log() + b.log()
