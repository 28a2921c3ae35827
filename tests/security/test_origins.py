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
    # The site's host, but not its origin: another port, another scheme, a look-alike.
    [(b"origin", b"http://localhost:1")],
    [(b"origin", b"https://localhost")],
    [(b"origin", b"http://localhost:80.evil.example")],
    [(b"origin", b"http://localhost"), (b"origin", b"http://evil.example")],
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
            application,
            path.format(id=match_id),
            headers=[(b"host", b"localhost"), *headers, cookie],
        )
        connected, _ = await comm.connect()
        assert not connected, (path, headers)
        await comm.disconnect()
    # The same request from the site's own origin is served.
    comm = WebsocketCommunicator(
        application,
        path.format(id=match_id),
        headers=[(b"host", b"localhost"), (b"origin", b"http://localhost"), cookie],
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


def _allowed(host: str, origin: str, **scope: object) -> bool:
    from realtime.origins import origin_allowed

    headers = [(b"host", host.encode()), (b"origin", origin.encode())]
    return origin_allowed({"type": "websocket", "headers": headers, **scope})


@pytest.mark.parametrize(
    ("host", "origin", "allowed"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", True),
        ("127.0.0.1:8000", "HTTP://127.0.0.1:8000/", True),
        ("127.0.0.1:8000", "http://127.0.0.1:8000.evil.example", False),
        ("127.0.0.1:8000", "http://127.0.0.1:1", False),
        ("127.0.0.1:8000", "https://127.0.0.1:8000", False),
        ("127.0.0.1:8000", "http://127.0.0.1", False),
        ("127.0.0.1:8000", "http://localhost:8000", False),  # another of the allowed hosts
        ("127.0.0.1:8000", "http://user@127.0.0.1:8000", False),
        ("localhost", "http://localhost:80", True),
        ("[::1]:8000", "http://[::1]:8000", True),
        ("evil.example", "http://evil.example", False),  # a Host not in ALLOWED_HOSTS
    ],
)
def test_the_origin_must_be_the_sites_own_scheme_host_and_port(host, origin, allowed):
    assert _allowed(host, origin) is allowed


def test_behind_a_tls_proxy_the_own_origin_is_https(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert _allowed("localhost", "https://localhost", headers=[]) is False  # no Host at all
    assert _allowed("localhost", "https://localhost", scheme="wss")
    assert not _allowed("localhost", "http://localhost", scheme="wss")
    from realtime.origins import origin_allowed

    proxied = [(b"host", b"localhost"), (b"origin", b"https://localhost"),
               (b"x-forwarded-proto", b"https")]  # fmt: skip
    assert origin_allowed({"type": "websocket", "headers": proxied})


def test_csrf_trusted_origins_are_allowed_exactly_and_by_subdomain_wildcard(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://scores.example.com", "https://*.example.org"]
    assert _allowed("localhost", "https://scores.example.com")
    assert not _allowed("localhost", "http://scores.example.com")
    assert not _allowed("localhost", "https://scores.example.com:8443")
    assert _allowed("localhost", "https://live.example.org")
    assert not _allowed("localhost", "https://example.org.evil.example")
    assert not _allowed("localhost", "https://evilexample.org")


@pytest.mark.server
@pytest.mark.slow
def test_a_real_server_refuses_another_port_scheme_or_look_alike_host_with_403(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "sam")
    code = (
        "from django.contrib.auth import get_user_model; from scores.services import matches\n"
        "from tests.scores.helpers import make_match; m = make_match()\n"
        "matches.scorer_grant(user=get_user_model().objects.get(username='sam'), match=m)\n"
        "print(m.id)"
    )
    match_id = int(manage("shell", "-c", code, env=server.env).strip().splitlines()[-1])

    async def attempt(origin: str) -> int | None:
        try:
            async with connect(server.ws_url + f"/ws/matches/{match_id}/score/", origin=origin,
                               additional_headers={"Cookie": f"sessionid={session}"}):  # fmt: skip
                return None
        except InvalidStatus as refused:
            return int(refused.response.status_code)

    async def run() -> None:
        port = server.port
        for origin in (f"http://127.0.0.1:{port}.evil.example", "http://127.0.0.1:1",
                       f"https://127.0.0.1:{port}", f"http://localhost:{port}"):  # fmt: skip
            assert await attempt(origin) == 403, origin
        assert await attempt(server.origin) is None

    asyncio.run(run())
