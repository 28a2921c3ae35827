"""Every WebSocket endpoint refuses a foreign Origin (and a missing one) at the handshake."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from chat.services import room_ensure
from config.asgi import application
from scores.services import matches
from tests.scores.helpers import make_match
from tests.support.auth import session_cookie
from tests.support.servers import create_session, manage

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]

PATHS = ["/", "/practice", "/ws/chat/lobby/", "/ws/matches/{id}/", "/ws/matches/",
         "/ws/matches/{id}/score/"]  # fmt: skip
FOREIGN = [
    [(b"origin", b"http://evil.example")],
    [(b"origin", b"https://localhost.evil.example")],
    [(b"origin", b"null")],
    [],  # no Origin at all
]


@sync_to_async
def setup() -> int:
    room_ensure(slug="lobby", title="Lobby")
    match = make_match()
    sam, _ = get_user_model().objects.get_or_create(username="sam")
    matches.scorer_grant(user=sam, match=match)
    return match.id


@pytest.mark.parametrize("path", PATHS)
async def test_a_foreign_or_missing_origin_is_refused_on_every_endpoint(path):
    match_id = await setup()
    cookie = await session_cookie("sam")
    for headers in FOREIGN:
        comm = WebsocketCommunicator(
            application, path.format(id=match_id), headers=[*headers, cookie]
        )
        connected, _ = await comm.connect()
        assert not connected, (path, headers)
        await comm.disconnect()
    # The same request from the site's own origin is served.
    comm = WebsocketCommunicator(
        application, path.format(id=match_id), headers=[(b"origin", b"http://localhost"), cookie]
    )
    assert (await comm.connect())[0]
    await comm.disconnect()


@pytest.mark.server
@pytest.mark.slow
def test_a_real_server_refuses_a_foreign_origin_with_403_on_every_endpoint(start_server):
    server = start_server("uvicorn")
    code = (
        "from chat.services import room_ensure; from tests.scores.helpers import make_match\n"
        "room_ensure(slug='lobby', title='Lobby'); print(make_match().id)"
    )
    match_id = int(manage("shell", "-c", code, env=server.env).strip().splitlines()[-1])
    session = create_session(server.env, "sam")

    async def attempt(path: str, origin: str) -> int | None:
        try:
            async with connect(server.ws_url + path, origin=origin,
                               additional_headers={"Cookie": f"sessionid={session}"}):  # fmt: skip
                return None
        except InvalidStatus as refused:
            return int(refused.response.status_code)

    async def run() -> None:
        for path in PATHS:
            url = path.format(id=match_id)
            assert await attempt(url, "http://evil.example") == 403, url
            assert await attempt(url, server.origin) is None, url
        # A path that is no endpoint: a 4xx at the handshake, not a server error.
        assert await attempt("/ws/nothing-here/", server.origin) == 403
        assert await attempt("/ws/matches//", server.origin) == 403

    asyncio.run(run())
    assert "Traceback" not in server.log()
