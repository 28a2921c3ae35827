"""Size limits on every message and request, and the per-IP connection limits' gaps."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.test import AsyncClient, Client

from chat.services import room_ensure
from scores.models import LogEntry
from scores.services import matches, tokens
from tests.config.test_settings import PRODUCTION, SHOW, run
from tests.scores.helpers import events, make_match
from tests.support.auth import session_cookie
from tests.support.ws import communicator, receive_until

pytestmark = [
    pytest.mark.usefixtures("hub_teardown"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.db,
]

JSON_PATHS = ["/practice", "/ws/chat/lobby/", "/ws/matches/{id}/", "/ws/matches/",
              "/ws/matches/{id}/score/"]  # fmt: skip


@sync_to_async
def setup() -> tuple[int, str]:
    room_ensure(slug="lobby", title="Lobby")
    match = make_match()
    sam, _ = get_user_model().objects.get_or_create(username="sam")
    matches.scorer_grant(user=sam, match=match)
    return match.id, tokens.scorer_token_create(user=sam)[1]


async def _first_reply(comm):
    """Skip what an endpoint sends on connect (snapshot, history, list, presence)."""
    while True:
        output = await comm.receive_output(3)
        if output["type"] == "websocket.close":
            return output
        frame = json.loads(output["text"]) if output["text"].startswith("{") else output["text"]
        if isinstance(frame, dict) and frame.get("type") in ("error", "pong"):
            return frame


@pytest.mark.parametrize("path", JSON_PATHS)
async def test_every_endpoint_closes_1009_on_a_frame_over_the_configured_limit(settings, path):
    settings.CREASE_MAX_MESSAGE_BYTES = 1000
    match_id, _ = await setup()
    comm = communicator(path.format(id=match_id), headers=[await session_cookie("sam")])
    assert (await comm.connect())[0]
    at_limit = json.dumps({"type": "ping", "pad": ""})
    await comm.send_to(text_data=at_limit[:-2] + "x" * (1000 - len(at_limit)) + '"}')
    served = await _first_reply(comm)  # exactly at the limit: served (chat knows no ping)
    assert served["type"] == ("error" if "chat" in path else "pong")
    assert served.get("code") in (None, "unknown_type")
    # Over it in bytes though not in characters (each é is two bytes).
    await comm.send_to(text_data=json.dumps({"type": "ping", "pad": "é" * 500}))
    error = await _first_reply(comm)
    assert error["code"] == "message_too_big"
    assert (await comm.receive_output())["code"] == 1009
    await comm.disconnect()


async def test_the_root_app_closes_1009_over_the_limit():
    comm = communicator("/")
    assert (await comm.connect())[0]
    await comm.send_to(text_data="x" * (64 * 1024 + 1))
    assert (await comm.receive_from()).startswith("error: frames are limited to")
    assert (await comm.receive_output())["code"] == 1009
    await comm.disconnect()


async def test_chat_messages_and_commentary_over_500_characters_are_refused():
    match_id, token = await setup()
    comm = communicator("/ws/chat/lobby/", headers=[await session_cookie("sam")])
    assert (await comm.connect())[0]
    await receive_until(comm, "chat.history")
    await comm.send_json_to({"type": "chat.message", "message": "m" * 501})
    assert (await receive_until(comm, "error"))["code"] == "message_too_long"
    await comm.disconnect()
    response = await AsyncClient().post(
        f"/api/matches/{match_id}/events", content_type="application/json",
        data=json.dumps({"command": events(1)[0], "commentary": "c" * 501}),
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code == 400
    assert await sync_to_async(LogEntry.objects.count)() == 0


async def test_the_api_refuses_a_body_over_16_kib():
    match_id, token = await setup()
    body = json.dumps({"command": events(1)[0], "id": "x" * (16 * 1024)})
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/matches/{match_id}/events"
    response = await AsyncClient().post(url, data=body, content_type="application/json",
                                        headers=auth)  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert await sync_to_async(LogEntry.objects.count)() == 0


def test_a_form_post_over_the_upload_limit_is_refused(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = Client().post("/accounts/login/", {"username": "x" * 20_000, "password": "p"})
    assert response.status_code == 400


# Per-IP limits: tests/config/test_operations.py covers the two limits; these cover the gaps.


def _from(ip: str, *headers: tuple[bytes, bytes]):
    comm = communicator("/practice", headers=list(headers))
    comm.scope["client"] = (ip, 50000)  # the app task has not started yet
    return comm


async def _refused(comm) -> bool:
    connected, _ = await comm.connect()
    assert connected
    await comm.send_to(text_data="PING")
    output = await comm.receive_output()
    if output["type"] == "websocket.close":
        assert output["code"] == 4029
        return True
    assert output["text"] == "PONG"
    return False


async def test_one_ips_limit_does_not_refuse_another_ip(settings):
    settings.CREASE_WS_MAX_OPEN_PER_IP = 1
    first = _from("10.0.0.1")
    assert not await _refused(first)
    assert await _refused(_from("10.0.0.1"))
    other = _from("10.0.0.2")
    assert not await _refused(other)
    for comm in (first, other):
        await comm.disconnect()


async def test_x_forwarded_for_cannot_dodge_the_limit_unless_the_proxy_is_trusted(settings):
    settings.CREASE_WS_MAX_OPEN_PER_IP = 1
    settings.CREASE_TRUSTED_PROXIES = 0
    first = _from("10.0.0.1", (b"x-forwarded-for", b"1.1.1.1"))
    assert not await _refused(first)
    # A forged header from the same peer is ignored: still that peer's second connection.
    assert await _refused(_from("10.0.0.1", (b"x-forwarded-for", b"2.2.2.2")))
    await first.disconnect()
    settings.CREASE_TRUSTED_PROXIES = 1
    # Behind one trusted proxy, the hop it appended is the client; what the client wrote
    # before it changes nothing.
    proxied = [_from("10.9.9.9", (b"x-forwarded-for", f"6.6.6.{n}, 3.3.3.{n}".encode()))
               for n in (1, 2)]  # fmt: skip
    assert not await _refused(proxied[0])
    assert not await _refused(proxied[1])  # two clients behind one trusted proxy
    assert await _refused(_from("10.9.9.9", (b"x-forwarded-for", b"7.7.7.7, 3.3.3.1")))
    for comm in proxied:
        await comm.disconnect()


def test_the_per_ip_limits_are_on_in_production_and_configurable():
    expr = "s.CREASE_WS_MAX_OPEN_PER_IP, s.CREASE_WS_NEW_PER_IP_PER_MINUTE"
    done = run(SHOW.format(expr=expr), **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2000", "1200"]
    done = run(SHOW.format(expr=expr), **PRODUCTION, CREASE_WS_MAX_OPEN_PER_IP="7",
               CREASE_WS_NEW_PER_IP_PER_MINUTE="30")  # fmt: skip
    assert done.stdout.split() == ["7", "30"]
