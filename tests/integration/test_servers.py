"""The same app over real sockets under uvicorn, daphne and runserver (real websockets client)."""

import json
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.servers import create_session
from tests.support.ws import recv_type

pytestmark = [pytest.mark.server, pytest.mark.db]

SERVERS = ["uvicorn", "daphne", "runserver"]


@pytest.fixture(params=SERVERS)
def server(request, start_server):
    return start_server(request.param)


async def test_practice_answers_ping_and_survives_bad_frames(server):
    async with connect(server.ws_url + "/practice", origin=server.origin) as ws:
        await ws.send("PING")
        assert await ws.recv() == "PONG"
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv()) == {"type": "pong"}
        await ws.send(b"\x00binary")
        assert json.loads(await ws.recv())["code"] == "binary_not_accepted"
        await ws.send("{broken")
        assert json.loads(await ws.recv())["code"] == "invalid_json"
        await ws.send("PING")
        assert await ws.recv() == "PONG"


async def test_raw_app_at_the_websocket_root_answers_ping(server):
    async with connect(server.ws_url + "/", origin=server.origin) as ws:
        await ws.send("ping")
        assert await ws.recv() == "pong!"
        await ws.send(b"\x01")
        assert (await ws.recv()).startswith("error:")
        await ws.send("ping")
        assert await ws.recv() == "pong!"


def test_http_root_is_still_the_django_home_page(server):
    with urllib.request.urlopen(server.http_url + "/") as response:
        assert response.status == 200
        assert b"Crease" in response.read()


async def test_chat_between_two_real_clients(server):
    cookie = create_session(server.env, "dora")
    async with (
        connect(server.ws_url + "/ws/chat/lobby/", origin=server.origin,
                additional_headers={"Cookie": f"sessionid={cookie}"}) as poster,
        connect(server.ws_url + "/ws/chat/lobby/", origin=server.origin) as reader,
    ):  # fmt: skip
        await poster.send(json.dumps({"type": "chat.message", "message": "Over!"}))
        got = await recv_type(reader, "chat.message")
        assert {k: got[k] for k in ("type", "room", "username", "message")} == {
            "type": "chat.message",
            "room": "lobby",
            "username": "dora",
            "message": "Over!",
        }
        assert isinstance(got["id"], int)
        assert got["ts"].endswith("Z")
        await reader.send(json.dumps({"type": "chat.message", "message": "me too"}))
        assert (await recv_type(reader, "error"))["code"] == "login_required"


async def test_a_foreign_origin_is_refused_with_403(server):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(server.ws_url + "/practice", origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_raw_app_runs_on_its_own_under_uvicorn(start_server):
    raw = start_server("uvicorn", app="practice.raw:websocket_application", ready_path=None)
    async with connect(raw.ws_url + "/") as ws:
        await ws.send("ping")
        assert await ws.recv() == "pong!"
