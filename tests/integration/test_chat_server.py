"""Chat on a real uvicorn process with the real `websockets` client."""

import json

import pytest
from websockets.asyncio.client import connect

from tests.support.servers import create_session, manage
from tests.support.ws import recv_type

pytestmark = [pytest.mark.server, pytest.mark.db]


async def test_fans_chat_load_history_and_hit_the_limits_on_a_real_server(start_server):
    server = start_server("uvicorn")
    manage(
        "shell",
        "-c",
        "from chat.services import room_ensure; room_ensure(slug='match-1', title='Final')",
        env=server.env,
    )
    cookie = {"Cookie": f"sessionid={create_session(server.env, 'ann')}"}
    url = server.ws_url + "/ws/chat/match-1/"
    async with (
        connect(url, origin=server.origin, additional_headers=cookie) as ann,
        connect(url, origin=server.origin) as reader,
    ):
        assert (await recv_type(ann, "chat.history"))["messages"] == []
        await recv_type(reader, "chat.history")
        await ann.send(json.dumps({"type": "chat.message", "message": "<script>x</script>"}))
        got = await recv_type(reader, "chat.message")
        assert got["message"] == "<script>x</script>"
        await reader.send(json.dumps({"type": "chat.message", "message": "me too"}))
        assert (await recv_type(reader, "error"))["code"] == "login_required"
        await ann.send(json.dumps({"type": "chat.message", "message": " "}))
        assert (await recv_type(ann, "error"))["code"] == "empty_message"
    async with connect(url, origin=server.origin) as late:
        history = await recv_type(late, "chat.history")
        assert [m["message"] for m in history["messages"]] == ["<script>x</script>"]
    async with connect(server.ws_url + "/ws/chat/match-9/", origin=server.origin) as missing:
        assert (await recv_type(missing, "error"))["code"] == "not_found"
        await missing.wait_closed()
        assert missing.close_code == 4004
